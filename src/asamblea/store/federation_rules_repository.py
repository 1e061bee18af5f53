"""Rules changes put to an assembly's members: every query for them (`RulesChangeRow`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyRules, RulesChangeState, rules_from_dict, rules_to_dict
from asamblea.store.federation_models import RulesChangeRow
from asamblea.store.locking import for_update


@dataclass(frozen=True)
class RulesChange:
    """New rules proposed to an assembly's members, the rules in force when they were proposed,
    the yes/no vote deciding them and where it stands."""

    id: int
    assembly_id: int
    rules: AssemblyRules
    before: AssemblyRules
    vote_id: int
    state: RulesChangeState
    proposed_by: int
    proposed_at: datetime
    settled_at: datetime | None

    @property
    def pending(self) -> bool:
        """True while the members' vote decides."""
        return self.state is RulesChangeState.VOTING


def _change(row: RulesChangeRow) -> RulesChange:
    before = rules_from_dict(row.before, AssemblyRules())
    return RulesChange(
        id=row.id,
        assembly_id=row.assembly_id,
        rules=rules_from_dict(row.rules, before),
        before=before,
        vote_id=row.vote_id,
        state=RulesChangeState(row.state),
        proposed_by=row.proposed_by,
        proposed_at=row.proposed_at,
        settled_at=row.settled_at,
    )


class RulesChangeRepository:
    """Rules changes and the votes deciding them."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(
        self,
        assembly_id: int,
        rules: AssemblyRules,
        before: AssemblyRules,
        *,
        vote_id: int,
        proposed_by: int,
        at: datetime,
    ) -> RulesChange:
        """Store a pending change (the unique pending column refuses a second one)."""
        row = RulesChangeRow(
            assembly_id=assembly_id,
            vote_id=vote_id,
            rules=rules_to_dict(rules),
            before=rules_to_dict(before),
            state=RulesChangeState.VOTING.value,
            pending_assembly_id=assembly_id,
            proposed_by=proposed_by,
            proposed_at=at,
        )
        self.db.add(row)
        self.db.flush()
        return _change(row)

    def get(self, change_id: int) -> RulesChange | None:
        """A change by id."""
        row = self.db.get(RulesChangeRow, change_id)
        return _change(row) if row else None

    def pending(self, assembly_id: int, *, lock: bool = False) -> RulesChange | None:
        """The assembly's change under vote, if any (locked for update when asked)."""
        stmt = select(RulesChangeRow).where(RulesChangeRow.pending_assembly_id == assembly_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return _change(row) if row else None

    def latest(self, assembly_id: int) -> RulesChange | None:
        """The assembly's most recent change (pending or settled), if any."""
        row = self.db.scalar(
            select(RulesChangeRow)
            .where(RulesChangeRow.assembly_id == assembly_id)
            .order_by(RulesChangeRow.id.desc())
            .limit(1)
        )
        return _change(row) if row else None

    def settle(self, change_id: int, state: RulesChangeState, at: datetime) -> None:
        """Record the members' decision; the assembly may then propose again."""
        row = self.db.get_one(RulesChangeRow, change_id)
        row.state, row.settled_at, row.pending_assembly_id = state.value, at, None
        self.db.flush()
