"""Crash safety of encrypted casting, on both databases: the real server is killed mid-stream.

As tests/services/test_crash_safety.py, with encrypted ballots: three trustees (threshold two)
hold the key; clients post ballots encrypted and proven on their side; once a good share of
trackers has come back the server gets SIGKILL while casts are in flight (their proofs being
checked, or waiting for the group commit). It is restarted on the same database, the died
requests are retried with the same ballot, everybody else votes; the vote is closed, two
trustees decrypt, and the published board is downloaded. Then: every tracker a client got back
is on the board exactly once, the only other ballots there are the died requests whose retry
was refused as already cast, every voter's ballot is there once, and the board verifies with
the right counts. The server's own log, from both runs, holds no nonce and no trustee secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.crypto.ballot import EncryptedBallot, encrypt_ballot, tracker
from asamblea.core.crypto.board import EncryptedBoard, ballot_json, share_json
from asamblea.core.crypto.tally import make_share, tally_ciphertexts
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.people import Person
from asamblea.formats.encrypted_board import load_encrypted_board
from asamblea.formats.trustee import TrusteeSecret, own_share
from asamblea.services.encrypted_votes import ballots, ceremony
from asamblea.store.database import make_sessionmaker
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.factories import union_with_open_vote
from tests.services.test_crash_safety import (
    HTTP_TIMEOUT,
    KILL_AFTER,
    Casting,
    Server,
    cast_rest,
    cast_until_killed,
    log_in,
    server_environment,
)
from tests.services.test_encrypted_votes import run_ceremony

VOTERS = 60
OPTIONS = 3
TRUSTEES = (1, 2, 3)  # people[1..3]; threshold two
PRESENT = (1, 3)  # trustee 2 stays away


@dataclass
class EncryptedElection:
    """An encrypted vote opened in-process (committed) before the server starts, and each
    voter's ballot, made on the voter's side with the nonces only the voter holds."""

    url: str
    vote_id: int
    usernames: list[str]
    secrets: list[TrusteeSecret]
    made: list[EncryptedBallot]
    nonces: list[tuple[bytes, ...]]
    choices: list[int | None]


@pytest.fixture(params=BACKENDS)
def encrypted(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EncryptedElection]:
    url, schema = new_database(str(request.param), tmp_path)
    engine = engine_for(url)
    secrets: list[TrusteeSecret] = []

    def make_encrypted(db: Session, people: list[Person], vote_id: int) -> None:
        trustees = [people[i] for i in TRUSTEES]
        ceremony.make_encrypted(db, people[0], vote_id, [p.id for p in trustees], 2)
        secrets.extend(run_ceremony(db, vote_id, trustees))

    try:
        with make_sessionmaker(engine).begin() as db:
            people, vote_id = union_with_open_vote(
                db, VOTERS, now=utcnow(), closes_in=timedelta(hours=2), before_open=make_encrypted
            )
            _, election = ballots.election_for(db, people[0], vote_id)
        engine.dispose()
        choices: list[int | None] = [None if v % 7 == 0 else v % OPTIONS for v in range(VOTERS)]
        made = [encrypt_ballot(election, [int(i == c) for i in range(OPTIONS)]) for c in choices]
        yield EncryptedElection(
            url,
            vote_id,
            [p.username for p in people],
            secrets,
            [ballot for ballot, _ in made],
            [nonces for _, nonces in made],
            choices,
        )
    finally:
        engine.dispose()
        drop_database(url, schema)


def test_trackers_survive_sigkill(encrypted: EncryptedElection, tmp_path: Path) -> None:
    server = Server(server_environment(encrypted.url, tmp_path), tmp_path / "server.log")
    bodies = [{"ballot": ballot_json(ballot)} for ballot in encrypted.made]
    casting = Casting(
        f"/api/v1/votes/{encrypted.vote_id}/encrypted-ballots",
        lambda voter: bodies[voter],
        "tracker",
        VOTERS,
    )
    try:
        server.start()
        tokens = log_in(server.url, encrypted.usernames)
        tally = cast_until_killed(server, casting, tokens)
        assert not tally.errors, tally.errors
        assert len(tally.receipts) >= KILL_AFTER
        assert tally.died, "no cast was in flight when the server was killed"

        server.start()  # the same database, a new process
        retried = cast_rest(server.url, casting, tokens, tally)
        board = _close_decrypt_download(server.url, encrypted, tokens)
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- server log ---\n{server.tail()}") from error
    finally:
        server.stop()

    expected = [tracker(ballot).hex() for ballot in encrypted.made]
    assert all(tally.receipts[v] == expected[v] for v in tally.receipts)
    on_board = [tracker(ballot).hex() for ballot in board.ballots]
    assert len(set(on_board)) == len(on_board), "a ballot appears twice on the board"
    # A died request either made it into the box (its retry is refused: already voted) or it
    # did not (the retry is cast): never both, and nothing else is in the box.
    assert set(retried.values()) <= {201, 409}, retried
    first_recorded = {v for v, status in retried.items() if status == 409}
    acknowledged = {expected[v] for v in tally.receipts}
    assert set(on_board) == acknowledged | {expected[v] for v in first_recorded}
    assert acknowledged.isdisjoint({expected[v] for v in first_recorded})
    assert len(on_board) == board.voters == VOTERS
    assert verify_encrypted_board(board) == []
    counts = [sum(c == i for c in encrypted.choices) for i in range(OPTIONS)]
    assert board.counts == tuple(counts)

    log = server.log_path.read_text(encoding="utf-8", errors="replace").lower()
    secrets = [n.hex() for nonces in encrypted.nonces for n in nonces]
    for secret in encrypted.secrets:
        assert secret.secret is not None
        secrets += [secret.secret.hex(), own_share(secret).hex()]
        secrets += [c.hex() for c in secret.coefficients]
    assert not [s for s in secrets if s in log], "a nonce or trustee secret is in the log"


def _close_decrypt_download(
    url: str, encrypted: EncryptedElection, tokens: list[str]
) -> EncryptedBoard:
    """Close (the facilitator), a share from each present trustee, the published board."""
    board_path = f"/api/v1/votes/{encrypted.vote_id}/encrypted-board"
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as http:

        def call(method: str, path: str, who: int, **body: Any) -> httpx.Response:
            headers = {"authorization": f"Bearer {tokens[who]}"}
            return http.request(method, path, headers=headers, **body)

        closed = call("POST", f"/api/v1/votes/{encrypted.vote_id}/close", 0)
        assert closed.status_code == 200, closed.text
        sealed = load_encrypted_board(call("GET", board_path, 0).content)
        tally = tally_ciphertexts(
            [[o.ciphertext for o in b.options] for b in sealed.ballots], OPTIONS
        )
        for number in PRESENT:
            secret = encrypted.secrets[number - 1]
            assert secret.secret is not None
            share = make_share(sealed.manifest.election_hash(), number, secret.secret, tally)
            sent = call(
                "POST",
                f"/api/v1/votes/{encrypted.vote_id}/decryption-shares",
                TRUSTEES[number - 1],
                json={"share": share_json(share)},
            )
            assert sent.status_code == 200, sent.text
        answer = call("GET", board_path, 0)
        assert answer.status_code == 200, answer.text
    return load_encrypted_board(answer.content)
