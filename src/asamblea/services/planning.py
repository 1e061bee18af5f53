"""Planning rounds: an assembly opens a round with a model and the final goods to vote on;
each base assembly under it records its targets (a level or a change in %), confirmed by a
second active member; the round aggregates the confirmed targets weighted by active members,
solves the plan, publishes it, and can open a revision round compared with the last plan.

Use cases take a `Session` and never commit. Refusals raise before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

import asamblea
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import Assembly, Membership, MembershipState, is_base
from asamblea.core.people import Person
from asamblea.core.planning import (
    Economy,
    ModelError,
    Plan,
    Targets,
    TargetVote,
    aggregate_targets,
    compare_plans,
    solve_plan,
    targets_from_votes,
    trade_offs,
)
from asamblea.formats.errors import FormatError
from asamblea.formats.planning import LoadedModel, load_model, read_model_csv
from asamblea.store.planning_repository import PlanningRepository, PlanningRound, TargetRecord
from asamblea.store.repositories import AuditRepository, FederationRepository, PeopleRepository

UPLOAD = "upload"
AGGREGATIONS = ("median", "mean")
TITLE_MAX = 200
NOTE_MAX = 4000
MAX_GOODS = 40
MODEL_MAX_BYTES = 200_000
"""An uploaded model CSV may have at most this many bytes (a few hundred products)."""
MAX_CHANGE_PERCENT = 1000.0
MAX_LEVEL = 1e15
SOLVE_SECONDS = 20.0
"""Time limit of a plan solved from a page: the answer says honestly where it stopped."""

#: The tables shipped with Asamblea's source (tests/data/planning, see its PROVENANCE.md).
MODELS_DIR = Path(asamblea.__file__).resolve().parents[2] / "tests" / "data" / "planning"


@dataclass(frozen=True)
class ShippedModel:
    """A model anyone may plan with: its label, its file or folder, and what its units are."""

    key: str
    label: str
    path: str
    units: str


SHIPPED = (
    ShippedModel(
        "aldea",
        N_("Village: maize and bread, two ways of baking (hand-made example)"),
        "aldea.csv",
        N_("Labour in hours; firewood as a limited resource."),
    ),
    ShippedModel(
        "five_year_plan",
        N_("Cockshott's five-year-plan example (4 products)"),
        "five_year_plan",
        N_("Labour in hours (year 1)."),
    ),
    ShippedModel(
        "uk2015",
        N_("United Kingdom 2015 input-output table (129 products)"),
        "uk2015",
        N_("Money tables: compensation of employees stands in for labour; imports are limited."),
    ),
    ShippedModel(
        "pymrio_test",
        N_("pymrio test system (6 regions x 8 sectors)"),
        "pymrio_test",
        N_("Money tables: value added stands in for labour; two emissions are limited."),
    ),
)


@dataclass(frozen=True)
class Participant:
    """A base assembly that takes part in a round, its weight and its targets so far."""

    assembly: Assembly
    active_members: int
    record: TargetRecord | None
    recorded_by: str | None
    confirmed_by: str | None
    can_record: bool
    can_confirm: bool
    sees_values: bool


@dataclass(frozen=True)
class RoundView:
    """A round's page: the model, the goods, the rule, who has submitted, what I may do."""

    round: PlanningRound
    assembly: Assembly
    model_label: str
    model_units: str
    participants: tuple[Participant, ...]
    is_facilitator: bool
    aggregated: Mapping[str, float]
    confirmed: int
    revision_id: int | None


def shipped_models() -> tuple[ShippedModel, ...]:
    """The shipped tables present in this installation."""
    return tuple(m for m in SHIPPED if (MODELS_DIR / m.path).exists())


@lru_cache(maxsize=8)
def _shipped(key: str) -> LoadedModel:
    for model in SHIPPED:
        if model.key == key:
            return load_model(MODELS_DIR / model.path)
    raise Invalid(N_("Unknown model."))


def products_of(key: str) -> tuple[str, ...]:
    """The products of a shipped model (for the form that opens a round)."""
    try:
        return _shipped(key).economy.products
    except (FormatError, ModelError):
        return ()


