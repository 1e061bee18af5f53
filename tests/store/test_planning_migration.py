"""Migration 0007 on both databases: targets recorded under the two-person rule become drafts
(confirmed ones adopted, unconfirmed ones not counted), and the downgrade brings them back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, text

from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

NOW = "2026-11-28 15:00:00+00:00"


def _seed_0006(connection: Connection) -> None:
    """Two people, a national assembly with two base assemblies, a round, and two targets
    recorded the old way: the union's confirmed by a second person, the community's not."""
    for pid, name in ((1, "ana"), (2, "beto")):
        connection.execute(
            text(
                "INSERT INTO person (id, username, username_key, password_hash, created_at) "
                "VALUES (:i, :n, :n, 'x', :t)"
            ),
            {"i": pid, "n": name, "t": NOW},
        )
    for aid, kind, parent in ((1, "national", None), (2, "union", 1), (3, "peasant_community", 1)):
        connection.execute(
            text(
                "INSERT INTO assembly (id, name, kind, parent_id, description, vouches_needed, "
                "quorum_percent, delegate_ratio, recall_percent, created_at) "
                "VALUES (:i, :n, :k, :p, '', 2, 50, 50, 30, :t)"
            ),
            {"i": aid, "n": f"A{aid}", "k": kind, "p": parent, "t": NOW},
        )
    connection.execute(
        text(
            "INSERT INTO planning_round (id, assembly_id, title, model_key, goods, baseline, "
            "aggregation, state, created_by, created_at) VALUES (1, 1, 'Plan', 'aldea', "
            "'[\"pan\"]', '{}', 'median', 'open', 1, :t)"
        ),
        {"t": NOW},
    )
    for assembly, confirmed in ((2, True), (3, False)):
        connection.execute(
            text(
                "INSERT INTO planning_target (round_id, assembly_id, levels, changes, note, "
                "digest, recorded_by, recorded_at, members, confirmed_by, confirmed_at) VALUES "
                "(1, :a, '{\"pan\": 12.5}', '{}', 'acta', :d, 1, :t, :m, :c, :ct)"
            ),
            {
                "a": assembly,
                "d": "d" * 64,
                "t": NOW,
                "m": 3 if confirmed else None,
                "c": 2 if confirmed else None,
                "ct": NOW if confirmed else None,
            },
        )


def _rows(connection: Connection, query: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(query))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_targets_become_drafts_and_come_back(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    config = alembic_config(url)
    command.downgrade(config, "0006")
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            _seed_0006(connection)
        upgrade(url, "0007")
        with engine.connect() as connection:
            drafts = _rows(
                connection,
                "SELECT assembly_id, state, members, vote_id, drafted_by, note "
                "FROM planning_draft ORDER BY assembly_id",
            )
            levels = connection.execute(text("SELECT levels FROM planning_draft")).scalars().all()
        assert drafts == [
            (2, "adopted", 3, None, 1, "acta"),
            (3, "rejected", None, None, 1, "acta"),
        ]
        assert [json.loads(v) if isinstance(v, str) else v for v in levels] == [{"pan": 12.5}] * 2
        command.downgrade(config, "0006")
        with engine.connect() as connection:
            targets = _rows(
                connection,
                "SELECT assembly_id, members, recorded_by, confirmed_by "
                "FROM planning_target ORDER BY assembly_id",
            )
        assert targets == [(2, 3, 1, 1)]  # the rejected draft does not come back
    finally:
        engine.dispose()
        drop_database(url, schema)
