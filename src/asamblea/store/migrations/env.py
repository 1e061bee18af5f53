"""Alembic environment: migrations run against the URL set by asamblea.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from asamblea.store.database import make_engine
from asamblea.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a connection (`alembic upgrade --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over a live connection; batch mode lets SQLite alter tables."""
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None  # noqa: S101 - set by asamblea.store.migrate
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_name=_modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)
    engine.dispose()


def _modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave out of `alembic check` the database's own full-text index of the archive's search
    (an FTS5 table and its shadow tables on SQLite, a GIN expression index on PostgreSQL),
    which migration 0014 creates and no model describes."""
    del type_, parent_names
    return name is None or not (name.startswith("archive_search_fts")
                                or name == "ix_archive_search_terms")


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Turn SQLite's foreign-key enforcement off for the migration, on again after.

    Batch mode alters a table by copying it, dropping the old one and renaming the copy; with
    enforcement on, the drop fails as soon as another row points at the table. SQLite's own
    procedure for altering tables turns enforcement off around the change and checks the keys
    before committing (https://www.sqlite.org/lang_altertable.html, "other kinds of table schema
    changes"). The pragma is a no-op inside a transaction, so it goes to the driver's connection
    before Alembic begins one (the engine's connections are in autocommit at the driver level).
    """
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # noqa: S101 - a live connection
    cursor = dbapi.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a migration that left a row pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        msg = f"the migration left rows whose foreign keys point at nothing: {broken[:10]}"
        raise RuntimeError(msg)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
