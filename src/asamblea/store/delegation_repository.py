"""Delegates, their elections, mandates, recall petitions, roll-call ballots and the weights
frozen when a roll call opens: every query for them. Rows come out as the frozen dataclasses
of `asamblea.core.delegation` (and the records defined here that the core has no need for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.delegation import Delegate, DelegateState, MandateChoice
from asamblea.core.federation import WeightRule
from asamblea.store.delegation_models import (
    DelegateElectionRow,
    DelegateRow,
    MandateRow,
    RecallPetitionRow,
    RecallSignatureRow,
    RollCallWeightRow,
)
from asamblea.store.locking import for_update
from asamblea.store.votes_models import BallotRow, RollRow


def to_delegate(row: DelegateRow) -> Delegate:
    """Map a delegate row."""
    return Delegate(
        id=row.id,
        person_id=row.person_id,
        child_id=row.child_id,
        parent_id=row.parent_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        state=DelegateState(row.state),
    )


@dataclass(frozen=True)
class DelegateElection:
    """An STV vote electing delegates; ``candidates[i]`` is the person of option ``i``."""

    vote_id: int
    child_id: int
    parent_id: int
    candidates: tuple[int, ...]
    term_starts: datetime
    term_ends: datetime
    replaces_id: int | None
    settled: bool


@dataclass(frozen=True)
class RecallPetition:
    """A recall petition: ``gathering`` signatures, then ``voting``, then ``settled``."""

    id: int
    delegate_id: int
    opened_by: int
    state: str
    vote_id: int | None
    recall_percent: int  # the child's recall share when the petition opened


@dataclass(frozen=True)
class FrozenWeight:
    """How a roll call weighs one child's delegates, as it stood when the vote opened."""

    rule: WeightRule
    members: int
    delegates: int


@dataclass(frozen=True)
class MandateRecord:
    """A child's instruction to its delegates on one vote of the parent, and when (and by
    which facilitator) the instruction in force was recorded."""

    vote_id: int
    child_id: int
    choice: MandateChoice
    set_by: int
    set_at: datetime


def _election(row: DelegateElectionRow) -> DelegateElection:
    return DelegateElection(
        vote_id=row.vote_id,
        child_id=row.child_id,
        parent_id=row.parent_id,
        candidates=tuple(int(p) for p in row.candidates),
        term_starts=row.term_starts,
        term_ends=row.term_ends,
        replaces_id=row.replaces_id,
        settled=row.settled,
    )


def _petition(row: RecallPetitionRow) -> RecallPetition:
    return RecallPetition(
        row.id, row.delegate_id, row.opened_by, row.state, row.vote_id, row.recall_percent
    )


