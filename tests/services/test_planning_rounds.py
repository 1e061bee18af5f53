"""Planning rounds on both databases: open, draft each base assembly's targets and put them to
its members as a yes/no vote (secret ballot, quorum, majority), settle the vote (adopted
targets count, rejected ones let the assembly draft again), aggregate weighted by the votes'
rolls, solve and publish, revise and compare; who may do what, and refusals that write
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core import ledger
from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.core.planning.adoption import DraftState
from asamblea.core.votes import MOTION_OPTIONS, Mode, VoteState
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.planning import rounds as planning
from asamblea.services.votes import votes
from asamblea.store.federation_models import AuditRow
from asamblea.store.planning_models import PlanningDraftRow, PlanningRoundRow
from asamblea.store.planning_repository import TargetDraft
from asamblea.store.votes_models import VoteRow
from asamblea.store.votes_repository import VoteRepository

PASSWORD = "una frase larga y secreta"
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
KEY = votes.signing_key("clave-de-prueba-" + "x" * 40)
YES, NO = 0, 1
MEMBERS = {"union": ("u_fac", "u1", "u2"), "community": ("c_fac", "c1")}


class World:
    """A national assembly N (facilitator `nat`) with two base assemblies under it: a union U
    (facilitator `u_fac`, members `u1`, `u2`: 3 active) and a community C (facilitator `c_fac`,
    member `c1`: 2 active), both with a 50 % quorum; `outsider` belongs nowhere."""

    def __init__(self, db: Session) -> None:
        names = ("nat", "u_fac", "u1", "u2", "c_fac", "c1", "outsider")
        self.p: dict[str, Person] = {n: accounts.register(db, f"pl_{n}", PASSWORD) for n in names}
        nat = federation.create_assembly(
            db, self.p["nat"], name="Asamblea Nacional", kind=AssemblyKind.NATIONAL, parent_id=None
        )
        rules = AssemblyRules(vouches_needed=1, quorum_percent=50)
        union = federation.create_assembly(
            db,
            self.p["u_fac"],
            name="Sindicato",
            kind=AssemblyKind.UNION,
            parent_id=nat.id,
            assembly_rules=rules,
        )
        community = federation.create_assembly(
            db,
            self.p["c_fac"],
            name="Comunidad",
            kind=AssemblyKind.PEASANT_COMMUNITY,
            parent_id=nat.id,
            assembly_rules=rules,
        )
        for assembly, key in ((union, "union"), (community, "community")):
            facilitator, *members = MEMBERS[key]
            for name in members:
                request = federation.request_to_join(db, self.p[name], assembly.id)
                federation.vouch(db, self.p[facilitator], request.id)
        self.nat, self.union, self.community = nat.id, union.id, community.id
        self.ids = {"union": union.id, "community": community.id}


def counts(db: Session) -> list[int]:
    return [
        int(db.scalar(select(func.count()).select_from(t)) or 0)
        for t in (PlanningRoundRow, PlanningDraftRow, VoteRow, AuditRow)
    ]


def open_aldea(db: Session, w: World, aggregation: str = "median") -> int:
    return planning.open_round(
        db,
        w.p["nat"],
        w.nat,
        title="Plan de la aldea",
        model_key="aldea",
        goods=["maíz", "pan"],
        aggregation=aggregation,
    ).id


def draft(
    db: Session,
    w: World,
    round_id: int,
    assembly: str,
    levels: dict[str, float],
    *,
    changes: dict[str, float] | None = None,
) -> TargetDraft:
    """The assembly's facilitator drafts its targets (the vote opens at T0)."""
    return planning.draft_targets(
        db,
        w.p[MEMBERS[assembly][0]],
        round_id,
        w.ids[assembly],
        levels=levels,
        changes=changes or {},
        note="Acordado en asamblea.",
        now=T0,
    )


