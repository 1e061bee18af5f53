"""Migration 0008 on both databases: committee seats confirmed under the two-person rule are
carried over as seats without a vote, proposals never confirmed are dropped; the downgrade
turns seats back into confirmed ones (the process's creator standing in for both people)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, text

from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

NOW = "2026-11-28 15:00:00+00:00"


def _seed_0007(connection: Connection) -> None:
    """Four people, a union, a process created by 1 in formalisation; 3 proposed by 1 and
    confirmed by 2, 4 proposed by 1 and never confirmed."""
    for pid in (1, 2, 3, 4):
        connection.execute(
            text(
                "INSERT INTO person (id, username, username_key, password_hash, created_at) "
                "VALUES (:i, :n, :n, 'x', :t)"
            ),
            {"i": pid, "n": f"p{pid}", "t": NOW},
        )
    connection.execute(
        text(
            "INSERT INTO assembly (id, name, kind, parent_id, description, vouches_needed, "
            "quorum_percent, delegate_ratio, recall_percent, created_at) "
            "VALUES (1, 'Sindicato', 'union', NULL, '', 2, 50, 50, 30, :t)"
        ),
        {"t": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO budget_process (id, assembly_id, title, budget, calendar, phase, "
            "ballot_kind, within_budget, rule, created_by, created_at) VALUES (1, 1, 'PP', "
            "100000, '{}', 'formalisation', 'approval', false, 'mes', 1, :t)"
        ),
        {"t": NOW},
    )
    for person, confirmed in ((3, 2), (4, None)):
        connection.execute(
            text(
                "INSERT INTO budget_committee (process_id, person_id, proposed_by, confirmed_by) "
                "VALUES (1, :p, 1, :c)"
            ),
            {"p": person, "c": confirmed},
        )


def _rows(connection: Connection, query: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(query))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_confirmed_seats_carry_over_and_come_back(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    config = alembic_config(url)
    command.downgrade(config, "0007")
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            _seed_0007(connection)
        upgrade(url, "0008")
        with engine.connect() as connection:
            seats = _rows(connection, "SELECT process_id, person_id, vote_id FROM budget_committee")
            columns = {c["name"] for c in inspect(connection).get_columns("budget_committee")}
            elections = _rows(connection, "SELECT vote_id FROM budget_election")
            candidates = _rows(connection, "SELECT person_id FROM budget_candidate")
        assert seats == [(1, 3, None)]  # the unconfirmed proposal of 4 did not count
        assert columns == {"process_id", "person_id", "vote_id"}
        assert elections == candidates == []
        command.downgrade(config, "0007")
        with engine.connect() as connection:
            back = _rows(
                connection,
                "SELECT process_id, person_id, proposed_by, confirmed_by FROM budget_committee",
            )
            tables = set(inspect(connection).get_table_names())
        assert back == [(1, 3, 1, 1)]
        assert not tables & {"budget_candidate", "budget_election"}
        upgrade(url)  # and up again to head
    finally:
        engine.dispose()
        drop_database(url, schema)
