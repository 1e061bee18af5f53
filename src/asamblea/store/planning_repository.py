"""Planning rounds and the targets base assemblies draft and adopt: every query for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.planning.adoption import DraftState
from asamblea.store.locking import for_update
from asamblea.store.planning_models import PlanningDraftRow, PlanningRoundRow


@dataclass(frozen=True)
class PlanningRound:
    """A planning round as stored (the model is a shipped table's key, or an uploaded CSV)."""

    id: int
    assembly_id: int
    title: str
    model_key: str
    model_csv: str | None
    goods: tuple[str, ...]
    baseline: Mapping[str, float]
    aggregation: str
    state: str
    previous_id: int | None
    created_by: int
    created_at: datetime
    solved_by: int | None
    solved_at: datetime | None
    result: Mapping[str, Any] | None

    @property
    def published(self) -> bool:
        """True once the plan is solved and published (no more targets are taken)."""
        return self.state == "published"


@dataclass(frozen=True)
class TargetDraft:
    """One base assembly's draft of targets in a round, the vote that decides it, its state."""

    id: int
    round_id: int
    assembly_id: int
    levels: Mapping[str, float]
    changes: Mapping[str, float]
    note: str
    digest: str
    drafted_by: int
    drafted_at: datetime
    vote_id: int | None
    state: DraftState
    members: int | None
    settled_at: datetime | None

    @property
    def adopted(self) -> bool:
        """True once the assembly's members adopted these targets: they count in the round."""
        return self.state is DraftState.ADOPTED


def to_round(row: PlanningRoundRow) -> PlanningRound:
    """Map a round row."""
    return PlanningRound(
        id=row.id,
        assembly_id=row.assembly_id,
        title=row.title,
        model_key=row.model_key,
        model_csv=row.model_csv,
        goods=tuple(str(g) for g in row.goods),
        baseline={str(k): float(v) for k, v in row.baseline.items()},
        aggregation=row.aggregation,
        state=row.state,
        previous_id=row.previous_id,
        created_by=row.created_by,
        created_at=row.created_at,
        solved_by=row.solved_by,
        solved_at=row.solved_at,
        result=row.result,
    )


def to_draft(row: PlanningDraftRow) -> TargetDraft:
    """Map a draft row."""
    return TargetDraft(
        id=row.id,
        round_id=row.round_id,
        assembly_id=row.assembly_id,
        levels={str(k): float(v) for k, v in row.levels.items()},
        changes={str(k): float(v) for k, v in row.changes.items()},
        note=row.note,
        digest=row.digest,
        drafted_by=row.drafted_by,
        drafted_at=row.drafted_at,
        vote_id=row.vote_id,
        state=DraftState(row.state),
        members=row.members,
        settled_at=row.settled_at,
    )


class PlanningRepository:
    """Persistence of planning rounds and voted targets."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add_round(
        self,
        assembly_id: int,
        *,
        title: str,
        model_key: str,
        model_csv: str | None,
        goods: list[str],
        baseline: Mapping[str, float],
        aggregation: str,
        created_by: int,
        previous_id: int | None = None,
        created_at: datetime | None = None,
    ) -> PlanningRound:
        """Store a new, open round (opened at `created_at`, or now)."""
        row = PlanningRoundRow(
            assembly_id=assembly_id,
            title=title,
            model_key=model_key,
            model_csv=model_csv,
            goods=list(goods),
            baseline=dict(baseline),
            aggregation=aggregation,
            state="open",
            previous_id=previous_id,
            created_by=created_by,
        )
        if created_at is not None:
            row.created_at = created_at
        self.db.add(row)
        self.db.flush()
        return to_round(row)

    def get(self, round_id: int, *, lock: bool = False) -> PlanningRound | None:
        """A round (locked for update while drafting, settling or solving)."""
        stmt = select(PlanningRoundRow).where(PlanningRoundRow.id == round_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_round(row) if row else None

    def of_assemblies(self, assembly_ids: list[int]) -> list[PlanningRound]:
        """The rounds of these assemblies, newest first."""
        rows = self.db.scalars(
            select(PlanningRoundRow)
            .where(PlanningRoundRow.assembly_id.in_(assembly_ids))
            .order_by(PlanningRoundRow.id.desc())
        )
        return [to_round(row) for row in rows]

    def revision_of(self, round_id: int) -> PlanningRound | None:
        """The revision round opened from this one, if any."""
        row = self.db.scalar(
            select(PlanningRoundRow).where(PlanningRoundRow.previous_id == round_id).limit(1)
        )
        return to_round(row) if row else None

    def publish(
        self, round_id: int, result: dict[str, Any], solved_by: int, solved_at: datetime
    ) -> None:
        """Store the plan and close the round to new targets."""
        row = self.db.get_one(PlanningRoundRow, round_id)
        row.result, row.state, row.solved_by, row.solved_at = (
            result,
            "published",
            solved_by,
            solved_at,
        )
        self.db.flush()

    def drafts(self, round_id: int) -> list[TargetDraft]:
        """Every draft of a round, oldest first."""
        rows = self.db.scalars(
            select(PlanningDraftRow)
            .where(PlanningDraftRow.round_id == round_id)
            .order_by(PlanningDraftRow.id)
        )
        return [to_draft(row) for row in rows]

    def drafts_of(self, round_id: int, assembly_id: int) -> list[TargetDraft]:
        """One assembly's drafts in a round, oldest first."""
        rows = self.db.scalars(
            select(PlanningDraftRow)
            .where(
                PlanningDraftRow.round_id == round_id, PlanningDraftRow.assembly_id == assembly_id
            )
            .order_by(PlanningDraftRow.id)
        )
        return [to_draft(row) for row in rows]

    def draft(self, draft_id: int, *, lock: bool = False) -> TargetDraft | None:
        """One draft (locked for update while settling)."""
        stmt = select(PlanningDraftRow).where(PlanningDraftRow.id == draft_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_draft(row) if row else None

    def add_draft(
        self,
        round_id: int,
        assembly_id: int,
        *,
        levels: Mapping[str, float],
        changes: Mapping[str, float],
        note: str,
        digest: str,
        drafted_by: int,
        at: datetime,
        vote_id: int,
    ) -> TargetDraft:
        """Store a draft under vote."""
        row = PlanningDraftRow(
            round_id=round_id,
            assembly_id=assembly_id,
            levels=dict(levels),
            changes=dict(changes),
            note=note,
            digest=digest,
            drafted_by=drafted_by,
            drafted_at=at,
            vote_id=vote_id,
            state=DraftState.VOTING.value,
        )
        self.db.add(row)
        self.db.flush()
        return to_draft(row)

    def settle(self, draft_id: int, state: DraftState, members: int | None, at: datetime) -> None:
        """Record what the vote decided (and, when adopted, the weight of the targets)."""
        row = self.db.get_one(PlanningDraftRow, draft_id)
        row.state, row.members, row.settled_at = state.value, members, at
        self.db.flush()