def decide(db: Session, w: World, vote_id: int, assembly: str, choices: list[int]) -> None:
    """The assembly's members cast `choices` (in the order of MEMBERS), then its facilitator
    closes the vote: early when everyone voted, at its closing time otherwise."""
    people = MEMBERS[assembly]
    for name, choice in zip(people, choices, strict=False):
        votes.cast(db, w.p[name], vote_id, [choice], now=T0 + timedelta(hours=1), key=KEY)
    vote = VoteRepository(db).get(vote_id)
    assert vote is not None
    at = T0 + timedelta(hours=2) if len(choices) == len(people) else vote.spec.closes_at
    votes.close_vote(db, w.p[people[0]], vote_id, at, KEY)


def adopt(db: Session, w: World, round_id: int, assembly: str, levels: dict[str, float]) -> None:
    """Draft, everyone votes yes, publish, settle."""
    drafted = draft(db, w, round_id, assembly, levels)
    assert drafted.vote_id is not None
    decide(db, w, drafted.vote_id, assembly, [YES] * len(MEMBERS[assembly]))
    assert planning.settle_draft(db, drafted.id).state is DraftState.ADOPTED


def test_a_round_from_opening_to_plan_and_revision(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w)
    view = planning.round_view(db, None, round_id)
    assert [p.assembly.name for p in view.participants] == ["Comunidad", "Sindicato"]
    assert view.round.goods == ("maíz", "pan")
    assert view.round.aggregation == "median"
    assert all(p.draft is None and not p.can_draft for p in view.participants)

    drafted = draft(db, w, round_id, "union", {"maíz": 10, "pan": 20.5})
    assert drafted.state is DraftState.VOTING
    assert drafted.vote_id is not None
    vote = VoteRepository(db).get(drafted.vote_id)
    assert vote is not None
    assert vote.assembly_id == w.union
    assert vote.state is VoteState.OPEN  # put to the members at once
    assert vote.roll_size == 3
    assert (
        vote.spec.question == "¿Adoptamos estas metas para «Plan de la aldea»? maíz: 10; pan: 20.5"
    )
    assert vote.spec.options == MOTION_OPTIONS
    assert (vote.spec.rule, vote.spec.threshold) == ("majority", "simple")
    assert (vote.spec.mode, vote.spec.public, vote.spec.quorum_percent) == (Mode.SECRET, True, 50)
    assert vote.spec.closes_at == T0 + timedelta(days=planning.VOTE_DAYS)
    union_row = {
        p.assembly.name: p for p in planning.round_view(db, w.p["u1"], round_id).participants
    }["Sindicato"]
    assert union_row.vote == vote
    assert union_row.can_vote  # u1 is on the roll and has not voted
    assert not union_row.can_draft
    assert planning.round_view(db, None, round_id).aggregated == {}  # nothing adopted yet

    decide(db, w, drafted.vote_id, "union", [YES, YES, NO])
    view = planning.round_view(db, w.p["u1"], round_id)
    assert view.unsettled  # the vote is out; the draft waits to be settled
    assert planning.settle_round(db, round_id) == 1
    assert planning.settle_round(db, round_id) == 0  # idempotent
    board = votes.board(db, None, drafted.vote_id, KEY)
    assert ledger.verify_board(board, recount=ledger.recount) == []  # `asamblea verify` agrees
    assert "maíz: 10" in board.header.question
    adopt(db, w, round_id, "community", {"maíz": 30, "pan": 10})

    view = planning.round_view(db, None, round_id)
    assert not view.unsettled
    assert view.adopted == 2
    weights = {p.assembly.name: p.draft.members for p in view.participants if p.draft}
    assert weights == {"Sindicato": 3, "Comunidad": 2}  # the rolls of the votes
    assert view.aggregated == {"maíz": 10.0, "pan": 20.5}  # the union holds 3 of 5 members
    published = planning.solve_round(db, w.p["nat"], round_id, now=T0 + timedelta(days=1))
    result = published.result
    assert published.published
    assert result is not None
    assert result["status"] == "optimal"
    assert result["fulfilment"] > 0
    assert {(c["assembly"], c["members"]) for c in result["counted"]} == {
        ("Sindicato", 3),
        ("Comunidad", 2),
    }
    assert {g["name"] for g in result["goods"]} == {"maíz", "pan"}
    assert all(g["fulfilment"] >= result["fulfilment"] - 1e-9 for g in result["goods"])
    assert all(g["labour_value"] > 0 for g in result["goods"])
    assert all([r["name"] for r in g["resource_content"]] == ["leña"] for g in result["goods"])
    assert any(limit["binding"] and limit["shadow_price"] > 0 for limit in result["limits"])
    assert all(p.counted for p in planning.round_view(db, None, round_id).participants)
    with pytest.raises(Conflict):  # closed to new targets once published
        draft(db, w, round_id, "union", {"maíz": 1})

    revision = planning.open_revision(db, w.p["nat"], round_id)
    assert revision.previous_id == round_id
    assert revision.baseline == {"maíz": 10.0, "pan": 20.5}
    with pytest.raises(Conflict):
        planning.open_revision(db, w.p["nat"], round_id)
    changed = draft(db, w, revision.id, "union", {}, changes={"pan": 50})
    question = VoteRepository(db).get(changed.vote_id or 0)
    assert question is not None
    assert question.spec.question.endswith("pan: +50 %")
    assert changed.vote_id is not None
    decide(db, w, changed.vote_id, "union", [YES, YES, YES])
    revised = planning.solve_round(db, w.p["nat"], revision.id, now=T0 + timedelta(days=2))
    assert revised.result is not None  # solving settled the union's draft first
    assert revised.result["targets"]["pan"] == pytest.approx(30.75)
    comparison = revised.result["comparison"]
    assert comparison["available"]
    assert comparison["previous_id"] == round_id
    assert comparison["fulfilment_change"] < 0  # more bread asked of the same limits
    actions = list(
        db.scalars(
            select(AuditRow.action)
            .where(AuditRow.subject == f"planning_round:{round_id}")
            .order_by(AuditRow.id)
        )
    )
    assert actions == [
        "planning.opened",
        *["planning.invited"] * 2,  # one per base assembly that drafts (their members' notice)
        *["planning.targets_drafted", "planning.targets_settled"] * 2,
        "planning.published",
    ]


