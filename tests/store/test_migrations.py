"""Migrations build the schema the models describe, on both databases; audit is append-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from asamblea.store.migrate import check
from tests.databases import BACKENDS, drop_database, engine_for, new_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_head_then_check(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)  # runs `alembic upgrade head`
    try:
        check(url)  # `alembic check`: raises if models and migrations drift apart
    finally:
        drop_database(url, schema)


@pytest.mark.parametrize("backend", BACKENDS)
def test_audit_log_refuses_edits(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_event (at, action, subject, details) "
                    "VALUES (CURRENT_TIMESTAMP, 'x', '', '{}')"
                )
            )
        for statement in ("UPDATE audit_event SET action = 'y'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT action FROM audit_event")).scalar_one() == "x"
    finally:
        engine.dispose()
        drop_database(url, schema)
