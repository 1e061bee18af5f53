"""Encrypted vote in real browsers against the real server, from the key to the verified result.

Three trustees (threshold two) make the election key **in their own browsers** on their trustee
page: each makes a secret key kept locked in that browser, publishes commitments, seals shares to
the others and checks the ones sent to them. A member with JavaScript encrypts in chromium,
audits one ballot (published, never counted), encrypts again and casts; a member without
JavaScript is told plainly that casting, and a trustee's steps, need it. Closed; trustee 1
decrypts in the browser, trustee 3 with ``asamblea trustee`` from the secret file downloaded from
their browser, over the API; trustee 2 is absent. The published board verifies and counts the
browser's ballot."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import sessionmaker

from asamblea.cli import trustee_online
from asamblea.clock import utcnow
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.votes import Mode, make_spec
from asamblea.services.encrypted_votes import ceremony, closing
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.database import make_engine
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from tests.browser.conftest import TIMEOUT_MS, LiveServer, OpenVisitor, Visitor
from tests.browser.test_federation_journey import PASSWORD, log_in
from tests.web.conftest import unique

pytestmark = pytest.mark.browser
KEY = votes.signing_key("clave-de-prueba-" * 4)
TRACKER = re.compile(r"^[0-9a-f]{64}$")
PASSPHRASE = "frase de custodia muy larga"
#: Argon2id in the browser at libsodium's interactive limits takes a few seconds on a loaded box.
SLOW_MS = 6 * TIMEOUT_MS


def step(visitor: Visitor, expected: str) -> Page:
    """Refresh the trustee page's state and wait for the step it shows."""
    page = visitor.page
    page.locator("#trustee-refresh").click()
    expect(page.locator("#trustee")).to_have_attribute("data-step", expected, timeout=SLOW_MS)
    return page


def act(visitor: Visitor, expected: str) -> None:
    """Do the step the page offers (typing the passphrase if it asks) and wait until it is done."""
    page = step(visitor, expected)
    if page.locator("#trustee-passphrase").is_visible():
        page.locator("#trustee-passphrase").fill(PASSPHRASE)
    page.locator("#trustee-action").click()
    page.wait_for_function(
        "s => document.getElementById('trustee').dataset.step !== s"
        " || document.getElementById('trustee-status').dataset.error",
        arg=expected,
        timeout=SLOW_MS,
    )
    assert page.locator("#trustee-status").get_attribute("data-error") is None, (
        page.locator("#trustee-status").inner_text()
    )


def test_trustees_make_the_key_in_their_browsers_and_decrypt(
    live_server: LiveServer, open_visitor: OpenVisitor, tmp_path: Path
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
    path = f"/votaciones/{vote_id}"
    custody = f"{path}/custodia"

    blind = open_visitor(names[2], javascript=False)
    log_in(blind, names[2], custody)
    blind.go(custody)
    expect(blind.page.locator("#trustee-needs-js")).to_be_visible()
    expect(blind.page.locator("#trustee")).to_be_hidden()

    trustees = [open_visitor(name) for name in names[:3]]
    for visitor in trustees:
        log_in(visitor, visitor.name, path)
        visitor.page.locator("#enlace-custodia").click()
        expect(visitor.page).to_have_url(visitor.base_url + custody)
        visitor.go(custody)
    for visitor in trustees:
        act(visitor, "generate")
    for visitor in trustees:
        act(visitor, "unlock_send")
    for visitor in trustees:
        act(visitor, "check")
        expect(visitor.page.locator("#trustee-step")).to_contain_text("lista y confirmada")
    secret_file = tmp_path / "custodia-3.json"
    with trustees[2].page.expect_download() as download:
        trustees[2].page.locator("#trustee-download").click()
    download.value.save_as(secret_file)

    with sessions.begin() as db:
        votes.open_vote(db, people[0], vote_id, utcnow())
    _vote_in_the_browser(open_visitor, names, path)

    with sessions.begin() as db:
        closing.close_encrypted(db, people[0], vote_id, utcnow() + timedelta(hours=2), KEY)
    trustees[0].go(custody)  # back after closing: the key is locked again
    act(trustees[0], "decrypt")
    expect(trustees[0].page.locator("#trustee-step")).to_contain_text("fue recibida")
    token = _token(live_server, names[2])
    shared = trustee_online.decrypt(
        trustee_online.Client(live_server.url, token), vote_id,
        trustee_online.open_file(secret_file, PASSPHRASE),
    )
    assert shared == 3
    step(trustees[0], "none")
    expect(trustees[0].page.locator("#trustee-step")).to_contain_text("publicado")
    for visitor in (*trustees, blind):
        assert visitor.offsite == []
        assert visitor.console_errors == []

    with sessions.begin() as db:
        published = closing.board(db, people[1], vote_id, KEY)
        assert len(EncryptedVoteRepository(db).audits(vote_id)) == 1
    engine.dispose()
    assert published.counts == (0, 1)
    assert {s.trustee for s in published.shares} == {1, 3}
    assert published.audited[0].selections == (1, 0)
    assert verify_encrypted_board(published) == []


def _vote_in_the_browser(open_visitor: OpenVisitor, names: list[str], path: str) -> None:
    """One member without JavaScript is told; one with it audits a ballot, then casts."""
    without = open_visitor(names[3], javascript=False)
    log_in(without, names[3], path)
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


def _token(live_server: LiveServer, username: str) -> str:
    """An API token, as a trustee gets one for ``asamblea trustee`` (POST /api/v1/tokens)."""
    return trustee_online.log_in(live_server.url, username, PASSWORD)
