"""Delegates: seats, terms, mandates and breaches, weights, and the recall state machine."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asamblea.core import delegation as dl
from asamblea.core.delegation import (
    Delegate,
    WeightRule,
)
from asamblea.core.delegation import (
    DelegateChoice as C,
)
from asamblea.core.delegation import (
    DelegateState as D,
)
from asamblea.core.delegation import (
    MandateChoice as M,
)
from asamblea.core.errors import Conflict, Forbidden, Invalid
from asamblea.core.federation import AssemblyRules, Membership, MembershipState, Role
from asamblea.core.votes import VoteState

T0 = datetime(2026, 11, 28, tzinfo=UTC)
CHILD, PARENT = 21, 20


def member(
    pid: int,
    role: Role = Role.MEMBER,
    assembly: int = CHILD,
    state: MembershipState = MembershipState.ACTIVE,
) -> Membership:
    return Membership(id=100 + pid, assembly_id=assembly, person_id=pid, state=state, role=role)


def delegate(state: D = D.SERVING) -> Delegate:
    return Delegate(1, 50, CHILD, PARENT, T0, T0 + timedelta(days=365), state)


@pytest.mark.parametrize(
    ("active", "ratio", "seated", "open_seats"),
    [(10, 50, 0, 1), (49, 50, 0, 1), (100, 50, 0, 2), (100, 50, 1, 1), (100, 50, 3, 0)],
)
def test_open_seats(active: int, ratio: int, seated: int, open_seats: int) -> None:
    assert dl.open_seats(active, AssemblyRules(delegate_ratio=ratio), seated) == open_seats


def test_terms() -> None:
    dl.check_term(T0, T0 + timedelta(days=365))
    for start, end in [
        (T0, T0),
        (T0, T0 - timedelta(days=1)),
        (T0, T0 + timedelta(days=800)),
        (T0.replace(tzinfo=None), T0.replace(tzinfo=None) + timedelta(days=1)),
    ]:
        with pytest.raises(Invalid):
            dl.check_term(start, end)
    assert not dl.is_term_over(delegate(), T0 + timedelta(days=10))
    assert dl.is_term_over(delegate(), T0 + timedelta(days=365))
    assert not dl.is_term_over(delegate(D.RECALLED), T0 + timedelta(days=400))


# --- the state machine ---------------------------------------------------------------------

ALLOWED = {
    (D.SERVING, D.PETITIONED),
    (D.SERVING, D.TERM_ENDED),
    (D.PETITIONED, D.RECALL_VOTE),
    (D.PETITIONED, D.SERVING),
    (D.PETITIONED, D.TERM_ENDED),
    (D.RECALL_VOTE, D.RECALLED),
    (D.RECALL_VOTE, D.CONFIRMED),
    (D.RECALL_VOTE, D.TERM_ENDED),
    (D.CONFIRMED, D.PETITIONED),
    (D.CONFIRMED, D.TERM_ENDED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(D, D)))
def test_transition_table(current: D, target: D) -> None:
    if (current, target) in ALLOWED:
        dl.check_transition(current, target)
    else:
        with pytest.raises(Conflict):
            dl.check_transition(current, target)


@given(st.sampled_from(sorted(dl.TERMINAL)), st.sampled_from(list(D)))
def test_no_transition_out_of_a_terminal_state(current: D, target: D) -> None:
    assert current in {D.RECALLED, D.TERM_ENDED}
    with pytest.raises(Conflict):
        dl.check_transition(current, target)


@given(st.lists(st.sampled_from(list(D)), max_size=30))
def test_a_seat_once_lost_stays_lost(targets: list[D]) -> None:
    state, lost = D.SERVING, False
    for target in targets:
        try:
            dl.check_transition(state, target)
        except Conflict:
            continue
        assert not lost
        state, lost = target, target in dl.TERMINAL


# --- mandates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mandate", "choice", "breach"),
    [
        (None, C.FOR, False),
        (M.FREE, C.AGAINST, False),
        (M.FREE, None, False),
        (M.FOR, C.FOR, False),
        (M.FOR, C.AGAINST, True),
        (M.FOR, C.ABSTAIN, True),  # the mandate asked for a side
        (M.FOR, None, True),  # so did it when the delegate stayed away
        (M.AGAINST, C.AGAINST, False),
        (M.AGAINST, C.FOR, True),
        (M.AGAINST, C.ABSTAIN, True),
    ],
)
def test_mandate_breach(mandate: M | None, choice: C | None, breach: bool) -> None:
    assert dl.mandate_breach(mandate, choice) is breach


@pytest.mark.parametrize(
    ("label", "choice"),
    [("Sí", C.FOR), ("No", C.AGAINST), ("Abstención", C.ABSTAIN), ("", C.ABSTAIN), (None, None)],
)
def test_choice_from_option(label: str | None, choice: C | None) -> None:
    assert dl.choice_from_option(label) is choice


def test_mandate_is_set_before_the_vote_opens() -> None:
    facil = member(2, Role.FACILITATOR)
    dl.check_mandate(facil, CHILD, VoteState.DRAFT)
    with pytest.raises(Invalid):
        dl.choice_from_option("Quizá")
    for state in (VoteState.OPEN, VoteState.CLOSED, VoteState.PUBLISHED):
        with pytest.raises(Conflict):
            dl.check_mandate(facil, CHILD, state)
    with pytest.raises(Forbidden):
        dl.check_mandate(member(3), CHILD, VoteState.DRAFT)
    with pytest.raises(Forbidden):
        dl.check_mandate(member(2, Role.FACILITATOR, assembly=22), CHILD, VoteState.DRAFT)


@pytest.mark.parametrize(
    ("rule", "members", "delegates", "weight"),
    [
        (WeightRule.ONE_EACH, 120, 2, Fraction(1)),
        (WeightRule.MEMBERS_REPRESENTED, 120, 2, Fraction(60)),
        (WeightRule.MEMBERS_REPRESENTED, 100, 3, Fraction(100, 3)),
        (WeightRule.MEMBERS_REPRESENTED, 0, 1, Fraction(0)),
    ],
)
def test_delegate_weight(rule: WeightRule, members: int, delegates: int, weight: Fraction) -> None:
    assert dl.delegate_weight(rule, members, delegates) == weight


def test_weights_of_a_roll_call() -> None:
    with pytest.raises(Invalid):
        dl.delegate_weight(WeightRule.MEMBERS_REPRESENTED, 10, 0)
    thirds = [Fraction(100, 3)] * 3
    totals = dl.weighted_totals(zip([C.FOR, C.FOR, None], thirds, strict=True))
    assert totals == {C.FOR: Fraction(200, 3), C.AGAINST: 0, C.ABSTAIN: 0}


@given(st.integers(0, 10_000), st.integers(1, 50))
def test_weights_add_up_to_the_members_represented(members: int, delegates: int) -> None:
    weight = dl.delegate_weight(WeightRule.MEMBERS_REPRESENTED, members, delegates)
    assert weight * delegates == members


# --- recall --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "percent", "threshold"),
    [(0, 20, 1), (1, 20, 1), (5, 20, 1), (6, 20, 2), (100, 20, 20), (101, 20, 21), (7, 100, 7)],
)
def test_recall_threshold(active: int, percent: int, threshold: int) -> None:
    rules = AssemblyRules(recall_percent=percent)
    assert dl.recall_threshold(active, rules) == threshold
    assert dl.is_recall_reached(threshold, active, rules)
    assert not dl.is_recall_reached(threshold - 1, active, rules)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 100), st.integers(1, 100))
def test_recall_threshold_is_monotone(a: int, b: int, p: int, q: int) -> None:
    (small, large), (low, high) = sorted((a, b)), sorted((p, q))
    assert dl.recall_threshold(small, AssemblyRules(recall_percent=low)) >= 1
    assert dl.recall_threshold(small, AssemblyRules(recall_percent=low)) <= dl.recall_threshold(
        large, AssemblyRules(recall_percent=low)
    )
    assert dl.recall_threshold(large, AssemblyRules(recall_percent=low)) <= dl.recall_threshold(
        large, AssemblyRules(recall_percent=high)
    )
    assert dl.recall_threshold(large, AssemblyRules(recall_percent=high)) <= max(1, large)


def test_petition_and_signatures() -> None:
    dl.check_open_petition(delegate(), member(3))
    dl.check_open_petition(delegate(D.CONFIRMED), member(3))
    for state in (D.PETITIONED, D.RECALL_VOTE, D.RECALLED, D.TERM_ENDED):
        with pytest.raises(Conflict):
            dl.check_open_petition(delegate(state), member(3))
    with pytest.raises(Forbidden):  # a member of another assembly
        dl.check_open_petition(delegate(), member(3, assembly=22))
    with pytest.raises(Forbidden):
        dl.check_open_petition(delegate(), member(3, state=MembershipState.SUSPENDED))
    dl.check_sign(delegate(D.PETITIONED), member(4), signers={3})
    with pytest.raises(Conflict):
        dl.check_sign(delegate(D.PETITIONED), member(3), signers={3})
    with pytest.raises(Conflict):
        dl.check_sign(delegate(D.RECALL_VOTE), member(4), signers={3})
    assert dl.count_signatures([3, 3, 4, 8], active={3, 4, 5}) == 2


def test_recall_vote_and_by_election() -> None:
    assert dl.state_after_recall_vote(delegate(D.RECALL_VOTE), passed=True) is D.RECALLED
    assert dl.state_after_recall_vote(delegate(D.RECALL_VOTE), passed=False) is D.CONFIRMED
    with pytest.raises(Conflict):
        dl.state_after_recall_vote(delegate(D.PETITIONED), passed=True)
    assert dl.seats_after_recall() == 1
    recalled = delegate(D.RECALLED)
    assert not recalled.is_seated
    now = T0 + timedelta(days=100)
    assert dl.successor_term(recalled, now) == (now, recalled.ends_at)
    with pytest.raises(Conflict):
        dl.successor_term(delegate(D.SERVING), now)
    with pytest.raises(Conflict):
        dl.successor_term(recalled, T0 + timedelta(days=400))