def test_a_draft_that_does_not_carry_lets_the_assembly_draft_again(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w)
    first = draft(db, w, round_id, "union", {"pan": 50})
    assert first.vote_id is not None
    before = counts(db)
    with pytest.raises(Conflict):  # one draft under vote at a time
        draft(db, w, round_id, "union", {"pan": 40})
    assert counts(db) == before
    decide(db, w, first.vote_id, "union", [YES, NO, NO])
    assert planning.settle_draft(db, first.id).state is DraftState.REJECTED
    row = {
        p.assembly.name: p for p in planning.round_view(db, w.p["u_fac"], round_id).participants
    }["Sindicato"]
    assert row.can_draft
    assert row.draft is not None
    assert row.draft.members is None  # rejected targets weigh nothing
    with pytest.raises(Conflict):  # only adopted targets count
        planning.solve_round(db, w.p["nat"], round_id, now=T0)

    second = draft(db, w, round_id, "union", {"pan": 40})
    assert second.vote_id is not None
    assert second.vote_id != first.vote_id
    decide(db, w, second.vote_id, "union", [YES])  # 1 of 3: below the 50 % quorum
    assert planning.settle_draft(db, second.id).state is DraftState.REJECTED

    third = draft(db, w, round_id, "union", {"pan": 30})
    assert third.vote_id is not None
    decide(db, w, third.vote_id, "union", [YES, YES])  # quorum met, closed at its time
    assert planning.settle_draft(db, third.id).state is DraftState.ADOPTED
    row = {p.assembly.name: p for p in planning.round_view(db, None, round_id).participants}[
        "Sindicato"
    ]
    assert [d.id for d in row.earlier] == [first.id, second.id]
    assert row.draft is not None
    assert row.draft.levels == {"pan": 30.0}
    assert not row.can_draft
    before = counts(db)
    with pytest.raises(Conflict):  # adopted targets are final for the round
        draft(db, w, round_id, "union", {"pan": 20})
    assert counts(db) == before
    result = planning.solve_round(db, w.p["nat"], round_id, now=T0 + timedelta(days=8)).result
    assert result is not None
    assert result["targets"]["pan"] == pytest.approx(30.0)


