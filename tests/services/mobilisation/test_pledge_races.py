"""Pledges racing on both databases, through plain concurrent transactions in threads.

Forty members each pledge twice at once (threshold 25): exactly one pledge per person, exactly
one pledge fires the trigger, one audit event. Then withdrawals racing the crossing pledges:
each withdrawal either lands before the trigger or is refused, and the trigger still fires once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from asamblea.core.errors import Conflict
from asamblea.core.people import Person
from asamblea.services.mobilisation import pledges
from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_models import PledgeCampaignRow, PledgeRow
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.strike import MEMBERS, Strike
from tests.services.mobilisation.world import T0


def _pledge(strike: Strike, person: Person) -> bool | None:
    try:
        with strike.sessions.begin() as db:
            return pledges.pledge(db, person, strike.action_id, strike.union, now=T0)
    except Conflict:
        return None


def _withdraw(strike: Strike, person: Person) -> bool:
    try:
        with strike.sessions.begin() as db:
            pledges.withdraw(db, person, strike.action_id)
    except Conflict:
        return False
    return True


def _totals(strike: Strike) -> tuple[int, int, bool]:
    with strike.sessions.begin() as db:
        pledged = db.scalar(select(func.count()).select_from(PledgeRow)) or 0
        fired = db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.action == "mobilisation.pledge_triggered")
        )
        triggered = db.scalar(select(PledgeCampaignRow.triggered_at)) is not None
    return int(pledged), int(fired or 0), triggered


def test_everyone_twice_at_once(strike: Strike) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda p: _pledge(strike, p), strike.members * 2))
    accepted = [r for r in results if r is not None]
    assert len(accepted) == MEMBERS  # one pledge per person
    assert accepted.count(True) == 1  # exactly one pledge fired the trigger
    assert _totals(strike) == (MEMBERS, 1, True)


def test_withdrawals_racing_the_trigger(strike: Strike) -> None:
    early, late = strike.members[:10], strike.members[10:]
    for person in early:
        assert _pledge(strike, person) is False
    jobs = [(True, p) for p in late] + [(False, p) for p in early]
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(
            pool.map(lambda j: _pledge(strike, j[1]) if j[0] else _withdraw(strike, j[1]), jobs)
        )
    fired = [r for (is_pledge, _), r in zip(jobs, results, strict=True) if is_pledge and r]
    withdrawn = sum(
        1 for (is_pledge, _), r in zip(jobs, results, strict=True) if not is_pledge and r
    )
    pledged, events, triggered = _totals(strike)
    assert pledged == MEMBERS - withdrawn
    with strike.sessions.begin() as db:  # the tally the trigger reads equals a recount
        repo = MobilisationRepository(db)
        recount = {a: n for _c, a, n in repo.all_pledge_pairs()}
        campaign = repo.campaign_of(strike.action_id)
        assert campaign is not None
        assert repo.pledge_counts(campaign.id) == recount == {strike.union: pledged}
    assert (len(fired), events, triggered) == (1, 1, True)  # 30 late pledges always reach 25
