"""What the server shows and keeps about people: member lists only to active members, no names
in public views, no secrets in the database in the clear, nothing that tells accounts apart."""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeSerializer
from sqlalchemy import Engine, text

from tests.web.conftest import PASSWORD, SECRET, Browser, World, assert_refused, unique

HIDDEN_ROLES = (
    "member",
    "pending",
    "suspended",
    "target_active",
    "target_pending",
    "target_suspended",
    "other_pending",
)


@pytest.mark.parametrize("role", [None, "loner", "pending", "outsider"])
def test_public_views_show_counts_never_names(
    app: FastAPI, shared_world: World, role: str | None
) -> None:
    world = shared_world
    b = Browser(app, "es")
    if role:
        b.logged_in_as(world.names[role])
    public = [
        b.get("/federacion"),
        b.get("/api/v1/assemblies"),
        b.get(f"/asambleas/{world.union}"),
        b.get(f"/api/v1/assemblies/{world.union}"),
        b.get(f"/asambleas/{world.region}"),
    ]
    if role != "outsider":  # the outsider is the other assembly's facilitator
        public += [b.get(f"/asambleas/{world.other}"), b.get(f"/api/v1/assemblies/{world.other}")]
    for response in public:
        assert response.status_code == 200
        body = response.text
        if role:  # one's own name shows in the header: cut it out
            body = body.replace(world.names[role], "")
        for hidden in HIDDEN_ROLES:
            assert world.names[hidden] not in body, (hidden, str(response.url))
    tree = b.get("/api/v1/assemblies").json()
    counts = {n["id"]: n["active_members"] for root in tree for n in [root, *root["children"]]}
    # facilitator, member, target_active, target_active2: pending and suspended do not count
    assert counts[world.union] == 4


def test_secrets_are_kept_only_as_hashes(app: FastAPI, world: World, engine: Engine) -> None:
    b = Browser(app).logged_in_as(world.names["member"])
    session_token = URLSafeSerializer(SECRET).loads(
        b.client.cookies["asamblea_sesion"], salt="session"
    )
    api_token = (
        Browser(app)
        .client.post(
            "/api/v1/tokens", json={"username": world.names["member"], "password": PASSWORD}
        )
        .json()["token"]
    )
    with engine.connect() as connection:
        dump = "\n".join(
            repr(tuple(row))
            for table in ("person", "login_session", "api_token", "audit_event")
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )
        stored_hash = connection.scalar(
            text("SELECT password_hash FROM person WHERE username = :u"),
            {"u": world.names["member"]},
        )
    for secret in (PASSWORD, session_token, api_token):
        assert secret not in dump
    assert hashlib.sha256(session_token.encode()).hexdigest() in dump
    assert stored_hash.startswith("$argon2id$")


def test_login_failures_do_not_tell_whether_an_account_exists(app: FastAPI, world: World) -> None:
    b = Browser(app, "es")
    existing = b.login(world.names["member"], "no es la clave")
    missing = b.login(unique("nadie"), "no es la clave")
    assert existing.status_code == missing.status_code == 422
    assert assert_refused(existing, "es") == assert_refused(missing, "es")


def test_my_memberships_are_mine_alone(app: FastAPI, world: World) -> None:
    b = Browser(app, "en").logged_in_as(world.names["pending"])
    mine = b.get("/api/v1/me/memberships").json()
    assert [(m["assembly_id"], m["state"]) for m in mine] == [(world.union, "pending")]
    page = b.get(f"/asambleas/{world.union}")
    assert world.names["target_pending"] not in page.text  # other requests stay hidden
    home = b.get("/").text
    assert world.names["member"] not in home


def test_errors_never_show_internals(app: FastAPI, world: World) -> None:
    b = Browser(app, "en").logged_in_as(world.names["outsider"])
    for response in (
        b.post_form(f"/membresias/{world.ms['target_active']}/suspender", {}),
        b.api("POST", f"/api/v1/memberships/{world.ms['target_active']}/suspend"),
        b.get("/asambleas/99999999999999999999"),
    ):
        assert 400 <= response.status_code < 500
        for leak in (
            "Traceback",
            "sqlalchemy",
            "SELECT",
            'File "',
            world.names["target_active"],
            f"Sindicato {world.names['facilitator']}",
        ):
            assert leak not in response.text, leak
