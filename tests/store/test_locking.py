"""A locked read sees the row as committed now, not the copy the session read before waiting.

PostgreSQL only: there a writer that listed a row, then waited for its lock while another
transaction changed and committed it, must decide on the new values (SQLite writers take the
database's write lock when they begin, so no other writer commits in between).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from asamblea.core.federation import AssemblyKind
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AssemblyRow
from asamblea.store.federation_repository import FederationRepository
from tests.databases import drop_database, engine_for, new_database, require_postgres


def test_a_locked_read_refreshes_the_sessions_copy(tmp_path: Path) -> None:
    require_postgres()
    url, schema = new_database("postgresql", tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as db:
            founder = accounts.register(db, "fundadora", "una frase larga y secreta")
            assembly_id = federation.create_assembly(
                db, founder, name="Antes", kind=AssemblyKind.UNION, parent_id=None
            ).id
        with sessions.begin() as first:
            repo = FederationRepository(first)
            listed = first.get(AssemblyRow, assembly_id)  # a row the session keeps, as a list would
            assert listed is not None
            assert listed.name == "Antes"
            with sessions.begin() as second:  # commits while the first still holds its copy
                second.execute(
                    update(AssemblyRow).where(AssemblyRow.id == assembly_id).values(name="Después")
                )
            locked = repo.assembly(assembly_id, lock=True)
            unlocked = repo.assembly(assembly_id)
        assert locked is not None
        assert locked.name == "Después"
        assert unlocked is not None
        assert unlocked.name == listed.name == "Después"  # the session's copy was refreshed
    finally:
        engine.dispose()
        drop_database(url, schema)
