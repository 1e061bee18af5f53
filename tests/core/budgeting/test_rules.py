"""Hand-worked cases: greedy, Equal Shares, completions, tie-breaks and explanations."""

from __future__ import annotations

from fractions import Fraction

import pytest

from asamblea.core.budgeting import (
    BallotKind,
    Ballots,
    Completion,
    Instance,
    Project,
    Reason,
    Rule,
    Utility,
    equal_shares,
    greedy,
    select,
)
from asamblea.core.errors import Invalid


def _approval(costs: dict[str, int], budget: int, voters: list[str]) -> tuple[Instance, Ballots]:
    """Voters as strings of project ids ("ab" approves a and b)."""
    instance = Instance(budget, tuple(Project(pid, cost) for pid, cost in costs.items()))
    index = instance.index()
    ballots = Ballots.merge(
        BallotKind.APPROVAL, len(costs), [{index[c]: 1 for c in voter} for voter in voters]
    )
    return instance, ballots


# Three voters, 100 each. a (200) is wanted by two who can just pay it; b (150) by one who has
# only 100; c nobody wants.
THREE = _approval({"a": 200, "b": 150, "c": 50}, 300, ["a", "a", "b"])


@pytest.mark.parametrize(
    ("costs", "budget", "voters", "per_cost", "expected"),
    [
        ({"a": 60, "b": 50, "c": 40}, 100, ["ab", "ab", "a", "c"], False, ("a", "c")),
        ({"a": 60, "b": 50, "c": 40}, 100, ["ab", "ab", "a", "c"], True, ("a", "c")),
        ({"a": 90, "b": 10, "c": 10}, 100, ["a", "a", "b", "c"], True, ("b", "c")),
        ({"a": 50, "b": 50, "c": 50}, 100, ["a", "b", "c"], False, ("a", "b")),  # ties: by id
        ({"a": 0, "b": 100}, 100, ["b"], False, ("a", "b")),  # free first, even without votes
    ],
)
def test_greedy(
    costs: dict[str, int], budget: int, voters: list[str], per_cost: bool, expected: tuple[str, ...]
) -> None:
    instance, ballots = _approval(costs, budget, voters)
    assert greedy(instance, ballots, per_cost=per_cost).selected == expected


def test_greedy_explains_the_skipped_project() -> None:
    instance, ballots = _approval({"a": 60, "b": 50, "c": 40}, 100, ["ab", "ab", "a", "c"])
    outcome = greedy(instance, ballots)
    b = outcome.explanation("b")
    assert (b.funded, b.reason, b.round, b.remaining, b.support) == (
        False,
        Reason.OVER_BUDGET,
        2,
        40,
        2,
    )
    assert outcome.explanation("c").reason is Reason.FUNDED_GREEDY


def test_equal_shares_explains_every_project() -> None:
    outcome = equal_shares(*THREE)
    assert outcome.selected == ("a",)
    assert outcome.voter_budget == Fraction(100)
    a = outcome.explanation("a")
    assert (a.reason, a.round, a.supporters) == (Reason.FUNDED_EQUAL_SHARES, 1, 2)
    assert [(g.voters, g.share, g.paid_everything) for g in a.payments] == [(2, 100.0, True)]
    b = outcome.explanation("b")
    assert (b.reason, b.round, b.available) == (Reason.SHARES_SHORT, 1, 100.0)
    assert outcome.explanation("c").reason is Reason.NO_SUPPORT


def test_add1_raises_shares_until_the_budget_is_spent() -> None:
    # 300 for 3 voters; b (150) needs its lone supporter to have 150: 50 increments of 1 sol
    # would overspend? a + b = 350 > 300, so add1 stops before b and keeps a only.
    outcome = equal_shares(*THREE, completion=Completion.ADD1, increment=10)
    assert outcome.selected == ("a",)
    instance, ballots = _approval({"a": 200, "b": 120, "c": 50}, 320, ["a", "a", "b"])
    raised = equal_shares(instance, ballots, completion=Completion.ADD1, increment=1)
    assert set(raised.selected) == {"a", "b"}
    assert raised.voter_budget == Fraction(320, 3) + raised.budget_steps
    assert raised.budget_steps > 0


def test_greedy_completion_fills_what_is_left() -> None:
    outcome = equal_shares(*THREE, completion=Completion.ADD1_GREEDY)
    assert outcome.selected == ("a", "c")
    c = outcome.explanation("c")
    assert (c.reason, c.remaining) == (Reason.FUNDED_COMPLETION, 100)
    b = outcome.explanation("b")
    assert (b.reason, b.remaining, b.available) == (Reason.OVER_BUDGET, 100, 100.0)
    assert select(*THREE, rule=Rule.EQUAL_SHARES, exhaustive=True).selected == ("a", "c")


def test_utilities_can_disagree() -> None:
    # Cost utility prefers the dear project that the same voters value more per sol paid.
    instance, ballots = _approval({"a": 100, "b": 40, "c": 40}, 120, ["a", "a", "ab", "c", "c"])
    by_cost = equal_shares(instance, ballots, utility=Utility.COST)
    by_count = equal_shares(instance, ballots, utility=Utility.CARDINALITY)
    assert by_cost.utility is Utility.COST
    assert by_count.utility is Utility.CARDINALITY
    assert by_cost.total_cost <= 120
    assert by_count.total_cost <= 120


def test_cumulative_points_weigh_payments() -> None:
    instance = Instance(120, (Project("a", 60), Project("b", 12)))
    ballots = Ballots.merge(BallotKind.CUMULATIVE, 2, [{0: 2}, {0: 1, 1: 1}, {1: 3}])
    outcome = equal_shares(instance, ballots)
    a = outcome.explanation("a")
    assert a.funded
    shares = {g.points: g.share for g in a.payments}
    assert shares[2] == pytest.approx(2 * shares[1])


def test_tie_break_order_can_be_given() -> None:
    instance, ballots = _approval({"a": 50, "b": 50}, 50, ["ab", "ab"])
    assert equal_shares(instance, ballots).selected == ("a",)
    assert equal_shares(instance, ballots, tie_order=["b", "a"]).selected == ("b",)
    with pytest.raises(Invalid):
        equal_shares(instance, ballots, tie_order=["b"])


def test_no_voters_and_bad_input() -> None:
    instance, ballots = _approval({"a": 50}, 50, [])
    assert equal_shares(instance, ballots, completion=Completion.ADD1).selected == ()
    assert greedy(instance, ballots).selected == ("a",)
    with pytest.raises(Invalid):
        Project("x", -1)
    with pytest.raises(Invalid):
        Instance(10, (Project("x", 1), Project("x", 2)))
    with pytest.raises(Invalid):
        Ballots.merge(BallotKind.APPROVAL, 1, [{0: 2}])
    with pytest.raises(Invalid):
        equal_shares(*THREE, completion=Completion.ADD1, increment=0)
