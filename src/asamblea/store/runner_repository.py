"""What the runner reads and takes: due votes (locked, skipping locked rows) and, for a vote,
every decision that waits on it.

`take_due_vote` is the queue pattern PostgreSQL documents for many consumers: ``SELECT … FOR
UPDATE SKIP LOCKED LIMIT 1`` inside the transaction that does the work, so two runners never
take the same vote and a runner that dies releases its row with its connection. SQLite ignores
the clause; there a writer holds the whole database from ``BEGIN IMMEDIATE`` on, which gives the
same guarantee for the one server SQLite serves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, true, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CompoundSelect

from asamblea.store.budgeting_models import BudgetElectionRow, BudgetProcessRow
from asamblea.store.delegation_models import (
    DelegateElectionRow,
    MandateRow,
    RecallPetitionRow,
)
from asamblea.store.deliberation_models import AmendmentRow, ProposalRow
from asamblea.store.encrypted_votes_models import EncryptedVoteRow
from asamblea.store.federation_models import RulesChangeRow
from asamblea.store.mobilisation_models import AdhesionRow
from asamblea.store.mobilisation_platform_models import PlatformMergeRow
from asamblea.store.planning_models import PlanningDraftRow
from asamblea.store.votes_models import VoteRow


@dataclass(frozen=True)
class Decisions:
    """What a published vote decides: ids of the records that wait on it."""

    proposals: tuple[int, ...] = ()
    amendments: tuple[int, ...] = ()
    delegate_election: bool = False
    recall: bool = False
    committee_election: bool = False
    drafts: tuple[int, ...] = ()
    rules_change_assembly: int | None = None
    adhesion: bool = False
    mandates: tuple[int, ...] = ()  # children that gave a mandate (a roll call's breaches)
    merge: bool = False  # a merge of platform points still voting on it


class RunnerRepository:
    """Queries for the runner."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def take_due_vote(self, now: datetime, exclude: Collection[int] = ()) -> int | None:
        """Lock and return the open vote that closed longest ago, skipping votes another
        transaction holds; None when no vote is due. Votes counted in person are left to the
        facilitators who record and confirm the count (docs/voting.md)."""
        taken = self.take_due_votes(now, 1, exclude)
        return taken[0] if taken else None

    def take_due_votes(self, now: datetime, limit: int, exclude: Collection[int] = ()) -> list[int]:
        """Lock and return up to ``limit`` due votes, oldest closing first (as above)."""
        query = (
            select(VoteRow.id)
            .where(VoteRow.state == "open", VoteRow.mode != "in_person", VoteRow.closes_at <= now)
            .where(VoteRow.id.not_in(list(exclude)) if exclude else true())
            .order_by(VoteRow.closes_at, VoteRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.db.scalars(query))

    def next_closing(self, now: datetime) -> datetime | None:
        """When the next open vote (not counted in person) closes after ``now``, if any."""
        query = select(func.min(VoteRow.closes_at)).where(
            VoteRow.state == "open", VoteRow.mode != "in_person", VoteRow.closes_at > now
        )
        return self.db.scalar(query)

    def open_budget_processes(self) -> list[int]:
        """The processes not yet in their last phase (their calendars, in JSON, are read by
        the service: a handful per federation)."""
        query = (
            select(BudgetProcessRow.id)
            .where(BudgetProcessRow.phase != "oversight")
            .order_by(BudgetProcessRow.id)
        )
        return list(self.db.scalars(query))

    def take_budget_process(self, process_id: int) -> bool:
        """Lock the process's row unless another transaction holds it (then False)."""
        query = (
            select(BudgetProcessRow.id)
            .where(BudgetProcessRow.id == process_id)
            .with_for_update(skip_locked=True)
        )
        return self.db.scalar(query) is not None

    def take_lapsed_petitions(
        self, opened_before: datetime, limit: int = 100, exclude: Collection[int] = ()
    ) -> list[int]:
        """Lock and return petitions still gathering signatures that opened before
        ``opened_before``, skipping those another transaction holds."""
        query = (
            select(RecallPetitionRow.id)
            .where(
                RecallPetitionRow.state == "gathering",
                RecallPetitionRow.created_at <= opened_before,
            )
            .where(RecallPetitionRow.id.not_in(list(exclude)) if exclude else true())
            .order_by(RecallPetitionRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.db.scalars(query))

    def count_due_votes(self, now: datetime) -> int:
        """How many open votes are past their closing time (for the logs and the tests)."""
        query = select(func.count()).where(
            VoteRow.state == "open", VoteRow.mode != "in_person", VoteRow.closes_at <= now
        )
        return int(self.db.scalar(query) or 0)

    def unsettled_published_votes(self) -> list[int]:
        """Published votes with a decision still waiting on them: none once every vote is
        published through `services.closing`, but a database from before issue #11 may hold
        some (its pages settled them when shown). The runner settles them at its start."""
        waiting = union_all(
            select(ProposalRow.vote_id).where(ProposalRow.state == "voting"),
            select(AmendmentRow.vote_id).where(AmendmentRow.state == "voting"),
            select(PlanningDraftRow.vote_id).where(PlanningDraftRow.state == "voting"),
            select(RecallPetitionRow.vote_id).where(RecallPetitionRow.state == "voting"),
            select(RulesChangeRow.vote_id).where(RulesChangeRow.state == "voting"),
            select(DelegateElectionRow.vote_id).where(DelegateElectionRow.settled.is_(False)),
            select(BudgetElectionRow.vote_id).where(BudgetElectionRow.settled.is_(False)),
        ).subquery()
        query = (
            select(VoteRow.id)
            .where(VoteRow.state == "published", VoteRow.id.in_(select(waiting.c[0])))
            .order_by(VoteRow.id)
        )
        return list(self.db.scalars(query))

    def decisions(self, vote_id: int) -> Decisions:
        """Every record that waits on ``vote_id`` (each kind's settle step is idempotent)."""
        return self.decisions_of([vote_id])[vote_id]

    def decisions_of(self, vote_ids: Collection[int]) -> dict[int, Decisions]:
        """What waits on each of ``vote_ids``, in one statement (``UNION ALL`` of one indexed
        lookup per kind): it runs once per group of votes the runner publishes together."""
        ids = list(vote_ids)
        kinds: CompoundSelect[str, int, int] = union_all(
            select(literal("proposal"), ProposalRow.vote_id, ProposalRow.id).where(
                ProposalRow.vote_id.in_(ids)
            ),
            select(literal("amendment"), AmendmentRow.vote_id, AmendmentRow.id).where(
                AmendmentRow.vote_id.in_(ids)
            ),
            select(literal("draft"), PlanningDraftRow.vote_id, PlanningDraftRow.id).where(
                PlanningDraftRow.vote_id.in_(ids)
            ),
            select(
                literal("election"), DelegateElectionRow.vote_id, DelegateElectionRow.vote_id
            ).where(DelegateElectionRow.vote_id.in_(ids)),
            select(
                literal("committee"), BudgetElectionRow.vote_id, BudgetElectionRow.vote_id
            ).where(BudgetElectionRow.vote_id.in_(ids)),
            select(literal("recall"), RecallPetitionRow.vote_id, RecallPetitionRow.id).where(
                RecallPetitionRow.vote_id.in_(ids)
            ),
            select(literal("rules"), RulesChangeRow.vote_id, RulesChangeRow.assembly_id).where(
                RulesChangeRow.vote_id.in_(ids)
            ),
            select(literal("adhesion"), AdhesionRow.vote_id, AdhesionRow.id).where(
                AdhesionRow.vote_id.in_(ids)
            ),
            select(literal("mandate"), MandateRow.vote_id, MandateRow.child_id).where(
                MandateRow.vote_id.in_(ids)
            ),
            select(literal("merge"), PlatformMergeRow.vote_id, PlatformMergeRow.id).where(
                PlatformMergeRow.vote_id.in_(ids), PlatformMergeRow.state == "voting"
            ),
        )
        found: dict[int, dict[str, list[int]]] = {vote_id: {} for vote_id in ids}
        for kind, vote_id, key in self.db.execute(kinds):
            found[int(vote_id)].setdefault(str(kind), []).append(int(key))
        return {vote_id: _decisions(kinds_found) for vote_id, kinds_found in found.items()}

    def encrypted_among(self, vote_ids: Collection[int]) -> set[int]:
        """Which of ``vote_ids`` are cast encrypted (they close into their trustees' hands)."""
        if not vote_ids:
            return set()
        query = select(EncryptedVoteRow.vote_id).where(EncryptedVoteRow.vote_id.in_(list(vote_ids)))
        return {int(vote_id) for vote_id in self.db.scalars(query)}


def _decisions(found: dict[str, list[int]]) -> Decisions:
    rules = found.get("rules")
    return Decisions(
        proposals=tuple(found.get("proposal", ())),
        amendments=tuple(found.get("amendment", ())),
        delegate_election="election" in found,
        recall="recall" in found,
        committee_election="committee" in found,
        drafts=tuple(found.get("draft", ())),
        rules_change_assembly=rules[0] if rules else None,
        adhesion="adhesion" in found,
        mandates=tuple(found.get("mandate", ())),
        merge="merge" in found,
    )
