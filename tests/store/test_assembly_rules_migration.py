"""Migration 0006 on both databases: assemblies founded before it get the default support,
escalation and weight rules; the new columns refuse values outside the rules' bounds; the
downgrade removes them and keeps every assembly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

NOW = "2026-11-28 15:00:00+00:00"
NEW_COLUMNS = {"support_percent", "escalation_percent", "delegate_weight"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_existing_assemblies_get_the_defaults_and_the_downgrade_keeps_them(
    backend: str, tmp_path: Path
) -> None:
    url, schema = new_database(backend, tmp_path)
    config = alembic_config(url)
    command.downgrade(config, "0005")
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO assembly (id, name, kind, parent_id, description, vouches_needed,"
                    " quorum_percent, delegate_ratio, recall_percent, created_at) "
                    "VALUES (1, 'Sindicato', 'union', NULL, '', 3, 60, 40, 25, :t)"
                ),
                {"t": NOW},
            )
        upgrade(url, "0006")
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT vouches_needed, recall_percent, support_percent, escalation_percent,"
                    " delegate_weight FROM assembly WHERE id = 1"
                )
            ).one()
        assert tuple(row) == (3, 25, 10, 50, "one_each")  # old rules kept, new ones defaulted
        for column, value in (
            ("support_percent", "0"),
            ("escalation_percent", "101"),
            ("delegate_weight", "'by_lot'"),
        ):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(
                    text(f"UPDATE assembly SET {column} = {value} WHERE id = 1")  # noqa: S608 - fixed names
                )
        command.downgrade(config, "0005")
        engine.dispose()
        columns = {c["name"] for c in inspect(engine).get_columns("assembly")}
        assert not columns & NEW_COLUMNS
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM assembly")).scalars().all() == [
                "Sindicato"
            ]
    finally:
        engine.dispose()
        drop_database(url, schema)
