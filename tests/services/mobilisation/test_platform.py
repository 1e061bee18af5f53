"""The unified platform on both databases: demands raised from struggles rise through the
escalation from below, points show who stands behind them, duplicates merge by a vote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.deliberation import ProposalState
from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.mobilisation.actions import Visibility
from asamblea.core.mobilisation.struggles import Place, Sector
from asamblea.services import deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.mobilisation import platform, struggles, views
from asamblea.services.votes import closing, votes
from asamblea.store.federation_models import AuditRow
from tests.services.mobilisation.world import KEY, T0, World

YES, NO = 0, 1


def _struggle(db: Session, w: World, fac: str, assembly: int, title: str) -> int:
    form = struggles.StruggleForm(
        title=title,
        demands="Agua potable para todo el barrio",
        against="Sedapal",
        place=Place("15", "1501"),
        sector=Sector.WATER_ENVIRONMENT,
        since=date(2026, 11, 1),
    )
    return struggles.register(db, w.p[fac], assembly, form, now=T0).id


def _decide(db: Session, w: World, vote_id: int, fac: str, voters: dict[str, int]) -> None:
    for name, choice in voters.items():
        votes.cast(db, w.p[name], vote_id, [choice], now=T0 + timedelta(hours=1), key=KEY)
    closing.close_vote(db, w.p[fac], vote_id, T0 + timedelta(days=2), KEY)


def _adopt(db: Session, w: World, proposal: int, fac: str, voters: tuple[str, ...]) -> None:
    """Supports until debate (if needed), a yes/no vote, the proposal adopted."""
    if deliberation.proposal_view(db, None, proposal).proposal.state is ProposalState.OPEN:
        deliberation.support(db, w.p[voters[-1]], proposal)
    vote = deliberation.start_voting(db, w.p[fac], proposal, VoteTerms(T0, T0 + timedelta(days=1)))
    votes.open_vote(db, w.p[fac], vote.id, T0)
    _decide(db, w, vote.id, fac, dict.fromkeys(voters, YES))
    state = deliberation.proposal_view(db, None, proposal).proposal.state
    assert state is ProposalState.ADOPTED


def _raise_and_send(db: Session, w: World, fac: str, assembly: int, title: str) -> int:
    """A struggle's demand raised, adopted by the base and sent up to its region."""
    struggle = _struggle(db, w, fac, assembly, f"Lucha: {title}")
    demand = platform.raise_demand(db, w.p[fac], struggle, title=title, text=f"{title}, ya.")
    assert demand.state is ProposalState.OPEN
    members = {w.a: ("a1", "a2", "a3"), w.b: ("b1", "b2")}[assembly]
    _adopt(db, w, demand.id, fac, (fac, *members))
    return deliberation.escalate(db, w.p[fac], demand.id).escalation.id


def test_demands_rise_merge_by_vote_and_reach_the_national_platform(db: Session) -> None:
    w = World(db)
    water = _raise_and_send(db, w, "a_fac", w.a, "Agua potable las 24 horas")
    again = _raise_and_send(db, w, "b_fac", w.b, "Agua para el barrio")
    deliberation.adopt_escalation(db, w.p["b_fac"], water, w.b)

    seen = platform.platform_view(db, w.lima)
    assert {p.id for p in seen.points} == {water, again}
    first = next(p for p in seen.points if p.id == water)
    # A (4 active) and B (3 active) stand behind it; the demand came from A's struggle
    assert {b.name for b in first.backers} == {"Sindicato A", "Barrio B"}
    assert first.members == 7
    assert [d.title for d in first.demands] == ["Agua potable las 24 horas"]
    assert first.demands[0].struggle_title == "Lucha: Agua potable las 24 horas"
    assert seen.points[0].id == water  # most members first

    with pytest.raises(Forbidden):
        platform.propose_merge(db, w.p["a_fac"], w.lima, into=water, merged=[again], now=T0)
    with pytest.raises(Invalid):
        platform.propose_merge(db, w.p["l_fac"], w.lima, into=water, merged=[water], now=T0)
    merge = platform.propose_merge(db, w.p["l_fac"], w.lima, into=water, merged=[again], now=T0)
    with pytest.raises(Conflict):  # one vote at a time on a point
        platform.propose_merge(db, w.p["l_fac"], w.lima, into=again, merged=[water], now=T0)
    assert len(platform.platform_view(db, w.lima).pending) == 1
    _decide(db, w, merge.vote_id, "l_fac", {"l_fac": YES, "nat": YES})

    merged = platform.platform_view(db, w.lima)
    assert [p.id for p in merged.points] == [water]
    point = merged.points[0]
    assert point.members == 7
    assert sorted(d.title for d in point.demands) == [
        "Agua para el barrio",
        "Agua potable las 24 horas",
    ]
    assert [(h.vote_id, h.into[0], [m[0] for m in h.merged]) for h in point.history] == [
        (merge.vote_id, water, [again])
    ]
    assert merged.pending == ()
    # settling again changes nothing (the runner may publish after the facilitator did)
    assert platform.settle_merge(db, merge.vote_id, T0).state == "merged"  # type: ignore[union-attr]
    events = db.scalars(select(AuditRow.action).where(AuditRow.assembly_id == w.lima)).all()
    assert "mobilisation.merge_merged" in events

    # Lima adopts the merged point and sends it up: it enters the national platform at once
    _adopt(db, w, point.proposal_id, "l_fac", ("l_fac", "nat"))
    national = deliberation.escalate(db, w.p["l_fac"], point.proposal_id).escalation.id
    top = platform.platform_view(db, w.nat)
    assert [p.id for p in top.points] == [national]
    behind = {b.name: b.counted for b in top.points[0].backers}
    assert behind == {"Región Lima": True, "Sindicato A": False, "Barrio B": False}
    assert top.points[0].members == 7  # Lima's bases, each once
    assert len(top.points[0].demands) == 2  # both struggles' demands, through the merge below
    assert [s.assembly_id for s in platform.platforms(db)] == [w.nat, w.lima]


