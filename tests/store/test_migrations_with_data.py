"""Every migration since 0005 goes down and up again over a database full of data.

The demo federation touches nearly every table (memberships, votes and boards, proposals,
escalations and their adoptions, delegates, mandates, recall petitions and signatures, planning
drafts, budget processes and committee elections). On SQLite, Alembic's batch mode rebuilds a
table to alter it — copy, drop, rename — and dropping a table that other rows point at fails
while foreign keys are enforced, so a migration that passes on an empty database can still
refuse a real one. After the round trip the foreign keys must all hold and the demo's rows must
all be there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text

from asamblea.services.demo.federation import seed_demo
from asamblea.services.votes.votes import signing_key
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AssemblyRow, MembershipRow
from asamblea.store.migrate import alembic_config
from asamblea.store.votes_models import VoteRow
from tests.databases import BACKENDS, drop_database, engine_for, new_database

pytestmark = pytest.mark.slow
OLDEST = "0005"  # the first revision after which tables that hold rows are altered


def _counts(engine: Engine) -> tuple[int, int, int]:
    with make_sessionmaker(engine).begin() as db:
        return (
            db.scalar(select(func.count()).select_from(AssemblyRow)) or 0,
            db.scalar(select(func.count()).select_from(MembershipRow)) or 0,
            db.scalar(select(func.count()).select_from(VoteRow)) or 0,
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_down_and_up_again_over_the_demo(backend: str, tmp_path: Path) -> None:
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    try:
        with make_sessionmaker(engine).begin() as db:
            assert seed_demo(db, signing_key("clave-de-prueba-" * 4))[1]
        before = _counts(engine)
        assert min(before) > 0
        engine.dispose()
        config = alembic_config(url)
        command.downgrade(config, OLDEST)
        command.upgrade(config, "head")
        assert _counts(engine) == before
        if backend == "sqlite":
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        engine.dispose()
        drop_database(url, schema)
