"""Planning rounds on both databases: open, record and confirm targets (two-person rule),
aggregate weighted by active members, solve and publish, revise and compare; who may do what,
and refusals that write nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.services import accounts, federation, planning
from asamblea.store.models import AuditRow
from asamblea.store.planning_models import PlanningRoundRow, PlanningTargetRow

PASSWORD = "una frase larga y secreta"
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


class World:
    """A national assembly N (facilitator `nat`) with two base assemblies under it: a union U
    (facilitator `u_fac`, members `u1`, `u2`: 3 active) and a community C (facilitator `c_fac`,
    member `c1`: 2 active); `outsider` belongs nowhere."""

    def __init__(self, db: Session) -> None:
        names = ("nat", "u_fac", "u1", "u2", "c_fac", "c1", "outsider")
        self.p: dict[str, Person] = {n: accounts.register(db, f"pl_{n}", PASSWORD) for n in names}
        nat = federation.create_assembly(
            db, self.p["nat"], name="Asamblea Nacional", kind=AssemblyKind.NATIONAL, parent_id=None
        )
        rules = AssemblyRules(vouches_needed=1)
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
        for assembly, facilitator, members in (
            (union, "u_fac", ("u1", "u2")),
            (community, "c_fac", ("c1",)),
        ):
            for name in members:
                request = federation.request_to_join(db, self.p[name], assembly.id)
                federation.vouch(db, self.p[facilitator], request.id)
        self.nat, self.union, self.community = nat.id, union.id, community.id


def counts(db: Session) -> list[int]:
    return [
        int(db.scalar(select(func.count()).select_from(t)) or 0)
        for t in (PlanningRoundRow, PlanningTargetRow, AuditRow)
    ]


def open_aldea(db: Session, w: World, aggregation: str = "median") -> int:
    return planning.open_round(
        db,
        w.p["nat"],
        w.nat,
        title="Plan de la aldea",
        model_key="aldea",
        goods=["maiz", "pan"],
        aggregation=aggregation,
    ).id


def vote(db: Session, w: World, round_id: int, assembly: str, levels: dict[str, float]) -> None:
    facilitator, confirmer, assembly_id = {
        "union": ("u_fac", "u1", w.union),
        "community": ("c_fac", "c1", w.community),
    }[assembly]
    record = planning.record_targets(
        db, w.p[facilitator], round_id, assembly_id, levels=levels, changes={}, now=T0
    )
    planning.confirm_targets(db, w.p[confirmer], round_id, assembly_id, record.digest, now=T0)


def test_a_round_from_opening_to_plan_and_revision(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w)
    view = planning.round_view(db, None, round_id)
    assert [p.assembly.name for p in view.participants] == ["Comunidad", "Sindicato"]
    assert view.round.goods == ("maiz", "pan")
    assert view.round.aggregation == "median"
    vote(db, w, round_id, "union", {"maiz": 10, "pan": 20})
    vote(db, w, round_id, "community", {"maiz": 30, "pan": 10})
    view = planning.round_view(db, None, round_id)
    assert view.confirmed == 2
    weights = {p.assembly.name: p.record.members for p in view.participants if p.record}
    assert weights == {"Sindicato": 3, "Comunidad": 2}
    assert view.aggregated == {"maiz": 10.0, "pan": 20.0}  # the union holds 3 of 5 members
    published = planning.solve_round(db, w.p["nat"], round_id, now=T0)
    result = published.result
    assert published.published
    assert result is not None
    assert result["status"] == "optimal"
    assert result["fulfilment"] > 0
    assert {g["name"] for g in result["goods"]} == {"maiz", "pan"}
    assert all(g["fulfilment"] >= result["fulfilment"] - 1e-9 for g in result["goods"])
    assert all(g["labour_value"] > 0 for g in result["goods"])
    assert all([r["name"] for r in g["resource_content"]] == ["leña"] for g in result["goods"])
    assert any(limit["binding"] and limit["shadow_price"] > 0 for limit in result["limits"])
    with pytest.raises(Conflict):  # closed to new targets once published
        vote(db, w, round_id, "union", {"maiz": 1})
    revision = planning.open_revision(db, w.p["nat"], round_id)
    assert revision.previous_id == round_id
    assert revision.baseline == {"maiz": 10.0, "pan": 20.0}
    with pytest.raises(Conflict):
        planning.open_revision(db, w.p["nat"], round_id)
    record = planning.record_targets(
        db, w.p["u_fac"], revision.id, w.union, levels={}, changes={"pan": 50}, now=T0
    )
    planning.confirm_targets(db, w.p["u2"], revision.id, w.union, record.digest, now=T0)
    revised = planning.solve_round(db, w.p["nat"], revision.id, now=T0).result
    assert revised is not None
    assert revised["targets"]["pan"] == pytest.approx(30.0)
    comparison = revised["comparison"]
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
        *["planning.targets_recorded", "planning.targets_confirmed"] * 2,
        "planning.published",
    ]


def test_mean_is_an_option(db: Session) -> None:
    w = World(db)
    round_id = open_aldea(db, w, aggregation="mean")
    vote(db, w, round_id, "union", {"maiz": 10})
    vote(db, w, round_id, "community", {"maiz": 35})
    assert planning.round_view(db, None, round_id).aggregated["maiz"] == pytest.approx(20.0)


def test_who_may_open_record_confirm_and_solve(db: Session) -> None:
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
            planning.record_targets(
                db, w.p[person], round_id, assembly_id, levels=levels, changes={}, now=T0
            )
    with pytest.raises(Forbidden):  # the national assembly is not a base assembly
        planning.record_targets(db, w.p["nat"], round_id, w.nat, levels=levels, changes={}, now=T0)
    with pytest.raises(Conflict):
        planning.solve_round(db, w.p["nat"], round_id, now=T0)  # nothing confirmed yet
    assert counts(db) == before
    record = planning.record_targets(
        db, w.p["u_fac"], round_id, w.union, levels=levels, changes={}, now=T0
    )
    before = counts(db)
    with pytest.raises(Forbidden):  # the two-person rule
        planning.confirm_targets(db, w.p["u_fac"], round_id, w.union, record.digest, now=T0)
    for person in ("c1", "outsider", "nat"):  # not active members of the union
        with pytest.raises(Forbidden):
            planning.confirm_targets(db, w.p[person], round_id, w.union, record.digest, now=T0)
    with pytest.raises(Conflict):  # digest of other values
        planning.confirm_targets(db, w.p["u1"], round_id, w.union, "0" * 64, now=T0)
    with pytest.raises(Conflict):  # the community has recorded nothing
        planning.confirm_targets(db, w.p["c1"], round_id, w.community, record.digest, now=T0)
    assert counts(db) == before
    # the facilitator corrects the values: the digest the member saw no longer confirms
    corrected = planning.record_targets(
        db, w.p["u_fac"], round_id, w.union, levels={"pan": 6.0}, changes={}, now=T0
    )
    assert corrected.digest != record.digest
    with pytest.raises(Conflict):
        planning.confirm_targets(db, w.p["u1"], round_id, w.union, record.digest, now=T0)
    planning.confirm_targets(db, w.p["u1"], round_id, w.union, corrected.digest, now=T0)
    before = counts(db)
    with pytest.raises(Conflict):  # confirmed targets no longer change
        planning.record_targets(
            db, w.p["u_fac"], round_id, w.union, levels=levels, changes={}, now=T0
        )
    for person in ("u_fac", "u1", "c_fac", "outsider"):
        with pytest.raises(Forbidden):
            planning.solve_round(db, w.p[person], round_id, now=T0)
        with pytest.raises(Forbidden):
            planning.open_revision(db, w.p[person], round_id)
    with pytest.raises(Conflict):  # not published yet
        planning.open_revision(db, w.p["nat"], round_id)
    assert counts(db) == before
    planning.solve_round(db, w.p["nat"], round_id, now=T0)


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
    bad_targets: list[tuple[dict[str, float], dict[str, float]]] = [
        ({}, {}),
        ({"arroz": 1.0}, {}),
        ({"pan": -1.0}, {}),
        ({"pan": float("nan")}, {}),
        ({"pan": float("inf")}, {}),
        ({"pan": 1.0}, {"pan": 10.0}),
        ({}, {"pan": 10.0}),  # the aldea has no previous level to change
    ]
    for levels, changes in bad_targets:
        with pytest.raises(Invalid):
            planning.record_targets(
                db, w.p["u_fac"], round_id, w.union, levels=levels, changes=changes, now=T0
            )
    with pytest.raises(NotFound):
        planning.record_targets(
            db, w.p["u_fac"], 2**31 - 1, w.union, levels={"pan": 1.0}, changes={}, now=T0
        )
    assert counts(db) == before


def test_an_uploaded_model_and_a_real_table(db: Session, test_data) -> None:
    w = World(db)
    text = (test_data / "planning" / "aldea.csv").read_text(encoding="utf-8")
    uploaded = planning.open_round(
        db, w.p["nat"], w.nat, title="Subido", model_key="upload", goods=["pan"], model_csv=text
    )
    assert uploaded.model_csv == text
    vote(db, w, uploaded.id, "union", {"pan": 12})
    assert planning.solve_round(db, w.p["nat"], uploaded.id, now=T0).result["status"] == "optimal"
    products = planning.products_of("uk2015")
    goods = [products[85], products[86]]
    uk = planning.open_round(db, w.p["nat"], w.nat, title="UK", model_key="uk2015", goods=goods)
    assert uk.baseline[goods[0]] > 0  # current final demand: changes in % are allowed
    record = planning.record_targets(
        db, w.p["u_fac"], uk.id, w.union, levels={}, changes={goods[0]: 20, goods[1]: 20}, now=T0
    )
    planning.confirm_targets(db, w.p["u1"], uk.id, w.union, record.digest, now=T0)
    result = planning.solve_round(db, w.p["nat"], uk.id, now=T0).result
    assert result is not None
    assert result["status"] == "optimal"
    assert result["fulfilment"] < 1  # more of two goods within today's limits
    assert any(limit["binding"] for limit in result["limits"])
