"""No page loads anything from another host; security headers on every response; sessions and
CSRF: cookie flags, refused forms, logout, login rate limits, password change."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.core.errors import N_
from tests.web.conftest import (
    PASSWORD,
    Browser,
    World,
    assert_refused,
    build_app,
    html_pages,
    row_counts,
    translated,
    unique,
)

URL_ATTRIBUTES = re.compile(
    r"""\b(src|href|action|formaction|poster|data|srcset|background|xlink:href|ping|manifest"""
    r"""|cite|longdesc|icon|hx-get|hx-post|hx-put|hx-patch|hx-delete)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
    re.I,
)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']([^"']*)["']""", re.I
)


def is_local(url: str) -> bool:
    """A URL on this server (a path, a fragment, a query) or inline data."""
    url = html.unescape(url).strip().strip("\"'")
    if not url or url.startswith(("#", "?")) or url.lower().startswith("data:"):
        return True
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def foreign_urls(document: str) -> list[str]:
    """Every URL in a page or stylesheet that would reach another host."""
    found: list[str] = []
    for match in URL_ATTRIBUTES.finditer(document):
        name, value = match.group(1).lower(), match.group(2)
        parts = value.strip("\"'").split(",") if name == "srcset" else [value]
        found += [p.split()[0] if p.split() else p for p in parts]
    for match in CSS_URL.finditer(document):
        found.append(match.group(2) or match.group(4) or "")
    for match in META_REFRESH.finditer(document):
        found.append(match.group(1).partition("=")[2] or match.group(1))
    return [url for url in found if not is_local(url)]


def test_the_scanner_catches_foreign_urls() -> None:
    page = (
        '<img src="https://cdn.example/x.png"><link href=//fonts.example/css>'
        '<form action="http://evil.example"></form><img srcset="/a.png 1x, https://x.y/b.png 2x">'
        "<div style=\"background: url('https://t.example/p.gif')\"></div>"
        '<meta http-equiv="refresh" content="0; url=https://evil.example/">'
        "<style>@import 'https://x.example/a.css';</style>"
        '<a href="javascript:alert(1)">x</a><a href="/ok">ok</a>'
        '<img src="data:image/png;base64,AA">'
    )
    assert len(foreign_urls(page)) == 8
    assert foreign_urls('<a href="/asambleas/1">a</a><a href="#c">c</a>') == []


def pages_as(app: FastAPI, world: World, role: str | None) -> dict[str, str]:
    b = Browser(app, "es")
    if role:
        b.logged_in_as(world.names[role])
    rendered = {}
    for path in [*html_pages(app, world), "/no-existe", f"/asambleas/{2**31 - 1}"]:
        response = b.get(path)
        assert response.status_code in {200, 303, 404}, (path, response.status_code)
        assert response.status_code != 200 or "text/html" in response.headers["content-type"]
        rendered[path] = response.text
    return rendered


@pytest.mark.parametrize("role", [None, "member", "facilitator"])
def test_no_page_requests_anything_from_another_host(
    app: FastAPI, shared_world: World, role: str | None
) -> None:
    world = shared_world
    rendered = pages_as(app, world, role)
    assert len(rendered) >= 10
    for path, document in rendered.items():
        assert foreign_urls(document) == [], path
    stylesheet = Browser(app).get("/static/asamblea.css")
    assert stylesheet.status_code == 200
    assert foreign_urls(stylesheet.text) == []


EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def check_headers(headers: httpx.Headers, where: str) -> None:
    csp = headers["content-security-policy"]
    policy = {}
    for part in csp.split(";"):
        name, _, value = part.strip().partition(" ")
        policy[name] = value.strip()
    assert policy == EXPECTED_CSP, where
    assert "http" not in csp, where
    assert "unsafe-inline" not in csp, where
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["referrer-policy"] == "no-referrer", where
    assert headers["x-frame-options"] == "DENY", where


def test_security_headers_on_every_kind_of_response(app: FastAPI, shared_world: World) -> None:
    world = shared_world
    b = Browser(app, "en").logged_in_as(world.names["member"])
    paths = [
        *html_pages(app, world),
        "/fuente.zip",
        "/salud",
        "/api/v1/openapi.json",
        "/api/v1/assemblies",
        "/api/v1/me",
        "/static/asamblea.css",
        "/static/htmx.min.js",
        "/no-existe",
        "/api/v1/no-existe",
        "/static/no-existe.css",
    ]
    for path in paths:
        check_headers(b.get(path).headers, path)
    check_headers(b.post_form("/asambleas", {}, csrf=None).headers, "refused form")
    check_headers(b.client.post("/api/v1/assemblies", json={}).headers, "refused API call")


# ---------------------------------------------------------------- sessions and CSRF


def cookie_flags(response: httpx.Response, name: str) -> dict[str, str | bool]:
    for raw in response.headers.get_list("set-cookie"):
        if raw.startswith(name + "="):
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            morsel = jar[name]
            return {
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                "value": morsel.value,
            }
    raise AssertionError(f"no {name} cookie set")


