"""Acceptance (issue 15): on a phone-sized browser with JavaScript off, a witness without an account
sends a testimony through a one-time intake link and keeps the receipt; a team member logs in,
unlocks their key for the session, opens and reads the testimony, and downloads the case's bundle,
which verifies offline and holds the witness's receipt. With JavaScript on, a photo sent from the
case page goes through tus and is listed.

Ana (the account, her assembly, her key and the case) is set up through the services on the live
server's own database; she makes the witness's one-time link on the case page; everything the
people do goes through the pages. Elements are found by id, name and form action, never by a
translated label.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from nacl import pwhash
from playwright.sync_api import expect

from asamblea.clock import utcnow
from asamblea.core.archive import Consent, holds_receipt, verify_bundle
from asamblea.core.federation import AssemblyKind
from asamblea.formats.archive import read_bundle
from asamblea.services.archive import intake, keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.database import make_engine, make_sessionmaker
from tests.browser.conftest import LiveServer, OpenVisitor
from tests.browser.test_federation_journey import PASSWORD, log_in
from tests.formats.test_archive_media import jpeg_with_gps

pytestmark = pytest.mark.browser
PASSPHRASE = "frase de paso del equipo"
TESTIMONY = "Vi pasar a los agentes por el puente a las 6 de la tarde (texto ficticio)."


def set_up(server: LiveServer, username: str = "ana.archivo", *,
           link: bool = True) -> tuple[str, str]:
    """Ana (or ``username``), her assembly, her archive key and a case; an intake link for the
    witness unless ``link`` is false (then the token is empty)."""
    keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
    engine = make_engine(f"sqlite:///{server.instance_dir / 'asamblea.sqlite3'}")
    try:
        with make_sessionmaker(engine).begin() as db:
            ana = accounts.register(db, username, PASSWORD)
            assembly = federation.create_assembly(db, ana, name=f"Familiares de {username}",
                                                  kind=AssemblyKind.NEIGHBOURHOOD,
                                                  parent_id=None)
            keys.set_up_key(db, ana, PASSPHRASE)
            case = team.open_case(db, ana, assembly.id, title="Caso ficticio del Puente",
                                  place="Lugar ficticio", occurred_on=date(2026, 1, 9))
            token = (intake.create_link(db, ana, case.id, Consent.TEAM, now=utcnow())
                     if link else "")
    finally:
        engine.dispose()
    return case.id, token


def test_witness_submits_team_reads_and_exports(open_visitor: OpenVisitor,
                                                live_server: LiveServer, tmp_path: Path) -> None:
    case_id, _ = set_up(live_server, link=False)

    ana = open_visitor("ana", javascript=False)  # Ana makes the witness's link on the case page
    log_in(ana, "ana.archivo", f"/archivo/casos/{case_id}")
    page = ana.page
    make = page.locator(f'main form[action="/archivo/casos/{case_id}/enlaces"]')
    make.locator("#link_consent").select_option("team")
    make.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/archivo/casos/{case_id}/enlace$"))
    shown = page.locator("main pre code").inner_text()
    found = re.fullmatch(r"http://[^/]+/entrega/([A-Za-z0-9_-]{43})", shown.strip())
    assert found, shown
    token = found.group(1)

    witness = open_visitor("testigo", javascript=False)
    page = witness.go(f"/entrega/{token}")
    form = page.locator(f'main form[action="/entrega/{token}"]')
    form.locator("#title").fill("Lo que vi")
    form.locator("#testimony").fill(TESTIMONY)
    form.locator('button[type="submit"]').click()
    receipt = page.locator("main dd code").first
    expect(receipt).to_have_text(re.compile(r"^\d+:[0-9a-f]{64}$"))
    seq, head = receipt.inner_text().split(":")
    expect(page.locator("main")).not_to_contain_text(TESTIMONY)

    page = ana.go(f"/archivo/casos/{case_id}")
    unlock = page.locator('main form[action="/archivo/desbloquear"]')
    unlock.locator("#passphrase").fill(PASSPHRASE)
    unlock.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/archivo/casos/{case_id}$"))
    page.locator('main form[action$="/abrir"] button[type="submit"]').first.click()
    expect(page.locator("main pre")).to_have_text(TESTIMONY)

    ana.go(f"/archivo/casos/{case_id}")
    search = page.locator('main form[role="search"]')
    search.locator("#q").fill("VÍ lo")  # accents and case folded, words as prefixes
    search.locator('button[type="submit"]').click()
    expect(page.locator("main h2").first).to_contain_text("VÍ lo")
    expect(page.locator("main ul").first).to_contain_text("Lo que vi")
    export = page.locator(f'main form[action="/archivo/casos/{case_id}/exportar"]')
    export.locator("#recipient").fill("Fiscalía ficticia")
    with page.expect_download() as download:
        export.locator('button[type="submit"]').click()
    path = tmp_path / "caso.zip"
    download.value.save_as(path)
    bundle = read_bundle(path)
    assert verify_bundle(bundle.manifest, bundle.signature, bundle.records, bundle.actual) == []
    assert holds_receipt(bundle.records, int(seq), head)
    assert TESTIMONY.encode() in path.read_bytes()  # the original, as the witness sent it

    # With JavaScript, a file from the case page goes through tus (the vendored tus-js-client):
    # created, sent by PATCH, and the page comes back listing it.
    ana_js = open_visitor("ana-js")
    log_in(ana_js, "ana.archivo", f"/archivo/casos/{case_id}")
    page = ana_js.page
    upload = page.locator(f'main form[action="/archivo/subir/caso/{case_id}"]')
    upload.locator("#upload_title").fill("Foto del puente")
    upload.locator("#upload_file").set_input_files(
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    with page.expect_request(lambda r: r.method == "PATCH"
                             and "/api/v1/archive/uploads/" in r.url):
        upload.locator('button[type="submit"]').click()
    expect(page.locator("main")).to_contain_text("Foto del puente (image/jpeg")
    team_page = ana_js.go(f"/archivo/casos/{case_id}/equipo")  # audited, like every page here
    expect(team_page.locator("main table")).to_contain_text("ana.archivo")
    expect(ana_js.go(f"/memoria/{case_id}").locator("main h1")).to_have_text(
        "Caso ficticio del Puente")
