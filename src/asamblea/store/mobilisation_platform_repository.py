"""Queries for the unified platform: demands' struggles and the merges of a platform's points.

Rows are mapped to frozen dataclasses here (`MergeRecord`); the points themselves are
escalations, read through `asamblea.store.deliberation_repository`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from asamblea.store.locking import for_update
from asamblea.store.mobilisation_platform_models import (
    DemandSourceRow,
    PlatformMergePointRow,
    PlatformMergeRow,
)


@dataclass(frozen=True)
class MergeRecord:
    """A merge put to the vote of a platform's assembly, and how it stands."""

    id: int
    assembly_id: int
    into: int
    merged: tuple[int, ...]
    vote_id: int
    state: str
    proposed_at: datetime
    settled_at: datetime | None


class PlatformRepository:
    """Demand sources and platform merges."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add_source(self, proposal_id: int, struggle_id: int) -> None:
        self.db.add(DemandSourceRow(proposal_id=proposal_id, struggle_id=struggle_id))
        self.db.flush()

    def sources(self, proposal_ids: Collection[int]) -> dict[int, int]:
        """Proposal → the struggle it was raised from, for those raised from one."""
        if not proposal_ids:
            return {}
        rows = self.db.execute(
            select(DemandSourceRow.proposal_id, DemandSourceRow.struggle_id).where(
                DemandSourceRow.proposal_id.in_(list(proposal_ids))
            )
        )
        return {int(row[0]): int(row[1]) for row in rows}

    def demands_of_struggle(self, struggle_id: int) -> list[int]:
        """The proposals raised from a struggle, oldest first."""
        return list(
            self.db.scalars(
                select(DemandSourceRow.proposal_id)
                .where(DemandSourceRow.struggle_id == struggle_id)
                .order_by(DemandSourceRow.proposal_id)
            )
        )

    def add_merge(
        self, assembly_id: int, into: int, merged: Collection[int], vote_id: int, at: datetime
    ) -> MergeRecord:
        row = PlatformMergeRow(
            assembly_id=assembly_id, into_id=into, vote_id=vote_id, state="voting", proposed_at=at
        )
        self.db.add(row)
        self.db.flush()
        for point in sorted(merged):
            self.db.add(PlatformMergePointRow(merge_id=row.id, escalation_id=point))
        self.db.flush()
        return self._merge(row)

    def _merge(self, row: PlatformMergeRow) -> MergeRecord:
        merged = self.db.scalars(
            select(PlatformMergePointRow.escalation_id)
            .where(PlatformMergePointRow.merge_id == row.id)
            .order_by(PlatformMergePointRow.escalation_id)
        )
        return MergeRecord(
            row.id,
            row.assembly_id,
            row.into_id,
            tuple(merged),
            row.vote_id,
            row.state,
            row.proposed_at,
            row.settled_at,
        )

    def merge_for_vote(self, vote_id: int, *, lock: bool = False) -> MergeRecord | None:
        stmt = select(PlatformMergeRow).where(PlatformMergeRow.vote_id == vote_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else self._merge(row)

    def merges(self, assembly_id: int) -> list[MergeRecord]:
        """Every merge put to `assembly_id`'s vote, in the order proposed (applied ones are
        settled in that order too: a vote closes after the one opened before it, or not)."""
        rows = self.db.scalars(
            select(PlatformMergeRow)
            .where(PlatformMergeRow.assembly_id == assembly_id)
            .order_by(PlatformMergeRow.id)
        )
        return [self._merge(row) for row in rows]

    def set_merge_state(self, merge_id: int, state: str, at: datetime) -> None:
        self.db.execute(
            update(PlatformMergeRow)
            .where(PlatformMergeRow.id == merge_id)
            .values(state=state, settled_at=at)
        )