def test_cookies_are_httponly_and_samesite_lax(app: FastAPI, world: World) -> None:
    b = Browser(app)
    visitor = b.get("/entrar")
    csrf = cookie_flags(visitor, "asamblea_csrf")
    assert csrf["httponly"] is True
    assert str(csrf["samesite"]).lower() == "lax"
    logged = b.login(world.names["member"])
    session = cookie_flags(logged, "asamblea_sesion")
    assert session["httponly"] is True
    assert str(session["samesite"]).lower() == "lax"
    assert world.names["member"] not in str(session["value"])
    chosen = b.post_form("/idioma", {"lang": "en", "next": "/"})
    lang = cookie_flags(chosen, "asamblea_idioma")
    assert lang["httponly"] is True
    assert str(lang["samesite"]).lower() == "lax"


@pytest.mark.parametrize("token", [None, "", "wrong", "other-session"])
def test_a_form_without_the_right_token_is_refused_and_writes_nothing(
    app: FastAPI, world: World, engine: Engine, token: str | None
) -> None:
    b = Browser(app, "en").logged_in_as(world.names["member"])
    if token == "other-session":
        token = Browser(app).logged_in_as(world.names["facilitator"]).csrf()
    elif token == "wrong":
        token = b.csrf()[::-1]
    form = {"name": "Sindicato sin token", "kind": "union"}
    before = row_counts(engine)
    refused = b.post_form("/asambleas", form, csrf=token)
    message = assert_refused(refused, "en", 403)
    assert message == translated("en", N_("This form has expired. Reload the page and try again."))
    assert row_counts(engine) == before
    accepted = b.post_form("/asambleas", form)  # the same form with the page's token works
    assert accepted.status_code == 303


def test_api_with_the_session_cookie_needs_the_csrf_header(
    app: FastAPI, world: World, engine: Engine
) -> None:
    b = Browser(app, "es").logged_in_as(world.names["outsider"])
    before = row_counts(engine)
    refused = b.client.post(f"/api/v1/assemblies/{world.union}/join")
    assert_refused(refused, "es", 403)
    assert row_counts(engine) == before
    assert b.api("POST", f"/api/v1/assemblies/{world.union}/join").status_code == 201


def test_logout_ends_the_session(app: FastAPI, world: World, engine: Engine) -> None:
    b = Browser(app).logged_in_as(world.names["member"])
    stolen = b.client.cookies["asamblea_sesion"]
    sessions = row_counts(engine)["login_session"]
    assert b.get("/cuenta").status_code == 200
    out = b.post_form("/salir", {})
    assert out.status_code == 303
    assert "asamblea_sesion" not in b.client.cookies
    assert row_counts(engine)["login_session"] == sessions - 1
    replay = Browser(app)
    replay.client.cookies.set("asamblea_sesion", stolen)
    assert replay.get("/cuenta").status_code == 303  # sent to the login page
    assert replay.get("/api/v1/me").status_code == 401


def test_changing_the_password_ends_the_other_sessions(app: FastAPI, world: World) -> None:
    name = world.names["member"]
    here = Browser(app, "en").logged_in_as(name)
    elsewhere = Browser(app, "en").logged_in_as(name)
    token = (
        Browser(app)
        .client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD})
        .json()["token"]
    )
    bearer = {"authorization": f"Bearer {token}"}
    assert Browser(app).get("/api/v1/me", headers=bearer).status_code == 200
    new = "otra frase larga y secreta"
    changed = here.post_form("/cuenta/clave", {"current_password": PASSWORD, "new_password": new})
    assert changed.status_code == 303  # POST–redirect–GET; the next page says it (#13)
    account = here.get("/cuenta")
    assert account.status_code == 200  # this session goes on
    assert translated("en", N_("Password changed. Your other sessions have been closed.")) in (
        html.unescape(account.text)
    )
    assert elsewhere.get("/cuenta").status_code == 303  # the other one has ended
    assert Browser(app).get("/api/v1/me", headers=bearer).status_code == 401  # tokens too
    assert Browser(app).login(name, PASSWORD).status_code == 422
    assert Browser(app).login(name, new).status_code == 303


@pytest.fixture
def strict_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = build_app(
        database_url,
        tmp_path_factory.mktemp("strict"),
        login_attempts_per_account=3,
        login_attempts_per_address=5,
        login_delay_seconds=0,
    )
    yield application
    application.state.engine.dispose()


# Failures on an account from elsewhere only slow it down: tests/web/test_login_throttle.py.


@pytest.mark.parametrize("lang", ["es", "en"])
def test_login_rate_limit_per_address(strict_app: FastAPI, world: World, lang: str) -> None:
    address = f"203.0.113.{ {'es': 1, 'en': 2}[lang] }"
    for _ in range(5):
        assert (
            Browser(strict_app, lang, address=address)
            .login(unique("nadie"), "mala clave")
            .status_code
            == 422
        )
    limited = Browser(strict_app, lang, address=address).login(world.names["member"])
    assert assert_refused(limited, lang, 429) == translated(
        lang, N_("Too many failed attempts. Wait a few minutes and try again.")
    )
    # the same account from another address still gets in
    assert (
        Browser(strict_app, lang, address="203.0.113.50").login(world.names["member"]).status_code
        == 303
    )
