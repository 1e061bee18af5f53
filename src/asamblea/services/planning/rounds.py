"""Planning rounds: an assembly opens a round with a model and the final goods to vote on;
each base assembly under it adopts its targets (a level or a change in %) by a vote of its
members (`asamblea.services.planning.adoption`); the round aggregates the adopted targets
weighted by active members, solves the plan, publishes it, and can open a revision round
compared with the last plan. This module also gathers what the pages and the API show.

Drafts whose vote is published are settled by the pages and the API when they show a round,
and by `solve_round` before it aggregates.

Use cases take a `Session` and never commit. Refusals raise before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Invalid
from asamblea.core.federation import Assembly
from asamblea.core.people import Person
from asamblea.core.planning import (
    Economy,
    ModelError,
    TargetVote,
    aggregate_targets,
    solve_plan,
    targets_from_votes,
)
from asamblea.core.planning.adoption import DraftState
from asamblea.core.votes import Vote, VoteState
from asamblea.formats.errors import FormatError
from asamblea.formats.planning import LoadedModel
from asamblea.services.planning.adoption import (
    MAX_VOTE_DAYS,
    NOTE_MAX,
    VOTE_DAYS,
    TargetsPreview,
    draft_targets,
    preview_targets,
    settle_draft,
    settle_round,
    targets_digest,
)
from asamblea.services.planning.checks import (
    audit,
    check_facilitator,
    check_open,
    get_assembly,
    get_round,
    participants_of,
)
from asamblea.services.planning.result import comparison_with, plan_result
from asamblea.services.planning.tables import (
    MODEL_MAX_BYTES,
    SHIPPED,
    UPLOAD,
    ShippedModel,
    model_texts,
    products_of,
    read_uploaded,
    shipped,
    shipped_models,
)
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)
from asamblea.store.planning_repository import PlanningRepository, PlanningRound, TargetDraft
from asamblea.store.votes_repository import VoteRepository

__all__ = [
    "MAX_VOTE_DAYS",
    "MODEL_MAX_BYTES",
    "NOTE_MAX",
    "SHIPPED",
    "UPLOAD",
    "VOTE_DAYS",
    "Participant",
    "PlanningRound",  # read models for pages and the API, which never import the store
    "RoundView",
    "ShippedModel",
    "TargetDraft",
    "TargetsPreview",
    "draft_targets",
    "open_revision",
    "open_round",
    "participants_of",
    "preview_targets",
    "products_of",
    "round_goods",
    "round_view",
    "rounds_for",
    "settle_draft",
    "settle_round",
    "shipped_models",
    "solve_round",
    "targets_digest",
]

AGGREGATIONS = ("median", "mean")
TITLE_MAX = 200
MAX_GOODS = 40
SOLVE_SECONDS = 20.0
"""Time limit of a plan solved from a page: the answer says honestly where it stopped."""


@dataclass(frozen=True)
class Participant:
    """A base assembly that takes part in a round: its weight, its current draft and the vote
    deciding it, its earlier drafts (not adopted), and what this viewer may do."""

    assembly: Assembly
    active_members: int
    draft: TargetDraft | None
    vote: Vote | None
    earlier: tuple[TargetDraft, ...]
    drafted_by: str | None
    can_draft: bool
    can_vote: bool
    counted: bool | None  # once the plan is published: did these targets go into it?


@dataclass(frozen=True)
class RoundView:
    """A round's page: the model, the goods, the rule, each assembly's draft, what I may do."""

    round: PlanningRound
    assembly: Assembly
    model_label: str
    model_units: str
    participants: tuple[Participant, ...]
    is_facilitator: bool
    aggregated: Mapping[str, float]
    adopted: int
    revision_id: int | None
    unsettled: bool  # a draft's vote is published but the draft is not settled yet


def load_round_model(planning_round: PlanningRound) -> LoadedModel:
    """The economy of a round (a shipped table, or the CSV uploaded with it)."""
    if planning_round.model_key == UPLOAD:
        return read_uploaded(planning_round.model_csv or "")
    try:
        return shipped(planning_round.model_key)
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
    now: datetime | None = None,
) -> PlanningRound:
    """A facilitator opens a round with a model and the final goods its assemblies vote on
    (at `now`: the clock's now when not given)."""
    federation = FederationRepository(db)
    get_assembly(federation, assembly_id)
    check_facilitator(federation.membership_of(assembly_id, actor.id), assembly_id)
    title = " ".join(title.split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise Invalid(N_("The title must have between 1 and {max} characters."), max=TITLE_MAX)
    if aggregation not in AGGREGATIONS:
        raise Invalid(N_("Unknown aggregation rule."))
    if model_key == UPLOAD:
        loaded = read_uploaded(model_csv or "")
    elif model_key in {m.key for m in shipped_models()}:
        loaded, model_csv = shipped(model_key), None
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
        created_at=now,
    )
    audit(db, actor, "planning.opened", planning_round, {"goods": len(chosen)})
    _invite(db, actor, planning_round)
    return planning_round


def _invite(db: Session, actor: Person, planning_round: PlanningRound) -> None:
    """One event under each base assembly that drafts targets in the round, so that their
    members hear of it (notices are read per assembly: one row per assembly, none per person)."""
    audit_log = AuditRepository(db)
    for assembly in participants_of(FederationRepository(db), planning_round.assembly_id):
        if assembly.id != planning_round.assembly_id:
            audit_log.record(
                actor.id,
                "planning.invited",
                assembly.id,
                f"planning_round:{planning_round.id}",
                {"round_assembly": planning_round.assembly_id},
            )


def solve_round(
    db: Session,
    actor: Person,
    round_id: int,
    *,
    now: datetime,
    time_limit: float = SOLVE_SECONDS,
) -> PlanningRound:
    """Settle the drafts, aggregate the adopted targets, solve the plan and publish it
    (whatever its status). Drafts still under vote do not count."""
    repo = PlanningRepository(db)
    planning_round = get_round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    check_facilitator(
        federation.membership_of(planning_round.assembly_id, actor.id), planning_round.assembly_id
    )
    check_open(planning_round)
    settle_round(db, round_id)
    adopted = [d for d in repo.drafts(round_id) if d.adopted]
    if not adopted:
        raise Conflict(N_("No assembly has adopted its targets yet."))
    economy = load_round_model(planning_round).economy
    target_votes = _target_votes(federation, adopted)
    try:
        targets = targets_from_votes(
            economy, target_votes, method=_method(planning_round), baseline=planning_round.baseline
        )
    except ModelError:
        raise Invalid(
            N_("The voted targets ask for nothing: at least one must be positive.")
        ) from None
    plan = solve_plan(economy, targets, time_limit=time_limit)
    counted = [
        {
            "assembly_id": draft.assembly_id,
            "assembly": vote.assembly,
            "members": vote.members,
            "vote_id": draft.vote_id,
        }
        for draft, vote in zip(adopted, target_votes, strict=True)
    ]
    result = plan_result(planning_round, economy, targets, plan, target_votes, counted=counted)
    previous = repo.get(planning_round.previous_id) if planning_round.previous_id else None
    if previous is not None and previous.result is not None:
        result["comparison"] = comparison_with(previous, economy, plan, time_limit)
    repo.publish(round_id, result, actor.id, now)
    audit(db, actor, "planning.published", planning_round, {"status": plan.status.value})
    return get_round(repo, round_id)


def open_revision(
    db: Session, actor: Person, round_id: int, *, now: datetime | None = None
) -> PlanningRound:
    """After a plan is published, a revision round starts from its targets (at `now`: the
    clock's now when not given)."""
    repo = PlanningRepository(db)
    planning_round = get_round(repo, round_id, lock=True)
    federation = FederationRepository(db)
    check_facilitator(
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
        created_at=now,
    )
    audit(db, actor, "planning.revision_opened", revision, {"previous_id": planning_round.id})
    return revision


# ---------------------------------------------------------------- what pages show


def round_view(db: Session, viewer: Person | None, round_id: int) -> RoundView:
    """A round as this viewer may see it. Drafts are public, like the votes deciding them."""
    repo = PlanningRepository(db)
    planning_round = get_round(repo, round_id)
    federation = FederationRepository(db)
    assembly = get_assembly(federation, planning_round.assembly_id)
    counts = federation.active_counts()
    drafts: dict[int, list[TargetDraft]] = {}
    for draft in repo.drafts(round_id):
        drafts.setdefault(draft.assembly_id, []).append(draft)
    people = PeopleRepository(db).usernames([d[-1].drafted_by for d in drafts.values()])
    counted = _counted(planning_round)
    participants = []
    unsettled = False
    for base in participants_of(federation, planning_round.assembly_id):
        mine = federation.membership_of(base.id, viewer.id) if viewer else None
        history = drafts.get(base.id, [])
        current = history[-1] if history else None
        vote = _vote_of(db, current)
        unsettled = unsettled or _waits_for_settling(current, vote)
        participants.append(
            Participant(
                assembly=base,
                active_members=counts.get(base.id, 0),
                draft=current,
                vote=vote,
                earlier=tuple(history[:-1]),
                drafted_by=people.get(current.drafted_by) if current else None,
                can_draft=not planning_round.published
                and bool(mine and mine.is_facilitator)
                and not any(d.state is not DraftState.REJECTED for d in history),
                can_vote=_can_vote(db, vote, viewer),
                counted=None if counted is None else base.id in counted,
            )
        )
    adopted = [p.draft for p in participants if p.draft is not None and p.draft.adopted]
    mine = federation.membership_of(assembly.id, viewer.id) if viewer else None
    label, units = model_texts(planning_round.model_key)
    revision = repo.revision_of(round_id)
    return RoundView(
        round=planning_round,
        assembly=assembly,
        model_label=label,
        model_units=units,
        participants=tuple(participants),
        is_facilitator=bool(mine and mine.is_facilitator),
        aggregated=_aggregated(federation, planning_round, adopted),
        adopted=len(adopted),
        revision_id=revision.id if revision else None,
        unsettled=unsettled,
    )


def round_goods(db: Session, round_id: int) -> tuple[str, ...]:
    """The goods a round votes on (for reading a targets form)."""
    return get_round(PlanningRepository(db), round_id).goods


def rounds_for(db: Session, assembly_id: int) -> list[PlanningRound]:
    """The rounds an assembly opened or takes part in (those of the assemblies above it)."""
    federation = FederationRepository(db)
    get_assembly(federation, assembly_id)
    parents = federation.parent_map()
    chain: list[int] = []
    seen: set[int] = set()
    node: int | None = assembly_id
    while node is not None and node not in seen:
        seen.add(node)
        chain.append(node)
        node = parents.get(node)
    return PlanningRepository(db).of_assemblies(chain)


# ---------------------------------------------------------------- helpers


def _method(planning_round: PlanningRound) -> Any:
    return "mean" if planning_round.aggregation == "mean" else "median"


def _target_votes(federation: FederationRepository, drafts: list[TargetDraft]) -> list[TargetVote]:
    found = []
    for draft in drafts:
        assembly = federation.assembly(draft.assembly_id)
        found.append(
            TargetVote(
                assembly=assembly.name if assembly else str(draft.assembly_id),
                members=draft.members or 0,
                levels=dict(draft.levels),
                changes_percent=dict(draft.changes),
            )
        )
    return found


def _aggregated(
    federation: FederationRepository, planning_round: PlanningRound, adopted: list[TargetDraft]
) -> dict[str, float]:
    """What the adopted targets add up to under the round's rule (empty when none count)."""
    if not adopted:
        return {}
    goods = list(planning_round.goods)
    try:
        levels = aggregate_targets(
            _target_votes(federation, adopted),
            goods,
            method=_method(planning_round),
            baseline=planning_round.baseline,
        )
    except ModelError:
        return {}
    return dict(zip(goods, (float(v) for v in levels), strict=True))


def _counted(planning_round: PlanningRound) -> set[int] | None:
    """The assemblies whose targets went into the published plan; None while the round is open,
    and for a plan published before migration 0007, which did not record them (without the
    record nothing can be said about which targets counted, so nothing is)."""
    if planning_round.result is None or "counted" not in planning_round.result:
        return None
    return {
        int(entry["assembly_id"])
        for entry in planning_round.result.get("counted") or []
        if isinstance(entry, dict) and "assembly_id" in entry
    }


def _vote_of(db: Session, draft: TargetDraft | None) -> Vote | None:
    if draft is None or draft.vote_id is None:
        return None
    return VoteRepository(db).get(draft.vote_id)


def _waits_for_settling(draft: TargetDraft | None, vote: Vote | None) -> bool:
    return (
        draft is not None
        and draft.state is DraftState.VOTING
        and vote is not None
        and vote.state is VoteState.PUBLISHED
    )


def _can_vote(db: Session, vote: Vote | None, viewer: Person | None) -> bool:
    """Whether the viewer is on the vote's roll and has not voted yet (the vote is open)."""
    if vote is None or viewer is None or vote.state is not VoteState.OPEN:
        return False
    return VoteRepository(db).on_roll(vote.id, viewer.id) is False


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
