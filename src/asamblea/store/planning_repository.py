"""Planning rounds and the targets voted by base assemblies: every query for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.store.planning_models import PlanningRoundRow, PlanningTargetRow


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
class TargetRecord:
    """One base assembly's targets in a round, with who recorded and who confirmed them."""

    round_id: int
    assembly_id: int
    levels: Mapping[str, float]
    changes: Mapping[str, float]
    note: str
    digest: str
    recorded_by: int
    recorded_at: datetime
    members: int | None
    confirmed_by: int | None
    confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        """True once a second active member confirmed the values (the two-person rule)."""
        return self.confirmed_by is not None


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


def to_target(row: PlanningTargetRow) -> TargetRecord:
    """Map a target row."""
    return TargetRecord(
        round_id=row.round_id,
        assembly_id=row.assembly_id,
        levels={str(k): float(v) for k, v in row.levels.items()},
        changes={str(k): float(v) for k, v in row.changes.items()},
        note=row.note,
        digest=row.digest,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        members=row.members,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
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
    ) -> PlanningRound:
        """Store a new, open round."""
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
        self.db.add(row)
        self.db.flush()
        return to_round(row)

    def get(self, round_id: int, *, lock: bool = False) -> PlanningRound | None:
        """A round (locked for update while recording, confirming or solving)."""
        stmt = select(PlanningRoundRow).where(PlanningRoundRow.id == round_id)
        row = self.db.scalar(stmt.with_for_update() if lock else stmt)
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

    def targets(self, round_id: int) -> list[TargetRecord]:
        """Every assembly's targets in a round."""
        rows = self.db.scalars(
            select(PlanningTargetRow)
            .where(PlanningTargetRow.round_id == round_id)
            .order_by(PlanningTargetRow.assembly_id)
        )
        return [to_target(row) for row in rows]

    def target(self, round_id: int, assembly_id: int) -> TargetRecord | None:
        """One assembly's targets in a round."""
        row = self.db.get(PlanningTargetRow, (round_id, assembly_id))
        return to_target(row) if row else None

    def record(
        self,
        round_id: int,
        assembly_id: int,
        *,
        levels: Mapping[str, float],
        changes: Mapping[str, float],
        note: str,
        digest: str,
        recorded_by: int,
        at: datetime,
    ) -> None:
        """Store (or replace, while unconfirmed) an assembly's targets."""
        row = self.db.get(PlanningTargetRow, (round_id, assembly_id))
        if row is None:
            row = PlanningTargetRow(round_id=round_id, assembly_id=assembly_id)
            self.db.add(row)
        row.levels, row.changes, row.note, row.digest = dict(levels), dict(changes), note, digest
        row.recorded_by, row.recorded_at = recorded_by, at
        self.db.flush()

    def confirm(
        self, round_id: int, assembly_id: int, person_id: int, members: int, at: datetime
    ) -> None:
        """The second person confirms; the assembly's active members become its weight."""
        row = self.db.get_one(PlanningTargetRow, (round_id, assembly_id))
        row.confirmed_by, row.confirmed_at, row.members = person_id, at, members
        self.db.flush()
