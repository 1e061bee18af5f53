"""Conditional pledges on both databases: counts, the trigger once, withdrawal, nesting, and
no trace pairing a person with a pledge."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Forbidden, NotFound
from asamblea.core.mobilisation.actions import ActionState
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.services.mobilisation import pledges
from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.world import T0, World, convene


def events(db: Session, action: str) -> list[AuditRow]:
    return list(db.scalars(select(AuditRow).where(AuditRow.action == action)))


def test_trigger_fires_once_and_pledges_become_commitments(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w, pledge=Thresholds(2))
    assert not pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    view = pledges.pledge_view(db, w.p["a1"], action_id)
    assert view.mine
    assert view.standing.pledges == 1
    assert not view.standing.triggered
    assert pledges.pledge(db, w.p["a2"], action_id, w.a, now=T0)
    action = MobilisationRepository(db).action(action_id)
    assert action is not None
    assert action.state is ActionState.CONFIRMED
    with pytest.raises(Conflict):
        pledges.withdraw(db, w.p["a1"], action_id)
    assert not pledges.pledge(db, w.p["a3"], action_id, w.a, now=T0)  # a commitment at once
    fired = events(db, "mobilisation.pledge_triggered")
    assert len(fired) == 1
    assert fired[0].actor_id is None
    assert fired[0].details == {"action_id": action_id, "pledges": 2, "people_counted": 2}
    assert pledges.pledge_view(db, None, action_id).standing.pledges == 3


def test_refusals_write_nothing(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w, pledge=Thresholds(3))
    pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    with pytest.raises(Conflict):
        pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    with pytest.raises(Forbidden):  # not a member of A
        pledges.pledge(db, w.p["outsider"], action_id, w.a, now=T0)
    with pytest.raises(Forbidden):  # B has not joined this action
        pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    with pytest.raises(Conflict):
        pledges.withdraw(db, w.p["a2"], action_id)
    no_pledge = convene(db, w, pledge=None)
    with pytest.raises(NotFound):
        pledges.pledge(db, w.p["a1"], no_pledge, w.a, now=T0)
    assert pledges.pledge_view(db, None, action_id).standing.pledges == 1


def test_withdrawal_before_trigger_undoes_exactly_one(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w, pledge=Thresholds(3))
    pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    pledges.pledge(db, w.p["a2"], action_id, w.a, now=T0)
    pledges.withdraw(db, w.p["a1"], action_id)
    view = pledges.pledge_view(db, w.p["a1"], action_id)
    assert view.standing.pledges == 1
    assert not view.mine
    assert view.can_pledge
    assert not pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    assert pledges.pledge(db, w.p["a3"], action_id, w.a, now=T0)


def test_nested_region_threshold(db: Session) -> None:
    """Lima's region convenes: 2 members per assembly, 2 assemblies of the region."""
    w = World(db)
    action_id = convene(db, w, by="l_fac", assembly=w.lima, pledge=Thresholds(2, assemblies=2))
    assert not pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    assert not pledges.pledge(db, w.p["a2"], action_id, w.a, now=T0)  # A met, B not yet
    assert not pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    view = pledges.pledge_view(db, None, action_id).standing
    assert (view.assemblies_met, view.regions_met, view.people_counted) == (1, 0, 0)
    assert pledges.pledge(db, w.p["b2"], action_id, w.b, now=T0)
    with pytest.raises(Forbidden):  # Arequipa's community does not take part
        pledges.pledge(db, w.p["c1"], action_id, w.c, now=T0)


def test_nobody_is_paired_with_a_pledge(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w, pledge=Thresholds(2))
    pledgers = {w.p["a1"].id, w.p["a2"].id}
    for name in ("a1", "a2"):
        pledges.pledge(db, w.p[name], action_id, w.a, now=T0)
    for row in db.scalars(select(AuditRow)):
        if row.actor_id in pledgers:
            assert "pledge" not in row.action
        assert not (pledgers & set(_ints(row.details)))
    view = pledges.pledge_view(db, w.p["a_fac"], action_id)  # the coordinator
    assert not view.mine
    fields = {f.name for f in dataclasses.fields(view)} | {
        f.name for f in dataclasses.fields(view.standing)
    }
    assert not {"people", "pledgers", "names", "persons"} & fields


def _ints(value: object) -> list[int]:
    if isinstance(value, dict):
        return [i for v in value.values() for i in _ints(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ints(v)]
    return [value] if isinstance(value, int) and not isinstance(value, bool) else []
