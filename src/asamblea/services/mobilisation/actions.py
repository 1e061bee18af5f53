"""Actions: convene, postpone, cancel, live updates, checklist, task sign-ups, report.

Use cases take a `Session` and never commit; refusals raise before anything is written. Every
notice-worthy change records its audit event (docs/mobilisation.md, "Events for notices"); no
notice is sent from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.mobilisation import actions as rules
from asamblea.core.mobilisation.actions import ActionKind, ActionState, Task, Viewer, Visibility
from asamblea.core.mobilisation.pledges import Thresholds, check_thresholds
from asamblea.core.mobilisation.struggles import check_text
from asamblea.core.people import Person
from asamblea.formats.places import region_name
from asamblea.services.mobilisation.access import (
    audit,
    check_coordinator,
    check_facilitator_of,
    visible_action,
)
from asamblea.store.mobilisation_repository import Action, MobilisationRepository

MAX_CHECKLIST = 30
MAX_REPORT = 4000


@dataclass(frozen=True)
class Convening:
    """What a facilitator fills in to convene an action."""

    kind: ActionKind
    title: str
    region: str
    starts_at: datetime
    places: Sequence[str]
    description: str = ""
    visibility: Visibility = Visibility.PUBLIC
    reveal_at: datetime | None = None
    struggle_id: int | None = None
    tasks: Sequence[Task] = ()
    checklist: Sequence[str] = ()
    pledge: Thresholds | None = None


def convene(
    db: Session, actor: Person, assembly_id: int, spec: Convening, *, now: datetime
) -> Action:
    """A facilitator of `assembly_id` convenes an action (with its tasks, checklist and, if
    given, a conditional pledge)."""
    check_facilitator_of(db, actor, assembly_id)
    repo = MobilisationRepository(db)
    title = check_text(spec.title, most=160)
    description = spec.description.strip()[:4000]
    if region_name(spec.region) is None:
        raise Invalid(N_("Unknown place code: {code}."), code=spec.region[:8])
    rules.check_schedule(spec.starts_at, now, spec.places)
    rules.check_reveal(spec.reveal_at, spec.starts_at)
    tasks = rules.check_tasks(spec.tasks)
    if len(spec.checklist) > MAX_CHECKLIST:
        raise Invalid(N_("A checklist has at most {most} lines."), most=MAX_CHECKLIST)
    checklist = [check_text(line, most=200) for line in spec.checklist]
    thresholds = None if spec.pledge is None else check_thresholds(spec.pledge)
    if spec.struggle_id is not None and repo.struggle(spec.struggle_id) is None:
        raise NotFound(N_("That struggle does not exist."))
    action = repo.add_action(
        assembly_id=assembly_id,
        struggle_id=spec.struggle_id,
        kind=spec.kind.value,
        title=title,
        description=description,
        region=spec.region,
        starts_at=spec.starts_at,
        places=[p.strip()[:200] for p in spec.places],
        reveal_at=spec.reveal_at,
        visibility=spec.visibility.value,
        state=ActionState.CONVENED.value,
        report=None,
        created_by=actor.id,
        created_at=now,
    )
    for task in tasks:
        repo.add_task(action.id, task.role, task.needed)
    for line in checklist:
        repo.add_checklist_item(action.id, line)
    if thresholds is not None:
        repo.add_campaign(action.id, thresholds)
    subject = f"action:{action.id}"
    details = {
        "assembly_id": assembly_id,
        "kind": spec.kind.value,
        "starts_at": spec.starts_at.isoformat(),
    }
    audit(db, actor, "mobilisation.action_convened", assembly_id, subject, details=details)
    if tasks:
        _tasks_need_people(db, actor, action)
    return action


def _tasks_need_people(db: Session, actor: Person | None, action: Action) -> None:
    needed = {
        t.role.value: rules.still_needed(t.needed, t.signed)
        for t in MobilisationRepository(db).tasks(action.id)
    }
    if any(needed.values()):
        audit(
            db,
            actor,
            "mobilisation.tasks_need_people",
            action.assembly_id,
            f"action:{action.id}",
            details={"needed": needed},
        )


def _changeable(db: Session, actor: Person, action_id: int) -> Action:
    action, viewer = visible_action(db, actor, action_id, lock=True)
    check_coordinator(viewer)
    return action


def postpone(
    db: Session, actor: Person, action_id: int, *, starts_at: datetime, note: str, now: datetime
) -> Action:
    """Move the action to a new start; everyone taking part is to be told (audit event)."""
    action = _changeable(db, actor, action_id)
    rules.check_transition(action.state, ActionState.POSTPONED)
    rules.check_schedule(starts_at, now, action.places)
    if action.reveal_at is not None:
        rules.check_reveal(action.reveal_at, starts_at)
    repo = MobilisationRepository(db)
    repo.set_action(action.id, state=ActionState.POSTPONED.value, starts_at=starts_at)
    text = check_text(note, most=rules.MAX_LIVE_UPDATE)
    repo.add_live_update(action.id, text, now)
    audit(
        db,
        actor,
        "mobilisation.action_postponed",
        action.assembly_id,
        f"action:{action.id}",
        details={"from": action.starts_at.isoformat(), "to": starts_at.isoformat(), "note": text},
    )
    return _reload(repo, action.id)


def cancel(db: Session, actor: Person, action_id: int, *, reason: str, now: datetime) -> Action:
    """Cancel the action; everyone taking part is to be told (audit event)."""
    action = _changeable(db, actor, action_id)
    rules.check_transition(action.state, ActionState.CANCELLED)
    text = check_text(reason, most=rules.MAX_LIVE_UPDATE)
    repo = MobilisationRepository(db)
    repo.set_action(action.id, state=ActionState.CANCELLED.value)
    repo.add_live_update(action.id, text, now)
    audit(
        db,
        actor,
        "mobilisation.action_cancelled",
        action.assembly_id,
        f"action:{action.id}",
        details={"reason": text},
    )
    return _reload(repo, action.id)


def live_update(db: Session, actor: Person, action_id: int, *, text: str, now: datetime) -> None:
    """A coordinator's short update during the action (text first, for phones)."""
    action = _changeable(db, actor, action_id)
    if rules.is_over(action.state) and action.state is not ActionState.HELD:
        raise Conflict(N_("This action is over."))
    clean = check_text(text, most=rules.MAX_LIVE_UPDATE)
    MobilisationRepository(db).add_live_update(action.id, clean, now)


