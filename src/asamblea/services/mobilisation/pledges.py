"""Conditional pledges: pledge, withdraw, see the counts; the trigger fires exactly once.

The problem: two members pledge at the same moment and each would cross the threshold; or the
last pledge lands while another withdraws. The design: every pledge or withdrawal locks the
campaign's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already queue on
``BEGIN IMMEDIATE``), then reads the counts per assembly, asks `core.mobilisation.pledges`
whether this pledge crosses, and writes the pledge — and, when it crosses, the trigger time,
the action's confirmation and the `mobilisation.pledge_triggered` audit event — in the same
transaction. The next writer waits for the lock and reads a triggered campaign.

The promise: pledges leave this module as counts only. Pledging and withdrawing record no
audit event (it would pair the person with the pledge); the unique (campaign, person) key makes
a second pledge by the same person fail even if two arrive together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, Forbidden, NotFound
from asamblea.core.mobilisation import actions as action_rules
from asamblea.core.mobilisation.actions import ActionState, Viewer, can_see_action
from asamblea.core.mobilisation.pledges import Standing, Thresholds, crosses, standing
from asamblea.core.people import Person
from asamblea.services.mobilisation.access import (
    active_memberships,
    audit,
    participation,
    regions_of,
    visible_action,
)
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.mobilisation_repository import Action, Campaign, MobilisationRepository


@dataclass(frozen=True)
class PledgeView:
    """What anyone allowed to see the action sees: counts, and whether *they* pledged."""

    thresholds: Thresholds
    standing: Standing
    triggered_at: datetime | None
    mine: bool
    can_pledge: bool


def _campaign(repo: MobilisationRepository, action_id: int, *, lock: bool) -> Campaign:
    campaign = repo.campaign_of(action_id, lock=lock)
    if campaign is None:
        raise NotFound(N_("This action has no conditional pledge."))
    return campaign


def _standing(db: Session, campaign: Campaign) -> Standing:
    counts = MobilisationRepository(db).pledge_counts(campaign.id)
    region_of = regions_of(FederationRepository(db).assemblies())
    now = standing(campaign.thresholds, counts, region_of)
    if campaign.triggered_at is not None and not now.triggered:
        # Triggered once: it stays so (pledges are commitments, nothing can be withdrawn).
        now = Standing(
            now.pledges, now.assemblies_met, now.regions_met, now.people_counted, True, 1.0
        )
    return now


def pledge_view(db: Session, person: Person | None, action_id: int) -> PledgeView:
    """The campaign's counts as `person` may see them."""
    action, viewer = visible_action(db, person, action_id)
    repo = MobilisationRepository(db)
    campaign = _campaign(repo, action.id, lock=False)
    mine = person is not None and repo.has_pledged(campaign.id, person.id)
    can = viewer is not Viewer.ANYONE and not action_rules.is_over(action.state) and not mine
    return PledgeView(
        campaign.thresholds, _standing(db, campaign), campaign.triggered_at, mine, can
    )


def pledge(db: Session, person: Person, action_id: int, assembly_id: int, *, now: datetime) -> bool:
    """Record `person`'s pledge from their base assembly; True when it fired the trigger."""
    return record_pledge(db, person, action_id, assembly_id, now=now)[0]


def record_pledge(
    db: Session, person: Person, action_id: int, assembly_id: int, *, now: datetime
) -> tuple[bool, PledgeView]:
    """`pledge`, and the counts after it as the pledger now sees them (no second read).

    Every assembly is read once per pledge (taking part, regions); the counts come from the
    tally kept beside the pledges, so a pledge costs the same whether it is the first or the
    millionth.
    """
    repo = MobilisationRepository(db)
    action = repo.action(action_id)
    if action is None:
        raise NotFound(N_("That action does not exist."))
    campaign = _campaign(repo, action.id, lock=True)
    found = participation(db, action)
    mine = active_memberships(db, person)
    seen = Viewer.MEMBER if mine.keys() & (found.roots | found.bases) else Viewer.ANYONE
    if not can_see_action(action.visibility, seen):
        raise NotFound(N_("That action does not exist."))
    if action_rules.is_over(action.state):
        raise Conflict(N_("This action is over."))
    if assembly_id not in mine:
        raise Forbidden(N_("You can pledge only as an active member of your assembly."))
    if assembly_id not in found.bases:
        raise Forbidden(N_("That assembly does not take part in this action."))
    if repo.has_pledged(campaign.id, person.id):
        raise Conflict(N_("You have already pledged to this."))
    counts = repo.pledge_counts(campaign.id)
    region_of = regions_of(found.everyone)
    was_triggered = campaign.triggered_at is not None
    fired = crosses(campaign.thresholds, counts, region_of, assembly_id, triggered=was_triggered)
    try:
        with db.begin_nested():
            repo.add_pledge(campaign.id, person.id, assembly_id)
    except IntegrityError as error:
        raise Conflict(N_("You have already pledged to this.")) from error
    counts[assembly_id] = counts.get(assembly_id, 0) + 1
    after = standing(campaign.thresholds, counts, region_of)
    if fired:
        _trigger(db, action, campaign, after, now)
    if was_triggered or fired:
        after = Standing(
            after.pledges, after.assemblies_met, after.regions_met, after.people_counted, True, 1.0
        )
    when = campaign.triggered_at or (now if fired else None)
    return fired, PledgeView(campaign.thresholds, after, when, mine=True, can_pledge=False)


def _trigger(
    db: Session, action: Action, campaign: Campaign, after: Standing, now: datetime
) -> None:
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


def withdraw(db: Session, person: Person, action_id: int) -> None:
    """Take back one's pledge — only before the threshold is met."""
    action, _viewer = visible_action(db, person, action_id)
    repo = MobilisationRepository(db)
    campaign = _campaign(repo, action.id, lock=True)
    if campaign.triggered_at is not None:
        raise Conflict(N_("The threshold was met: pledges are now commitments."))
    if repo.remove_pledge(campaign.id, person.id) != 1:
        raise Conflict(N_("You have no pledge here to withdraw."))
