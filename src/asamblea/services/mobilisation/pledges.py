"""Conditional pledges: pledge, withdraw, see the counts; the trigger fires exactly once.

The problem: two members pledge at the same moment and each would cross the threshold; or the
last pledge lands while another withdraws. The design: every pledge or withdrawal is applied by
`pledge_batch.apply_batch` — alone here (a batch of one, in the caller's transaction), or with
the others that arrived meanwhile through the web's `PledgeBatcher`. It locks the campaign's row
first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already queue on
``BEGIN IMMEDIATE``), then reads the counts per assembly, asks `core.mobilisation.pledges`
whether the pledges cross, and writes them — and, when they cross, the trigger time, the
action's confirmation and the `mobilisation.pledge_triggered` audit event — in the same
transaction. The next writer waits for the lock and reads a triggered campaign.

The promise: pledges leave this module as counts only. Pledging and withdrawing record no
audit event (it would pair the person with the pledge); the unique (campaign, person) key makes
a second pledge by the same person fail even if two arrive together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.errors import N_, DomainError, NotFound
from asamblea.core.mobilisation import actions as action_rules
from asamblea.core.mobilisation.actions import Viewer
from asamblea.core.mobilisation.pledges import Standing, standing
from asamblea.core.people import Person
from asamblea.services.mobilisation.access import regions_of, visible_action
from asamblea.services.mobilisation.pledge_batch import (
    Kind,
    PledgeOrder,
    PledgeView,
    apply_batch,
)
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.mobilisation_repository import Campaign, MobilisationRepository


def _campaign(repo: MobilisationRepository, action_id: int, *, lock: bool) -> Campaign:
    campaign = repo.campaign_of(action_id, lock=lock)
    if campaign is None:
        raise NotFound(N_("This action has no conditional pledge."))
    return campaign


def _standing(db: Session, campaign: Campaign) -> Standing:
    counts = MobilisationRepository(db).pledge_counts(campaign.id)
    region_of = regions_of(FederationRepository(db).placements())
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
    """`pledge`, and the counts after it as the pledger now sees them (no second read): a
    batch of one (`pledge_batch.apply_batch`), in the caller's transaction."""
    order = PledgeOrder(Kind.PLEDGE, person.id, action_id, assembly_id)
    outcome = apply_batch(db, [order], now=now)[0]
    if isinstance(outcome, DomainError):
        raise outcome
    assert outcome is not None  # noqa: S101 - a pledge that went through has its answer
    return outcome.fired, outcome.view


def withdraw(db: Session, person: Person, action_id: int) -> None:
    """Take back one's pledge — only before the threshold is met."""
    order = PledgeOrder(Kind.WITHDRAW, person.id, action_id)
    outcome = apply_batch(db, [order], now=utcnow())[0]
    if isinstance(outcome, DomainError):
        raise outcome
