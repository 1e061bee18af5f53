"""Targets voted by assemblies → one target vector (weighted median by default, or mean)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.planning import (
    ModelError,
    TargetVote,
    aggregate_targets,
    solve_plan,
    targets_from_votes,
)
from asamblea.core.planning.aggregate import weighted_median
from tests.core.planning.economies import village

PRODUCTS = ("maiz", "pan", "salud")


@pytest.mark.parametrize(
    ("values", "weights", "expected"),
    [
        ([10, 20, 30], [1, 1, 1], 20),
        ([10, 20, 30], [1, 1, 5], 30),  # 5 of 7 members voted 30
        ([10, 20], [1, 1], 15),  # exactly half below: midpoint
        ([10, 20, 30, 40], [3, 1, 1, 1], 15),  # cumulative 3 of 6 reached at 10
        ([5], [7], 5),
    ],
)
def test_weighted_median_by_hand(values: list[float], weights: list[float],
                                 expected: float) -> None:
    assert weighted_median(np.array(values, float), np.array(weights, float)) == expected


def test_median_is_default_and_mean_is_an_option() -> None:
    votes = [
        TargetVote("Comunidad A", 100, {"maiz": 10.0, "pan": 5.0}),
        TargetVote("Sindicato B", 50, {"maiz": 40.0}),
        TargetVote("Barrio C", 60, {"maiz": 1000.0}),
    ]
    median = aggregate_targets(votes, PRODUCTS)
    # maiz: weights 100 | 50 | 60 of 210; half is 105, reached at 40.
    np.testing.assert_allclose(median, [40.0, 5.0, 0.0])
    mean = aggregate_targets(votes, PRODUCTS, method="mean")
    np.testing.assert_allclose(mean, [(1000 + 2000 + 60000) / 210, 5.0, 0.0])


def test_changes_in_percent_use_the_baseline() -> None:
    votes = [
        TargetVote("A", 10, changes_percent={"salud": 20.0}),
        TargetVote("B", 10, changes_percent={"salud": -10.0}),
        TargetVote("C", 30, levels={"salud": 130.0}),
    ]
    result = aggregate_targets(votes, PRODUCTS, baseline={"maiz": 7.0, "salud": 100.0})
    np.testing.assert_allclose(result, [7.0, 0.0, 130.0])  # 120 | 90 | 130 weights 10|10|30


def test_assemblies_without_members_carry_no_weight() -> None:
    votes = [TargetVote("A", 0, {"pan": 99.0}), TargetVote("B", 3, {"pan": 4.0})]
    np.testing.assert_allclose(aggregate_targets(votes, PRODUCTS), [0.0, 4.0, 0.0])


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        (TargetVote("A", 1, {"arroz": 1.0}), "unknown product"),
        (TargetVote("A", 1, {"pan": -1.0}), ">= 0"),
        (TargetVote("A", -1, {"pan": 1.0}), "negative"),
        (TargetVote("A", 1, changes_percent={"pan": 5.0}), "baseline"),
    ],
)
def test_bad_votes(vote: TargetVote, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        aggregate_targets([vote], PRODUCTS)


def test_unknown_method() -> None:
    with pytest.raises(ModelError, match="method"):
        aggregate_targets([], PRODUCTS, method="mode")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.integers(1, 1000)), min_size=1, max_size=30))
def test_median_properties(pairs: list[tuple[float, int]]) -> None:
    values = np.array([v for v, _ in pairs])
    weights = np.array([float(w) for _, w in pairs])
    median = weighted_median(values, weights)
    assert values.min() <= median <= values.max()
    # at least half the weight on each side (inclusive)
    assert weights[values <= median].sum() >= weights.sum() / 2 - 1e-9
    assert weights[values >= median].sum() >= weights.sum() / 2 - 1e-9
    if np.all(weights == weights[0]):
        assert median == pytest.approx(float(np.median(values)))


def test_votes_become_plan_targets() -> None:
    economy = village()
    votes = [TargetVote("A", 30, {"corn": 10.0, "bread": 20.0}),
             TargetVote("B", 10, {"corn": 50.0, "bread": 5.0})]
    goal = targets_from_votes(economy, votes, floors={"corn": 1.0})
    np.testing.assert_allclose(goal.levels, [10.0, 20.0])  # 30 of 40 members
    np.testing.assert_allclose(goal.floors, [1.0, 0.0])
    assert solve_plan(economy, goal).fulfilment == pytest.approx(28 / 13, rel=1e-9)
