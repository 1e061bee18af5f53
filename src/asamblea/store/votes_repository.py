"""Votes, the frozen roll, the ballot box and in-person counts: every query for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from asamblea.core.ledger.chain import Ballot
from asamblea.core.votes import Mode, Vote, VoteSpec, VoteState
from asamblea.store.federation_models import MembershipRow
from asamblea.store.locking import for_update
from asamblea.store.votes_models import BallotRow, InPersonRow, RollRow, VoteRow

_VOTES = cast("Table", VoteRow.__table__)
#: Built once: the runner publishes votes by the thousand, and building the statement (not
#: running it) was a third of the cost of each.
_PUBLISH = (
    update(_VOTES)
    .where(_VOTES.c.id == bindparam("vote_id"))
    .values(
        state=bindparam("state"),
        seed=bindparam("seed"),
        closed_at=bindparam("closed_at"),
        head_signature=bindparam("head_signature"),
        seal_signature=bindparam("seal_signature"),
        result=bindparam("result", type_=_VOTES.c.result.type),
    )
)


@dataclass(frozen=True)
class InPersonRecord:
    """An in-person count as stored."""

    counts: tuple[int, ...]
    attendance: int
    acta: str
    recorded_by: int
    recorded_at: datetime
    confirmed_by: int | None
    confirmed_at: datetime | None


def to_vote(row: VoteRow) -> Vote:
    """Map a vote row."""
    spec = VoteSpec(
        question=row.question,
        options=tuple(row.options),
        rule=row.rule,
        seats=row.seats,
        threshold=row.threshold,
        quorum_percent=row.quorum_percent,
        mode=Mode(row.mode),
        public=row.public,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
    )
    return Vote(
        id=row.id,
        assembly_id=row.assembly_id,
        spec=spec,
        state=VoteState(row.state),
        roll_size=row.roll_size,
        length=row.length,
        voters=row.voters,
        genesis=row.genesis,
        head=row.head,
        seed=row.seed,
        closed_at=row.closed_at,
    )


class VoteRepository:
    """Persistence of votes."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, assembly_id: int, spec: VoteSpec, created_by: int) -> Vote:
        """Store a draft."""
        row = VoteRow(
            assembly_id=assembly_id,
            question=spec.question,
            options=list(spec.options),
            rule=spec.rule,
            seats=spec.seats,
            threshold=spec.threshold,
            quorum_percent=spec.quorum_percent,
            mode=spec.mode.value,
            public=spec.public,
            state=VoteState.DRAFT.value,
            opens_at=spec.opens_at,
            closes_at=spec.closes_at,
            created_by=created_by,
        )
        self.db.add(row)
        self.db.flush()
        return to_vote(row)

    def get(self, vote_id: int, *, lock: bool = False) -> Vote | None:
        """A vote (locked for update while casting or closing)."""
        stmt = select(VoteRow).where(VoteRow.id == vote_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_vote(row) if row else None

    def get_many(self, vote_ids: Sequence[int]) -> dict[int, Vote]:
        """Several votes by id, in one query (the runner's group, whose rows it already holds)."""
        if not vote_ids:
            return {}
        rows = self.db.scalars(select(VoteRow).where(VoteRow.id.in_(list(vote_ids))))
        return {row.id: to_vote(row) for row in rows}

    def of_assembly(self, assembly_id: int) -> list[Vote]:
        """An assembly's votes, newest first."""
        rows = self.db.scalars(
            select(VoteRow).where(VoteRow.assembly_id == assembly_id).order_by(VoteRow.id.desc())
        )
        return [to_vote(row) for row in rows]

    def open(
        self,
        vote_id: int,
        person_ids: Sequence[int],
        genesis: str,
        opens_at: datetime,
        roll_size: int | None = None,
    ) -> None:
        """Freeze the roll and start the chain (in-person votes give their roll size instead)."""
        if person_ids:
            self.db.execute(
                insert(RollRow),
                [{"vote_id": vote_id, "person_id": p, "voted": False} for p in person_ids],
            )
        self.db.execute(
            update(VoteRow)
            .where(VoteRow.id == vote_id)
            .values(
                state=VoteState.OPEN.value,
                roll_size=len(person_ids) if roll_size is None else roll_size,
                genesis=genesis,
                head=genesis,
                opens_at=opens_at,
            )
        )

    def active_member_ids(self, assembly_id: int) -> list[int]:
        """Who is on the roll if the vote opens now."""
        return list(
            self.db.scalars(
                select(MembershipRow.person_id).where(
                    MembershipRow.assembly_id == assembly_id, MembershipRow.state == "active"
                )
            )
        )

    def active_among(self, assembly_id: int, person_ids: Sequence[int]) -> set[int]:
        """Which of these people are active members of the assembly now (one query)."""
        return set(
            self.db.scalars(
                select(MembershipRow.person_id).where(
                    MembershipRow.assembly_id == assembly_id,
                    MembershipRow.person_id.in_(set(person_ids)),
                    MembershipRow.state == "active",
                )
            )
        )

    def on_roll(self, vote_id: int, person_id: int) -> bool | None:
        """None when not on the roll; else whether they have already voted."""
        return self.db.scalar(
            select(RollRow.voted).where(RollRow.vote_id == vote_id, RollRow.person_id == person_id)
        )

    def mark_voted(self, vote_id: int, person_id: int) -> bool:
        """Mark a voter (exactly once: False when already marked)."""
        result = self.db.execute(
            update(RollRow)
            .where(
                RollRow.vote_id == vote_id, RollRow.person_id == person_id, RollRow.voted.is_(False)
            )
            .values(voted=True)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def append(
        self, vote_id: int, position: int, ballot: Ballot, head: str, voter_id: int | None
    ) -> None:
        """Append a ballot to the box and move the chain head."""
        self.db.add(
            BallotRow(
                vote_id=vote_id,
                position=position,
                receipt=ballot.receipt,
                selection=list(ballot.selection),
                head=head,
                voter_id=voter_id,
            )
        )
        self.db.execute(
            update(VoteRow)
            .where(VoteRow.id == vote_id)
            .values(head=head, length=position, voters=VoteRow.voters + 1)
        )
        self.db.flush()

    def standings(self, vote_id: int, person_ids: Sequence[int]) -> dict[int, bool]:
        """Whether each of these people has voted, for those on the roll (one query)."""
        rows = self.db.execute(
            select(RollRow.person_id, RollRow.voted).where(
                RollRow.vote_id == vote_id, RollRow.person_id.in_(set(person_ids))
            )
        )
        return {row[0]: bool(row[1]) for row in rows}

    def mark_many_voted(self, vote_id: int, person_ids: Sequence[int]) -> int:
        """Mark voters who have not voted yet (one statement); how many were marked."""
        result = self.db.execute(
            update(RollRow)
            .where(
                RollRow.vote_id == vote_id,
                RollRow.person_id.in_(person_ids),
                RollRow.voted.is_(False),
            )
            .values(voted=True),
            execution_options={"synchronize_session": False},
        )
        return int(getattr(result, "rowcount", 0))

    def append_many(
        self, vote_id: int, entries: Sequence[tuple[int, Ballot, str, int | None]]
    ) -> None:
        """Append ballots ``(position, ballot, head after it, roll-call voter)`` in chain order
        and move the chain head past the last one (one insert, one update)."""
        self.db.execute(
            insert(BallotRow),
            [
                {
                    "vote_id": vote_id,
                    "position": position,
                    "receipt": ballot.receipt,
                    "selection": list(ballot.selection),
                    "head": head,
                    "voter_id": voter_id,
                }
                for position, ballot, head, voter_id in entries
            ],
        )
        last_position, _, last_head, _ = entries[-1]
        self.db.execute(
            update(VoteRow)
            .where(VoteRow.id == vote_id)
            .values(head=last_head, length=last_position, voters=VoteRow.voters + len(entries)),
            execution_options={"synchronize_session": False},
        )

    def ballots(self, vote_id: int) -> list[tuple[str, tuple[int, ...], str, int | None]]:
        """Every ballot in chain order: (receipt, selection, head after it, roll-call voter)."""
        rows = self.db.execute(
            select(BallotRow.receipt, BallotRow.selection, BallotRow.head, BallotRow.voter_id)
            .where(BallotRow.vote_id == vote_id)
            .order_by(BallotRow.position)
        )
        return [(row[0], tuple(row[1]), row[2], row[3]) for row in rows]

    def ballots_of(self, vote_ids: Sequence[int]) -> dict[int, list[Ballot]]:
        """The ballots of several votes in one query, each vote's in the order appended."""
        found: dict[int, list[Ballot]] = {vote_id: [] for vote_id in vote_ids}
        if not vote_ids:
            return found
        rows = self.db.execute(
            select(BallotRow.vote_id, BallotRow.receipt, BallotRow.selection)
            .where(BallotRow.vote_id.in_(list(vote_ids)))
            .order_by(BallotRow.vote_id, BallotRow.position)
        )
        for vote_id, receipt, selection in rows:
            found[vote_id].append(Ballot(receipt, tuple(selection)))
        return found

    def publish(
        self,
        vote_id: int,
        *,
        state: VoteState,
        seed: str,
        closed_at: datetime,
        head_signature: str,
        seal_signature: str,
        result: dict[str, Any] | None,
    ) -> None:
        """Store the seal of a closed vote.

        A plain UPDATE of the table (the ORM's bulk update evaluates its WHERE over every
        loaded vote, ~half the cost of a runner's publication); a row of this vote already
        loaded in the session is expired, so that a later read sees the new state."""
        loaded = self.db.identity_map.get(self.db.identity_key(VoteRow, vote_id))
        if loaded is not None:
            self.db.expire(loaded)
        self.db.execute(
            _PUBLISH,
            {
                "vote_id": vote_id,
                "state": state.value,
                "seed": seed,
                "closed_at": closed_at,
                "head_signature": head_signature,
                "seal_signature": seal_signature,
                "result": result,
            },
        )

    def signatures(self, vote_id: int) -> tuple[str | None, str | None, dict[str, Any] | None]:
        """The stored head and seal signatures and the published result."""
        row = self.db.get_one(VoteRow, vote_id)
        return row.head_signature, row.seal_signature, row.result

    def roll_count(self, vote_id: int) -> tuple[int, int]:
        """(roll size, how many have voted) from the roll itself."""
        total = self.db.scalar(
            select(func.count()).select_from(RollRow).where(RollRow.vote_id == vote_id)
        )
        voted = self.db.scalar(
            select(func.count())
            .select_from(RollRow)
            .where(RollRow.vote_id == vote_id, RollRow.voted.is_(True))
        )
        return total or 0, voted or 0

    def record_in_person(
        self, vote_id: int, counts: Sequence[int], attendance: int, acta: str, recorded_by: int
    ) -> None:
        """Store (or replace, while unconfirmed) an in-person count."""
        row = self.db.get(InPersonRow, vote_id)
        if row is None:
            row = InPersonRow(
                vote_id=vote_id,
                counts=list(counts),
                attendance=attendance,
                acta=acta,
                recorded_by=recorded_by,
            )
            self.db.add(row)
        else:
            row.counts, row.attendance, row.acta, row.recorded_by = (
                list(counts),
                attendance,
                acta,
                recorded_by,
            )
        self.db.flush()

    def in_person(self, vote_id: int, *, lock: bool = False) -> InPersonRecord | None:
        """The in-person count of a vote, if one was recorded."""
        stmt = select(InPersonRow).where(InPersonRow.vote_id == vote_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        if row is None:
            return None
        return InPersonRecord(
            tuple(row.counts),
            row.attendance,
            row.acta,
            row.recorded_by,
            row.recorded_at,
            row.confirmed_by,
            row.confirmed_at,
        )

    def confirm_in_person(self, vote_id: int, person_id: int, at: datetime) -> None:
        """The second person confirms."""
        row = self.db.get_one(InPersonRow, vote_id)
        row.confirmed_by, row.confirmed_at = person_id, at

    def set_roll_size(self, vote_id: int, roll_size: int) -> None:
        """For in-person votes: the roll is the active members when the count is recorded."""
        self.db.execute(update(VoteRow).where(VoteRow.id == vote_id).values(roll_size=roll_size))
