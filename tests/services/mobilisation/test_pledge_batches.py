"""Pledges applied in batches (the web's group commit) on both databases: a duplicate in the
same batch is answered as a duplicate, a withdrawal in the same batch as the triggering pledge
lands only if it came first, the trigger fires once — also through two writers with their own
engines racing on the same campaign (two server processes, as far as the database can tell)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait

from sqlalchemy import func, select

from asamblea.core.errors import Conflict, DomainError
from asamblea.core.people import Person
from asamblea.services.mobilisation import pledges
from asamblea.services.mobilisation.pledge_batch import Kind, Outcome, Pledged, PledgeOrder
from asamblea.services.mobilisation.pledge_batch import apply_batch as apply
from asamblea.services.mobilisation.pledge_writer import PledgeBatcher, PledgeRequest
from asamblea.store.database import make_engine, make_sessionmaker
from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_models import PledgeRow
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.strike import MEMBERS, THRESHOLD, Strike
from tests.services.mobilisation.world import T0


def _orders(strike: Strike, *steps: tuple[Kind, Person]) -> list[PledgeOrder]:
    return [PledgeOrder(kind, p.id, strike.action_id, strike.union) for kind, p in steps]


def _batch(strike: Strike, orders: list[PledgeOrder]) -> list[Outcome]:
    with strike.sessions.begin() as db:
        return apply(db, orders, now=T0)


def _state(strike: Strike) -> tuple[int, int, dict[int, int]]:
    """(pledge rows, trigger events, the tally the trigger reads)."""
    with strike.sessions.begin() as db:
        rows = db.scalar(select(func.count()).select_from(PledgeRow)) or 0
        fired = db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.action == "mobilisation.pledge_triggered")
        )
        repo = MobilisationRepository(db)
        campaign = repo.campaign_of(strike.action_id)
        assert campaign is not None
        return int(rows), int(fired or 0), repo.pledge_counts(campaign.id)


def _fired(outcomes: list[Outcome]) -> list[int]:
    return [i for i, o in enumerate(outcomes) if isinstance(o, Pledged) and o.fired]


def test_duplicates_in_one_batch(strike: Strike) -> None:
    a, b, c = strike.members[1:4]
    p, w = Kind.PLEDGE, Kind.WITHDRAW
    out = _batch(strike, _orders(strike, (p, a), (p, a), (p, b), (w, b), (p, b), (w, c), (p, c)))
    assert isinstance(out[0], Pledged)
    assert isinstance(out[1], Conflict)  # the same person twice: a duplicate
    assert isinstance(out[2], Pledged)
    assert out[3] is None  # withdrawn in the same batch …
    assert isinstance(out[4], Pledged)  # … and pledged again: counted once
    assert isinstance(out[5], Conflict)  # nothing to withdraw yet
    assert isinstance(out[6], Pledged)
    assert _state(strike) == (3, 0, {strike.union: 3})
    view = out[6].view
    assert (view.standing.pledges, view.mine, view.standing.triggered) == (3, True, False)
    again = _batch(strike, _orders(strike, (p, a), (w, a), (w, a)))  # an earlier batch's pledge
    assert isinstance(again[0], Conflict)
    assert again[1] is None
    assert isinstance(again[2], Conflict)  # withdrawal undoes exactly one
    assert _state(strike) == (2, 0, {strike.union: 2})


def test_a_withdrawal_and_a_pledge_that_leave_the_tally_as_it_was(strike: Strike) -> None:
    """One person withdraws and another pledges from the same assembly in one batch: the
    tally does not move, yet the rows change (the insert is written without the tally's)."""
    a, b = strike.members[1:3]
    p, w = Kind.PLEDGE, Kind.WITHDRAW
    assert isinstance(_batch(strike, _orders(strike, (p, a)))[0], Pledged)
    out = _batch(strike, _orders(strike, (w, a), (p, b)))
    assert out[0] is None
    assert isinstance(out[1], Pledged)
    assert _state(strike) == (1, 0, {strike.union: 1})
    with strike.sessions.begin() as db:
        repo = MobilisationRepository(db)
        campaign = repo.campaign_of(strike.action_id)
        assert campaign is not None
        assert (repo.has_pledged(campaign.id, a.id), repo.has_pledged(campaign.id, b.id)) == (
            False,
            True,
        )


def test_withdrawal_in_the_batch_of_the_triggering_pledge(strike: Strike) -> None:
    people = strike.members
    early = people[: THRESHOLD - 2]
    assert all(
        isinstance(o, Pledged)
        for o in _batch(strike, _orders(strike, *((Kind.PLEDGE, p) for p in early)))
    )
    first, crossing, after = people[THRESHOLD - 2 : THRESHOLD + 1]
    # A withdrawal before the crossing pledge lands; then two pledges reach the threshold.
    out = _batch(
        strike,
        _orders(
            strike,
            (Kind.WITHDRAW, early[0]),
            (Kind.PLEDGE, first),
            (Kind.PLEDGE, crossing),
            (Kind.PLEDGE, after),
            (Kind.WITHDRAW, early[1]),  # after the trigger: refused, pledges are commitments
            (Kind.PLEDGE, early[0]),  # a commitment at once, fires nothing
        ),
    )
    assert out[0] is None
    assert _fired(out) == [3]
    assert isinstance(out[4], Conflict)
    assert isinstance(out[5], Pledged)
    assert out[5].view.standing.triggered
    assert _state(strike) == (THRESHOLD + 1, 1, {strike.union: THRESHOLD + 1})
    with strike.sessions.begin() as db:
        view = pledges.pledge_view(db, early[0], strike.action_id)
    assert view.triggered_at is not None
    assert _fired(_batch(strike, _orders(strike, (Kind.PLEDGE, people[-1])))) == []
    assert _state(strike)[1] == 1


def test_two_writers_race_and_the_trigger_fires_once(strike: Strike) -> None:
    """Every member pledges twice, through two writers each with its own engine."""
    url = strike.sessions.kw["bind"].url.render_as_string(hide_password=False)
    engines = [make_engine(url), make_engine(url)]
    writers = [PledgeBatcher(make_sessionmaker(e), clock=lambda: T0, max_batch=8) for e in engines]
    requests = [
        PledgeRequest(Kind.PLEDGE, p, strike.action_id, strike.union) for p in strike.members * 2
    ]
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for i, request in enumerate(requests):
                pool.submit(writers[i % 2].submit, request)
        wait([r.answer for r in requests], timeout=120)
    finally:
        for writer in writers:
            writer.stop()
        for engine in engines:
            engine.dispose()
    answers = [r.answer.exception() or r.answer.result() for r in requests]
    pledged = [a for a in answers if isinstance(a, Pledged)]
    assert all(isinstance(a, Pledged | Conflict) for a in answers)
    assert not any(isinstance(a, DomainError) and not isinstance(a, Conflict) for a in answers)
    assert len(pledged) == MEMBERS  # one pledge per person
    assert sum(a.fired for a in pledged) == 1
    assert _state(strike) == (MEMBERS, 1, {strike.union: MEMBERS})
    assert MEMBERS >= THRESHOLD
