"""Migration 0009 on both databases: recall petitions already open get their assembly's recall
share (frozen from then on); rules changes keep one pending change per assembly; roll-call
weights refuse impossible values; an agenda item belongs to one escalation; the downgrade
drops what it added and keeps the petitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

NOW = "2026-11-28 15:00:00+00:00"
LATER = "2027-11-28 15:00:00+00:00"


def _seed_0008(connection: Connection) -> None:
    """A region (1) and a neighbourhood (2, recall share 35 %) under it; person 1 delegates it
    upstairs and person 2 has opened a petition to recall them; a draft vote (1) of the
    neighbourhood."""
    for pid in (1, 2):
        connection.execute(
            text(
                "INSERT INTO person (id, username, username_key, password_hash, created_at) "
                "VALUES (:i, :n, :n, 'x', :t)"
            ),
            {"i": pid, "n": f"p{pid}", "t": NOW},
        )
    for aid, kind, parent, recall in ((1, "region", None, 20), (2, "neighbourhood", 1, 35)):
        connection.execute(
            text(
                "INSERT INTO assembly (id, name, kind, parent_id, description, vouches_needed, "
                "quorum_percent, delegate_ratio, recall_percent, created_at) "
                "VALUES (:i, :n, :k, :p, '', 2, 50, 50, :r, :t)"
            ),
            {"i": aid, "n": f"A{aid}", "k": kind, "p": parent, "r": recall, "t": NOW},
        )
    connection.execute(
        text(
            "INSERT INTO delegate (id, person_id, child_id, parent_id, starts_at, ends_at, state, "
            "created_at) VALUES (1, 1, 2, 1, :t, :e, 'petitioned', :t)"
        ),
        {"t": NOW, "e": LATER},
    )
    connection.execute(
        text(
            "INSERT INTO recall_petition (id, delegate_id, opened_by, state, created_at) "
            "VALUES (1, 1, 2, 'gathering', :t)"
        ),
        {"t": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO vote (id, assembly_id, question, options, rule, seats, threshold, "
            "quorum_percent, mode, public, state, opens_at, closes_at, created_by, length, "
            "voters) VALUES (1, 2, '¿Reglas?', '[]', 'majority', 1, 'simple', 50, 'secret', "
            ":pub, 'draft', :t, :e, 1, 0, 0)"
        ),
        {"t": NOW, "e": LATER, "pub": True},
    )


def _refused(engine: Engine, statement: str, **params: object) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement), params)


@pytest.mark.parametrize("backend", BACKENDS)
def test_petitions_get_their_share_and_the_new_tables_hold(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    config = alembic_config(url)
    command.downgrade(config, "0008")
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            _seed_0008(connection)
        upgrade(url, "0009")
        with engine.connect() as connection:
            share = connection.scalar(text("SELECT recall_percent FROM recall_petition"))
        assert share == 35  # the assembly's share when the migration ran, frozen from now on
        _refused(engine, "UPDATE recall_petition SET recall_percent = 0")
        _refused(
            engine,
            "INSERT INTO recall_petition (delegate_id, opened_by, state, created_at) "
            "VALUES (1, 2, 'gathering', :t)",  # a new petition must say its share
            t=NOW,
        )

        pending = (
            "INSERT INTO rules_change (assembly_id, vote_id, rules, before, state, "
            "pending_assembly_id, proposed_by, proposed_at) "
            "VALUES (2, :v, '{}', '{}', :s, :p, 1, :t)"
        )
        with engine.begin() as connection:
            connection.execute(text(pending), {"v": 1, "s": "voting", "p": 2, "t": NOW})
        _refused(engine, pending, v=1, s="voting", p=None, t=NOW)  # one vote, one change
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO vote (id, assembly_id, question, options, rule, seats, "
                    "threshold, quorum_percent, mode, public, state, opens_at, closes_at, "
                    "created_by, length, voters) SELECT 2, assembly_id, question, options, rule, "
                    "seats, threshold, quorum_percent, mode, public, state, opens_at, closes_at, "
                    "created_by, length, voters FROM vote WHERE id = 1"
                )
            )
        _refused(engine, pending, v=2, s="voting", p=2, t=NOW)  # one pending per assembly
        _refused(engine, pending, v=2, s="maybe", p=None, t=NOW)
        with engine.begin() as connection:  # settled changes are not pending: any number
            connection.execute(text(pending), {"v": 2, "s": "rejected", "p": None, "t": NOW})

        weight = (
            "INSERT INTO roll_call_weight (vote_id, child_id, weight_rule, members, delegates) "
            "VALUES (1, 2, :r, :m, :d)"
        )
        _refused(engine, weight, r="by_lot", m=3, d=1)
        _refused(engine, weight, r="one_each", m=3, d=0)
        _refused(engine, weight, r="one_each", m=-1, d=1)
        with engine.begin() as connection:
            connection.execute(text(weight), {"r": "members_represented", "m": 3, "d": 1})

        command.downgrade(config, "0008")
        engine.dispose()
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"rules_change", "roll_call_weight"}
        columns = {c["name"] for c in inspect(engine).get_columns("recall_petition")}
        assert "recall_percent" not in columns
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT COUNT(*) FROM recall_petition")) == 1
    finally:
        engine.dispose()
        drop_database(url, schema)
