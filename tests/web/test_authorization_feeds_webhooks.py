"""Who may do what with feeds and webhooks: (anonymous, pending, member, facilitator, member of
another assembly, suspended) × every feeds and webhooks route, through the API and the private
feed files. A refused cell changes nothing (row counts of every table); an allowed one answers
its success status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.clock import utcnow
from asamblea.core.people import Person, username_key
from asamblea.services import feeds, webhooks
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import SECRET, Browser, World, assert_refused, make_world, row_counts

ROLES = ("anonymous", "pending", "member", "facilitator", "outsider", "suspended")
WORLD_ROLES = ("facilitator", "member", "pending", "suspended", "outsider")
KEY = feeds.feed_key(SECRET)
HOOK = {"url": "https://bots.example.org/hook", "kinds": ["vote_opened"]}


def person(app: FastAPI, w: World, role: str) -> Person:
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(w.names[role]))
    assert found is not None
    return found[0]


def new_webhook(app: FastAPI, w: World) -> int:
    facilitator = person(app, w, "facilitator")
    with app.state.web.sessions.begin() as db:
        made = webhooks.register(
            db,
            facilitator,
            w.union,
            url="https://bots.example.org/hook",
            kinds=["vote_opened"],
            sealer=webhooks.Sealer(SECRET),
            now=utcnow(),
        )
    return made.webhook.id


@dataclass(frozen=True)
class Targets:
    webhook: int
    tokens: dict[str, str]


def targets(app: FastAPI, w: World, webhook: int | None = None) -> Targets:
    """Each role's private token (made if it has none) and a webhook (a new one unless given:
    the allowed cells change or remove theirs)."""
    tokens = {"anonymous": "x" * 43}
    people = {role: person(app, w, role) for role in WORLD_ROLES}
    with app.state.web.sessions.begin() as db:
        for role, who in people.items():
            address = feeds.feed_address(db, who, KEY) or feeds.rotate(db, who, KEY, utcnow())
            tokens[role] = address.token
    return Targets(webhook or new_webhook(app, w), tokens)


Call = Callable[[World, Targets, str], tuple[str, str, dict[str, Any] | None]]


@dataclass(frozen=True)
class Cell:
    call: Call
    allowed: dict[str, int]
    refused: dict[str, int]


FACILITATOR_ONLY = {
    "anonymous": 401,
    "pending": 403,
    "member": 403,
    "outsider": 403,
    "suspended": 403,
}
ANYONE_LOGGED_IN = {"pending": 0, "member": 0, "facilitator": 0, "outsider": 0, "suspended": 0}
MEMBERS_ONLY_FEED = {"anonymous": 404, "pending": 404, "outsider": 404, "suspended": 404}


def _each(status: int) -> dict[str, int]:
    return dict.fromkeys(ANYONE_LOGGED_IN, status)


MATRIX: dict[str, Cell] = {
    "list webhooks": Cell(
        lambda w, t, r: ("GET", f"/api/v1/assemblies/{w.union}/webhooks", None),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "register a webhook": Cell(
        lambda w, t, r: ("POST", f"/api/v1/assemblies/{w.union}/webhooks", HOOK),
        {"facilitator": 201},
        FACILITATOR_ONLY,
    ),
    "see a webhook": Cell(
        lambda w, t, r: ("GET", f"/api/v1/webhooks/{t.webhook}", None),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "change a webhook": Cell(
        lambda w, t, r: ("PATCH", f"/api/v1/webhooks/{t.webhook}", {"enabled": False}),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "remove a webhook": Cell(
        lambda w, t, r: ("DELETE", f"/api/v1/webhooks/{t.webhook}", None),
        {"facilitator": 204},
        FACILITATOR_ONLY,
    ),
    "read the delivery log": Cell(
        lambda w, t, r: ("GET", f"/api/v1/webhooks/{t.webhook}/deliveries", None),
        {"facilitator": 200},
        FACILITATOR_ONLY,
    ),
    "see my feeds": Cell(
        lambda w, t, r: ("GET", "/api/v1/feeds", None), _each(200), {"anonymous": 401}
    ),
    "rotate my private address": Cell(
        lambda w, t, r: ("POST", "/api/v1/feeds/token", None), _each(201), {"anonymous": 401}
    ),
    "revoke my private address": Cell(
        lambda w, t, r: ("DELETE", "/api/v1/feeds/token", None), _each(204), {"anonymous": 401}
    ),
    "private calendar of the assembly": Cell(
        lambda w, t, r: ("GET", f"/privado/{t.tokens[r]}/asambleas/{w.union}/calendario.ics", None),
        {"member": 200, "facilitator": 200},
        MEMBERS_ONLY_FEED,
    ),
    "private decisions of the assembly": Cell(
        lambda w, t, r: (
            "GET",
            f"/privado/{t.tokens[r]}/asambleas/{w.union}/decisiones.atom",
            None,
        ),
        {"member": 200, "facilitator": 200},
        MEMBERS_ONLY_FEED,
    ),
    "my own calendar": Cell(
        lambda w, t, r: ("GET", f"/privado/{t.tokens[r]}/calendario.ics", None),
        _each(200),
        {"anonymous": 404},
    ),
}


def test_the_matrix_covers_every_role_once() -> None:
    for name, cell in MATRIX.items():
        assert sorted([*cell.allowed, *cell.refused]) == sorted(ROLES), name


@pytest.fixture(scope="module")
def shared(app: FastAPI) -> tuple[World, dict[str, Browser], Targets]:
    w = make_world(app, WORLD_ROLES)
    browsers = {"anonymous": Browser(app)}
    for role in ROLES[1:]:
        browsers[role] = Browser(app).logged_in_as(w.names[role])
    return w, browsers, targets(app, w)


CELLS = [(name, role) for name, cell in MATRIX.items() for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CELLS, ids=[f"{n}-{r}" for n, r in CELLS])
def test_feeds_and_webhooks_cell(
    name: str,
    role: str,
    app: FastAPI,
    engine: Engine,
    shared: tuple[World, dict[str, Browser], Targets],
) -> None:
    w, browsers, common = shared
    cell = MATRIX[name]
    fresh = "webhook" in name and role in cell.allowed and not name.startswith(("list", "reg"))
    t = targets(app, w, None if fresh else common.webhook) if role in cell.allowed else common
    method, path, body = cell.call(w, t, role)
    before = row_counts(engine)
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    response = browsers[role].api(method, path, **kwargs)
    if role in cell.allowed:
        assert response.status_code == cell.allowed[role], response.text[:300]
    else:
        assert_refused(response, "es", cell.refused[role])
        assert row_counts(engine) == before, f"{name} by {role} wrote rows"


def test_webhook_pages_follow_the_same_rules(
    app: FastAPI, engine: Engine, shared: tuple[World, dict[str, Browser], Targets]
) -> None:
    w, browsers, common = shared
    for role in ("member", "outsider", "suspended", "pending"):
        before = row_counts(engine)
        refused = browsers[role].post_form(
            f"/asambleas/{w.union}/webhooks",
            {"url": "https://bots.example.org/x", "kind_vote_opened": "1"},
        )
        assert_refused(refused, "es", 403)
        assert_refused(browsers[role].get(f"/webhooks/{common.webhook}"), "es", 403)
        assert row_counts(engine) == before
    page = browsers["facilitator"].get(f"/webhooks/{common.webhook}")
    assert page.status_code == 200
    assert "bots.example.org" in page.text
