"""Fixtures shared by every test package: real databases (SQLite and PostgreSQL), one
transaction per test that is rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from asamblea.services.federation.accounts import use_password_hasher
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.datasets import test_data

__all__ = ["db", "migrated", "test_data"]

# Real argon2id, with the cheapest parameters: the tests register hundreds of accounts.
use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture(scope="session", params=BACKENDS)
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """An engine on a database migrated to head, one per backend for the whole run."""
    folder: Path = tmp_path_factory.mktemp("db")
    url, schema = new_database(str(request.param), folder)
    engine = engine_for(url)
    yield engine
    engine.dispose()
    drop_database(url, schema)


@pytest.fixture
def db(migrated: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test (savepoints inside)."""
    connection = migrated.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()
