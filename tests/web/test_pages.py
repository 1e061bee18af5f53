"""The pages, through their own forms: every page renders for visitors and members, the whole
journey works by following the HTML, hostile text is shown escaped, no open redirects."""

from __future__ import annotations

import html
import io
import re
import zipfile

import httpx
import pytest
from fastapi import FastAPI

from tests.web.conftest import PASSWORD, Browser, World, html_pages, unique

PUBLIC = {"/", "/federacion", "/acerca", "/registro", "/entrar"}
#: Pages that show what this browser holds in a short signed cookie (the witness's intake
#: receipt): without it, a 404 that says so.
HELD_IN_BROWSER = {"/entrega/recibo": "Este navegador ya no guarda este recibo"}


@pytest.mark.parametrize("role", [None, "pending", "member", "facilitator"])
def test_every_page_renders(app: FastAPI, shared_world: World, role: str | None) -> None:
    world = shared_world
    b = Browser(app, "es")
    if role:
        b.logged_in_as(world.names[role])
    for path in html_pages(app, world):
        response = b.get(path)
        if role is None and response.status_code == 303:  # pages for people with an account
            assert path not in PUBLIC
            assert not re.fullmatch(r"/asambleas/\d+", path)  # assemblies are public
            assert response.headers["location"] == f"/entrar?next={path}"
            continue
        if path in HELD_IN_BROWSER:
            assert response.status_code == 404, path
            assert HELD_IN_BROWSER[path] in response.text
            continue
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert response.text.startswith("<!doctype html>")
        assert 'action="/idioma"' in response.text
        assert ('action="/salir"' in response.text) == (role is not None)
        for token in re.findall(r'name="csrf_token" value="([^"]*)"', response.text):
            assert len(token) >= 32


def form_actions(page: str) -> list[str]:
    return re.findall(r'<form[^>]*method="post" action="([^"]+)"', page)


def submit(b: Browser, page: httpx.Response, action: str, **fields: str) -> httpx.Response:
    """Post the form of `page` whose action is `action`, with its own hidden fields."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page.text, re.S)
    assert match, f"no form for {action}"
    hidden = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(1))
    )
    data = {k: html.unescape(v) for k, v in hidden.items()} | fields
    return b.client.post(action, data=data)


def test_the_journey_by_following_the_pages(app: FastAPI) -> None:
    ana, beto = Browser(app, "es"), Browser(app, "es")
    ana_name, beto_name = unique("ana"), unique("beto")
    page = ana.get("/registro")
    done = submit(ana, page, "/registro", username=ana_name, password=PASSWORD)
    assert (done.status_code, done.headers["location"]) == (303, "/federacion")
    form = ana.get("/asambleas/nueva")
    founded = submit(
        ana,
        form,
        "/asambleas",
        name="Sindicato de Lima Norte",
        kind="union",
        description="Trabajadores del transporte",
        vouches_needed="1",
    )
    assert founded.status_code == 303
    union = founded.headers["location"]
    assert re.fullmatch(r"/asambleas/\d+", union)
    uid = union.rsplit("/", 1)[1]

    submit(beto, beto.get("/registro"), "/registro", username=beto_name, password=PASSWORD)
    seen = beto.get(union)
    assert "Sindicato de Lima Norte" in seen.text
    assert beto_name not in seen.text.split("</header>", 1)[1]  # no member list for outsiders
    asked = submit(beto, seen, f"/asambleas/{uid}/unirse")
    assert (asked.status_code, asked.headers["location"]) == (303, union)
    assert f'action="/asambleas/{uid}/salir"' in beto.get(union).text  # may withdraw

    ana_view = ana.get(union)
    assert beto_name in ana_view.text
    vouch = next(a for a in form_actions(ana_view.text) if a.endswith("/aval"))
    assert submit(ana, ana_view, vouch).status_code == 303
    after = beto.get(union)
    assert ana_name in after.text
    assert beto_name in after.text.split("</header>", 1)[1]  # now a member: sees the list
    home = beto.get("/")
    assert "Sindicato de Lima Norte" in home.text

    ana_view = ana.get(union)
    promote = next(a for a in form_actions(ana_view.text) if a.endswith("/facilitar"))
    assert submit(ana, ana_view, promote).status_code == 303
    suspend_actions = [a for a in form_actions(ana.get(union).text) if a.endswith("/suspender")]
    assert suspend_actions == [promote.replace("/facilitar", "/suspender")]
    left = submit(beto, beto.get(union), f"/asambleas/{uid}/salir")
    assert left.status_code == 303
    assert "Sindicato de Lima Norte" not in beto.get("/").text
    out = submit(beto, beto.get("/"), "/salir")
    assert (out.status_code, out.headers["location"]) == (303, "/")
    assert 'action="/salir"' not in beto.get("/").text


HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_is_stored_as_given_and_shown_escaped(app: FastAPI, world: World) -> None:
    b = Browser(app, "es").logged_in_as(world.names["facilitator"])
    founded = b.post_form(
        "/asambleas",
        {
            "name": HOSTILE_NAME,
            "kind": "district",
            "parent_id": str(world.region),
            "description": "'; DROP TABLE assembly; -- {{ 7*7 }} ${7*7}",
        },
    )
    assert founded.status_code == 303
    page = b.get(founded.headers["location"])
    for path in ("/federacion", f"/asambleas/{world.region}", founded.headers["location"], "/"):
        text = b.get(path).text
        assert "<script>alert" not in text, path
        assert "onerror=alert" not in text.replace("onerror=alert(1)&gt;", ""), path
        assert HOSTILE_NAME not in text, path
        assert HOSTILE_NAME in html.unescape(text), path
    # The description is shown as given, not evaluated as a template (which would print 49).
    assert "&#39;; DROP TABLE assembly; -- {{ 7*7 }} ${7*7}</p>" in page.text
    api = b.get(founded.headers["location"].replace("/asambleas/", "/api/v1/assemblies/"))
    assert api.json()["name"] == HOSTILE_NAME


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "\\\\evil",
    ],
)
def test_no_open_redirects(app: FastAPI, world: World, target: str) -> None:
    b = Browser(app)
    token = b.csrf("/entrar")
    login = b.client.post(
        "/entrar",
        data={
            "username": world.names["member"],
            "password": PASSWORD,
            "next": target,
            "csrf_token": token,
        },
    )
    assert (login.status_code, login.headers["location"]) == (303, "/")
    page = b.get(f"/entrar?next={target}")
    assert "evil" not in re.search(r'name="next" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    switch = b.post_form("/idioma", {"lang": "en", "next": target})
    assert (switch.status_code, switch.headers["location"]) == (303, "/")


def test_source_code_and_health(app: FastAPI) -> None:
    b = Browser(app)
    archive = b.get("/fuente.zip")
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "asamblea/web/app.py" in names
    assert not [n for n in names if "secret" in n or n.endswith((".sqlite3", ".pyc", ".env"))]
    assert b.get("/salud").text == "ok"
    about = b.get("/acerca")
    assert 'href="/fuente.zip"' in about.text
