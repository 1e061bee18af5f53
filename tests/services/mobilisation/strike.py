"""A union of forty members and an indefinite strike with a conditional pledge of 25, on a
fresh database per backend: the world of the pledge race and batch tests (the `strike`
fixture lives in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from asamblea.core.federation import AssemblyKind, MembershipState, Role
from asamblea.core.mobilisation.actions import ActionKind
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.mobilisation import actions
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_repository import FederationRepository
from tests.databases import drop_database, engine_for, new_database
from tests.services.mobilisation.world import PASSWORD, T0

MEMBERS = 40
THRESHOLD = 25


@dataclass
class Strike:
    """The world: sessions on its database, the union, the action and its members."""

    sessions: sessionmaker[Session]
    union: int
    action_id: int
    members: list[Person]


def make_strike(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Strike]:
    """Build the world on `request.param` (a backend) and drop its database afterwards."""
    url, schema = new_database(str(request.param), tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as db:
        people = [accounts.register(db, f"race{i:02d}", PASSWORD) for i in range(MEMBERS)]
        union = federation.create_assembly(
            db, people[0], name="Sindicato", kind=AssemblyKind.UNION, parent_id=None
        )
        repo = FederationRepository(db)
        for person in people[1:]:
            repo.add_membership(union.id, person.id, MembershipState.ACTIVE, Role.MEMBER)
        spec = actions.Convening(
            kind=ActionKind.STRIKE_INDEFINITE,
            title="Huelga indefinida",
            region="15",
            starts_at=T0 + timedelta(days=7),
            places=["Puerta de la planta"],
            pledge=Thresholds(THRESHOLD),
        )
        action_id = actions.convene(db, people[0], union.id, spec, now=T0).id
    yield Strike(sessions, union.id, action_id, people)
    engine.dispose()
    drop_database(url, schema)
