"""Archive search through the API and the case page: each circle finds exactly its items, an
outsider's answer is byte for byte the same whether or not hidden items match, bad queries get
a 4xx in the person's language."""

from __future__ import annotations

import secrets

import pytest
from fastapi import FastAPI

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.people import username_key
from asamblea.services.archive import items
from asamblea.services.archive.custody import vault_for
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import assert_refused
from tests.web.test_archive_api import CIRCLES, Archive, archive, browser

__all__ = ["archive"]


def add(app: FastAPI, archive: Archive, level: Consent, title: str) -> str:
    """An item added by the case's legal-team member, through the service."""
    settings = app.state.web.settings
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(archive.names["legal"]))
        assert found is not None
        return items.add_item(db, vault, found[0], archive.case_id, [b"texto ficticio"],
                              incoming=items.Incoming(level, title=title), now=utcnow()).item.id


@pytest.mark.parametrize("role", list(CIRCLES), ids=str)
def test_each_circle_finds_exactly_its_items(app: FastAPI, archive: Archive,
                                             role: str | None) -> None:
    b = browser(app, archive, role)
    answer = b.get("/api/v1/archive/search", params={"q": "t", "case": archive.case_id})
    assert answer.status_code == 200
    assert {r["id"] for r in answer.json()["results"]} == {
        archive.ids[level] for level in CIRCLES[role]}
    for level in set(Consent) - CIRCLES[role]:
        assert archive.ids[level] not in answer.text
        assert f"t-{level.code}" not in answer.text


def test_outsiders_answer_is_the_same_whether_or_not_hidden_items_match(
        app: FastAPI, archive: Archive) -> None:
    word = "w" + secrets.token_hex(6)
    outsiders = [browser(app, archive, role) for role in (None, "other", "member")]
    queries = [{"q": word}, {"q": word, "case": archive.case_id}]
    before = [[b.get("/api/v1/archive/search", params=q).content for q in queries]
              for b in outsiders]
    hidden = [add(app, archive, level, f"{word} oculto") for level in (Consent.TEAM,
                                                                       Consent.LEGAL)]
    after = [[b.get("/api/v1/archive/search", params=q).content for q in queries]
             for b in outsiders]
    assert after == before
    assert b'"results":[]' in before[0][0]
    legal = browser(app, archive, "legal").get("/api/v1/archive/search", params={"q": word})
    assert {r["id"] for r in legal.json()["results"]} == set(hidden)


def test_case_page_search(app: FastAPI, archive: Archive) -> None:
    page = browser(app, archive, "team").get(f"/archivo/casos/{archive.case_id}",
                                             params={"q": "T-"})
    assert page.status_code == 200
    results = page.text.split("<h2>")[2]  # the results' section, before the full list
    assert "t-team" in results
    assert "t-legal" not in page.text
    empty = browser(app, archive, "member").get(f"/archivo/casos/{archive.case_id}",
                                                params={"q": "t"})
    assert "t-team" not in empty.text
    assert "t-federation" in empty.text


def test_bad_searches_are_refused_in_spanish(app: FastAPI, archive: Archive) -> None:
    b = browser(app, archive, "legal")
    for params in ({"q": "x" * 201}, {"q": " ,;"}, {"q": "a", "case": "nope"}, {},
                   {"q": "a", "case": "0" * 32}):
        assert_refused(b.get("/api/v1/archive/search", params=params), "es")
    assert_refused(b.get(f"/archivo/casos/{archive.case_id}", params={"q": "x" * 201}), "es")