class DelegationRepository:
    """Delegates, their elections, mandates, recall petitions and roll-call ballots."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add_election(self, election: DelegateElection) -> None:
        """Store the link between an STV vote and the seats it fills."""
        self.db.add(
            DelegateElectionRow(
                vote_id=election.vote_id,
                child_id=election.child_id,
                parent_id=election.parent_id,
                candidates=list(election.candidates),
                term_starts=election.term_starts,
                term_ends=election.term_ends,
                replaces_id=election.replaces_id,
                settled=False,
            )
        )
        self.db.flush()

    def election(self, vote_id: int, *, lock: bool = False) -> DelegateElection | None:
        """The delegate election held by a vote, if it is one."""
        stmt = select(DelegateElectionRow).where(DelegateElectionRow.vote_id == vote_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return _election(row) if row else None

    def elections(self, child_id: int) -> list[DelegateElection]:
        """A child's delegate elections (by-elections included), the newest first."""
        rows = self.db.scalars(
            select(DelegateElectionRow)
            .where(DelegateElectionRow.child_id == child_id)
            .order_by(DelegateElectionRow.vote_id.desc())
        )
        return [_election(row) for row in rows]

    def mark_settled(self, vote_id: int) -> None:
        """An election's winners have been seated."""
        self.db.get_one(DelegateElectionRow, vote_id).settled = True

    def add_delegate(
        self,
        person_id: int,
        child_id: int,
        parent_id: int,
        term: tuple[datetime, datetime],
        election_vote_id: int | None,
    ) -> Delegate:
        """Seat a delegate."""
        row = DelegateRow(
            person_id=person_id,
            child_id=child_id,
            parent_id=parent_id,
            starts_at=term[0],
            ends_at=term[1],
            state=DelegateState.SERVING.value,
            election_vote_id=election_vote_id,
        )
        self.db.add(row)
        self.db.flush()
        return to_delegate(row)

    def delegate(self, delegate_id: int, *, lock: bool = False) -> Delegate | None:
        """A delegate by id."""
        stmt = select(DelegateRow).where(DelegateRow.id == delegate_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_delegate(row) if row else None

    def delegates(
        self, *, child_id: int | None = None, parent_id: int | None = None
    ) -> list[Delegate]:
        """Delegates of a child or in a parent (every state), oldest first."""
        stmt = select(DelegateRow).order_by(DelegateRow.id)
        if child_id is not None:
            stmt = stmt.where(DelegateRow.child_id == child_id)
        if parent_id is not None:
            stmt = stmt.where(DelegateRow.parent_id == parent_id)
        return [to_delegate(row) for row in self.db.scalars(stmt)]

    def set_delegate_state(self, delegate_id: int, state: DelegateState) -> None:
        """Move a delegate's seat to a new state."""
        self.db.get_one(DelegateRow, delegate_id).state = state.value

    def set_mandate(self, vote_id: int, child_id: int, choice: MandateChoice, set_by: int) -> None:
        """Store or replace a child's mandate on a parent's vote."""
        row = self.db.get(MandateRow, (vote_id, child_id))
        if row is None:
            self.db.add(
                MandateRow(vote_id=vote_id, child_id=child_id, choice=choice.value, set_by=set_by)
            )
        else:  # the time is that of the instruction in force; the audit log keeps them all
            row.choice, row.set_by, row.created_at = choice.value, set_by, utcnow()
        self.db.flush()

    def mandates_of(self, child_id: int) -> list[MandateRecord]:
        """Every mandate a child has given its delegates, the newest vote first."""
        rows = self.db.scalars(
            select(MandateRow)
            .where(MandateRow.child_id == child_id)
            .order_by(MandateRow.vote_id.desc())
        )
        return [
            MandateRecord(r.vote_id, r.child_id, MandateChoice(r.choice), r.set_by, r.created_at)
            for r in rows
        ]

    def mandates(self, vote_id: int) -> dict[int, MandateChoice]:
        """Each child's mandate on a vote."""
        rows = self.db.execute(
            select(MandateRow.child_id, MandateRow.choice).where(MandateRow.vote_id == vote_id)
        )
        return {row[0]: MandateChoice(row[1]) for row in rows}

    def freeze_weights(self, vote_id: int, weights: Mapping[int, FrozenWeight]) -> None:
        """Store, per child, how a roll call weighs its delegates (once, when it opens)."""
        for child_id, w in weights.items():
            self.db.add(
                RollCallWeightRow(
                    vote_id=vote_id,
                    child_id=child_id,
                    weight_rule=w.rule.value,
                    members=w.members,
                    delegates=w.delegates,
                )
            )
        self.db.flush()

    def frozen_weights(self, vote_id: int) -> dict[int, FrozenWeight]:
        """Per child, how a roll call weighs its delegates (empty: nothing was frozen)."""
        rows = self.db.scalars(
            select(RollCallWeightRow).where(RollCallWeightRow.vote_id == vote_id)
        )
        return {
            r.child_id: FrozenWeight(WeightRule(r.weight_rule), r.members, r.delegates)
            for r in rows
        }

    def roll_people(self, vote_id: int) -> set[int]:
        """Who was on a vote's roll when it opened."""
        return set(self.db.scalars(select(RollRow.person_id).where(RollRow.vote_id == vote_id)))

    def roll_call_selections(self, vote_id: int) -> dict[int, tuple[int, ...]]:
        """Each named voter's selection in a roll-call vote."""
        rows = self.db.execute(
            select(BallotRow.voter_id, BallotRow.selection).where(
                BallotRow.vote_id == vote_id, BallotRow.voter_id.is_not(None)
            )
        )
        return {int(row[0]): tuple(row[1]) for row in rows}

    def add_petition(self, delegate_id: int, opened_by: int, recall_percent: int) -> RecallPetition:
        """Open a petition with the recall share it counts against (the opener signs it
        separately)."""
        row = RecallPetitionRow(
            delegate_id=delegate_id,
            opened_by=opened_by,
            state="gathering",
            recall_percent=recall_percent,
        )
        self.db.add(row)
        self.db.flush()
        return _petition(row)

    def petition(self, petition_id: int, *, lock: bool = False) -> RecallPetition | None:
        """A petition by id."""
        stmt = select(RecallPetitionRow).where(RecallPetitionRow.id == petition_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return _petition(row) if row else None

    def petition_with_vote(self, vote_id: int) -> RecallPetition | None:
        """The petition whose recall vote this is."""
        row = self.db.scalar(select(RecallPetitionRow).where(RecallPetitionRow.vote_id == vote_id))
        return _petition(row) if row else None

    def petitions(self, delegate_ids: Iterable[int]) -> list[RecallPetition]:
        """Petitions against some delegates, newest first."""
        ids = list(delegate_ids)
        if not ids:
            return []
        rows = self.db.scalars(
            select(RecallPetitionRow)
            .where(RecallPetitionRow.delegate_id.in_(ids))
            .order_by(RecallPetitionRow.id.desc())
        )
        return [_petition(row) for row in rows]

    def set_petition(self, petition_id: int, state: str, vote_id: int | None = None) -> None:
        """Move a petition (and link its recall vote, when given)."""
        row = self.db.get_one(RecallPetitionRow, petition_id)
        row.state = state
        if vote_id is not None:
            row.vote_id = vote_id

    def sign(self, petition_id: int, person_id: int) -> None:
        """Add a signature."""
        self.db.add(RecallSignatureRow(petition_id=petition_id, person_id=person_id))
        self.db.flush()

    def signers(self, petition_id: int) -> set[int]:
        """Who has signed a petition."""
        return set(
            self.db.scalars(
                select(RecallSignatureRow.person_id).where(
                    RecallSignatureRow.petition_id == petition_id
                )
            )
        )

    def seated_count(self, child_id: int, parent_id: int) -> int:
        """Delegates of a child currently holding a seat in the parent."""
        seated = [
            s.value
            for s in DelegateState
            if s not in {DelegateState.RECALLED, DelegateState.TERM_ENDED}
        ]
        return (
            self.db.scalar(
                select(func.count())
                .select_from(DelegateRow)
                .where(
                    DelegateRow.child_id == child_id,
                    DelegateRow.parent_id == parent_id,
                    DelegateRow.state.in_(seated),
                )
            )
            or 0
        )


def seated_people(delegates: Sequence[Delegate]) -> set[int]:
    """People holding a seat among these delegates."""
    return {d.person_id for d in delegates if d.is_seated}
