"""Language: the account's choice, then Accept-Language, then Spanish; the switch on every page
works; errors come in the request's language. Expected texts come from the catalogs."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from asamblea import i18n
from asamblea.core.errors import N_
from asamblea.web.errors import HTTP_MESSAGES
from tests.web.conftest import Browser, World, assert_refused, html_pages, translated

HOME_TEXTS = (N_("Register"), N_("Log in"), N_("See the federation"), N_("Federation"))
EVERY_PAGE_TEXTS = (N_("Federation"), N_("About, privacy and source code"), N_("Change"))


def page_language(response: httpx.Response) -> str:
    match = re.search(r'<html lang="([a-z]+)">', response.text)
    assert match, response.text[:200]
    return match.group(1)


def assert_in_language(response: httpx.Response, lang: str) -> None:
    """The page is declared in `lang` and shows the catalog's words for `lang`."""
    assert page_language(response) == lang
    text_ = html.unescape(response.text)
    for msgid in EVERY_PAGE_TEXTS:
        assert translated(lang, msgid) in text_, (lang, msgid)


def test_the_catalogs_differ_where_it_matters() -> None:
    """Sanity check of the checks below: the two languages really read differently."""
    es, en = i18n.translations("es"), i18n.translations("en")
    for msgid in HOME_TEXTS + EVERY_PAGE_TEXTS:
        assert es.gettext(msgid).strip()
        assert en.gettext(msgid).strip()
        assert es.gettext(msgid) != en.gettext(msgid), msgid


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "es"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, de;q=0.9, en;q=0.5", "en"),
        ("es-PE,es;q=0.9,en;q=0.8", "es"),
        ("en;q=0.2, es;q=0.8", "es"),
        ("qu, ay", "qu"),  # Quechua and Aymara are shipped (first drafts)
        ("ay, es;q=0.5", "ay"),
        ("fr, de", "es"),
        ("*", "es"),
        ("en;q=0", "es"),
    ],
)
def test_accept_language_then_spanish(app: FastAPI, header: str | None, expected: str) -> None:
    response = Browser(app, header).get("/")
    assert response.status_code == 200
    assert_in_language(response, expected)


def test_the_account_choice_beats_accept_language(
    app: FastAPI, world: World, engine: Engine
) -> None:
    b = Browser(app, "es").logged_in_as(world.names["member"])
    assert_in_language(b.get("/"), "es")
    assert b.post_form("/idioma", {"lang": "en", "next": "/federacion"}).status_code == 303
    with engine.connect() as connection:
        stored = connection.scalar(
            text("SELECT locale FROM person WHERE username = :u"), {"u": world.names["member"]}
        )
    assert stored == "en"
    # a new browser, saying Spanish, logging in to the same account: English, from the account
    again = Browser(app, "es").logged_in_as(world.names["member"])
    assert_in_language(again.get("/"), "en")
    assert_in_language(again.get(f"/asambleas/{world.union}"), "en")
    api = again.get("/api/v1/assemblies/999999")
    assert_refused(api, "en", 404)


def switch_form(page: str) -> tuple[str, dict[str, str]]:
    form = re.search(r'<form class="lang" method="post" action="([^"]+)".*?</form>', page, re.S)
    assert form, "no language switch on the page"
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))
    )
    options = re.findall(r'<option value="([a-z]+)"', form.group(0))
    assert sorted(options) == sorted(i18n.LOCALES)
    return form.group(1), {k: html.unescape(v) for k, v in fields.items()}


@pytest.mark.parametrize("role", [None, "member"])
def test_the_switch_on_every_page_works(app: FastAPI, world: World, role: str | None) -> None:
    b = Browser(app, "es")
    if role:
        b.logged_in_as(world.names[role])
    pages = html_pages(app, world)
    assert "/" in pages
    assert f"/asambleas/{world.union}" in pages
    for path in pages:
        for lang in ("en", "es"):
            page = b.get(path)
            if page.status_code == 303:  # pages for members only send visitors to log in
                assert role is None
                continue
            action, fields = switch_form(page.text)
            assert action == "/idioma"
            assert fields["next"] == path
            moved = b.client.post(action, data={**fields, "lang": lang})
            assert moved.status_code == 303, (path, moved.text[:300])
            assert moved.headers["location"] == path
            assert_in_language(b.get(path), lang)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_errors_come_in_the_requests_language(app: FastAPI, world: World, lang: str) -> None:
    visitor = Browser(app, lang)
    member = Browser(app, lang).logged_in_as(world.names["member"])
    cases: list[tuple[httpx.Response, int, str]] = [
        (visitor.get("/no-existe"), 404, HTTP_MESSAGES[404]),
        (visitor.get("/api/v1/no-existe"), 404, HTTP_MESSAGES[404]),
        (visitor.client.patch("/"), 405, HTTP_MESSAGES[405]),
        (visitor.get("/asambleas/2147483647"), 404, N_("That assembly does not exist.")),
        (visitor.get("/api/v1/me"), 401, N_("Log in to do this.")),
        (
            visitor.post_form("/entrar", {"username": "x", "password": "y"}, csrf=None),
            403,
            N_("This form has expired. Reload the page and try again."),
        ),
        (
            visitor.post_form("/entrar", {"username": world.names["member"], "password": "mala"}),
            422,
            N_("Wrong username or password."),
        ),
        (
            member.post_form(f"/asambleas/{world.union}/unirse", {}),
            409,
            N_("You already have a membership in this assembly."),
        ),
        (
            member.api("POST", f"/api/v1/memberships/{world.ms['target_active']}/suspend"),
            403,
            N_("Only a facilitator of this assembly can do this."),
        ),
        (member.post_form("/idioma", {"lang": "xx"}), 422, N_("Unknown language.")),
    ]
    for response, status, msgid in cases:
        assert assert_refused(response, lang, status) == translated(lang, msgid)
    # a validation message: its field label and its template both come from the catalog
    long_name = member.post_form("/asambleas", {"name": "x" * 200, "kind": "union"})
    expected = translated(
        lang,
        N_("{field}: too long (at most {max_length} characters)."),
        field=translated(lang, N_("Name")),
        max_length=120,
    )
    assert assert_refused(long_name, lang, 422) == expected
    api = member.api("POST", "/api/v1/assemblies", json={"name": "x", "kind": "galaxy"})
    assert assert_refused(api, lang, 422) == translated(
        lang, N_("{field}: not one of the allowed values."), field=translated(lang, N_("Kind"))
    )
