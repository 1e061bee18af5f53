"""The demo's mobilisation: what the README promises is there, counted independently.

Seeding the whole demo takes long, so `check_demo_mobilisation` runs inside the demo test that
seeds it already (tests/services/test_demo_planning.py) rather than seeding it again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.mobilisation.actions import ActionKind, ActionState
from asamblea.services.mobilisation import platform, pledges
from asamblea.store.deliberation_models import EscalationRow
from asamblea.store.federation_models import AssemblyRow
from asamblea.store.mobilisation_models import AdhesionRow, PledgeRow
from asamblea.store.mobilisation_platform_models import PlatformMergeRow
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


def check_demo_platform(db: Session) -> None:
    """The national platform has six points: seven demands reached the national agenda and
    one merge (voted by the national assembly) folded one into another, its history kept."""
    national = db.scalar(select(AssemblyRow.id).where(AssemblyRow.kind == "national"))
    assert national is not None
    reached = db.scalar(
        select(func.count())
        .select_from(EscalationRow)
        .where(EscalationRow.parent_id == national, EscalationRow.state == "on_agenda")
    )
    merged = db.scalars(
        select(PlatformMergeRow.id).where(
            PlatformMergeRow.assembly_id == national, PlatformMergeRow.state == "merged"
        )
    ).all()
    assert reached == 7
    assert len(merged) == 1
    view = platform.platform_view(db, national)
    assert len(view.points) == 6
    with_history = [p for p in view.points if p.history]
    assert len(with_history) == 1
    assert len(with_history[0].demands) == 2
    assert all(len(p.backers) >= 2 for p in view.points)
    assert all(p.members > 0 for p in view.points)
