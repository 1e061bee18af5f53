"""Encrypted vote in a real browser against the real server: three trustees (threshold two)
hold the key, made through the services as their tools would; a member with JavaScript
encrypts in chromium, audits one ballot (published, never counted), encrypts again and casts;
a member without JavaScript is told plainly that casting needs it. Closed, one trustee absent,
two decrypt; the published board verifies and counts the browser's ballot."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import sessionmaker

from asamblea.clock import utcnow
from asamblea.core.crypto.board import share_json
from asamblea.core.crypto.tally import make_share, tally_ciphertexts
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.votes import Mode, make_spec
from asamblea.services.encrypted_votes import ballots, ceremony, closing
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.database import make_engine
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from tests.browser.conftest import LiveServer, OpenVisitor
from tests.browser.test_federation_journey import PASSWORD, log_in
from tests.services.test_encrypted_votes import run_ceremony
from tests.web.conftest import unique

pytestmark = pytest.mark.browser
KEY = votes.signing_key("clave-de-prueba-" * 4)
TRACKER = re.compile(r"^[0-9a-f]{64}$")


def test_encrypt_audit_and_cast_in_the_browser(
    live_server: LiveServer, open_visitor: OpenVisitor
) -> None:
    engine = make_engine(f"sqlite:///{live_server.instance_dir / 'asamblea.sqlite3'}")
    sessions = sessionmaker(engine, expire_on_commit=False)
    names = [unique("cif") for _ in range(4)]
    with sessions.begin() as db:
        people = [accounts.register(db, name, PASSWORD) for name in names]
        union = federation.create_assembly(
            db,
            people[0],
            name=f"Sindicato {names[0]}",
            kind=AssemblyKind.UNION,
            parent_id=None,
            assembly_rules=AssemblyRules(vouches_needed=1),
        )
        for person in people[1:]:
            federation.vouch(db, people[0], federation.request_to_join(db, person, union.id).id)
        now = utcnow()
        spec = make_spec(
            question="¿Qué acción hacemos?",
            options=["Paro", "Marcha"],
            rule="plurality",
            seats=1,
            threshold="simple",
            quorum_percent=0,
            mode=Mode.SECRET,
            public=False,
            opens_at=now,
            closes_at=now + timedelta(hours=1),
        )
        vote_id = votes.draft_vote(db, people[0], union.id, spec).id
        ceremony.make_encrypted(db, people[0], vote_id, [p.id for p in people[:3]], 2)
        secrets = run_ceremony(db, vote_id, people[:3])
        votes.open_vote(db, people[0], vote_id, utcnow())
    path = f"/votaciones/{vote_id}"

    without = open_visitor(names[2], javascript=False)
    log_in(without, names[2], path)
    expect(without.page.locator("#encrypted-needs-js")).to_be_visible()
    expect(without.page.locator("#encrypted-form")).to_be_hidden()
    expect(without.page.locator(f'form[action="{path}/votar"]')).to_have_count(0)

    voter = open_visitor(names[1])
    log_in(voter, names[1], path)
    page = voter.page
    expect(page.locator("#encrypted-needs-js")).to_be_hidden()
    page.locator('#encrypted-form input[value="0"]').check()
    page.locator("#encrypt-button").click()
    expect(page.locator("#encrypted-tracker")).to_have_text(TRACKER)
    page.locator("#audit-button").click()
    expect(page.locator("#encrypted-status")).to_have_attribute("data-audit", "ok")
    page.locator('#encrypted-form input[value="1"]').check()
    page.locator("#encrypt-button").click()
    expect(page.locator("#encrypted-tracker")).to_have_text(TRACKER)
    tracker = page.locator("#encrypted-tracker").inner_text()
    page.locator("#cast-button").click()
    expect(page.locator("#encrypted-status")).to_have_attribute("data-tracker", tracker)
    assert voter.offsite == []
    assert voter.console_errors == []

    with sessions.begin() as db:
        _, election = ballots.election_for(db, people[0], vote_id)
        assert len(EncryptedVoteRepository(db).audits(vote_id)) == 1
        later = utcnow() + timedelta(hours=2)
        closing.close_encrypted(db, people[0], vote_id, later, KEY)
        board = closing.board(db, people[0], vote_id, KEY)
        tally = tally_ciphertexts([[o.ciphertext for o in b.options] for b in board.ballots], 2)
        for secret in (secrets[0], secrets[2]):
            assert secret.secret is not None
            share = make_share(board.manifest.election_hash(), secret.index, secret.secret, tally)
            closing.submit_share(db, people[secret.index - 1], vote_id, share_json(share), KEY)
        published = closing.board(db, people[1], vote_id, KEY)
    engine.dispose()
    assert published.counts == (0, 1)
    assert len(published.audited) == 1
    assert published.audited[0].selections == (1, 0)
    assert verify_encrypted_board(published) == []
    assert election.options == 2
