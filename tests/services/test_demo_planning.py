"""The demo's planning part on both databases: a published national plan whose targets two
communities adopted by votes, and its revision round with an adopted change, a draft not
adopted, a second draft under vote, and an assembly whose demo facilitator may draft."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.people import username_key
from asamblea.core.planning.adoption import DraftState
from asamblea.core.votes import VoteState
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.demo.federation import NATIONAL, seed_demo
from asamblea.services.planning import rounds as planning
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from tests.services.demo_dates import check_demo_dates
from tests.services.mobilisation.demo_checks import check_demo_mobilisation, check_demo_platform

pytestmark = pytest.mark.slow  # it seeds the whole demo federation
KEY = votes.signing_key("clave-de-prueba-" + "x" * 40)


def test_the_demo_plans_by_votes(db: Session) -> None:
    now = utcnow()
    seed_demo(db, KEY, now=now)
    check_demo_mobilisation(db)  # the mobilisation part of the same seed (saves a second one)
    check_demo_platform(db)
    check_demo_dates(db, DemoCalendar.at(now))  # and its dates (issue #13, finding 19)
    federation = FederationRepository(db)
    names = {a.id: a.name for a in federation.assemblies()}
    national = next(i for i, name in names.items() if name == NATIONAL)
    revision, first = planning.rounds_for(db, national)
    assert first.published
    assert first.result is not None
    assert first.result["status"] == "optimal"
    assert {c["assembly"] for c in first.result["counted"]} == {
        "Comunidad Campesina de Chucuito",
        "Comunidad Campesina Aymara de Pomata",
    }
    assert revision.previous_id == first.id
    assert not revision.published
    found = PeopleRepository(db).by_key(username_key("facilitadora.ves"))
    assert found is not None
    view = planning.round_view(db, found[0], revision.id)
    rows = {p.assembly.name: p for p in view.participants}
    chucuito = rows["Comunidad Campesina de Chucuito"]
    assert chucuito.draft is not None
    assert chucuito.draft.state is DraftState.ADOPTED
    assert chucuito.draft.changes == {"pan": 10.0}
    assert chucuito.vote is not None
    assert chucuito.draft.members == chucuito.vote.roll_size
    market = rows["Trabajadoras del Mercado Modelo de Villa El Salvador"]
    assert [d.state for d in market.earlier] == [DraftState.REJECTED]
    assert market.draft is not None
    assert market.draft.state is DraftState.VOTING
    assert market.vote is not None
    assert market.vote.state is VoteState.OPEN
    neighbours = rows["Asamblea Vecinal de Villa El Salvador — Sector 3"]
    assert neighbours.draft is None
    assert neighbours.can_draft  # the demo's facilitator may try the form
    assert view.adopted == 1
    assert not view.unsettled