def read_uploaded(text: str) -> LoadedModel:
    """An uploaded model in the documented CSV format (errors name the line, not the file)."""
    if len(text.encode("utf-8")) > MODEL_MAX_BYTES:
        raise Invalid(N_("The model file is too large (at most {max} bytes)."), max=MODEL_MAX_BYTES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "modelo.csv"
        path.write_text(text, encoding="utf-8")
        try:
            economy = read_model_csv(path)
        except FormatError as error:
            where = f"{error.line}: " if error.line else ""
            raise Invalid(
                N_("The model could not be read: {reason}"), reason=where + error.message
            ) from None
        except ModelError as error:
            raise Invalid(N_("The model could not be read: {reason}"), reason=str(error)) from None
    return LoadedModel(economy, np.zeros(economy.n_products), "upload")


def load_round_model(planning_round: PlanningRound) -> LoadedModel:
    """The economy of a round (a shipped table, or the CSV uploaded with it)."""
    if planning_round.model_key == UPLOAD:
        return read_uploaded(planning_round.model_csv or "")
    try:
        return _shipped(planning_round.model_key)
    except (FormatError, ModelError):
        raise Conflict(N_("This round's model is not available on this server.")) from None


# ---------------------------------------------------------------- use cases


def open_round(
    db: Session,
    actor: Person,
    assembly_id: int,
    *,
    title: str,
    model_key: str,
    goods: list[str],
    aggregation: str = "median",
    model_csv: str | None = None,
) -> PlanningRound:
    """A facilitator opens a round with a model and the final goods its assemblies vote on."""
    federation = FederationRepository(db)
    _assembly(federation, assembly_id)
    _check_facilitator(federation.membership_of(assembly_id, actor.id), assembly_id)
    title = " ".join(title.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise Invalid(N_("The title must have between 1 and {max} characters."), max=TITLE_MAX)
    if aggregation not in AGGREGATIONS:
        raise Invalid(N_("Unknown aggregation rule."))
    if model_key == UPLOAD:
        loaded = read_uploaded(model_csv or "")
    elif model_key in {m.key for m in shipped_models()}:
        loaded, model_csv = _shipped(model_key), None
    else:
        raise Invalid(N_("Unknown model."))
    chosen = _goods(loaded.economy, goods)
    baseline = {p: float(v) for p, v in zip(loaded.economy.products, loaded.baseline, strict=True)}
    planning_round = PlanningRepository(db).add_round(
        assembly_id,
        title=title,
        model_key=model_key,
        model_csv=model_csv,
        goods=chosen,
        baseline={p: v for p, v in baseline.items() if v > 0},
        aggregation=aggregation,
        created_by=actor.id,
    )
    _audit(db, actor, "planning.opened", planning_round, {"goods": len(chosen)})
    return planning_round


def record_targets(
    db: Session,
    actor: Person,
    round_id: int,
    assembly_id: int,
    *,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str = "",
    now: datetime,
) -> TargetRecord:
    """A facilitator of a base assembly records its targets (replaced while unconfirmed)."""
    repo = PlanningRepository(db)
    planning_round = _round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    assembly = _participant(federation, planning_round, assembly_id)
    mine = federation.membership_of(assembly.id, actor.id)
    _check_facilitator(mine, assembly.id)
    _check_open(planning_round)
    existing = repo.target(round_id, assembly.id)
    if existing is not None and existing.confirmed:
        raise Conflict(N_("These targets are already confirmed; they can no longer change."))
    clean_levels, clean_changes = _check_targets(planning_round, levels, changes)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid(N_("The text is too long (at most {max} characters)."), max=NOTE_MAX)
    digest = targets_digest(round_id, assembly.id, clean_levels, clean_changes, note)
    repo.record(
        round_id,
        assembly.id,
        levels=clean_levels,
        changes=clean_changes,
        note=note,
        digest=digest,
        recorded_by=actor.id,
        at=now,
    )
    _audit(db, actor, "planning.targets_recorded", planning_round, {"assembly_id": assembly.id})
    record = repo.target(round_id, assembly.id)
    assert record is not None  # noqa: S101 - just written
    return record


def confirm_targets(
    db: Session, actor: Person, round_id: int, assembly_id: int, digest: str, *, now: datetime
) -> TargetRecord:
    """A second active member confirms the targets they saw (by their digest)."""
    repo = PlanningRepository(db)
    planning_round = _round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    assembly = _participant(federation, planning_round, assembly_id)
    confirmer = federation.membership_of(assembly.id, actor.id)
    if confirmer is None or not confirmer.is_active:
        raise Forbidden(N_("Only active members of this assembly can confirm its targets."))
    _check_open(planning_round)
    record = repo.target(round_id, assembly.id)
    if record is None or record.confirmed:
        raise Conflict(N_("There are no targets waiting for confirmation."))
    if record.recorded_by == actor.id:
        raise Forbidden(
            N_("The targets must be confirmed by someone other than who recorded them.")
        )
    if digest != record.digest:
        raise Conflict(N_("The targets changed after you saw them: read them again."))
    members = federation.count(assembly.id, MembershipState.ACTIVE)
    repo.confirm(round_id, assembly.id, actor.id, members, now)
    _audit(db, actor, "planning.targets_confirmed", planning_round, {"assembly_id": assembly.id})
    confirmed = repo.target(round_id, assembly.id)
    assert confirmed is not None  # noqa: S101 - just written
    return confirmed


def solve_round(
    db: Session,
    actor: Person,
    round_id: int,
    *,
    now: datetime,
    time_limit: float = SOLVE_SECONDS,
) -> PlanningRound:
    """Aggregate the confirmed targets, solve the plan and publish it (whatever its status)."""
    repo = PlanningRepository(db)
    planning_round = _round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    _check_facilitator(
        federation.membership_of(planning_round.assembly_id, actor.id), planning_round.assembly_id
    )
    _check_open(planning_round)
    records = [r for r in repo.targets(round_id) if r.confirmed]
    if not records:
        raise Conflict(N_("No assembly has confirmed its targets yet."))
    economy = load_round_model(planning_round).economy
    votes = _votes(federation, records)
    try:
        targets = targets_from_votes(
            economy, votes, method=_method(planning_round), baseline=planning_round.baseline
        )
    except ModelError:
        raise Invalid(
            N_("The voted targets ask for nothing: at least one must be positive.")
        ) from None
    plan = solve_plan(economy, targets, time_limit=time_limit)
    result = plan_result(planning_round, economy, targets, plan, votes)
    previous = repo.get(planning_round.previous_id) if planning_round.previous_id else None
    if previous is not None and previous.result is not None:
        result["comparison"] = _comparison(previous, economy, plan, time_limit)
    repo.publish(round_id, result, actor.id, now)
    _audit(db, actor, "planning.published", planning_round, {"status": plan.status.value})
    return _round(repo, round_id)


def open_revision(db: Session, actor: Person, round_id: int) -> PlanningRound:
    """After a plan is published, a revision round starts from its targets."""
    repo = PlanningRepository(db)
    planning_round = _round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    _check_facilitator(
        federation.membership_of(planning_round.assembly_id, actor.id), planning_round.assembly_id
    )
    if not planning_round.published or planning_round.result is None:
        raise Conflict(N_("A revision starts from a published plan."))
    if repo.revision_of(round_id) is not None:
        raise Conflict(N_("This plan already has a revision round."))
    levels = planning_round.result.get("targets", {})
    revision = repo.add_round(
        planning_round.assembly_id,
        title=planning_round.title,
        model_key=planning_round.model_key,
        model_csv=planning_round.model_csv,
        goods=list(planning_round.goods),
        baseline={str(k): float(v) for k, v in levels.items()},
        aggregation=planning_round.aggregation,
        created_by=actor.id,
        previous_id=planning_round.id,
    )
    _audit(db, actor, "planning.revision_opened", revision, {"previous_id": planning_round.id})
    return revision


# ---------------------------------------------------------------- what pages show


def round_view(db: Session, viewer: Person | None, round_id: int) -> RoundView:
    """A round as this viewer may see it: unconfirmed values only for the assembly's members."""
    repo = PlanningRepository(db)
    planning_round = _round(repo, round_id)
    federation = FederationRepository(db)
    assembly = _assembly(federation, planning_round.assembly_id)
    counts = federation.active_counts()
    records = {r.assembly_id: r for r in repo.targets(round_id)}
    people = PeopleRepository(db).usernames(
        [p for r in records.values() for p in (r.recorded_by, r.confirmed_by or 0)]
    )
    participants = []
    for base in participants_of(federation, planning_round.assembly_id):
        mine = federation.membership_of(base.id, viewer.id) if viewer else None
        record = records.get(base.id)
        active = bool(mine and mine.is_active)
        is_open = not planning_round.published
        participants.append(
            Participant(
                assembly=base,
                active_members=counts.get(base.id, 0),
                record=record,
                recorded_by=people.get(record.recorded_by) if record else None,
                confirmed_by=people.get(record.confirmed_by or 0) if record else None,
                can_record=is_open
                and bool(mine and mine.is_facilitator)
                and not (record and record.confirmed),
                can_confirm=is_open
                and active
                and record is not None
                and not record.confirmed
                and viewer is not None
                and record.recorded_by != viewer.id,
                sees_values=record is not None and (record.confirmed or active),
            )
        )
    confirmed = [r for r in records.values() if r.confirmed]
    aggregated: dict[str, float] = {}
    if confirmed:
        votes = _votes(federation, confirmed)
        goods = list(planning_round.goods)
        try:
            levels = aggregate_targets(
                votes, goods, method=_method(planning_round), baseline=planning_round.baseline
            )
            aggregated = dict(zip(goods, (float(v) for v in levels), strict=True))
        except ModelError:
            aggregated = {}
    mine = federation.membership_of(assembly.id, viewer.id) if viewer else None
    label, units = _model_texts(planning_round)
    revision = repo.revision_of(round_id)
    return RoundView(
        round=planning_round,
        assembly=assembly,
        model_label=label,
        model_units=units,
        participants=tuple(participants),
        is_facilitator=bool(mine and mine.is_facilitator),
        aggregated=aggregated,
        confirmed=len(confirmed),
        revision_id=revision.id if revision else None,
    )


def round_goods(db: Session, round_id: int) -> tuple[str, ...]:
    """The goods a round votes on (for reading a targets form)."""
    return _round(PlanningRepository(db), round_id).goods


def rounds_for(db: Session, assembly_id: int) -> list[PlanningRound]:
    """The rounds an assembly opened or takes part in (those of the assemblies above it)."""
    federation = FederationRepository(db)
    _assembly(federation, assembly_id)
    parents = federation.parent_map()
    chain: list[int] = []
    seen: set[int] = set()
    node: int | None = assembly_id
    while node is not None and node not in seen:
        seen.add(node)
        chain.append(node)
        node = parents.get(node)
    return PlanningRepository(db).of_assemblies(chain)


def participants_of(federation: FederationRepository, assembly_id: int) -> list[Assembly]:
    """The base assemblies under an assembly (the assembly itself when it is a base one)."""
    everyone = federation.assemblies()
    children: dict[int | None, list[Assembly]] = {}
    for assembly in everyone:
        children.setdefault(assembly.parent_id, []).append(assembly)
    found: list[Assembly] = []
    stack = [a for a in everyone if a.id == assembly_id]
    seen: set[int] = set()
    while stack:
        assembly = stack.pop()
        if assembly.id in seen:
            continue
        seen.add(assembly.id)
        if is_base(assembly.kind):
            found.append(assembly)
        stack.extend(children.get(assembly.id, []))
    return sorted(found, key=lambda a: a.name.casefold())


def targets_digest(
    round_id: int,
    assembly_id: int,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str,
) -> str:
    """SHA-256 of the recorded values: the confirmer confirms exactly what they saw."""
    payload = {
        "round": round_id,
        "assembly": assembly_id,
        "levels": {k: repr(float(v)) for k, v in sorted(levels.items())},
        "changes": {k: repr(float(v)) for k, v in sorted(changes.items())},
        "note": note,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_result(
    planning_round: PlanningRound,
    economy: Economy,
    targets: Targets,
    plan: Plan,
    votes: list[TargetVote],
) -> dict[str, Any]:
    """What is published: status, fulfilment per good, limits, shadow prices, labour values."""
    products = economy.products
    goods = set(planning_round.goods)
    values = trade_offs(economy, plan) if plan.has_plan else None
    rows = []
    for i, name in enumerate(products):
        if targets.levels[i] <= 0 and name not in goods:
            continue
        rows.append(
            {
                "name": name,
                "good": name in goods,
                "target": _num(targets.levels[i]),
                "net_output": _num(plan.net_output[i]) if plan.has_plan else None,
                "fulfilment": _num(plan.target_fulfilment[i]) if plan.has_plan else None,
                "labour_value": _num(values.labour_values[i]) if values is not None else None,
                "resource_content": [
                    {"name": resource, "value": _num(values.resource_content[k, i])}
                    for k, resource in enumerate(economy.resources)
                ]
                if values is not None
                else [],
            }
        )
    limits = []
    if values is not None:
        for limit in values.limits:
            if limit.kind == "capacity" and not limit.binding:
                continue
            limits.append(
                {
                    "kind": limit.kind,
                    "name": limit.name,
                    "used": _num(limit.used),
                    "available": _num(limit.available),
                    "shadow_price": _num(limit.shadow_price),
                    "binding": limit.binding,
                }
            )
    others = [
        float(r["fulfilment"]) for r in rows if not r["good"] and isinstance(r["fulfilment"], float)
    ]
    return {
        "status": plan.status.value,
        "method": plan.method,
        "message": plan.message,
        "fulfilment": _num(plan.fulfilment) if plan.has_plan else None,
        "gap": _num(plan.gap) if plan.has_plan else None,
        "seconds": _num(plan.seconds),
        "lexicographic_complete": plan.lexicographic_complete,
        "aggregation": planning_round.aggregation,
        "assemblies": len(votes),
        "members": sum(v.members for v in votes),
        "targets": {p: float(v) for p, v in zip(products, targets.levels, strict=True) if v > 0},
        "goods": [r for r in rows if r["good"]],
        "others": {"count": len(others), "least": min(others) if others else None},
        "limits": limits,
        "labour_used": _num(plan.labour_used) if plan.has_plan else None,
        "labour_limit": _num(economy.labour_limit),
        "comparison": None,
    }


def _comparison(
    previous: PlanningRound, economy: Economy, after: Plan, time_limit: float
) -> dict[str, Any]:
    """The difference to the last plan (re-solved from its published targets)."""
    assert previous.result is not None  # noqa: S101 - checked by the caller
    levels = previous.result.get("targets", {})
    before_targets = Targets.from_mapping(economy, {str(k): float(v) for k, v in levels.items()})
    before = solve_plan(economy, before_targets, time_limit=time_limit)
    if not (before.has_plan and after.has_plan):
        return {"previous_id": previous.id, "available": False}
    comparison = compare_plans(economy, before, economy, after)
    goods = []
    for name in previous.goods:
        i = economy.index(name)
        goods.append(
            {
                "name": name,
                "before": _num(before.net_output[i]),
                "after": _num(after.net_output[i]),
                "change": _num(comparison.net_output_change[i]),
            }
        )
    return {
        "previous_id": previous.id,
        "available": True,
        "fulfilment_before": _num(before.fulfilment),
        "fulfilment_after": _num(after.fulfilment),
        "fulfilment_change": _num(comparison.fulfilment_change),
        "labour_change": _num(comparison.labour_change),
        "resources": [
            {"name": name, "change": _num(comparison.resource_change[k])}
            for k, name in enumerate(economy.resources)
        ],
        "goods": goods,
        "binding_before": list(comparison.binding_before),
        "binding_after": list(comparison.binding_after),
    }


# ---------------------------------------------------------------- helpers


def _num(value: float) -> float | None:
    """A float for JSON: None for infinities and NaN (PostgreSQL's JSON refuses them)."""
    number = float(value)
    return number if math.isfinite(number) else None


def _method(planning_round: PlanningRound) -> Any:
    return "mean" if planning_round.aggregation == "mean" else "median"


def _votes(federation: FederationRepository, records: list[TargetRecord]) -> list[TargetVote]:
    votes = []
    for record in records:
        assembly = federation.assembly(record.assembly_id)
        votes.append(
            TargetVote(
                assembly=assembly.name if assembly else str(record.assembly_id),
                members=record.members or 0,
                levels=dict(record.levels),
                changes_percent=dict(record.changes),
            )
        )
    return votes


def _goods(economy: Economy, goods: list[str]) -> list[str]:
    chosen: list[str] = []
    for good in (g.strip() for g in goods):
        if good and good not in chosen:
            if good not in economy.products:
                raise Invalid(N_("The model has no product called {name}."), name=good[:80])
            chosen.append(good)
    if not 1 <= len(chosen) <= MAX_GOODS:
        raise Invalid(N_("Choose between 1 and {max} goods to vote on."), max=MAX_GOODS)
    return chosen


def _check_targets(
    planning_round: PlanningRound, levels: Mapping[str, float], changes: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    goods = set(planning_round.goods)
    clean_levels: dict[str, float] = {}
    clean_changes: dict[str, float] = {}
    for name, value in levels.items():
        if name not in goods:
            raise Invalid(N_("This round does not vote on {name}."), name=name[:80])
        if not (math.isfinite(value) and 0 <= value <= MAX_LEVEL):
            raise Invalid(N_("A target level must be a number from 0 up."))
        clean_levels[name] = float(value)
    for name, value in changes.items():
        if name not in goods:
            raise Invalid(N_("This round does not vote on {name}."), name=name[:80])
        if name in clean_levels:
            raise Invalid(N_("Give either a level or a change for {name}, not both."), name=name)
        if not (math.isfinite(value) and -100 <= value <= MAX_CHANGE_PERCENT):
            raise Invalid(N_("A change must be between -100 % and {max} %."), max=1000)
        if planning_round.baseline.get(name, 0.0) <= 0:
            raise Invalid(
                N_("{name} has no previous level: give a level instead of a change."), name=name
            )
        clean_changes[name] = float(value)
    if not clean_levels and not clean_changes:
        raise Invalid(N_("Give a target for at least one good."))
    return clean_levels, clean_changes


def _model_texts(planning_round: PlanningRound) -> tuple[str, str]:
    if planning_round.model_key == UPLOAD:
        return N_("A model uploaded by the facilitators (CSV)"), ""
    for model in SHIPPED:
        if model.key == planning_round.model_key:
            return model.label, model.units
    return planning_round.model_key, ""


def _round(repo: PlanningRepository, round_id: int, *, lock: bool = False) -> PlanningRound:
    planning_round = repo.get(round_id, lock=lock)
    if planning_round is None:
        raise NotFound(N_("That planning round does not exist."))
    return planning_round


def _assembly(federation: FederationRepository, assembly_id: int) -> Assembly:
    assembly = federation.assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def _participant(
    federation: FederationRepository, planning_round: PlanningRound, assembly_id: int
) -> Assembly:
    for assembly in participants_of(federation, planning_round.assembly_id):
        if assembly.id == assembly_id:
            return assembly
    raise Forbidden(N_("That assembly does not take part in this planning round."))


def _check_facilitator(actor: Membership | None, assembly_id: int) -> None:
    if actor is None or actor.assembly_id != assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def _check_open(planning_round: PlanningRound) -> None:
    if planning_round.published:
        raise Conflict(N_("This planning round is closed: its plan is published."))


def _audit(
    db: Session,
    actor: Person,
    action: str,
    planning_round: PlanningRound,
    details: dict[str, object] | None = None,
) -> None:
    AuditRepository(db).record(
        actor.id,
        action,
        planning_round.assembly_id,
        f"planning_round:{planning_round.id}",
        dict(details or {}),
    )
