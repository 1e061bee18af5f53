"""The witness's consent page on both databases: the code from the receipt (never in an address),
a change of level, withdrawal through its confirmation step, hostile input refused in the
person's language; and POST-redirect-GET for the intake receipt and for opening an item (a
reload shows the same page and writes no second custody entry)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from nacl import pwhash
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.archive import Action, Consent
from asamblea.core.archive.case import Item
from asamblea.core.archive.custody import Record
from asamblea.core.federation import AssemblyKind
from asamblea.core.people import Person, username_key
from asamblea.services.archive import intake, items, keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import PeopleRepository
from asamblea.web.routes.archive import consent_pages
from tests.web.conftest import PASSWORD, Browser, assert_refused, unique

keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
PASSPHRASE = "frase de paso del equipo"
SECRET_TEXT = "Lo que vi en el puente (texto ficticio)."
PAGE = "/consentimiento"


@dataclass
class Case:
    case_id: str
    legal: str


@pytest.fixture(scope="module")
def case(app: FastAPI) -> Case:
    """A case kept by ``legal`` (with an archive key)."""
    name = unique("lega")
    with app.state.web.sessions.begin() as db:
        legal = accounts.register(db, name, PASSWORD)
        mine = federation.create_assembly(
            db, legal, name=unique("Familiares"), kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None
        )
        keys.set_up_key(db, legal, PASSPHRASE)
        opened = team.open_case(
            db,
            legal,
            mine.id,
            title="Caso del consentimiento",
            place="Lugar ficticio",
            occurred_on=date(2026, 1, 9),
        )
    return Case(opened.id, name)


def keeper(db: Session, case: Case) -> Person:
    found = PeopleRepository(db).by_key(username_key(case.legal))
    assert found is not None
    return found[0]


def records(app: FastAPI, case: Case) -> list[Record]:
    with app.state.web.readers.begin() as db:
        return ArchiveRepository(db).records(case.case_id)


def witness_sends(app: FastAPI, case: Case, title: str) -> tuple[Browser, str, str]:
    """A witness sends a testimony through a link page: their browser, the item id, the code."""
    with app.state.web.sessions.begin() as db:
        token = intake.create_link(db, keeper(db, case), case.case_id, Consent.TEAM, now=utcnow())
    witness = Browser(app, lang="es")
    sent = witness.post_form(f"/entrega/{token}", {"testimony": SECRET_TEXT, "title": title})
    assert sent.status_code == 303, sent.text[:300]
    receipt = witness.get(sent.headers["location"]).text
    code = receipt.split("<code>")[-1].split("</code>")[0]
    with app.state.web.readers.begin() as db:
        item = items.held_item(db, code)
    assert item.title == title
    return witness, item.id, code


def item_now(app: FastAPI, item_id: str) -> Item:
    with app.state.web.readers.begin() as db:
        found = ArchiveRepository(db).item(item_id)
    assert found is not None
    return found


def team_titles(app: FastAPI, case: Case) -> set[str | None]:
    with app.state.web.readers.begin() as db:
        legal = keeper(db, case)
        return {i.title for i in items.visible_items(db, legal, case.case_id)}


def test_the_witness_changes_consent_then_withdraws(app: FastAPI, case: Case) -> None:
    witness, item_id, code = witness_sends(app, case, "Relato del puente")
    form = witness.get(PAGE)
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"
    assert form.headers["referrer-policy"] == "no-referrer"
    assert 'name="code"' in form.text
    assert "Relato del puente" not in form.text

    entered = witness.post_form(PAGE + "/codigo", {"code": code})
    assert entered.status_code == 303
    assert entered.headers["location"] == PAGE  # the code is in no address
    assert entered.headers["cache-control"] == "no-store"
    cookie = next(c for c in witness.client.cookies.jar if c.name == consent_pages.COOKIE)
    assert cookie.path == PAGE
    assert code not in (cookie.value or "")
    page = witness.get(PAGE)
    assert page.headers["cache-control"] == "no-store"
    assert "Relato del puente" in page.text
    assert code not in page.text
    assert 'value="team" checked' in page.text

    widened = witness.post_form(PAGE + "/nivel", {"consent": "public"})
    assert widened.status_code == 303
    assert widened.headers["location"] == PAGE
    assert item_now(app, item_id).consent is Consent.PUBLIC
    page = witness.get(PAGE)
    assert 'role="status"' in page.text
    assert "Guardado" in page.text
    assert 'value="public" checked' in page.text
    assert "Relato del puente" in Browser(app).get(f"/memoria/{case.case_id}").text
    changed = records(app, case)[-1].entry
    assert changed is not None
    assert changed.action is Action.CONSENT_CHANGED
    assert dict(changed.detail) == {"from": "team", "to": "public", "by": "holder"}

    asked = witness.post_form(PAGE + "/nivel", {"consent": "withdrawn"})
    assert asked.status_code == 303
    assert asked.headers["location"] == PAGE + "/retirar"
    assert not item_now(app, item_id).withdrawn  # not before the confirmation
    confirm = witness.get(PAGE + "/retirar")
    assert confirm.status_code == 200
    assert confirm.headers["cache-control"] == "no-store"
    assert 'action="/consentimiento/retirar"' in confirm.text
    assert 'href="/consentimiento"' in confirm.text  # the way back, without JavaScript
    before = len(records(app, case))
    gone = witness.post_form(PAGE + "/retirar", {})
    assert gone.status_code == 303
    assert gone.headers["location"] == PAGE
    withdrawn = item_now(app, item_id)
    assert withdrawn.withdrawn
    assert withdrawn.title is None
    log = records(app, case)
    assert len(log) == before + 1
    entry = log[-1].entry
    assert entry is not None
    assert entry.action is Action.WITHDRAWN
    assert entry.item == item_id
    assert "Relato" not in str(entry.to_json())  # that it was withdrawn, not what it was
    assert "Relato del puente" not in Browser(app).get(f"/memoria/{case.case_id}").text
    assert "Relato del puente" not in team_titles(app, case)
    page = witness.get(PAGE)
    assert "Retirado" in page.text
    assert 'action="/consentimiento/nivel"' not in page.text
    again = witness.post_form(PAGE + "/nivel", {"consent": "team"})
    assert_refused(again, "es", 422)
    assert witness.get(PAGE + "/retirar").status_code == 303  # nothing left to confirm

    forgot = witness.post_form(PAGE + "/olvidar", {})
    assert forgot.status_code == 303
    assert 'name="code"' in witness.get(PAGE).text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_hostile_codes_and_levels_are_refused_in_the_persons_language(
    app: FastAPI, case: Case, lang: str
) -> None:
    witness, item_id, code = witness_sends(app, case, f"Relato {lang}")
    stranger = Browser(app, lang=lang)
    before = len(records(app, case))
    assert_refused(stranger.post_form(PAGE + "/codigo", {"code": "x" * 32}), lang, 404)
    assert_refused(stranger.post_form(PAGE + "/codigo", {"code": code[:-1]}), lang, 404)
    assert_refused(stranger.post_form(PAGE + "/codigo", {"code": "x" * 65}), lang, 422)
    assert_refused(stranger.post_form(PAGE + "/codigo", {"code": code}, csrf=None), lang, 403)
    # no code in this browser, or a forged or expired one: refused, nothing changed
    assert_refused(stranger.post_form(PAGE + "/nivel", {"consent": "public"}), lang, 403)
    asked = stranger.get(PAGE + "/retirar")  # the page itself: the form that asks for the code
    assert asked.status_code == 200
    assert 'name="code"' in asked.text
    assert_refused(stranger.post_form(PAGE + "/retirar", {}), lang, 403)
    stranger.client.cookies.set(consent_pages.COOKIE, "forjada." + code, path=PAGE)
    assert_refused(stranger.post_form(PAGE + "/retirar", {}), lang, 403)
    assert 'name="code"' in stranger.get(PAGE).text  # a forged cookie is no code
    signer = app.state.web.signer
    expired = signer.dumps([code, int(time.time()) - 1], salt=consent_pages.COOKIE)
    stranger.client.cookies.set(consent_pages.COOKIE, expired, path=PAGE)
    assert_refused(stranger.post_form(PAGE + "/retirar", {}), lang, 403)
    other_purpose = signer.dumps([code, int(time.time()) + 60], salt="asamblea_recibo")
    stranger.client.cookies.set(consent_pages.COOKIE, other_purpose, path=PAGE)
    assert_refused(stranger.post_form(PAGE + "/retirar", {}), lang, 403)
    # the holder's own browser: bad levels
    witness.client.headers["accept-language"] = lang
    assert witness.post_form(PAGE + "/codigo", {"code": code}).status_code == 303
    for bad in ["everyone", "", "PUBLIC", "<script>", "withdrawn\x00", "x" * 10_000]:
        assert_refused(witness.post_form(PAGE + "/nivel", {"consent": bad}), lang, 422)
    assert_refused(witness.post_form(PAGE + "/nivel", {"consent": "public"}, csrf="x"), lang, 403)
    assert len(records(app, case)) == before
    assert item_now(app, item_id).consent is Consent.TEAM


def test_the_receipt_is_a_get_and_a_reload_sends_nothing(app: FastAPI, case: Case) -> None:
    witness, _, code = witness_sends(app, case, "Relato recargado")
    count = len(team_titles(app, case))
    log = len(records(app, case))
    for _ in range(2):
        again = witness.get("/entrega/recibo")
        assert again.status_code == 200
        assert code in again.text
        assert again.headers["cache-control"] == "no-store"
    assert len(team_titles(app, case)) == count
    assert len(records(app, case)) == log


def test_opening_an_item_is_recorded_once_and_read_while_granted(app: FastAPI, case: Case) -> None:
    _, item_id, _ = witness_sends(app, case, "Relato abierto")
    legal = Browser(app, lang="es").logged_in_as(case.legal)
    assert (
        legal.post_form(
            "/archivo/desbloquear", {"passphrase": PASSPHRASE, "case_id": case.case_id}
        ).status_code
        == 303
    )
    path = f"/archivo/elementos/{item_id}"
    assert_refused(legal.get(path), "es", 403)  # no grant: open it from the case page
    before = len(records(app, case))
    opened = legal.post_form(path + "/abrir", {})
    assert opened.status_code == 303
    assert opened.headers["location"] == path
    log = records(app, case)
    assert len(log) == before + 1
    assert log[-1].entry is not None
    assert log[-1].entry.action is Action.VIEWED
    for _ in range(3):  # reloads: the same page, no second entry
        shown = legal.get(path)
        assert shown.status_code == 200
        assert SECRET_TEXT in shown.text
        assert shown.headers["cache-control"] == "no-store"
    assert len(records(app, case)) == before + 1
    grant = next(c for c in legal.client.cookies.jar if c.name == "asamblea_vista")
    assert grant.path == path
    # the grant is for this item and this login session only
    other_item = legal.get(f"/archivo/elementos/{'ab' * 16}")
    assert_refused(other_item, "es", 403)
    thief = Browser(app, lang="es").logged_in_as(case.legal)
    thief.client.cookies.set("asamblea_vista", grant.value or "", path=path)
    assert_refused(thief.get(path), "es", 403)
    assert_refused(Browser(app, lang="es").get(path), "es", 401)
    assert len(records(app, case)) == before + 1
