"""Generated economies: our plan's LP optimum equals linprog's; every constraint holds to 1e-9."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.planning import Economy, PlanStatus, Targets, constraint_violation, solve_plan
from asamblea.core.planning.synthetic import synthetic_economy, synthetic_targets
from tests.core.planning.oracle import linprog_fulfilment


def generated(n: int, seed: int, radius: float, capacities: bool, floors: bool
              ) -> tuple[Economy, Targets]:
    economy = synthetic_economy(n, inputs_per_product=min(4, n), spectral_radius=radius,
                                alternatives=0.5, resources=2, seed=seed)
    goal = synthetic_targets(n, seed=seed)
    rng = np.random.default_rng(seed + 11)
    if capacities:
        cap = np.where(rng.random(economy.n_techniques) < 0.3,
                       rng.random(economy.n_techniques) * 2, np.inf)
        economy = economy.with_limits(capacity=cap)
    if floors:
        goal = Targets(levels=goal.levels, floors=np.where(rng.random(n) < 0.3, 0.3, 0.0))
    return economy, goal


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 25),
    seed=st.integers(0, 10_000),
    radius=st.sampled_from([0.3, 0.5, 0.9]),
    capacities=st.booleans(),
    floors=st.booleans(),
)
def test_lp_optimum_equals_linprog(n: int, seed: int, radius: float, capacities: bool,
                                   floors: bool) -> None:
    economy, goal = generated(n, seed, radius, capacities, floors)
    expected = linprog_fulfilment(economy, goal)
    plan = solve_plan(economy, goal, method="lp")
    if expected is None:
        assert plan.status == PlanStatus.INFEASIBLE
        return
    assert plan.status == PlanStatus.OPTIMAL
    assert plan.bound == pytest.approx(expected, rel=1e-8, abs=1e-10)
    assert plan.fulfilment == pytest.approx(expected, rel=1e-9, abs=1e-10)
    assert constraint_violation(economy, goal, plan) <= 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_equals_linprog(seed: int) -> None:
    economy = synthetic_economy(40, spectral_radius=0.9, resources=2, seed=seed)
    goal = synthetic_targets(40, seed=seed)
    plan = solve_plan(economy, goal)
    assert plan.method == "leontief"
    assert plan.fulfilment == pytest.approx(linprog_fulfilment(economy, goal), rel=1e-9)
    assert constraint_violation(economy, goal, plan) <= 1e-9


@pytest.mark.parametrize("seed", range(3))
def test_lp_at_a_few_hundred_products(seed: int) -> None:
    economy, goal = generated(300, seed, 0.9, capacities=False, floors=False)
    plan = solve_plan(economy, goal, method="lp")
    assert plan.bound == pytest.approx(linprog_fulfilment(economy, goal), rel=1e-8)
    assert constraint_violation(economy, goal, plan) <= 1e-9
