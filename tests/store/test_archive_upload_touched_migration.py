"""Migration 0023 on both databases: uploads already in progress get ``touched_at`` from their
creation (so the sweep counts their day from then), indexed; the downgrade drops it and keeps the
uploads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from nacl import pwhash
from sqlalchemy import MetaData, Table, inspect, select

from asamblea.core.federation import AssemblyKind
from asamblea.services.archive import keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.database import make_sessionmaker
from asamblea.store.migrate import alembic_config, upgrade
from tests.databases import BACKENDS, drop_database, engine_for, new_database

BEGUN = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)


@pytest.mark.parametrize("backend", BACKENDS)
def test_uploads_in_progress_are_touched_at_their_creation(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    try:
        with make_sessionmaker(engine).begin() as db:
            ana = accounts.register(db, "ana.migracion", "una contraseña larga")
            keys.set_up_key(db, ana, "frase de paso del equipo")
            assembly = federation.create_assembly(
                db, ana, name="Familiares", kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None
            )
            case = team.open_case(
                db, ana, assembly.id, title="Caso", place="Lugar", occurred_on=date(2026, 1, 9)
            )
        config = alembic_config(url)
        command.downgrade(config, "0022")
        engine.dispose()
        uploads = Table("archive_upload", MetaData(), autoload_with=engine)
        assert "touched_at" not in uploads.c
        with engine.begin() as connection:
            connection.execute(
                uploads.insert().values(
                    id="ab" * 16,
                    case_id=case.id,
                    length=10,
                    offset=4,
                    segments=1,
                    held_key=b"k",
                    wraps={},
                    consent="team",
                    created_at=BEGUN,
                )
            )
        upgrade(url, "0023")
        engine.dispose()
        uploads = Table("archive_upload", MetaData(), autoload_with=engine)
        with engine.connect() as connection:
            touched = connection.scalar(select(uploads.c.touched_at))
        assert touched is not None
        assert (touched if touched.tzinfo else touched.replace(tzinfo=UTC)) == BEGUN
        indexes = {i["name"] for i in inspect(engine).get_indexes("archive_upload")}
        assert "ix_archive_upload_touched_at" in indexes
        command.downgrade(config, "0022")
        engine.dispose()
        assert "touched_at" not in {
            c["name"] for c in inspect(engine).get_columns("archive_upload")
        }
        with engine.connect() as connection:
            assert connection.scalar(select(uploads.c.id)) == "ab" * 16
    finally:
        engine.dispose()
        drop_database(url, schema)
