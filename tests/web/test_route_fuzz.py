"""Random Unicode against every form and API route of a seeded app: never a 5xx (issue #10,
finding 2).

The app holds the demo federation (votes open and closed, budgets, charters, proposals, plans),
and the client is a facilitator logged in through the form, so that requests get past the
login and CSRF checks into the parsing that failed before: digits of every script ('²', '٣',
'５'), numbers of thousands of digits, dates in years 1 and 9999 with ±14:00 offsets, control
and invisible characters — in field values, in field names (`propuesta_²`), in path ids. Every
route gets a fixed sweep of such bodies; hypothesis then draws more, over all routes at once.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asamblea.services.demo.federation import DEMO_PASSWORD, seed_demo
from asamblea.web.forms import FIELD_LABELS
from tests.web.conftest import Browser, app_routes, build_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

#: Routes that end the fuzzing client's own session or password: fuzzed all the same by the
#: sweep, but last, so that the rest runs logged in.
SESSION_ENDING = ("/salir", "/cuenta/clave", "/api/v1/me/password", "/api/v1/tokens/current")
FOREIGN_DIGITS = [
    chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdigit() and not "0" <= chr(c) <= "9"
]
EXTREME_MOMENTS = [
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "9999-12-31T23:59",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30T25:61",
    "+275760-09-13T00:00:00Z",
    "２０２６-11-28T18:30",
]
INVISIBLE = ["\x00", "\x1c", "\x1f", "\x7f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e"]
DYNAMIC_FIELDS = [
    "option",
    "rank_0",
    "count_0",
    "count_1",
    "propuesta_1",
    "candidato_1",
    "points_1",
    "project_1",
    "budget",
    "cost",
    "amount",
    "on_date",
    "percent",
    "selection",
    "levels",
    "changes",
    "goods",
]
FIELDS = sorted({*FIELD_LABELS, *DYNAMIC_FIELDS} - {"csrf_token"})

hostile_text = st.one_of(
    st.text(st.sampled_from(FOREIGN_DIGITS), min_size=1, max_size=8),
    st.text(st.sampled_from([*FOREIGN_DIGITS[:50], *"0123456789"]), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=10**40).map(str),
    st.integers(min_value=4_000, max_value=6_000).map(lambda n: "9" * n),
    st.sampled_from(EXTREME_MOMENTS),
    st.text(st.sampled_from(INVISIBLE), min_size=1, max_size=4).map(lambda t: t + "12"),
    st.text(max_size=20),
)
field_names = st.one_of(
    st.sampled_from(FIELDS),
    st.builds(
        lambda prefix, n: prefix + n,
        st.sampled_from(["propuesta_", "candidato_", "points_", "project_", "count_", "rank_"]),
        hostile_text,
    ),
)
json_value: st.SearchStrategy[Any] = st.one_of(
    hostile_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.lists(st.one_of(st.integers(min_value=-(2**40), max_value=2**40), hostile_text), max_size=4),
    st.dictionaries(hostile_text, st.integers(min_value=-(2**40), max_value=2**40), max_size=3),
    st.none(),
    st.booleans(),
)
path_ids = st.one_of(
    st.integers(min_value=1, max_value=40).map(str),
    hostile_text.map(lambda t: quote(t[:50], safe="")),
)


@pytest.fixture(scope="module")
def seeded(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, Browser]]:
    """The app with the demo federation, and a facilitator's browser on it."""
    app = build_app(database_url, tmp_path_factory.mktemp("fuzz"))
    with app.state.web.sessions.begin() as db:
        seed_demo(db, app.state.web.signing_key)
    browser = Browser(app, "es")
    assert browser.login("facilitadora.ves", DEMO_PASSWORD).status_code == 303
    yield app, browser
    app.state.engine.dispose()


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route that takes a body (GET aside), those ending the session last."""
    found = sorted((m, p) for m, p in app_routes(app) if m != "GET")
    return sorted(found, key=lambda route: route[1] in SESSION_ENDING)


def send(browser: Browser, method: str, path: str, ids: list[str], body: dict[str, Any]) -> None:
    """One request, as a form to a page or as JSON to the API; it must not fail on the server."""
    filled = path
    for value in ids:
        filled = re.sub(r"\{[a-z_]+\}", value or "1", filled, count=1)
    filled = re.sub(r"\{[a-z_]+\}", "1", filled)
    client: TestClient = browser.client
    if path.startswith("/api/"):
        headers = {"x-csrf-token": browser.csrf_token, "content-type": "application/json"}
        content = json.dumps(body, ensure_ascii=False).encode()
        response = client.request(method, filled, content=content, headers=headers)
    else:
        form = [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in body.items()]
        form.append(("csrf_token", browser.csrf_token))
        response = client.request(method, filled, data=dict(form))
    assert response.status_code < 500, (method, filled, body, response.text[:300])


NUMBERS = [
    *DYNAMIC_FIELDS[:8],
    "seats",
    "days",
    "attendance",
    "quorum_percent",
    "parent_id",
    "vote_id",
    "assembly_id",
    "term_days",
]
SWEEP: list[dict[str, Any]] = [
    dict.fromkeys(FIELDS, "²") | {"candidato_٣": "1", "points_²": "٣", "propuesta_５": "1"},
    dict.fromkeys(NUMBERS, "9" * 4400) | {"propuesta_" + "9" * 4400: "1"},
    dict.fromkeys(FIELDS, "\x1c\u200b12")
    | dict.fromkeys(("opens_at", "on_date"), EXTREME_MOMENTS[0])
    | {"closes_at": EXTREME_MOMENTS[1]},
]


def test_every_route_survives_the_sweep(seeded: tuple[FastAPI, Browser]) -> None:
    app, browser = seeded
    browser.csrf_token = browser.csrf()  # type: ignore[attr-defined]
    for method, path in routes(app):
        for body in SWEEP:
            send(browser, method, path, ["1", "2", "3"], body)
        send(browser, method, path, ["²", "9" * 5000, "%E2%80%8B1"], SWEEP[0])


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_unicode_on_random_routes(seeded: tuple[FastAPI, Browser], data: Any) -> None:
    app, browser = seeded
    if not hasattr(browser, "csrf_token") or "asamblea_sesion" not in browser.client.cookies:
        browser.login("facilitadora.ves", DEMO_PASSWORD)
        browser.csrf_token = browser.csrf()  # type: ignore[attr-defined]
    candidates = [r for r in routes(app) if r[1] not in SESSION_ENDING]
    method, path = data.draw(st.sampled_from(candidates), label="route")
    ids = data.draw(st.lists(path_ids, min_size=3, max_size=3), label="ids")
    body = data.draw(st.dictionaries(field_names, json_value, max_size=8), label="body")
    send(browser, method, path, ids, body)
