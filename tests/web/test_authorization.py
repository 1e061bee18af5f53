"""Who may do what: (anonymous, pending, member, facilitator, member of another assembly,
suspended) × every federation action, through the pages and through the API.

Refusals share one federation (a refusal changes nothing, which each cell checks); every
allowed cell gets a fresh federation and checks its effect and its audit row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text

from tests.web.conftest import (
    Browser,
    World,
    assert_refused,
    audit_actions,
    make_world,
    row_counts,
)

ROLES = ("anonymous", "pending", "member", "facilitator", "outsider", "suspended")
UNKNOWN = 2**31 - 1
Request = tuple[str, str, dict[str, Any] | None]


def membership(engine: Engine, membership_id: int) -> tuple[str, str]:
    """(state, role) of a membership, read straight from the database."""
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT state, role FROM membership WHERE id = :i"), {"i": membership_id}
        ).one()
    return str(row[0]), str(row[1])


def own_membership(engine: Engine, world: World, role: str) -> tuple[str, str] | None:
    """(state, role) of `role`'s person in the union, if any."""
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT m.state, m.role FROM membership m JOIN person p ON p.id = m.person_id "
                "WHERE m.assembly_id = :a AND p.username = :u"
            ),
            {"a": world.union, "u": world.names[role]},
        ).one_or_none()
    return (str(row[0]), str(row[1])) if row else None


@dataclass(frozen=True)
class Action:
    """One action: how the page and the API ask for it, who may, what it does."""

    page: Callable[[World], Request]
    api: Callable[[World], Request]
    allowed: frozenset[str]
    refused: dict[str, int]
    effect: Callable[[Engine, World, str], None]
    audit: tuple[str, ...]
    page_ok: int = 303
    api_ok: int = 200


def _facilitators_only(
    effect: Callable[[Engine, World, str], None],
    audit: str,
    page: Callable[[World], Request],
    api: Callable[[World], Request],
) -> Action:
    return Action(
        page=page,
        api=api,
        allowed=frozenset({"facilitator"}),
        refused={
            "anonymous": 401,
            "pending": 404,
            "member": 403,
            "outsider": 404,
            "suspended": 403,
        },
        effect=effect,
        audit=(audit,),
    )


def _found_district(engine: Engine, w: World, role: str) -> None:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT kind, parent_id FROM assembly WHERE name = :n"),
            {"n": f"Distrito de {w.names['facilitator']}"},
        ).one()
    assert (row[0], row[1]) == ("district", w.region)


def _left(engine: Engine, w: World, role: str) -> None:
    found = own_membership(engine, w, role)
    assert found is not None
    assert found[0] == "left"


ACTIONS: dict[str, Action] = {
    "join": Action(
        page=lambda w: ("POST", f"/asambleas/{w.union}/unirse", {}),
        api=lambda w: ("POST", f"/api/v1/assemblies/{w.union}/join", None),
        allowed=frozenset({"outsider"}),
        refused={
            "anonymous": 401,
            "pending": 409,
            "member": 409,
            "facilitator": 409,
            "suspended": 409,
        },
        effect=lambda e, w, r: _assert_eq(own_membership(e, w, r), ("pending", "member")),
        audit=("membership.requested",),
        api_ok=201,
    ),
    "vouch": Action(
        page=lambda w: ("POST", f"/membresias/{w.ms['target_pending']}/aval", {}),
        api=lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_pending']}/vouch", None),
        allowed=frozenset({"member", "facilitator"}),
        refused={"anonymous": 401, "pending": 404, "outsider": 404, "suspended": 403},
        effect=lambda e, w, r: _assert_eq(
            membership(e, w.ms["target_pending"]), ("active", "member")
        ),
        audit=("membership.vouched", "membership.activated"),
    ),
    "suspend": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_active"]), ("suspended", "member")),
        "membership.suspended",
        lambda w: ("POST", f"/membresias/{w.ms['target_active']}/suspender", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_active']}/suspend", None),
    ),
    "reinstate": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_suspended"]), ("active", "member")),
        "membership.reinstated",
        lambda w: ("POST", f"/membresias/{w.ms['target_suspended']}/reactivar", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_suspended']}/reinstate", None),
    ),
    "make facilitator": _facilitators_only(
        lambda e, w, r: _assert_eq(membership(e, w.ms["target_active"]), ("active", "facilitator")),
        "membership.made_facilitator",
        lambda w: ("POST", f"/membresias/{w.ms['target_active']}/facilitar", {}),
        lambda w: ("POST", f"/api/v1/memberships/{w.ms['target_active']}/facilitator", None),
    ),
    "leave": Action(
        page=lambda w: ("POST", f"/asambleas/{w.union}/salir", {}),
        api=lambda w: ("POST", f"/api/v1/assemblies/{w.union}/leave", None),
        allowed=frozenset({"pending", "member", "suspended"}),
        refused={"anonymous": 401, "facilitator": 409, "outsider": 404},
        effect=_left,
        audit=("membership.left",),
        api_ok=204,
    ),
    "found a federated assembly under a parent": Action(
        page=lambda w: (
            "POST",
            "/asambleas",
            {
                "name": f"Distrito de {w.names['facilitator']}",
                "kind": "district",
                "parent_id": str(w.region),
            },
        ),
        api=lambda w: (
            "POST",
            "/api/v1/assemblies",
            {
                "name": f"Distrito de {w.names['facilitator']}",
                "kind": "district",
                "parent_id": w.region,
            },
        ),
        allowed=frozenset({"facilitator"}),
        refused={
            "anonymous": 401,
            "pending": 403,
            "member": 403,
            "outsider": 403,
            "suspended": 403,
        },
        effect=_found_district,
        audit=("assembly.created",),
        api_ok=201,
    ),
}


