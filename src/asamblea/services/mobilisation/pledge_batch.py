"""Pledges and withdrawals in batches: one transaction, one lock per campaign, answers after.

The problem: each pledge took its campaign's row lock and committed alone, so a campaign took one
durable commit per pledge (about 1–9 pledges/s on a busy machine). The design is casting's
(`services/votes/casting.py`): `apply_batch` applies a whole batch in the caller's transaction —
per campaign (in id order, one lock order for every writer) it reads the action with its campaign
and locks the campaign row (one query), then reads under the lock, in one query, who takes part
(the federation's tree and the assemblies that joined), the counts, and the batch's people's
existing pledges (`MobilisationRepository.pledge_book`); the memberships of everyone in the batch
come with their tokens (`PledgeBatcher`) or in one query. Every round trip counts: the writer
holds its commit and the campaign's lock until the batch is written, and on a busy machine each
trip is also a wait for the interpreter's lock. Then
it applies the requests *in the order they came* in memory: a second pledge by the same person
(earlier or in the same batch) is refused as a duplicate; a withdrawal takes back exactly one
pledge, and only before the trigger. The nested thresholds are evaluated once per run of pledges
(before a withdrawal and at the end): every count grows with pledges, so when a run ends triggered,
the crossing pledge lies in that run and is found by stepping through it once — this happens once
in a campaign's life. Then the pledges are written at once (`apply_pledges`: inserted in person
order, never in arrival order, and every assembly's tally moved by one upsert — on PostgreSQL
both in one statement), and the trigger fires exactly once with its audit event.

Every refusal is decided before anything is written, so one refused request never affects
another. The batcher (`PledgeBatcher`) answers every request only after the batch's commit.
Pledging and withdrawing still record no audit event (it would pair a person with a pledge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, DomainError, Forbidden, NotFound
from asamblea.core.federation import Membership
from asamblea.core.mobilisation import actions as action_rules
from asamblea.core.mobilisation.actions import ActionState, Viewer, can_see_action
from asamblea.core.mobilisation.pledges import Standing, Thresholds, crosses, standing
from asamblea.services.mobilisation.access import (
    Participation,
    audit,
    participation_of,
    regions_of,
)
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.mobilisation_repository import Action, Campaign, MobilisationRepository


class Kind(StrEnum):
    """What a request asks."""

    PLEDGE = "pledge"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class PledgeOrder:
    """One person's pledge (from `assembly_id`) or withdrawal on one action."""

    kind: Kind
    person_id: int
    action_id: int
    assembly_id: int = 0


@dataclass(frozen=True)
class PledgeView:
    """What anyone allowed to see the action sees: counts, and whether *they* pledged."""

    thresholds: Thresholds
    standing: Standing
    triggered_at: datetime | None
    mine: bool
    can_pledge: bool


@dataclass(frozen=True)
class Pledged:
    """A pledge's answer: whether it fired the trigger, and the counts after the batch."""

    fired: bool
    view: PledgeView


Outcome = Pledged | None | DomainError  # None: a withdrawal that went through


def apply_batch(
    db: Session,
    orders: Sequence[PledgeOrder],
    *,
    now: datetime,
    memberships: Mapping[int, list[Membership]] | None = None,
) -> list[Outcome]:
    """Apply `orders` in `db`'s transaction; one outcome per order, in the same order.
    `memberships` (person → every membership) may come already read, with the people; whose
    are missing are read here, in one query."""
    outcomes: list[Outcome] = [None] * len(orders)
    by_action: dict[int, list[int]] = {}
    for index, order in enumerate(orders):
        by_action.setdefault(order.action_id, []).append(index)
    held = dict(memberships or {})
    missing = {o.person_id for o in orders} - held.keys()
    if missing:
        held |= FederationRepository(db).memberships_of_people(missing)
    for action_id in sorted(by_action):  # one lock order for every writer
        indexes = by_action[action_id]
        try:
            answers = _apply_campaign(db, action_id, [orders[i] for i in indexes], held, now)
        except DomainError as refusal:  # the action or its campaign is missing
            answers = [refusal] * len(indexes)
        for index, answer in zip(indexes, answers, strict=True):
            outcomes[index] = answer
    return outcomes


@dataclass
class _Book:
    """One campaign's pledges as the batch changes them (only the people in the batch)."""

    counts: dict[int, int]
    pledged: dict[int, int]  # person → assembly, for the batch's people who have a pledge
    added: dict[int, int]
    removed: dict[int, int]
    triggered: bool


