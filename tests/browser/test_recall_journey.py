"""A recall petition in the browser (issue #13): a member without JavaScript finds the
recall page from the delegates page, sees whom and where it is about, and opens the petition
with the keyboard only; a second member, also with the keyboard only, signs it, and the
recall vote opens. The federation is seeded through the services into the live server's
database (electing a delegate through the pages is the from-below journey's business)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import sessionmaker

from asamblea.clock import utcnow
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.services import delegation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.settings import Settings
from asamblea.store.database import make_engine
from tests.browser.conftest import LiveServer, OpenVisitor, tab_to
from tests.browser.test_federation_journey import PASSWORD, log_in

pytestmark = pytest.mark.browser

NAMES = {r: f"{r}.revoca" for r in ("fac", "ana", "beto", "carla")}
UNION = "Sindicato de Estibadores del Callao"
REGION = "Región Callao"


def seed(server: LiveServer) -> tuple[int, int]:
    """A region, a union of four in it (recall at half the members), and the union's delegate
    in the region, elected by STV; returns (union id, delegate id)."""
    engine = make_engine(f"sqlite:///{server.instance_dir / 'asamblea.sqlite3'}")
    key = votes.signing_key(Settings(instance_dir=server.instance_dir).secret())
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=3)
    try:
        with sessionmaker(engine).begin() as db:
            p = {r: accounts.register(db, n, PASSWORD) for r, n in NAMES.items()}
            region = federation.create_assembly(
                db, p["fac"], name=REGION, kind=AssemblyKind.REGION, parent_id=None
            )
            union = federation.create_assembly(
                db,
                p["fac"],
                name=UNION,
                kind=AssemblyKind.UNION,
                parent_id=region.id,
                assembly_rules=AssemblyRules(vouches_needed=1, recall_percent=50),
            )
            for role in ("ana", "beto", "carla"):
                request = federation.request_to_join(db, p[role], union.id)
                federation.vouch(db, p["fac"], request.id)
            election = delegation.open_delegate_election(
                db,
                p["fac"],
                union.id,
                candidates=[p["carla"].id, p["beto"].id],
                terms=VoteTerms(start, start + timedelta(days=1)),
                term=(start, start + timedelta(days=365)),
            )
            votes.open_vote(db, p["fac"], election.id, start)
            for role in ("fac", "ana", "beto", "carla"):
                votes.cast(db, p[role], election.id, [0], now=start + timedelta(hours=1), key=key)
            votes.close_vote(db, p["fac"], election.id, start + timedelta(days=1), key)
            (seated,) = delegation.settle_delegate_election(db, election.id, now=now)
            return union.id, seated.id
    finally:
        engine.dispose()


def test_members_open_and_sign_a_recall_with_the_keyboard_and_no_javascript(
    open_visitor: OpenVisitor, live_server: LiveServer
) -> None:
    union, delegate = seed(live_server)
    recall = f"/delegados/{delegate}/revocatoria"

    # Ana, without JavaScript, from the delegates page to the recall page: whom, where.
    ana = open_visitor("ana", javascript=False)
    log_in(ana, NAMES["ana"], f"/asambleas/{union}/delegados")
    page = ana.page
    row = page.locator(f"#delegado-{delegate}")
    expect(row).to_contain_text(REGION)  # the upper assembly by name (finding 6)
    link = row.locator(f'a[href="{recall}"]')
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(ana.base_url + recall)
    expect(page.locator("main h1")).to_contain_text(NAMES["carla"])
    expect(page.locator("main #a-quien")).to_contain_text(UNION)
    expect(page.locator("main #a-quien")).to_contain_text(REGION)
    expect(page.locator(f'main nav.crumbs a[href="/asambleas/{union}/delegados"]')).to_have_count(1)
    opener = page.locator(f'main form[action="{recall}"] button')
    tab_to(page, opener)
    page.keyboard.press("Enter")
    petition = page.locator("main article.petition")
    expect(petition).to_have_count(1)
    expect(petition).to_contain_text("1 / 2")

    # Beto, with the keyboard only, signs: the second signature of two opens the recall vote.
    beto = open_visitor("beto")
    log_in(beto, NAMES["beto"], recall)
    page = beto.page
    sign = page.locator('main form[action^="/peticiones/"] button')
    tab_to(page, sign)
    page.keyboard.press("Space")
    expect(page).to_have_url(beto.base_url + recall)
    vote_link = page.locator('main article.petition a[href^="/votaciones/"]')
    expect(vote_link).to_have_count(1)
    assert re.fullmatch(r"/votaciones/\d+", vote_link.get_attribute("href") or "")
