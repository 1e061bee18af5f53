"""Actions on both databases: convene, who sees what, tasks, postpone and cancel events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.mobilisation.actions import ActionState, Viewer, Visibility
from asamblea.services.mobilisation import access, actions
from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.world import T0, World, convene


def actions_logged(db: Session) -> list[str]:
    return [row.action for row in db.scalars(select(AuditRow).order_by(AuditRow.id))]


def test_convene_records_events_and_tasks(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w)
    repo = MobilisationRepository(db)
    assert [(t.role.value, t.needed, t.signed) for t in repo.tasks(action_id)] == [
        ("kitchen", 2, 0),
        ("first_aid", 1, 0),
    ]
    assert [i.text for i in repo.checklist(action_id)] == ["Megáfono", "Botiquín"]
    logged = actions_logged(db)
    assert "mobilisation.action_convened" in logged
    assert "mobilisation.tasks_need_people" in logged


def test_only_facilitators_convene_and_bad_input_writes_nothing(db: Session) -> None:
    w = World(db)
    with pytest.raises(Forbidden):
        convene(db, w, by="a1")
    spec = actions.Convening(
        kind=actions.ActionKind.MARCH,
        title="Marcha",
        region="99",
        starts_at=T0 + timedelta(days=1),
        places=["Plaza"],
    )
    with pytest.raises(Invalid):
        actions.convene(db, w.p["a_fac"], w.a, spec, now=T0)
    past = actions.Convening(
        kind=actions.ActionKind.MARCH,
        title="Marcha",
        region="15",
        starts_at=T0 - timedelta(days=1),
        places=["Plaza"],
    )
    with pytest.raises(Invalid):
        actions.convene(db, w.p["a_fac"], w.a, past, now=T0)
    assert MobilisationRepository(db).actions() == []


def test_members_only_actions_are_hidden_and_viewers_resolved(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w, visibility=Visibility.MEMBERS)
    with pytest.raises(NotFound):
        access.visible_action(db, w.p["outsider"], action_id)
    with pytest.raises(NotFound):
        access.visible_action(db, None, action_id)
    with pytest.raises(NotFound):  # a member of another assembly
        access.visible_action(db, w.p["b1"], action_id)
    assert access.visible_action(db, w.p["a1"], action_id)[1] is Viewer.MEMBER
    assert access.visible_action(db, w.p["a_fac"], action_id)[1] is Viewer.COORDINATOR


def test_task_signups(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w)
    repo = MobilisationRepository(db)
    kitchen = repo.tasks(action_id)[0].id
    actions.sign_up(db, w.p["a1"], action_id, kitchen)
    with pytest.raises(Conflict):
        actions.sign_up(db, w.p["a1"], action_id, kitchen)
    with pytest.raises(NotFound):  # not taking part: the action answers as to anyone
        actions.sign_up(db, w.p["outsider"], action_id, kitchen)
    with pytest.raises(NotFound):
        actions.sign_up(db, w.p["a1"], action_id, 999_999)
    assert repo.tasks(action_id)[0].signed == 1
    actions.leave_task(db, w.p["a1"], action_id, kitchen)
    with pytest.raises(Conflict):
        actions.leave_task(db, w.p["a1"], action_id, kitchen)
    assert repo.tasks(action_id)[0].signed == 0


def test_postpone_cancel_and_report(db: Session) -> None:
    w = World(db)
    action_id = convene(db, w)
    later = T0 + timedelta(days=5)
    with pytest.raises(Forbidden):
        actions.postpone(db, w.p["a1"], action_id, starts_at=later, note="lluvia", now=T0)
    moved = actions.postpone(db, w.p["a_fac"], action_id, starts_at=later, note="lluvia", now=T0)
    assert moved.state is ActionState.POSTPONED
    assert moved.starts_at == later
    actions.live_update(db, w.p["a_fac"], action_id, text="Llegamos 200", now=T0)
    assert [t for _, t in MobilisationRepository(db).live_updates(action_id)] == [
        "Llegamos 200",
        "lluvia",
    ]
    cancelled = actions.cancel(db, w.p["a_fac"], action_id, reason="Acuerdo logrado", now=T0)
    assert cancelled.state is ActionState.CANCELLED
    with pytest.raises(Conflict):
        actions.cancel(db, w.p["a_fac"], action_id, reason="otra vez", now=T0)
    kitchen = MobilisationRepository(db).tasks(action_id)[0].id
    with pytest.raises(Conflict):
        actions.sign_up(db, w.p["a1"], action_id, kitchen)
    logged = actions_logged(db)
    assert logged.count("mobilisation.action_postponed") == 1
    assert logged.count("mobilisation.action_cancelled") == 1
    held = convene(db, w)
    with pytest.raises(Conflict):  # not started yet
        actions.report(
            db, w.p["a_fac"], held, turnout={w.a: 30}, incidents="", next_steps="", now=T0
        )
    done = actions.report(
        db,
        w.p["a_fac"],
        held,
        turnout={w.a: 30},
        incidents="ninguno",
        next_steps="asamblea",
        now=T0 + timedelta(days=3),
    )
    assert done.state is ActionState.HELD
    assert done.report is not None
    assert done.report["turnout"] == {str(w.a): 30}