def test_drafts_still_under_vote_do_not_count(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w)
    adopt(db, w, round_id, "union", {"pan": 10})
    pending = draft(db, w, round_id, "community", {"pan": 100})
    result = planning.solve_round(db, w.p["nat"], round_id, now=T0 + timedelta(hours=3)).result
    assert result is not None
    assert [c["assembly"] for c in result["counted"]] == ["Sindicato"]
    assert result["targets"]["pan"] == pytest.approx(10.0)
    assert pending.vote_id is not None
    decide(db, w, pending.vote_id, "community", [YES, YES])  # adopted after the plan
    assert planning.settle_round(db, round_id) == 1
    rows = {p.assembly.name: p for p in planning.round_view(db, None, round_id).participants}
    assert rows["Comunidad"].draft is not None
    assert rows["Comunidad"].draft.adopted
    assert rows["Comunidad"].counted is False
    assert rows["Sindicato"].counted is True


def test_a_plan_published_before_0007_says_nothing_about_what_counted(db: Session) -> None:
    """Plans published before migration 0007 did not record which targets counted: their
    drafts (all adopted by the migration) are not marked as having come too late."""
    w = World(db)
    round_id = open_aldea(db, w)
    adopt(db, w, round_id, "union", {"pan": 10})
    adopt(db, w, round_id, "community", {"pan": 20})
    planning.solve_round(db, w.p["nat"], round_id, now=T0 + timedelta(hours=3))
    row = db.get_one(PlanningRoundRow, round_id)
    assert row.result is not None
    row.result = {k: v for k, v in row.result.items() if k != "counted"}  # the old shape
    db.flush()
    db.expire_all()
    participants = planning.round_view(db, None, round_id).participants
    assert [(p.draft is not None and p.draft.adopted, p.counted) for p in participants] == [
        (True, None),
        (True, None),
    ]


def test_mean_is_an_option(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w, aggregation="mean")
    adopt(db, w, round_id, "union", {"maíz": 10})
    adopt(db, w, round_id, "community", {"maíz": 35})
    assert planning.round_view(db, None, round_id).aggregated["maíz"] == pytest.approx(20.0)


def test_who_may_open_draft_and_solve(db: Session) -> None:
    w = World(db)
    for person in ("u_fac", "u1", "outsider"):  # only facilitators of the round's assembly
        with pytest.raises(Forbidden):
            planning.open_round(db, w.p[person], w.nat, title="x", model_key="aldea", goods=["pan"])
    round_id = open_aldea(db, w)
    before = counts(db)
    levels = {"pan": 5.0}
    for person, assembly_id in (
        ("u1", w.union),  # a member, not a facilitator
        ("c_fac", w.union),  # a facilitator of another assembly
        ("nat", w.union),  # the round's facilitator is not the union's
        ("outsider", w.community),
    ):
        with pytest.raises(Forbidden):
            planning.draft_targets(
                db, w.p[person], round_id, assembly_id, levels=levels, changes={}, now=T0
            )
    with pytest.raises(Forbidden):  # the national assembly is not a base assembly
        planning.draft_targets(db, w.p["nat"], round_id, w.nat, levels=levels, changes={}, now=T0)
    with pytest.raises(Conflict):
        planning.solve_round(db, w.p["nat"], round_id, now=T0)  # nothing adopted yet
    assert counts(db) == before
    drafted = draft(db, w, round_id, "union", levels)
    assert drafted.vote_id is not None
    with pytest.raises(Forbidden):  # a facilitator of another assembly is not on the roll
        votes.cast(db, w.p["c_fac"], drafted.vote_id, [YES], now=T0, key=KEY)
    decide(db, w, drafted.vote_id, "union", [YES, YES, YES])
    before = counts(db)
    for person in ("u_fac", "u1", "c_fac", "outsider"):
        with pytest.raises(Forbidden):
            planning.solve_round(db, w.p[person], round_id, now=T0)
        with pytest.raises(Forbidden):
            planning.open_revision(db, w.p[person], round_id)
    with pytest.raises(Conflict):  # not published yet
        planning.open_revision(db, w.p["nat"], round_id)
    assert counts(db) == before
    planning.solve_round(db, w.p["nat"], round_id, now=T0 + timedelta(days=1))


