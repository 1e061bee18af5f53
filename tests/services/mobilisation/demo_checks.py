"""The demo's mobilisation: what the README promises is there, counted independently.

Seeding the whole demo takes long, so `check_demo_mobilisation` runs inside the demo test that
seeds it already (tests/services/test_demo_planning.py) rather than seeding it again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.mobilisation.actions import ActionKind, ActionState
from asamblea.services.mobilisation import pledges
from asamblea.store.mobilisation_models import AdhesionRow, PledgeRow
from asamblea.store.mobilisation_repository import MobilisationRepository


def check_demo_mobilisation(db: Session) -> None:
    """Struggles in four regions; the strike joined by three assemblies; the pledge at 70 %;
    the sit-in's tasks half filled."""
    repo = MobilisationRepository(db)
    assert {s.region for s in repo.struggles()} == {"15", "08", "21", "16"}
    by_kind = {a.kind: a for a in repo.actions()}
    strike = by_kind[ActionKind.STRIKE_48H]
    joined = db.scalar(
        select(func.count())
        .select_from(AdhesionRow)
        .where(
            AdhesionRow.target == "action",
            AdhesionRow.target_id == strike.id,
            AdhesionRow.state == "joined",
        )
    )
    assert joined == 3
    indefinite = by_kind[ActionKind.STRIKE_INDEFINITE]
    standing = pledges.pledge_view(db, None, indefinite.id).standing
    assert standing.progress == 0.7
    assert not standing.triggered
    assert indefinite.state is ActionState.CONVENED
    sit_in = by_kind[ActionKind.SIT_IN]
    tasks = repo.tasks(sit_in.id)
    assert sum(t.signed for t in tasks) * 2 == sum(t.needed for t in tasks)
    assert db.scalar(select(func.count()).select_from(PledgeRow)) == 70 + 18
