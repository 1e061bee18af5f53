"""Request bodies and error responses (issue #10, findings 7, 8 and 10): bodies over the limit
are refused with 413 before they are read, forms that are not UTF-8 with 400, and every
response — a 500 and a 405 included — carries the security headers (a 405 its Allow too)."""

from __future__ import annotations

import asyncio
import tracemalloc
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.core.errors import N_
from asamblea.web.errors import SERVER_ERROR
from tests.web.conftest import (
    PASSWORD,
    Browser,
    assert_refused,
    build_app,
    error_message,
    row_counts,
    translated,
    unique,
)
from tests.web.test_security_headers import check_headers

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

LIMIT = 1024 * 1024  # the default
CHUNK = b"x" * 65_536
TOO_LARGE = N_("What you sent is too large.")
NOT_UTF8 = N_("What you sent is not UTF-8 text. Send it again from the form.")


def call(
    app: FastAPI, path: str, headers: dict[str, str], chunks: int
) -> tuple[int, int, dict[str, str]]:
    """Send `chunks` chunks of 64 KiB to the app directly (ASGI); the status, how many chunks
    the app asked for, and the response headers."""
    pulled = 0
    start: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            return {"type": "http.disconnect"}
        pulled += 1
        return {"type": "http.request", "body": CHUNK, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("192.0.2.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    # In a thread of its own: another test in this process (a browser journey) may have left an
    # event loop running in this one, where asyncio.run refuses to start.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    response_headers = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    return int(start["status"]), pulled, response_headers


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/accounts", "application/json"),
        ("/registro", "application/x-www-form-urlencoded"),
        ("/api/v1/tokens", "application/json"),
    ],
)
def test_a_200_mb_body_is_refused_after_the_first_megabyte(
    app: FastAPI, path: str, content_type: str
) -> None:
    chunks = 200 * 1024 * 1024 // len(CHUNK)
    tracemalloc.start()
    try:
        status, pulled, headers = call(app, path, {"content-type": content_type}, chunks)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert pulled * len(CHUNK) <= LIMIT + len(CHUNK)  # it stopped reading at the limit
    assert peak < 8 * LIMIT, peak  # and held no more than a few times the limit
    check_headers(headers, path)


def test_a_declared_length_over_the_limit_is_refused_before_reading(app: FastAPI) -> None:
    headers = {"content-type": "application/json", "content-length": str(200 * 1024 * 1024)}
    status, pulled, _ = call(app, "/api/v1/accounts", headers, 3200)
    assert (status, pulled) == (413, 0)
    for bad in ("²", "-1", "1" * 40, "12 34"):
        status, pulled, _ = call(app, "/api/v1/accounts", {"content-length": bad}, 1)
        assert (status, pulled) == (413, 0)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_refusal_is_in_the_person_s_language(app: FastAPI, engine: Engine, lang: str) -> None:
    before = row_counts(engine)
    big = "a" * (LIMIT + 10)
    b = Browser(app, lang)
    api = b.client.post("/api/v1/accounts", json={"username": big, "password": PASSWORD})
    assert assert_refused(api, lang, 413) == translated(lang, TOO_LARGE)
    page = b.post_form("/registro", {"username": big, "password": PASSWORD})
    assert assert_refused(page, lang, 413) == translated(lang, TOO_LARGE)
    chunked = b.client.post(
        "/api/v1/accounts",
        content=iter([b'{"username": "', CHUNK * 20, b'"}']),
        headers={"content-type": "application/json"},
    )
    assert assert_refused(chunked, lang, 413) == translated(lang, TOO_LARGE)
    assert row_counts(engine) == before
    # just under the limit is read as usual (and refused for what it says)
    fine = b.client.post("/api/v1/accounts", json={"username": "a" * 1000, "password": PASSWORD})
    assert fine.status_code == 422


@pytest.fixture(scope="module")
def small_limit_app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    application = build_app(database_url, tmp_path_factory.mktemp("small"), max_body_bytes=2048)
    yield application
    application.state.engine.dispose()


def test_the_limit_is_a_setting(small_limit_app: FastAPI) -> None:
    b = Browser(small_limit_app, "en")
    name = unique("lim")
    assert b.register(name).status_code == 303
    text = "palabra " * 300  # 2,400 bytes
    refused = b.post_form("/asambleas", {"name": "Comunidad", "kind": "union", "description": text})
    assert assert_refused(refused, "en", 413) == translated("en", TOO_LARGE)


# ---------------------------------------------------------------- forms that are not UTF-8


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_form_that_is_not_utf8_is_refused(app: FastAPI, engine: Engine, lang: str) -> None:
    b = Browser(app, lang)
    token = b.csrf("/registro")
    before = row_counts(engine)
    name = unique("per")
    for raw in (
        f"username={name}P\xe9r\xfa&password=una+frase+larga&csrf_token={token}".encode("latin-1"),
        f"username={name}%ff%fe&password=una+frase+larga&csrf_token={token}".encode(),
        f"username={name}&password=una+frase+larga%e9&csrf_token={token}".encode(),
    ):
        response = b.client.post(
            "/registro",
            content=raw,
            headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        assert assert_refused(response, lang, 400) == translated(lang, NOT_UTF8)
    assert row_counts(engine) == before
    # the same name sent as UTF-8 (percent-encoded, as browsers do) is fine
    good = f"username={name}P%C3%A9r%C3%BA&password=una+frase+larga&csrf_token={token}"
    response = b.client.post(
        "/registro",
        content=good.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 303, response.text[:300]


def test_a_logged_in_form_that_is_not_utf8_writes_nothing(app: FastAPI, engine: Engine) -> None:
    b = Browser(app, "es")
    assert b.register(unique("fun")).status_code == 303
    token = b.csrf("/asambleas/nueva")
    before = row_counts(engine)
    raw = f"name=Comunidad+Per\xfa&kind=union&csrf_token={token}".encode("latin-1")
    response = b.client.post(
        "/asambleas", content=raw, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert assert_refused(response, "es", 400) == translated("es", NOT_UTF8)
    assert row_counts(engine) == before


# ---------------------------------------------------------------- headers on every response


@pytest.fixture(scope="module")
def failing_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The real app with two routes that fail the way a bug would."""
    application = build_app(database_url, tmp_path_factory.mktemp("failing"))

    def broken() -> None:
        msg = "a bug"
        raise RuntimeError(msg)

    application.add_api_route("/api/v1/fallo", broken, methods=["GET"])
    application.add_api_route("/fallo", broken, methods=["GET"])
    yield application
    application.state.engine.dispose()


@pytest.mark.parametrize("path", ["/api/v1/fallo", "/fallo"])
def test_a_server_error_carries_the_security_headers(failing_app: FastAPI, path: str) -> None:
    client = TestClient(failing_app, raise_server_exceptions=False)
    with client:
        response = client.get(path, headers={"accept-language": "en"})
    assert response.status_code == 500
    check_headers(response.headers, path)
    assert error_message(response) == translated("en", SERVER_ERROR)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/entrar", {"GET", "POST"}),
        ("PUT", "/api/v1/accounts", {"POST"}),
        ("GET", "/salir", {"POST"}),
        ("PATCH", "/api/v1/assemblies", {"GET", "POST"}),
    ],
)
def test_a_405_says_which_methods_are_allowed(
    app: FastAPI, method: str, path: str, allowed: set[str]
) -> None:
    response = Browser(app, "en").client.request(method, path)
    assert response.status_code == 405
    check_headers(response.headers, f"{method} {path}")
    assert allowed <= {m.strip() for m in response.headers["allow"].split(",")}
    assert method not in response.headers["allow"]
