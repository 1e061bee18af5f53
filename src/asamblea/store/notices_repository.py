"""Reads and writes for notices: the audit events that may concern a reader, their read marker
and their preferences, and the names a notice's text shows."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from asamblea.core.notices import Event
from asamblea.store.budgeting_models import BudgetProcessRow
from asamblea.store.deliberation_models import ProposalRow
from asamblea.store.federation_models import AssemblyRow, AuditRow, MembershipRow
from asamblea.store.mobilisation_models import (
    ActionRow,
    ActionTaskRow,
    AdhesionRow,
    PledgeCampaignRow,
    PledgeRow,
    TaskSignupRow,
)
from asamblea.store.notices_models import NoticePreferenceRow, NoticeReaderRow
from asamblea.store.planning_models import PlanningRoundRow
from asamblea.store.votes_models import VoteRow

_EVENT_COLUMNS = (
    AuditRow.id,
    AuditRow.at,
    AuditRow.action,
    AuditRow.assembly_id,
    AuditRow.subject,
    AuditRow.actor_id,
    AuditRow.details,
)


@lru_cache(maxsize=64)
def _events_query(assemblies: int, subjects: bool, before: bool) -> Select[Any]:
    """The inbox's statement for a reader of ``assemblies`` assemblies (with or without
    subjects of her own, first page or older), built once per shape: building it (not running
    it) was most of a page's cost. Every value is a bound parameter (`NoticesRepository.events`
    names them)."""
    common = [
        AuditRow.action.in_(bindparam("actions", expanding=True)),
        AuditRow.id > bindparam("after_id"),
        or_(AuditRow.actor_id.is_(None), AuditRow.actor_id != bindparam("person_id")),
    ]
    if before:
        common.append(AuditRow.id < bindparam("before_id"))
    reaches = [
        and_(
            AuditRow.assembly_id == bindparam(f"assembly_{n}"),
            AuditRow.at >= bindparam(f"since_{n}", type_=AuditRow.at.type),
        )
        for n in range(assemblies)
    ]
    if subjects:
        reaches.append(AuditRow.subject.in_(bindparam("subjects", expanding=True)))
    limit = bindparam("limit", type_=Integer)
    branches = [
        select(AuditRow.id)
        .where(reach, *common)
        .order_by(AuditRow.id.desc())
        .limit(limit)
        .subquery()
        for reach in reaches
    ]
    # UNION, not UNION ALL: an event of her assembly may also name her (a vouch for her).
    merged = union(*(select(branch.c.id) for branch in branches)).subquery()
    newest = select(merged.c.id).order_by(merged.c.id.desc()).limit(limit)
    return select(*_EVENT_COLUMNS).where(AuditRow.id.in_(newest)).order_by(AuditRow.id.desc())


@dataclass(frozen=True)
class SeatRow:
    """A membership as the notices need it."""

    membership_id: int
    assembly_id: int
    role: str
    state: str
    since: datetime


class NoticesRepository:
    """Queries over the audit log, read markers and preferences."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def seats(self, person_id: int) -> list[SeatRow]:
        """Every membership of the person."""
        rows = self.db.execute(
            select(
                MembershipRow.id,
                MembershipRow.assembly_id,
                MembershipRow.role,
                MembershipRow.state,
                MembershipRow.created_at,
            ).where(MembershipRow.person_id == person_id)
        )
        return [SeatRow(*row) for row in rows]

    def authored_proposals(self, person_id: int) -> list[int]:
        """Ids of the proposals the person wrote."""
        query = select(ProposalRow.id).where(ProposalRow.author_id == person_id)
        return list(self.db.scalars(query))

    def mobilisation_subjects(self, person_id: int, assembly_ids: Collection[int]) -> set[str]:
        """The mobilisation subjects that name the person, in one statement: the campaigns she
        pledged to (``pledge_campaign:<id>``), and the actions she takes part in through an
        assembly of ``assembly_ids`` that joined them or a task she signed up for
        (``action:<id>``). Only her own: nothing here is ever shown to anyone else."""
        parts = [
            select(literal("pledge_campaign"), PledgeRow.campaign_id).where(
                PledgeRow.person_id == person_id
            ),
            select(literal("action"), ActionTaskRow.action_id)
            .join(TaskSignupRow, TaskSignupRow.task_id == ActionTaskRow.id)
            .where(TaskSignupRow.person_id == person_id),
        ]
        if assembly_ids:
            parts.append(
                select(literal("action"), AdhesionRow.target_id).where(
                    AdhesionRow.assembly_id.in_(list(assembly_ids)),
                    AdhesionRow.target == "action",
                    AdhesionRow.state == "joined",
                )
            )
        return {f"{kind}:{key}" for kind, key in self.db.execute(union_all(*parts))}

    def events(
        self,
        *,
        actions: Collection[str],
        assemblies: Iterable[tuple[int, datetime]],
        subjects: Collection[str],
        person_id: int,
        after_id: int = 0,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[Event]:
        """Newest first: events of ``actions`` in the assemblies (each since its time) or whose
        subject is one of ``subjects``, not done by the person, with ``after_id < id <
        before_id``. A superset of the person's notices; `core.notices` decides each.

        One statement: per assembly (and for the subjects) a branch that reads its index
        (assembly_id, id) or (subject, id) backwards from ``before_id`` for at most ``limit``
        rows, the branches merged by the database and cut to ``limit`` — so that only the
        person's assemblies' newest events are read and only ``limit`` rows reach Python (a
        single query with OR made the databases collect every matching event of the assemblies
        and sort them: 2 s with a million events; benchmarks/bench_notify.py)."""
        seats = list(assemblies)
        if not seats and not subjects:
            return []
        query = _events_query(len(seats), bool(subjects), before_id is not None)
        params: dict[str, object] = {
            "actions": sorted(actions),
            "after_id": after_id,
            "person_id": person_id,
            "before_id": before_id,
            "limit": limit,
            "subjects": sorted(subjects),
        }
        for n, (assembly_id, since) in enumerate(seats):
            params[f"assembly_{n}"] = assembly_id
            params[f"since_{n}"] = since
        found: list[Event] = []
        # The connection, not the ORM session: plain rows, no ORM loading to pay for.
        for row in self.db.connection().execute(query, params):
            id_, at, action, assembly_id, subject, actor_id, details = row
            found.append(Event(id_, at, action, assembly_id, subject, actor_id, dict(details)))
        return found

    def last_event_id(self) -> int:
        """The id of the newest audit event (0 when there is none)."""
        return int(self.db.scalar(select(func.max(AuditRow.id))) or 0)

    def read_up_to(self, person_id: int) -> int:
        """The person's read marker (0: nothing read)."""
        row = self.db.get(NoticeReaderRow, person_id)
        return row.read_up_to if row else 0

    def mark_read(self, person_id: int, up_to: int) -> None:
        """Move the read marker forward to ``up_to`` (never back)."""
        row = self.db.get(NoticeReaderRow, person_id, with_for_update=True)
        if row is None:
            self.db.add(NoticeReaderRow(person_id=person_id, read_up_to=up_to))
        elif up_to > row.read_up_to:
            row.read_up_to = up_to
        self.db.flush()

    def preferences(self, person_id: int) -> dict[str, str]:
        """The kinds the person chose for, with their choice."""
        rows = self.db.scalars(
            select(NoticePreferenceRow).where(NoticePreferenceRow.person_id == person_id)
        )
        return {row.kind: row.delivery for row in rows}

    def set_preference(self, person_id: int, kind: str, delivery: str) -> None:
        """Record the person's choice for one kind."""
        row = self.db.get(NoticePreferenceRow, (person_id, kind))
        if row is None:
            self.db.add(NoticePreferenceRow(person_id=person_id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
        self.db.flush()

    def assembly_names(self, ids: Collection[int]) -> dict[int, str]:
        """Assembly names by id."""
        rows = self.db.execute(
            select(AssemblyRow.id, AssemblyRow.name).where(AssemblyRow.id.in_(ids))
        )
        return {int(i): str(n) for i, n in rows}

    def titles(self, kind: str, ids: Collection[int]) -> dict[int, str]:
        """Questions of votes, titles of proposals, budgets and planning rounds, by id."""
        table = {
            "vote": (VoteRow.id, VoteRow.question),
            "roll_call": (VoteRow.id, VoteRow.question),
            "proposal": (ProposalRow.id, ProposalRow.title),
            "budget": (BudgetProcessRow.id, BudgetProcessRow.title),
            "planning_round": (PlanningRoundRow.id, PlanningRoundRow.title),
            "action": (ActionRow.id, ActionRow.title),
        }.get(kind)
        if kind == "pledge_campaign" and ids:
            rows = self.db.execute(
                select(PledgeCampaignRow.id, ActionRow.title)
                .join(ActionRow, ActionRow.id == PledgeCampaignRow.action_id)
                .where(PledgeCampaignRow.id.in_(ids))
            )
            return {int(i): str(t) for i, t in rows}
        if table is None or not ids:
            return {}
        key, title = table
        rows = self.db.execute(select(key, title).where(key.in_(ids)))
        return {int(i): str(t) for i, t in rows}

    def closing_votes(
        self, assembly_ids: Collection[int], now: datetime, until: datetime
    ) -> list[tuple[int, int, str, datetime]]:
        """Open votes of the assemblies closing in ``(now, until]``: id, assembly, question,
        closing time."""
        if not assembly_ids:
            return []
        rows = self.db.execute(
            select(VoteRow.id, VoteRow.assembly_id, VoteRow.question, VoteRow.closes_at)
            .where(
                VoteRow.assembly_id.in_(assembly_ids),
                VoteRow.state == "open",
                VoteRow.closes_at > now,
                VoteRow.closes_at <= until,
            )
            .order_by(VoteRow.closes_at)
        )
        return [(int(a), int(b), str(c), d) for a, b, c, d in rows]