def test_bad_input_is_refused_and_writes_nothing(db: Session) -> None:
    w = World(db)
    before = counts(db)
    bad_openings = [
        {"title": "", "model_key": "aldea", "goods": ["pan"]},
        {"title": "x" * 201, "model_key": "aldea", "goods": ["pan"]},
        {"title": "x", "model_key": "no-such-model", "goods": ["pan"]},
        {"title": "x", "model_key": "aldea", "goods": []},
        {"title": "x", "model_key": "aldea", "goods": ["arroz"]},
        {"title": "x", "model_key": "aldea", "goods": ["pan"], "aggregation": "mode"},
        {"title": "x", "model_key": "upload", "goods": ["pan"], "model_csv": "fila,pan\npan,x\n"},
        {"title": "x", "model_key": "upload", "goods": ["pan"], "model_csv": "a" * 200_001},
        {"title": "x", "model_key": "upload", "goods": ["pan"], "model_csv": ""},
    ]
    for fields in bad_openings:
        with pytest.raises(Invalid):
            planning.open_round(db, w.p["nat"], w.nat, **fields)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        planning.open_round(db, w.p["nat"], 2**31 - 1, title="x", model_key="aldea", goods=["pan"])
    assert counts(db) == before
    round_id = open_aldea(db, w)
    before = counts(db)
    bad_targets: list[tuple[dict[str, float], dict[str, float], int]] = [
        ({}, {}, 7),
        ({"arroz": 1.0}, {}, 7),
        ({"pan": -1.0}, {}, 7),
        ({"pan": float("nan")}, {}, 7),
        ({"pan": float("inf")}, {}, 7),
        ({"pan": 1.0}, {"pan": 10.0}, 7),
        ({}, {"pan": 10.0}, 7),  # the aldea has no previous level to change
        ({"pan": 1.0}, {}, 0),  # a vote lasts at least a day
        ({"pan": 1.0}, {}, 61),  # and at most 60
    ]
    for levels, changes, days in bad_targets:
        with pytest.raises(Invalid):
            planning.draft_targets(
                db,
                w.p["u_fac"],
                round_id,
                w.union,
                levels=levels,
                changes=changes,
                now=T0,
                days=days,
            )
    with pytest.raises(NotFound):
        planning.draft_targets(
            db, w.p["u_fac"], 2**31 - 1, w.union, levels={"pan": 1.0}, changes={}, now=T0
        )
    with pytest.raises(NotFound):
        planning.settle_draft(db, 2**31 - 1)
    assert counts(db) == before


def test_an_uploaded_model_and_a_real_table(db: Session, test_data) -> None:
    w = World(db)
    text = (test_data / "planning" / "aldea.csv").read_text(encoding="utf-8")
    uploaded = planning.open_round(
        db, w.p["nat"], w.nat, title="Subido", model_key="upload", goods=["pan"], model_csv=text
    )
    assert uploaded.model_csv == text
    adopt(db, w, uploaded.id, "union", {"pan": 12})
    solved = planning.solve_round(db, w.p["nat"], uploaded.id, now=T0 + timedelta(days=1))
    assert solved.result is not None
    assert solved.result["status"] == "optimal"
    products = planning.products_of("uk2015")
    goods = [products[85], products[86]]
    uk = planning.open_round(db, w.p["nat"], w.nat, title="UK", model_key="uk2015", goods=goods)
    assert uk.baseline[goods[0]] > 0  # current final demand: changes in % are allowed
    drafted = draft(db, w, uk.id, "union", {}, changes={goods[0]: 20, goods[1]: 20})
    assert drafted.vote_id is not None
    decide(db, w, drafted.vote_id, "union", [YES, YES, YES])
    result = planning.solve_round(db, w.p["nat"], uk.id, now=T0 + timedelta(days=1)).result
    assert result is not None
    assert result["status"] == "optimal"
    assert result["fulfilment"] < 1  # more of two goods within today's limits
    assert any(limit["binding"] for limit in result["limits"])