def _apply_campaign(
    db: Session,
    action_id: int,
    orders: list[PledgeOrder],
    memberships: Mapping[int, list[Membership]],
    now: datetime,
) -> list[Outcome]:
    repo = MobilisationRepository(db)
    both = repo.campaign_for_pledging(action_id)  # the campaign's row locked
    if both is None:
        if repo.action(action_id) is None:
            raise NotFound(N_("That action does not exist."))
        raise NotFound(N_("This action has no conditional pledge."))
    action, campaign = both
    read = repo.pledge_book(action.id, campaign.id, (o.person_id for o in orders))
    found = participation_of(action, read.placements, read.joined)
    region_of = regions_of(found.everyone)
    book = _Book(read.counts, read.pledged, {}, {}, campaign.triggered_at is not None)
    outcomes: list[Outcome] = []
    run: list[tuple[int, int]] = []  # (outcome index, assembly) of pledges not yet evaluated
    firing: int | None = None
    for order in orders:
        active = {m.assembly_id: m for m in memberships.get(order.person_id, []) if m.is_active}
        if order.kind is Kind.WITHDRAW:
            firing = _settle(campaign, region_of, book, run, firing)
            outcomes.append(_withdraw(action, found, active, book, order))
            continue
        refusal = _refusal(action, found, active, book, order)
        if refusal is not None:
            outcomes.append(refusal)
            continue
        book.pledged[order.person_id] = order.assembly_id
        book.added[order.person_id] = order.assembly_id
        book.counts[order.assembly_id] = book.counts.get(order.assembly_id, 0) + 1
        run.append((len(outcomes), order.assembly_id))
        outcomes.append(None)  # filled in below
    firing = _settle(campaign, region_of, book, run, firing)
    repo.apply_pledges(campaign.id, book.added, book.removed)
    after = standing(campaign.thresholds, book.counts, region_of)
    if firing is not None:
        fire_trigger(db, action, campaign, after, now)
    if book.triggered:
        after = Standing(
            after.pledges, after.assemblies_met, after.regions_met, after.people_counted, True, 1.0
        )
    when = campaign.triggered_at or (now if firing is not None else None)
    view = PledgeView(campaign.thresholds, after, when, mine=True, can_pledge=False)
    return [
        Pledged(index == firing, view)
        if outcome is None and orders[index].kind is Kind.PLEDGE
        else outcome
        for index, outcome in enumerate(outcomes)
    ]


def _settle(
    campaign: Campaign,
    region_of: dict[int, int],
    book: _Book,
    run: list[tuple[int, int]],
    firing: int | None,
) -> int | None:
    """Evaluate the thresholds once for the pledges of `run`; when they fired the trigger, find
    the crossing pledge (the index of its outcome). Empties `run`."""
    if book.triggered or not run:
        run.clear()
        return firing
    if not standing(campaign.thresholds, book.counts, region_of).triggered:
        run.clear()
        return firing
    before = dict(book.counts)
    for _index, assembly in run:
        before[assembly] -= 1
    for index, assembly in run:  # once in a campaign's life: step to the crossing pledge
        if crosses(campaign.thresholds, before, region_of, assembly, triggered=False):
            book.triggered = True
            run.clear()
            return index
        before[assembly] = before.get(assembly, 0) + 1
    run.clear()  # not reached: the counts are monotone in the pledges
    return firing


def _refusal(
    action: Action,
    found: Participation,
    active: dict[int, Membership],
    book: _Book,
    order: PledgeOrder,
) -> DomainError | None:
    """Why this pledge is refused, or None (the checks of `pledges.record_pledge`, in order)."""
    seen = Viewer.MEMBER if active.keys() & (found.roots | found.bases) else Viewer.ANYONE
    if not can_see_action(action.visibility, seen):
        return NotFound(N_("That action does not exist."))
    if action_rules.is_over(action.state):
        return Conflict(N_("This action is over."))
    if order.assembly_id not in active:
        return Forbidden(N_("You can pledge only as an active member of your assembly."))
    if order.assembly_id not in found.bases:
        return Forbidden(N_("That assembly does not take part in this action."))
    if order.person_id in book.pledged:
        return Conflict(N_("You have already pledged to this."))
    return None


def _withdraw(
    action: Action,
    found: Participation,
    active: dict[int, Membership],
    book: _Book,
    order: PledgeOrder,
) -> DomainError | None:
    """Take back the person's pledge in the book (only before the trigger)."""
    convening = active.get(action.assembly_id)
    if convening is not None and convening.is_facilitator:
        seen = Viewer.COORDINATOR
    else:
        seen = Viewer.MEMBER if active.keys() & (found.roots | found.bases) else Viewer.ANYONE
    if not can_see_action(action.visibility, seen):
        return NotFound(N_("That action does not exist."))
    if book.triggered:
        return Conflict(N_("The threshold was met: pledges are now commitments."))
    assembly = book.pledged.pop(order.person_id, None)
    if assembly is None:
        return Conflict(N_("You have no pledge here to withdraw."))
    if book.added.pop(order.person_id, None) is None:
        book.removed[order.person_id] = assembly
    book.counts[assembly] -= 1
    return None


def fire_trigger(
    db: Session, action: Action, campaign: Campaign, after: Standing, now: datetime
) -> None:
    """Mark the campaign triggered, confirm the action, record the event notices are told by."""
    repo = MobilisationRepository(db)
    repo.mark_triggered(campaign.id, now)
    locked = repo.action(action.id, lock=True)
    if locked is not None and ActionState.CONFIRMED in action_rules.TRANSITIONS[locked.state]:
        repo.set_action(action.id, state=ActionState.CONFIRMED.value)
        audit(db, None, "mobilisation.action_confirmed", action.assembly_id, f"action:{action.id}")
    audit(
        db,
        None,
        "mobilisation.pledge_triggered",
        action.assembly_id,
        f"pledge_campaign:{campaign.id}",
        details={
            "action_id": action.id,
            "pledges": after.pledges,
            "people_counted": after.people_counted,
        },
    )