#: The people an allowed cell acts on (its world holds them and the actor, nobody else).
TARGETS = {
    "vouch": ("target_pending",),
    "suspend": ("target_active",),
    "reinstate": ("target_suspended",),
    "make facilitator": ("target_active",),
}


def _assert_eq(found: object, expected: object) -> None:
    assert found == expected


def test_the_matrix_covers_every_role_once() -> None:
    for name, action in ACTIONS.items():
        assert set(action.allowed) | set(action.refused) == set(ROLES), name
        assert not set(action.allowed) & set(action.refused), name


class Actors:
    """Browsers logged in as each role of one world (created on first use)."""

    def __init__(self, app: FastAPI, world: World) -> None:
        self.app, self.world = app, world
        self.cache: dict[str, Browser] = {}

    def __call__(self, role: str) -> Browser:
        if role not in self.cache:
            b = Browser(self.app, "es")
            if role != "anonymous":
                b.logged_in_as(self.world.names[role])
            self.cache[role] = b
        return self.cache[role]


def send(b: Browser, channel: str, request: Request) -> httpx.Response:
    method, path, body = request
    if channel == "page":
        return b.post_form(path, {k: str(v) for k, v in (body or {}).items()})
    return b.api(method, path, json=body) if body is not None else b.api(method, path)


@pytest.fixture(scope="module")
def shared(app: FastAPI) -> Actors:
    """One federation for every refusal (none of them may change it)."""
    return Actors(app, make_world(app))


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_refused_roles_change_nothing(
    name: str, channel: str, shared: Actors, engine: Engine
) -> None:
    action = ACTIONS[name]
    for role, status in action.refused.items():
        b = shared(role)
        before = row_counts(engine)
        response = send(b, channel, getattr(action, channel)(shared.world))
        assert_refused(response, "es", status)
        assert row_counts(engine) == before, (name, role)


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize(
    ("name", "role"), [(n, r) for n, a in ACTIONS.items() for r in sorted(a.allowed)]
)
def test_allowed_roles_act(
    name: str, role: str, channel: str, app: FastAPI, engine: Engine
) -> None:
    action = ACTIONS[name]
    world = make_world(app, {role, *TARGETS.get(name, ())})
    b = Actors(app, world)(role)
    audit_before = audit_actions(engine)
    response = send(b, channel, getattr(action, channel)(world))
    expected = action.page_ok if channel == "page" else action.api_ok
    assert response.status_code == expected, response.text[:300]
    action.effect(engine, world, role)
    assert tuple(audit_actions(engine)[len(audit_before) :]) == action.audit


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_assembly_but_only_members_see_who_is_in_it(
    role: str, shared: Actors
) -> None:
    w, b = shared.world, shared(role)
    page = b.get(f"/asambleas/{w.union}")
    detail = b.get(f"/api/v1/assemblies/{w.union}")
    assert page.status_code == 200
    assert detail.status_code == 200
    assert w.names["facilitator"] in page.text  # facilitators are public
    hidden = [w.names[r] for r in ("target_active", "target_pending", "target_suspended")]
    body = detail.json()
    if role in {"member", "facilitator"}:
        assert all(name in page.text for name in hidden)
        assert {m["username"] for m in body["members"]} >= {
            w.names["target_active"],
            w.names["target_suspended"],
        }
        assert {p["username"] for p in body["pending"]} == {
            w.names["pending"],
            w.names["target_pending"],
        }
        members = b.get(f"/api/v1/assemblies/{w.union}/members")
        assert members.status_code == 200
        assert {m["username"] for m in members.json()} >= {w.names["target_active"]}
    else:
        assert not any(name in page.text for name in hidden), role
        assert body["members"] is None
        assert body["pending"] is None
        assert not any(name in detail.text for name in hidden)
        members = b.get(f"/api/v1/assemblies/{w.union}/members")
        assert_refused(members, "es", 401 if role == "anonymous" else 403)
        assert not any(name in members.text for name in hidden)


@pytest.mark.parametrize("role", ["pending", "outsider"])
@pytest.mark.parametrize("channel", ["page", "api"])
def test_membership_ids_do_not_leak_to_people_without_standing(
    role: str, channel: str, shared: Actors
) -> None:
    """An existing membership and one that does not exist look the same: 404, same words."""
    w, b = shared.world, shared(role)
    actions = (
        ["aval", "suspender", "reactivar", "facilitar"]
        if channel == "page"
        else ["vouch", "suspend", "reinstate", "facilitator"]
    )
    prefix = "/membresias" if channel == "page" else "/api/v1/memberships"
    for action in actions:
        answers = []
        for target in (w.ms["target_pending"], w.ms["target_active"], UNKNOWN):
            request: Request = ("POST", f"{prefix}/{target}/{action}", None)
            response = send(b, channel, request)
            answers.append((response.status_code, assert_refused(response, "es", 404)))
        assert len(set(answers)) == 1, (action, answers)
