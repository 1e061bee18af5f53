"""The JSON API: tokens, the federation use cases end to end, its OpenAPI document, and the
shape of every error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.core.people import username_key
from asamblea.services.federation import accounts
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import (
    PASSWORD,
    Browser,
    World,
    app_routes,
    assert_refused,
    row_counts,
    unique,
)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def new_account(app: FastAPI, lang: str = "es") -> tuple[Browser, str, dict[str, str]]:
    """A fresh API client, its username and its bearer header."""
    b = Browser(app, lang)
    name = unique("api")
    created = b.client.post("/api/v1/accounts", json={"username": name, "password": PASSWORD})
    assert created.status_code == 201, created.text
    assert created.json()["username"] == name
    token = b.client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD})
    assert token.status_code == 201
    assert token.json()["token_type"] == "bearer"
    return b, name, bearer(token.json()["token"])


def test_openapi_documents_every_api_route_and_its_errors(app: FastAPI) -> None:
    response = Browser(app).get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    documented = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if path.startswith("/api/v1/") and method != "head"  # app_routes leaves HEAD aside
    }
    served = {(m, p) for m, p in app_routes(app) if p.startswith("/api/v1/")}
    served.discard(("GET", "/api/v1/openapi.json"))
    assert documented == served
    assert spec["info"]["license"]["identifier"] == "AGPL-3.0-or-later"
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"error", "message"}
    for path, operations in spec["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in operations.items():
                assert "422" in operation["responses"], (method, path)


def test_the_federation_through_the_api(app: FastAPI, engine: Engine) -> None:
    """Found, join, vouch, see members, suspend, reinstate, promote, leave — all by token."""
    client, founder, f_auth = new_account(app)
    _, joiner, j_auth = new_account(app)
    c = client.client
    region = c.post(
        "/api/v1/assemblies", headers=f_auth, json={"name": "Región API", "kind": "region"}
    )
    assert region.status_code == 201
    union = c.post(
        "/api/v1/assemblies",
        headers=f_auth,
        json={
            "name": "Sindicato API",
            "kind": "union",
            "parent_id": region.json()["id"],
            "description": "<b>sin HTML</b>",
            "vouches_needed": 1,
        },
    )
    assert union.status_code == 201
    body = union.json()
    assert body["parent_id"] == region.json()["id"]
    assert body["description"] == "<b>sin HTML</b>"
    assert body["active_members"] == 1
    uid = body["id"]

    request = c.post(f"/api/v1/assemblies/{uid}/join", headers=j_auth)
    assert request.status_code == 201
    assert request.json()["state"] == "pending"
    mid = request.json()["id"]
    detail = c.get(f"/api/v1/assemblies/{uid}", headers=f_auth).json()
    assert detail["pending"] == [
        {"membership_id": mid, "username": joiner, "vouches": 0, "vouched_by_me": False}
    ]
    assert detail["breadcrumbs"] == [region.json()["id"]]
    assert c.get(f"/api/v1/assemblies/{uid}/members", headers=j_auth).status_code == 403

    vouched = c.post(f"/api/v1/memberships/{mid}/vouch", headers=f_auth)
    assert vouched.status_code == 200
    assert vouched.json()["state"] == "active"
    members = c.get(f"/api/v1/assemblies/{uid}/members", headers=j_auth)
    assert members.status_code == 200
    assert {(m["username"], m["role"]) for m in members.json()} == {
        (founder, "facilitator"),
        (joiner, "member"),
    }

    for action, state, role in (
        ("suspend", "suspended", "member"),
        ("reinstate", "active", "member"),
        ("facilitator", "active", "facilitator"),
    ):
        done = c.post(f"/api/v1/memberships/{mid}/{action}", headers=f_auth)
        assert done.status_code == 200, done.text
        assert (done.json()["state"], done.json()["role"]) == (state, role)
    mine = c.get("/api/v1/me/memberships", headers=j_auth).json()
    assert [(m["assembly_id"], m["role"]) for m in mine] == [(uid, "facilitator")]
    tree = c.get("/api/v1/assemblies").json()
    node = next(n for n in tree if n["id"] == region.json()["id"])
    assert [(ch["id"], ch["active_members"]) for ch in node["children"]] == [(uid, 2)]
    assert c.post(f"/api/v1/assemblies/{uid}/leave", headers=j_auth).status_code == 204
    assert c.get("/api/v1/me/memberships", headers=j_auth).json() == []
    before = row_counts(engine)
    again = c.post(f"/api/v1/assemblies/{uid}/leave", headers=j_auth)
    assert_refused(again, "es", 404)
    assert row_counts(engine) == before


def test_tokens_are_revoked_by_logout_and_never_need_csrf(app: FastAPI) -> None:
    b, name, auth = new_account(app, "en")
    me = b.client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200
    assert me.json()["username"] == name
    assert me.json()["locale"] == "en"  # registered under Accept-Language: en
    assert "password" not in me.text
    # a bearer request needs no X-CSRF-Token: a browser cannot send it cross-site
    created = b.client.post(
        "/api/v1/assemblies", headers=auth, json={"name": "Sin CSRF", "kind": "student"}
    )
    assert created.status_code == 201
    assert b.client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    assert_refused(b.client.get("/api/v1/me", headers=auth), "en", 401)


def test_a_wrong_password_gets_no_token(app: FastAPI, world: World) -> None:
    b = Browser(app, "en")
    response = b.client.post(
        "/api/v1/tokens", json={"username": world.names["member"], "password": "mala clave"}
    )
    assert_refused(response, "en", 422)
    assert "token" not in response.json()
    unknown = b.client.post("/api/v1/tokens", json={"username": unique("x"), "password": "abc"})
    assert unknown.json() == response.json()  # no hint whether the account exists


def test_the_session_cookie_also_works_for_the_api(app: FastAPI, world: World) -> None:
    b = Browser(app, "es").logged_in_as(world.names["member"])
    me = b.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == world.names["member"]
    detail = b.get(f"/api/v1/assemblies/{world.union}").json()
    assert detail["mine"]["state"] == "active"
    assert detail["members"] is not None


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_api_error_is_json_with_a_code_and_a_message(app: FastAPI, lang: str) -> None:
    b = Browser(app, lang)
    for response in (
        b.get("/api/v1/nada"),
        b.client.put("/api/v1/assemblies"),
        b.get("/api/v1/assemblies/abc"),
        b.client.post(
            "/api/v1/accounts", content=b"{", headers={"content-type": "application/json"}
        ),
        b.client.post("/api/v1/accounts", json={"username": "ab", "password": PASSWORD}),
    ):
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"error", "message"}
        assert body["error"]
        assert_refused(response, lang)


def test_casting_with_a_token_is_identified_with_the_ballot(app: FastAPI, world: World) -> None:
    """A token cast is identified by the casting writer, in the ballot's own transaction: the
    owner's ballot counts once, the owner's language speaks the refusal, and an unknown token
    is refused in the request's language without writing anything."""
    facilitator = Browser(app, "es").logged_in_as(world.names["facilitator"])
    now = datetime.now(UTC)
    created = facilitator.api(
        "POST",
        f"/api/v1/assemblies/{world.union}/votes",
        json={
            "question": "¿Paro el jueves?",
            "rule": "plurality",
            "options": ["Sí", "No"],
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    vote_id = created.json()["id"]
    assert facilitator.api("POST", f"/api/v1/votes/{vote_id}/open").status_code == 200
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(world.names["member"]))
        assert found is not None
        accounts.set_locale(db, found[0], "en")
    client = Browser(app, "es")
    token = client.client.post(
        "/api/v1/tokens", json={"username": world.names["member"], "password": PASSWORD}
    ).json()["token"]
    ballots = f"/api/v1/votes/{vote_id}/ballots"
    first = client.client.post(ballots, json={"selection": [1]}, headers=bearer(token))
    assert first.status_code == 201, first.text
    again = client.client.post(ballots, json={"selection": [0]}, headers=bearer(token))
    assert assert_refused(again, "en", 409)  # the account's language, not the request's
    stranger = client.client.post(ballots, json={"selection": [0]}, headers=bearer("asb_nadie"))
    assert assert_refused(stranger, "es", 401)
    view = facilitator.api("GET", f"/api/v1/votes/{vote_id}").json()
    assert (view["voters"], view["ballots"]) == (1, 1)
