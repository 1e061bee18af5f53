"""Passwords are taken exactly as typed (finding: `str_strip_whitespace` trimmed them): a
password with spaces around it registers, logs in and is changed as it is, through the pages
and the API alike, and its trimmed variant is a wrong password. Other text is still trimmed."""

from __future__ import annotations

from fastapi import FastAPI

from tests.web.conftest import Browser, unique

SPACED = "  una frase con espacios alrededor  "
TRIMMED = SPACED.strip()
NEW = "\totra frase, también con blancos \n"


def test_pages_take_a_password_with_spaces_verbatim(app: FastAPI) -> None:
    name = unique("blanco")
    b = Browser(app, "es")
    assert b.register(f"  {name} ", SPACED).status_code == 303  # the name is trimmed
    b.client.cookies.clear()

    assert Browser(app, "es").login(name, TRIMMED).status_code == 422
    assert Browser(app, "es").login(name, SPACED).status_code == 303

    who = Browser(app, "es").logged_in_as(name, SPACED)
    changed = who.post_form("/cuenta/clave", {"current_password": TRIMMED, "new_password": NEW})
    assert changed.status_code == 422, "the trimmed variant is not the current password"
    assert "contraseña actual" in changed.text
    changed = who.post_form("/cuenta/clave", {"current_password": SPACED, "new_password": NEW})
    assert changed.status_code == 303

    assert Browser(app, "es").login(name, NEW.strip()).status_code == 422
    assert Browser(app, "es").login(name, SPACED).status_code == 422
    assert Browser(app, "es").login(name, NEW).status_code == 303


def test_the_api_takes_a_password_with_spaces_verbatim(app: FastAPI) -> None:
    name = unique("blanco")
    client = Browser(app, "en").client
    created = client.post("/api/v1/accounts", json={"username": f" {name}\t", "password": SPACED})
    assert created.status_code == 201, created.text
    assert created.json()["username"] == name

    wrong = client.post("/api/v1/tokens", json={"username": name, "password": TRIMMED})
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["message"] == "Wrong username or password."
    token = client.post("/api/v1/tokens", json={"username": name, "password": SPACED})
    assert token.status_code == 201, token.text
    headers = {"authorization": f"Bearer {token.json()['token']}"}

    refused = client.post(
        "/api/v1/me/password",
        json={"current_password": TRIMMED, "new_password": NEW},
        headers=headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["message"] == "The current password is not right."
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": SPACED, "new_password": NEW},
        headers=headers,
    )
    assert changed.status_code == 204, changed.text

    for old_or_trimmed in (SPACED, NEW.strip()):
        answer = client.post("/api/v1/tokens", json={"username": name, "password": old_or_trimmed})
        assert answer.status_code == 422, answer.text
    assert (
        client.post("/api/v1/tokens", json={"username": name, "password": NEW}).status_code == 201
    )
