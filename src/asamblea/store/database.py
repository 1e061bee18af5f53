"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with SQLite tuned for safety (WAL, foreign keys, durable commits)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver level so that SQLAlchemy's "begin" hook below decides how
    # transactions start (BEGIN IMMEDIATE: writers queue instead of failing mid-transaction).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock up front; readers (see `make_sessionmaker(read_only=True)`)
    # read a snapshot without blocking the writer or each other (WAL), and the connection is
    # put in `query_only` mode for the reader's transaction: SQLite itself then refuses any
    # write ("attempt to write a readonly database"), as PostgreSQL does in a READ ONLY one.
    # The pragma is per connection and pooled connections serve both kinds, so every
    # transaction sets it (a pragma that touches no file: microseconds).
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql(f"PRAGMA query_only={1 if read_only else 0}")
    connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


READ_ONLY = "asamblea_read_only"


def make_sessionmaker(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (rows are mapped out right away).

    ``read_only`` sessions are for pages that only read: on SQLite they do not take the write
    lock and run with ``PRAGMA query_only``; on PostgreSQL the transaction is declared READ ONLY.
    On both, a write through such a session fails: a bug cannot write from a GET.
    """
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True, "postgresql_readonly": True})
    return sessionmaker(bind=engine, expire_on_commit=False)
