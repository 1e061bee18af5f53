"""What-if: apply changes, re-solve, compare."""

from __future__ import annotations

import numpy as np
import pytest

from asamblea.core.planning import Change, ModelError, solve_plan, what_if
from asamblea.core.planning.whatif import apply_changes
from tests.core.planning.economies import targets, village


def test_more_bread_less_labour() -> None:
    # Bread target +50 % (30) and 90 hours: 91.25t - 40 ≤ 90 → t = 130/91.25.
    economy, goal = village(), targets(10.0, 20.0)
    comparison = what_if(economy, goal, [Change("target", "bread", 50.0, percent=True),
                                         Change("labour_limit", "", 90.0)])
    assert comparison.before.fulfilment == pytest.approx(28 / 13, rel=1e-9)
    assert comparison.after.fulfilment == pytest.approx(130 / 91.25, rel=1e-9)
    assert comparison.fulfilment_change == pytest.approx(130 / 91.25 - 28 / 13, rel=1e-8)
    assert comparison.labour_change == pytest.approx(-10.0)
    assert set(comparison.binding_after) == {"labour", "wood"}


def test_more_wood_relaxes_the_plan() -> None:
    economy, goal = village(), targets(10.0, 20.0)
    before = solve_plan(economy, goal)
    comparison = what_if(economy, goal, [Change("resource_limit", "wood", 1e9)], before=before)
    assert comparison.before is before
    assert comparison.after.fulfilment == pytest.approx(100 / 45, rel=1e-9)
    assert comparison.binding_after == ("labour",)


def test_apply_changes_leaves_inputs_alone() -> None:
    economy, goal = village(), targets(10.0, 20.0)
    changed, new_goal = apply_changes(economy, goal, [
        Change("floor", "corn", 3.0), Change("capacity", "bread:solar", 5.0),
        Change("target", "corn", 12.0),
    ])
    np.testing.assert_array_equal(goal.levels, [10.0, 20.0])
    np.testing.assert_array_equal(new_goal.levels, [12.0, 20.0])
    np.testing.assert_array_equal(new_goal.floors, [3.0, 0.0])
    assert changed.capacity_array[2] == 5.0
    assert np.isinf(economy.capacity_array[2])


@pytest.mark.parametrize(
    "change",
    [Change("target", "rice", 1.0), Change("resource_limit", "oil", 1.0),
     Change("capacity", "bread:gas", 1.0)],
)
def test_unknown_names(change: Change) -> None:
    with pytest.raises(ModelError, match="unknown"):
        apply_changes(village(), targets(10.0, 20.0), [change])
