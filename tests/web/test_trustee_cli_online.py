"""``asamblea trustee`` against a real server (uvicorn on a loopback port), on both databases:
three trustees make the key with join/send/receive from their own secret files, members cast
encrypted ballots, the vote closes, two trustees submit their decryption shares and the third
stays away; the published board verifies. A trustee who receives a share that fails its
sender's commitments complains, and the vote cannot open with that key."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import typer
import uvicorn
from fastapi import FastAPI
from nacl.public import PublicKey, SealedBox
from nacl.pwhash import argon2id
from typer.testing import CliRunner

from asamblea.cli import trustee as trustee_cli
from asamblea.clock import utcnow
from asamblea.core.crypto.ballot import encrypt_ballot
from asamblea.core.crypto.board import ballot_json
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.errors import Conflict
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState, make_spec
from asamblea.services.encrypted_votes import ballots, ceremony, closing
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from tests.web.conftest import PASSWORD, unique

PASSPHRASE = "una frase de custodia bastante larga"


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(250):
        if running.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASAMBLEA_TRUSTEE_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("ASAMBLEA_PASSWORD", PASSWORD)
    monkeypatch.delenv("ASAMBLEA_TOKEN", raising=False)
    # Argon2id at its minimum here only (the file records its limits; users get moderate).
    monkeypatch.setitem(trustee_cli.LIMITS, "interactive",
                        (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN))


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    trustee_cli.register(app)
    return app


def run(action: str, server: str, vote_id: int, user: str, secret: Path) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), [
        "trustee", action, "--server", server, "--vote", str(vote_id), "--user", user,
        "--secret", str(secret), "--kdf", "interactive"])
    return result.exit_code, result.output


def _draft(app: FastAPI, members: int) -> tuple[int, list[str], list[Person]]:
    names = [unique("cus") for _ in range(members)]
    with app.state.web.sessions.begin() as db:
        people = [accounts.register(db, name, PASSWORD) for name in names]
        union = federation.create_assembly(
            db, people[0], name=unique("Sindicato"), kind=AssemblyKind.UNION, parent_id=None,
            assembly_rules=AssemblyRules(vouches_needed=1))
        for person in people[1:]:
            federation.vouch(db, people[0], federation.request_to_join(db, person, union.id).id)
        now = utcnow()
        spec = make_spec(question="¿Qué hacemos?", options=["Paro", "Marcha", "Plantón"],
                         rule="plurality", seats=1, threshold="simple", quorum_percent=0,
                         mode=Mode.SECRET, public=False, opens_at=now,
                         closes_at=now + timedelta(hours=1))
        vote_id = votes.draft_vote(db, people[0], union.id, spec).id
        ceremony.make_encrypted(db, people[0], vote_id, [p.id for p in people[:3]], 2)
    return vote_id, names, people


def test_three_trustees_from_their_computers_two_decrypt(
    app: FastAPI, server: str, tmp_path: Path
) -> None:
    vote_id, names, people = _draft(app, 5)
    files = [tmp_path / f"custodia-{i}.json" for i in (1, 2, 3)]
    for action in ("join", "send", "receive"):
        for name, secret in zip(names[:3], files, strict=True):
            code, output = run(action, server, vote_id, name, secret)
            assert code == 0, output
    code, output = run("join", server, vote_id, names[0], files[0])
    assert code == 2
    assert "ya existe" in output
    key = app.state.web.signing_key
    with app.state.web.sessions.begin() as db:
        votes.open_vote(db, people[0], vote_id, utcnow())
        _, election = ballots.election_for(db, people[0], vote_id)
        for person, choice in zip(people, [1, 1, 0, 2, 1], strict=True):
            selections = [int(i == choice) for i in range(3)]
            made = ballot_json(encrypt_ballot(election, selections)[0])
            ballots.cast_encrypted(db, person, vote_id, made, now=utcnow(), key=key)
        closing.close_encrypted(db, people[0], vote_id, utcnow() + timedelta(hours=2), key)
    code, output = run("submit", server, vote_id, names[1], files[0])
    assert code == 1  # trustee 2 cannot use trustee 1's file
    assert "otro custodio" in output
    for name, secret in ((names[0], files[0]), (names[2], files[2])):  # trustee 2 is absent
        code, output = run("submit", server, vote_id, name, secret)
        assert code == 0, output
    code, output = run("submit", server, vote_id, names[0], files[0])
    assert code == 1
    with app.state.web.sessions.begin() as db:
        published = closing.board(db, people[1], vote_id, key)
        state = votes.vote_view(db, people[1], vote_id).vote.state
    assert state is VoteState.PUBLISHED
    assert published.counts == (1, 3, 1)
    assert {s.trustee for s in published.shares} == {1, 3}
    assert verify_encrypted_board(published) == []


def test_a_bad_share_is_complained_of_and_the_vote_cannot_open(
    app: FastAPI, server: str, tmp_path: Path
) -> None:
    vote_id, names, people = _draft(app, 3)
    files = [tmp_path / f"custodia-{i}.json" for i in (1, 2, 3)]
    for name, secret in zip(names, files, strict=True):
        assert run("join", server, vote_id, name, secret)[0] == 0
    for name, secret in zip(names[:2], files[:2], strict=True):
        assert run("send", server, vote_id, name, secret)[0] == 0
    with app.state.web.sessions.begin() as db:  # trustee 3 seals a share that is not f_3(j)
        view = ceremony.ceremony_view(db, people[2], vote_id)
        boxes = {t.number: PublicKey(bytes.fromhex(t.box_key or "")) for t in view.trustees}
        wrong = (7).to_bytes(32, "little")
        ceremony.send_shares(db, people[2], vote_id,
                             {j: SealedBox(boxes[j]).encrypt(wrong).hex() for j in (1, 2)})
    code, output = run("receive", server, vote_id, names[0], files[0])
    assert code == 1
    assert "denuncia" in output
    assert json.loads(files[0].read_text())["schema"] == "asamblea-trustee-secret/1"
    with app.state.web.sessions.begin() as db:
        assert EncryptedVoteRepository(db).complaints(vote_id) == [(1, 3)]
        with pytest.raises(Conflict):
            ceremony.confirm_shares(db, people[0], vote_id)
    with app.state.web.sessions.begin() as db, pytest.raises(Conflict):
        votes.open_vote(db, people[0], vote_id, utcnow())
