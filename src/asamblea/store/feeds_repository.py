"""Reads for calendars and feeds (the dated items of assemblies, their published decisions)
and the private-feed tokens (nonce and hash; never the token)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, true
from sqlalchemy.orm import Session

from asamblea.store.budgeting_models import BudgetProcessRow
from asamblea.store.deliberation_models import ProposalRow
from asamblea.store.federation_models import AuditRow
from asamblea.store.feeds_models import FeedTokenRow
from asamblea.store.mobilisation_models import ActionRow, AdhesionRow
from asamblea.store.votes_models import VoteRow

#: Most items of one kind a feed reads (newest first): a feed is a window, not an archive.
WINDOW = 200


@dataclass(frozen=True)
class DatedVote:
    """A vote's dates as a calendar shows them."""

    id: int
    assembly_id: int
    question: str
    public: bool
    state: str
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class DatedBudget:
    """A participatory budget's phases (each phase's first day, ISO dates)."""

    id: int
    assembly_id: int
    title: str
    calendar: dict[str, str]
    created_at: datetime


@dataclass(frozen=True)
class Adopted:
    """A proposal adopted, and when (the event that settled it)."""

    id: int
    assembly_id: int
    title: str
    at: datetime


class FeedsRepository:
    """Queries for feeds and the token table."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # ------------------------------------------------------------ tokens

    def token_nonce(self, person_id: int) -> str | None:
        """The nonce of the person's token, or None when they have none."""
        row = self.db.get(FeedTokenRow, person_id)
        return row.nonce if row else None

    def person_by_hash(self, token_hash: str) -> int | None:
        """Whose token hashes to ``token_hash``."""
        query = select(FeedTokenRow.person_id).where(FeedTokenRow.token_hash == token_hash)
        return self.db.scalar(query)

    def set_token(self, person_id: int, nonce: str, token_hash: str, now: datetime) -> None:
        """Replace the person's token (the old address stops working at commit)."""
        row = self.db.get(FeedTokenRow, person_id, with_for_update=True)
        if row is None:
            self.db.add(
                FeedTokenRow(
                    person_id=person_id, nonce=nonce, token_hash=token_hash, created_at=now
                )
            )
        else:
            row.nonce, row.token_hash, row.created_at = nonce, token_hash, now
        self.db.flush()

    def drop_token(self, person_id: int) -> bool:
        """Revoke the person's token; True when there was one."""
        result = self.db.execute(delete(FeedTokenRow).where(FeedTokenRow.person_id == person_id))
        return bool(getattr(result, "rowcount", 0))

    # ------------------------------------------------------------ dated items

    def votes(
        self, assembly_ids: Collection[int], since: datetime | None = None
    ) -> list[DatedVote]:
        """The assemblies' votes past their draft (closing at or after ``since`` when given),
        newest closing first."""
        query = (
            select(
                VoteRow.id,
                VoteRow.assembly_id,
                VoteRow.question,
                VoteRow.public,
                VoteRow.state,
                VoteRow.opens_at,
                VoteRow.closes_at,
                VoteRow.closed_at,
            )
            .where(VoteRow.assembly_id.in_(list(assembly_ids)), VoteRow.state != "draft")
            .where(VoteRow.closes_at >= since if since is not None else true())
            .order_by(VoteRow.closes_at.desc(), VoteRow.id.desc())
            .limit(WINDOW)
        )
        return [DatedVote(*row) for row in self.db.execute(query)]

    def budgets(self, assembly_ids: Collection[int]) -> list[DatedBudget]:
        """The assemblies' participatory budgets with their phase calendars."""
        query = (
            select(
                BudgetProcessRow.id,
                BudgetProcessRow.assembly_id,
                BudgetProcessRow.title,
                BudgetProcessRow.calendar,
                BudgetProcessRow.created_at,
            )
            .where(BudgetProcessRow.assembly_id.in_(list(assembly_ids)))
            .order_by(BudgetProcessRow.id.desc())
            .limit(WINDOW)
        )
        return [DatedBudget(i, a, t, dict(c), at) for i, a, t, c, at in self.db.execute(query)]

    def action_ids(
        self, assembly_ids: Collection[int], since: datetime | None = None
    ) -> list[int]:
        """Actions convened by the assemblies or joined by their members' vote (starting at or
        after ``since`` when given)."""
        ids = list(assembly_ids)
        joined = select(AdhesionRow.target_id).where(
            AdhesionRow.target == "action",
            AdhesionRow.kind == "adhesion",
            AdhesionRow.state == "joined",
            AdhesionRow.assembly_id.in_(ids),
        )
        query = (
            select(ActionRow.id)
            .where(or_(ActionRow.assembly_id.in_(ids), ActionRow.id.in_(joined)))
            .where(ActionRow.starts_at >= since if since is not None else true())
            .order_by(ActionRow.starts_at.desc())
            .limit(WINDOW)
        )
        return list(self.db.scalars(query))

    # ------------------------------------------------------------ decisions

    def adopted(self, assembly_ids: Collection[int]) -> list[Adopted]:
        """Proposals adopted in the assemblies, newest first (from the events that settled
        them, which carry the state they settled in)."""
        query = (
            select(AuditRow.subject, AuditRow.assembly_id, AuditRow.at, AuditRow.details)
            .where(
                AuditRow.action == "proposal.settled",
                AuditRow.assembly_id.in_(list(assembly_ids)),
            )
            .order_by(AuditRow.id.desc())
            .limit(WINDOW * 2)
        )
        settled = [
            (int(subject.partition(":")[2]), assembly_id, at)
            for subject, assembly_id, at, details in self.db.execute(query)
            if details.get("state") == "adopted" and subject.partition(":")[2].isdecimal()
        ]
        rows = self.db.execute(
            select(ProposalRow.id, ProposalRow.title).where(
                ProposalRow.id.in_([p for p, _, _ in settled])
            )
        )
        titles = {int(i): str(t) for i, t in rows}
        return [
            Adopted(p, a, titles[p], at) for p, a, at in settled if p in titles and a is not None
        ][:WINDOW]
