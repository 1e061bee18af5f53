"""Two people register look-alike names at the same moment (finding: the loser got a 500 from
the unique index on the name's skeleton). Two real requests race on two connections: both
pass the "is it taken?" checks before either inserts (PostgreSQL), and the one that comes
second is told, in their language, that the name looks like a taken one — with nothing of
theirs written. On SQLite writers queue from the first statement (BEGIN IMMEDIATE), so the
second request only reads once the first has committed; the outcome must be the same."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, text

from tests.web.conftest import PASSWORD, Browser, audit_actions, unique


def test_the_second_of_two_look_alike_registrations_gets_a_clear_409(app: FastAPI) -> None:
    stem = unique("ca")  # letters, digits and _: neither 'rn' nor 'm'
    names = [f"{stem}rnen", f"{stem}men"]  # 'rn' and 'm' share a skeleton
    engine = app.state.engine
    both_checked = threading.Barrier(2)
    met: list[bool] = []

    def hold_the_insert(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PERSON "):
            try:
                both_checked.wait(timeout=3)  # until the other request has checked too
                met.append(True)
            except threading.BrokenBarrierError:
                met.append(False)  # the other waits for this writer (SQLite)

    clients = [Browser(app, "es").client, Browser(app, "es").client]
    registered = len([a for a in audit_actions(engine) if a == "person.registered"])

    def register(i: int) -> httpx.Response:
        body = {"username": names[i], "password": PASSWORD}
        return clients[i].post("/api/v1/accounts", json=body)

    event.listen(engine, "before_cursor_execute", hold_the_insert)
    try:
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(register, range(2)))
    finally:
        event.remove(engine, "before_cursor_execute", hold_the_insert)

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409], [a.text for a in answers]
    lost = next(a for a in answers if a.status_code == 409)
    assert lost.json() == {
        "error": "Conflict",
        "message": "Ese nombre de usuaria/o se parece a uno que ya existe. Elija otro.",
    }
    won = next(a for a in answers if a.status_code == 201).json()["username"]
    if engine.dialect.name == "postgresql":
        assert met == [True, True], "both requests checked the name before either inserted"
    with engine.connect() as connection:
        found = connection.scalars(
            text("SELECT username FROM person WHERE username IN (:a, :b)"),
            {"a": names[0], "b": names[1]},
        ).all()
    assert found == [won], "only the winner's account exists"
    after = len([a for a in audit_actions(engine) if a == "person.registered"])
    assert after == registered + 1, "only the winner's registration is recorded"
