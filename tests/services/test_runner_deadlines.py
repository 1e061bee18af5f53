"""The runner's other deadlines on both databases: a budgeting process enters the phase its
calendar starts (counting the ballots at the start of formalisation) and waits, untouched, for
work only people can do; a recall petition past its time lapses and the delegate serves on.
Each step is idempotent: a second pass does nothing. The members hear of both."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.delegation import DelegateState
from asamblea.services import delegation, notices
from asamblea.services.budgeting import process as budgeting
from asamblea.services.runner.deadlines import run_deadlines
from asamblea.store.delegation_repository import DelegationRepository
from asamblea.store.federation_models import AuditRow
from tests.services.test_budgeting_process import CALENDAR, World, create, to_prioritisation
from tests.services.test_delegation import recall_setup
from tests.services.test_deliberation import T0
from tests.services.test_runner import _bound


def _at(day: str, hours: int = 0) -> datetime:
    return datetime.combine(CALENDAR[day], time(0), tzinfo=UTC) + timedelta(hours=hours)


def test_a_budget_enters_its_phases_by_the_calendar(db: Session) -> None:
    w = World(db)
    process_id = create(db, w)
    to_prioritisation(db, w, process_id)
    projects = budgeting.process_view(db, w.p["m1"], process_id).projects
    budgeting.cast_ballot(db, w.p["m1"], process_id, {projects[0].id: 1})
    sessions = _bound(db)
    before = run_deadlines(sessions, lambda: _at("formalisation", -1))  # type: ignore[arg-type]
    assert before.phases == []
    done = run_deadlines(sessions, lambda: _at("formalisation", 9))  # type: ignore[arg-type]
    assert done.phases == [(process_id, "formalisation")]
    view = budgeting.process_view(db, w.p["m1"], process_id)
    assert view.process.phase == "formalisation"
    assert view.process.result is not None  # counted when the ballot box closed
    again = run_deadlines(sessions, lambda: _at("oversight", 1))  # type: ignore[arg-type]
    assert again.phases == []  # the Acta is not signed: that waits for two facilitators
    assert budgeting.process_view(db, w.p["m1"], process_id).process.phase == "formalisation"
    advanced = db.scalars(
        select(AuditRow.details).where(
            AuditRow.action == "budget.advanced", AuditRow.subject == f"budget:{process_id}"
        )
    ).all()
    assert advanced[-1] == {"phase": "formalisation", "by": "system"}
    for member in ("m3", "f1"):
        lines = notices.inbox(db, w.p[member], now=utcnow()).lines
        phase = [line for line in lines if line.kind == "budget_phase"]
        assert phase[0].params["phase"] == "formalisation", member
        assert phase[0].link == f"/presupuestos/{process_id}"
    outsider = [line.kind for line in notices.inbox(db, w.p["outsider"], now=utcnow()).lines]
    assert "budget_phase" not in outsider


def test_a_petition_past_its_time_lapses(db: Session) -> None:
    _region, _child, people, delegate_id = recall_setup(db, 5, 60)  # 3 signatures of 5
    petition = delegation.open_recall(db, people[2], delegate_id, now=T0)
    assert "recall_opened" in [
        line.kind for line in notices.inbox(db, people[3], now=utcnow()).lines
    ]
    sessions = _bound(db)
    soon = utcnow() + delegation.RECALL_PETITION_LENGTH - timedelta(hours=1)
    assert run_deadlines(sessions, lambda: soon).lapsed == []  # type: ignore[arg-type]
    late = utcnow() + delegation.RECALL_PETITION_LENGTH + timedelta(hours=1)
    assert run_deadlines(sessions, lambda: late).lapsed == [petition.id]  # type: ignore[arg-type]
    repo = DelegationRepository(db)
    lapsed = repo.petition(petition.id)
    assert lapsed is not None
    assert lapsed.state == "lapsed"
    delegate = repo.delegate(delegate_id)
    assert delegate is not None
    assert delegate.state is DelegateState.SERVING
    assert run_deadlines(sessions, lambda: late).lapsed == []  # type: ignore[arg-type]
    assert not delegation.lapse_petition(db, petition.id)
    again = delegation.open_recall(db, people[3], delegate_id, now=T0)  # a new one may open
    assert again.state == "gathering"