def tick(db: Session, actor: Person, action_id: int, item_id: int, *, done: bool) -> None:
    """Mark a checklist line done or not."""
    action = _changeable(db, actor, action_id)
    if MobilisationRepository(db).set_checklist_item(action.id, item_id, done) != 1:
        raise NotFound(N_("That checklist line does not exist."))


def report(
    db: Session,
    actor: Person,
    action_id: int,
    *,
    turnout: Mapping[int, int],
    incidents: str,
    next_steps: str,
    now: datetime,
) -> Action:
    """After the action: turnout by assembly, incidents, next steps; the action is held."""
    action = _changeable(db, actor, action_id)
    if now < action.starts_at:
        raise Conflict(N_("The report is written after the action starts."))
    if action.state is not ActionState.HELD:
        rules.check_transition(action.state, ActionState.HELD)
    if any(not 0 <= n <= 10_000_000 for n in turnout.values()):
        raise Invalid(N_("Turnout must be a whole number from 0 up."))
    body = {
        "turnout": {str(a): int(n) for a, n in turnout.items()},
        "incidents": incidents.strip()[:MAX_REPORT],
        "next_steps": next_steps.strip()[:MAX_REPORT],
        "at": now.isoformat(),
    }
    repo = MobilisationRepository(db)
    repo.set_action(action.id, state=ActionState.HELD.value, report=body)
    audit(db, actor, "mobilisation.action_reported", action.assembly_id, f"action:{action.id}")
    return _reload(repo, action.id)


def sign_up(db: Session, person: Person, action_id: int, task_id: int) -> None:
    """A member taking part signs up for a task."""
    action, viewer = visible_action(db, person, action_id, lock=True)
    _check_task(db, action, task_id)
    if viewer is Viewer.ANYONE:
        raise NotFound(N_("That action does not exist."))
    repo = MobilisationRepository(db)
    rules.check_signup(action.state, person.id, repo.signed_up(task_id))
    try:
        with db.begin_nested():
            repo.add_signup(task_id, person.id)
    except IntegrityError as error:
        raise Conflict(N_("You have already signed up for this task.")) from error


def leave_task(db: Session, person: Person, action_id: int, task_id: int) -> None:
    """Take one's name off a task; the coordinators learn a hand is missing again."""
    action, _viewer = visible_action(db, person, action_id, lock=True)
    _check_task(db, action, task_id)
    if rules.is_over(action.state):
        raise Conflict(N_("This action is over."))
    if MobilisationRepository(db).remove_signup(task_id, person.id) != 1:
        raise Conflict(N_("You are not signed up for this task."))
    _tasks_need_people(db, None, action)


def _check_task(db: Session, action: Action, task_id: int) -> None:
    if MobilisationRepository(db).task_action(task_id) != action.id:
        raise NotFound(N_("That task does not exist."))


def _reload(repo: MobilisationRepository, action_id: int) -> Action:
    action = repo.action(action_id)
    assert action is not None  # noqa: S101 - just written
    return action
