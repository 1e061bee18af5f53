"""Migration 0010 on both databases: accounts already there get their TS #39 skeleton, oldest
first (a younger look-alike keeps none); the skeleton is unique from then on; the downgrade
drops it and keeps the accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from asamblea.core.username import skeleton_of
from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

NOW = "2026-11-28 15:00:00+00:00"
#: Names the rules before 0010 accepted: the second is the first with a Cyrillic а.
NAMES = {1: "facilitadora.ves", 2: "f\u0430cilitadora.ves", 3: "Rosa", 4: "ros\u0430"}


def _seed(engine: Engine) -> None:
    with engine.begin() as connection:
        for pid, name in NAMES.items():
            connection.execute(
                text(
                    "INSERT INTO person (id, username, username_key, password_hash, created_at) "
                    "VALUES (:i, :n, :k, 'x', :t)"
                ),
                {"i": pid, "n": name, "k": name.casefold(), "t": NOW},
            )


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_accounts_get_their_skeleton(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    config = alembic_config(url)
    command.downgrade(config, "0009")
    engine = engine_for(url)
    try:
        _seed(engine)
        upgrade(url, "0010")
        with engine.connect() as connection:
            stored = dict(
                connection.execute(text("SELECT id, username_skeleton FROM person")).fetchall()
            )
        assert stored == {
            1: skeleton_of("facilitadora.ves"),
            2: None,  # the younger look-alike
            3: skeleton_of("Rosa"),
            4: None,
        }
        assert stored[1] == skeleton_of(NAMES[2])
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text("UPDATE person SET username_skeleton = :s WHERE id = 2"), {"s": stored[1]}
            )
        command.downgrade(config, "0009")
        engine.dispose()
        columns = {c["name"] for c in inspect(engine).get_columns("person")}
        assert "username_skeleton" not in columns
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT COUNT(*) FROM person")) == len(NAMES)
    finally:
        engine.dispose()
        drop_database(url, schema)
