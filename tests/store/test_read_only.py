"""Read sessions refuse to write, on both databases (GETs run in them: issue #11)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AuditRow


def test_a_write_in_a_read_session_fails_and_a_writer_still_writes(migrated: Engine) -> None:
    readers = make_sessionmaker(migrated, read_only=True)
    writers = make_sessionmaker(migrated)
    row = {"action": "test.read_only", "subject": "", "details": {}}
    with pytest.raises(DBAPIError, match=r"(?i)read.?only"), readers.begin() as db:
        db.execute(insert(AuditRow).values(**row))
    # A pooled connection that served a reader serves a writer next: it writes (rolled back,
    # so that the shared test database is left as it was).
    with writers() as db:
        before = db.scalar(select(func.count()).select_from(AuditRow))
        db.execute(insert(AuditRow).values(**row))
        assert db.scalar(select(func.count()).select_from(AuditRow)) == (before or 0) + 1
        if migrated.dialect.name == "sqlite":
            assert _query_only(db) == 0
        db.rollback()
    with readers.begin() as db:
        if migrated.dialect.name == "sqlite":
            assert _query_only(db) == 1


def _query_only(db: Session) -> int:
    return int(db.execute(text("PRAGMA query_only")).scalar_one())
