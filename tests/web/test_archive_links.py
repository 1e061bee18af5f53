"""Intake links made by a team member from the case page and the API (issue 15), on both
databases: the link is shown once (from a signed cookie, never in an address, never cached), the
server keeps only its digest, and a witness without an account sends a testimony through it."""

from __future__ import annotations

import re

from fastapi import FastAPI

from asamblea.core.archive.intake import token_digest
from asamblea.store.archive_repository import ArchiveRepository
from tests.web import test_archive_pages
from tests.web.conftest import Browser, assert_refused
from tests.web.test_archive_pages import World, items_seen, unlocked

world = test_archive_pages.world  # the same case, made once for this module

LINK = re.compile(r"http://testserver/entrega/([A-Za-z0-9_-]{43})")


def witness_sends(app: FastAPI, token: str, title: str) -> None:
    witness = Browser(app, lang="es")
    assert witness.get(f"/entrega/{token}").status_code == 200
    sent = witness.post_form(f"/entrega/{token}", {"testimony": "Lo que vi.", "title": title})
    assert sent.status_code == 303, sent.text[:300]
    assert "Su testimonio fue recibido" in witness.get(sent.headers["location"]).text
    assert_refused(witness.get(f"/entrega/{token}"), "es", 404)  # spent


def test_a_team_member_makes_a_link_on_the_page_shown_once(app: FastAPI, world: World) -> None:
    legal = Browser(app, lang="es").logged_in_as(world.names["legal"])
    case = legal.get(f"/archivo/casos/{world.case_id}")
    assert f'action="/archivo/casos/{world.case_id}/enlaces"' in case.text
    made = legal.post_form(f"/archivo/casos/{world.case_id}/enlaces", {"consent": "legal"})
    assert made.status_code == 303
    assert made.headers["location"] == f"/archivo/casos/{world.case_id}/enlace"
    assert "entrega/" not in made.headers["location"]
    assert made.headers["cache-control"] == "no-store"
    shown = legal.get(made.headers["location"])
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    found = LINK.search(shown.text)
    assert found, shown.text[:500]
    token = found.group(1)
    with app.state.web.sessions.begin() as db:  # only the digest is stored
        link = ArchiveRepository(db).link(token_digest(token))
        assert link is not None
        assert link.case_id == world.case_id
    again = legal.get(made.headers["location"])  # a reload shows it while the cookie lasts
    assert LINK.search(again.text) is not None
    assert again.headers["cache-control"] == "no-store"
    other = Browser(app, lang="es").logged_in_as(world.names["legal"])  # another browser: no
    assert_refused(other.get(made.headers["location"]), "es", 404)
    witness_sends(app, token, "Testimonio por enlace de página")
    seen = items_seen(unlocked(app, world), world)["Testimonio por enlace de página"]
    assert seen["consent"] == "legal"


def test_a_team_member_makes_a_link_through_the_api(app: FastAPI, world: World) -> None:
    legal = Browser(app, lang="es").logged_in_as(world.names["legal"])
    made = legal.api(
        "POST",
        f"/api/v1/archive/cases/{world.case_id}/intake-links",
        json={"consent": "federation"},
    )
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    body = made.json()
    assert body["url"] == f"http://testserver/entrega/{body['token']}"
    assert body["consent"] == "federation"
    witness_sends(app, body["token"], "Testimonio por enlace de API")
    seen = items_seen(unlocked(app, world), world)["Testimonio por enlace de API"]
    assert seen["consent"] == "federation"


def test_non_members_and_bad_input_are_refused_in_spanish(app: FastAPI, world: World) -> None:
    path = f"/archivo/casos/{world.case_id}"
    for role in ("member", "other"):
        b = Browser(app, lang="es").logged_in_as(world.names[role])
        assert_refused(b.post_form(path + "/enlaces", {"consent": "team"}), "es", 403)
        assert_refused(
            b.api(
                "POST",
                f"/api/v1/archive/cases/{world.case_id}/intake-links",
                json={"consent": "team"},
            ),
            "es",
            403,
        )
        assert_refused(b.get(path + "/enlace"), "es", 403)
    legal = Browser(app, lang="es").logged_in_as(world.names["legal"])
    assert_refused(legal.post_form(path + "/enlaces", {"consent": "todos"}), "es", 422)
    assert_refused(
        legal.api(
            "POST", f"/api/v1/archive/cases/{world.case_id}/intake-links", json={"consent": "todos"}
        ),
        "es",
        422,
    )
    assert_refused(
        legal.post_form("/archivo/casos/" + "ef" * 16 + "/enlaces", {"consent": "team"}), "es", 404
    )
    assert_refused(legal.get(path + "/enlace"), "es", 404)  # nothing made in this browser
