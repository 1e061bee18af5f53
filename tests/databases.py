"""Test databases: SQLite files and PostgreSQL schemas, migrated with the real migrations.

PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth, database `test`), or at
ASAMBLEA_TEST_POSTGRES_URL. Under CI=true it must be there; elsewhere its tests skip with one
clear line when no server answers.
"""

from __future__ import annotations

import os
import shutil
import uuid
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from asamblea.store.database import make_engine
from asamblea.store.migrate import upgrade
from tests.datasets import IN_CI

POSTGRES_URL = os.environ.get(
    "ASAMBLEA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


@lru_cache(maxsize=1)
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return str(error.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    """Skip (or fail under CI=true) when PostgreSQL is not reachable."""
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL not reachable at {POSTGRES_URL}: {problem}"
    if IN_CI:
        pytest.fail(f"CI=true requires PostgreSQL. {message}")
    pytest.skip(message + " — PostgreSQL tests skipped")


def new_database(backend: str, folder: Path) -> tuple[str, str | None]:
    """A freshly migrated database: (its URL, the PostgreSQL schema to drop later, if any)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}"
        upgrade(url)
        return url, None
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    upgrade(url)
    return url, schema


def drop_database(url: str, schema: str | None) -> None:
    """Remove a test database made by `new_database`."""
    if schema is None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def engine_for(url: str) -> Engine:
    """The application's own engine setup for a test URL."""
    return make_engine(url)


def copy_sqlite(template_url: str, folder: Path) -> str:
    """A copy of a migrated SQLite database (much faster than migrating again)."""
    source = Path(template_url.removeprefix("sqlite:///"))
    target = folder / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"