def test_struggle_adherents_stand_behind_and_a_rejected_merge_moves_nothing(db: Session) -> None:
    w = World(db)
    water = _raise_and_send(db, w, "a_fac", w.a, "Agua potable las 24 horas")
    other = _raise_and_send(db, w, "b_fac", w.b, "Pistas y veredas")
    source = next(s.id for s in struggles.overview(db).struggles if s.title.endswith("24 horas"))
    assert [p.title for p in platform.demands_of_struggle(db, source)] == [
        "Agua potable las 24 horas"
    ]
    adhesion = struggles.propose_adhesion(db, w.p["c_fac"], "struggle", source, w.c, now=T0)
    assert adhesion.vote_id is not None
    _decide(db, w, adhesion.vote_id, "c_fac", {"c_fac": YES, "c1": YES})
    point = next(p for p in platform.platform_view(db, w.lima).points if p.id == water)
    assert "Comunidad C" in {b.name for b in point.backers}
    assert point.members == 4 + 2  # A and C; B has not adopted it

    merge = platform.propose_merge(db, w.p["l_fac"], w.lima, into=other, merged=[water], now=T0)
    _decide(db, w, merge.vote_id, "l_fac", {"l_fac": NO, "nat": NO})
    after = platform.platform_view(db, w.lima)
    assert {p.id for p in after.points} == {water, other}
    assert all(p.history == () for p in after.points)
    record = platform.settle_merge(db, merge.vote_id, T0)
    assert record is not None
    assert record.state == "rejected"


def test_refusals(db: Session) -> None:
    w = World(db)
    struggle = _struggle(db, w, "a_fac", w.a, "Agua")
    with pytest.raises(Forbidden):
        platform.raise_demand(db, w.p["a1"], struggle, title="Agua", text="Agua ya")
    with pytest.raises(Forbidden):
        platform.raise_demand(db, w.p["b_fac"], struggle, title="Agua", text="Agua ya")
    with pytest.raises(Invalid):
        platform.raise_demand(db, w.p["a_fac"], struggle, title=" ", text="Agua ya")
    with pytest.raises(Invalid):
        platform.raise_demand(db, w.p["a_fac"], struggle, title="x" * 201, text="Agua ya")
    with pytest.raises(NotFound):
        platform.raise_demand(db, w.p["a_fac"], 10**9, title="Agua", text="Agua ya")
    with pytest.raises(NotFound):  # a base assembly has no platform
        platform.platform_view(db, w.a)
    with pytest.raises(NotFound):
        platform.platform_view(db, 10**9)
    assert platform.platform_view(db, w.lima).points == ()
    with pytest.raises(Invalid):  # nothing to merge
        platform.propose_merge(db, w.p["l_fac"], w.lima, into=1, merged=[2], now=T0)
    with pytest.raises(Invalid):
        platform.propose_merge(db, w.p["l_fac"], w.lima, into=1, merged=[2], now=T0, days=99)


def test_a_members_only_struggle_and_its_demand_stay_with_its_members(db: Session) -> None:
    w = World(db)
    form = struggles.StruggleForm(
        title="Sindicalización en la planta",
        demands="Reconocimiento del sindicato",
        against="La empresa",
        place=Place("15", "1501"),
        sector=Sector.WORKERS,
        since=date(2026, 11, 1),
        visibility=Visibility.MEMBERS,
    )
    hidden = struggles.register(db, w.p["a_fac"], w.a, form, now=T0)
    for person in (None, w.p["outsider"], w.p["b1"], w.p["c_fac"]):
        assert hidden.id not in {s.id for s in struggles.overview(db, viewer=person).struggles}
        with pytest.raises(NotFound):
            views.struggle_view(db, person, hidden.id)
    assert struggles.overview(db).by_region == {}  # not even counted
    assert views.struggle_view(db, w.p["a1"], hidden.id).struggle.title == form.title
    assert struggles.overview(db, viewer=w.p["a1"]).by_region == {"15": 1}
    with pytest.raises(NotFound):  # a hidden struggle stays hidden from other facilitators
        struggles.propose_adhesion(db, w.p["c_fac"], "struggle", hidden.id, w.c, now=T0)
    with pytest.raises(NotFound):
        struggles.declare_solidarity(db, w.p["b_fac"], hidden.id, w.b, now=T0)

    demand = platform.raise_demand(
        db, w.p["a_fac"], hidden.id, title="Reconocer el sindicato", text="Ya."
    )
    _adopt(db, w, demand.id, "a_fac", ("a_fac", "a1", "a2", "a3"))
    point = deliberation.escalate(db, w.p["a_fac"], demand.id).escalation.id
    outside = platform.platform_view(db, w.lima, None).points
    inside = platform.platform_view(db, w.lima, w.p["a2"]).points
    assert [p.id for p in outside] == [p.id for p in inside] == [point]
    assert outside[0].demands == ()  # the point is the region's; the struggle below is hidden
    assert [d.struggle_title for d in inside[0].demands] == [form.title]
    assert {b.name for b in outside[0].backers} == {"Sindicato A"}  # A adopted it upstairs
