"""Struggles on both databases: register, updates, solidarity, joining by a members' vote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Forbidden, Invalid
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.mobilisation.struggles import Place, Sector, StruggleState
from asamblea.services.mobilisation import pledges, struggles
from asamblea.services.votes import closing, votes
from asamblea.store.federation_models import AuditRow
from tests.services.mobilisation.world import KEY, T0, World, convene

YES, NO = 0, 1


def form(region: str = "15", province: str | None = "1501") -> struggles.StruggleForm:
    return struggles.StruggleForm(
        title="Agua para Villa El Salvador",
        demands="Reposición del servicio de agua",
        against="Sedapal",
        place=Place(region, province),
        sector=Sector.WATER_ENVIRONMENT,
        since=date(2026, 11, 1),
        district="Villa El Salvador",
    )


def test_register_update_and_overview(db: Session) -> None:
    w = World(db)
    struggle = struggles.register(db, w.p["a_fac"], w.a, form(), now=T0)
    with pytest.raises(Invalid):
        struggles.register(db, w.p["a_fac"], w.a, form("15", "0401"), now=T0)
    with pytest.raises(Invalid):  # a region registers no struggle of its own
        struggles.register(db, w.p["l_fac"], w.lima, form(), now=T0)
    with pytest.raises(Forbidden):
        struggles.register(db, w.p["a1"], w.a, form(), now=T0)
    struggles.register(db, w.p["c_fac"], w.c, form("04", "0401"), now=T0)
    updated = struggles.post_update(
        db,
        w.p["a_fac"],
        struggle.id,
        text="Diálogo suspendido",
        state=StruggleState.SUSPENDED,
        now=T0,
    )
    assert updated.state is StruggleState.SUSPENDED
    with pytest.raises(Conflict):
        struggles.post_update(
            db, w.p["a_fac"], struggle.id, text="x", state=StruggleState.SUSPENDED, now=T0
        )
    seen = struggles.overview(db, region="15")
    assert [s.id for s in seen.struggles] == [struggle.id]
    assert seen.by_region == {"15": 1, "04": 1}
    assert seen.by_sector == {"water_environment": 2}
    with pytest.raises(Invalid):
        struggles.overview(db, region="<script>")


def test_solidarity_once_and_not_with_oneself(db: Session) -> None:
    w = World(db)
    struggle = struggles.register(db, w.p["a_fac"], w.a, form(), now=T0)
    struggles.declare_solidarity(db, w.p["b_fac"], struggle.id, w.b, now=T0)
    with pytest.raises(Conflict):
        struggles.declare_solidarity(db, w.p["b_fac"], struggle.id, w.b, now=T0)
    with pytest.raises(Conflict):
        struggles.declare_solidarity(db, w.p["a_fac"], struggle.id, w.a, now=T0)
    with pytest.raises(Forbidden):
        struggles.declare_solidarity(db, w.p["b1"], struggle.id, w.b, now=T0)


def _vote(db: Session, w: World, vote_id: int, choices: dict[str, int]) -> None:
    for name, choice in choices.items():
        votes.cast(db, w.p[name], vote_id, [choice], now=T0 + timedelta(hours=1), key=KEY)
    closing.close_vote(db, w.p["b_fac"], vote_id, T0 + timedelta(days=4), KEY)


def test_joining_an_action_is_the_members_decision(db: Session) -> None:
    """B's members vote to join A's sit-in; from the vote's publication B's members pledge."""
    w = World(db)
    action_id = convene(db, w, pledge=Thresholds(1, people=3))
    adhesion = struggles.propose_adhesion(db, w.p["b_fac"], "action", action_id, w.b, now=T0)
    assert adhesion.state == "voting"
    with pytest.raises(Conflict):
        struggles.propose_adhesion(db, w.p["b_fac"], "action", action_id, w.b, now=T0)
    with pytest.raises(Forbidden):
        pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    assert adhesion.vote_id is not None
    _vote(db, w, adhesion.vote_id, {"b_fac": YES, "b1": YES, "b2": NO})
    settled = struggles.settle_adhesion(db, adhesion.vote_id)
    assert settled is not None
    assert settled.state == "joined"
    assert not pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    assert not pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    assert pledges.pledge(db, w.p["b2"], action_id, w.b, now=T0)
    joined = db.scalars(select(AuditRow).where(AuditRow.action == "mobilisation.adhered"))
    assert [r.details["assembly_id"] for r in joined] == [w.b]


def test_a_rejected_adhesion_joins_nothing(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w)
    adhesion = struggles.propose_adhesion(db, w.p["b_fac"], "action", action_id, w.b, now=T0)
    assert adhesion.vote_id is not None
    _vote(db, w, adhesion.vote_id, {"b_fac": NO, "b1": NO})
    settled = struggles.settle_adhesion(db, adhesion.vote_id)
    assert settled is not None
    assert settled.state == "rejected"
    with pytest.raises(Forbidden):
        pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    again = struggles.propose_adhesion(db, w.p["b_fac"], "action", action_id, w.b, now=T0)
    assert again.state == "voting"
