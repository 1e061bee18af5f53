"""The real tables: UK 2015 (shared folder, and the copy in tests/data), Chile 2008, pymrio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asamblea.core.planning import (
    Change,
    Economy,
    PlanStatus,
    Targets,
    constraint_violation,
    solve_plan,
    trade_offs,
    what_if,
)
from asamblea.formats.planning import load_model
from tests.core.planning.oracle import linprog_fulfilment
from tests.datasets import TEST_DATA, data_dir

HEALTH_AND_EDUCATION = ("education", "human health")


def _uk(folder: Path) -> tuple[Economy, Targets]:
    loaded = load_model(folder)
    return loaded.economy, Targets(levels=loaded.baseline, floors=np.zeros(129))


def _check_uk(economy: Economy, goal: Targets) -> None:
    plan = solve_plan(economy, goal)
    assert plan.status == PlanStatus.OPTIMAL
    # The 2015 final demand with 2015's labour and imports is (almost exactly) attainable.
    assert plan.fulfilment == pytest.approx(1.0, abs=1e-3)
    assert plan.fulfilment == pytest.approx(linprog_fulfilment(economy, goal), rel=1e-7)
    assert constraint_violation(economy, goal, plan) <= 1e-9
    raised = [Change("target", p, 20.0, percent=True) for p in economy.products
              if p.lower().startswith(HEALTH_AND_EDUCATION)]
    assert len(raised) == 6  # market, non-market and NPISH, for each
    comparison = what_if(economy, goal, raised, before=plan)
    assert comparison.after.fulfilment < plan.fulfilment - 0.01
    assert comparison.binding_after == ("labour",)  # health and education are labour-intensive
    offs = trade_offs(economy, comparison.after)
    assert offs.binding[0].kind == "labour"
    assert offs.binding[0].shadow_price > 0


def test_uk2015_full_folder() -> None:
    _check_uk(*_uk(data_dir("planning", "uk2015_cockshott_ukgreen")))


def test_uk2015_copy_in_tests_data() -> None:
    _check_uk(*_uk(TEST_DATA / "planning" / "uk2015"))


def test_chile2008_fast_path_equals_linprog() -> None:
    loaded = load_model(data_dir("planning", "chile2008_bcch_111"))
    goal = Targets(levels=loaded.baseline, floors=np.zeros(loaded.economy.n_products))
    plan = solve_plan(loaded.economy, goal)
    assert plan.status == PlanStatus.OPTIMAL
    assert plan.fulfilment == pytest.approx(linprog_fulfilment(loaded.economy, goal), rel=1e-7)
    assert constraint_violation(loaded.economy, goal, plan) <= 1e-9


@pytest.mark.parametrize("folder", ["pymrio_test", "five_year_plan"])
def test_small_tables_in_tests_data(folder: str) -> None:
    loaded = load_model(TEST_DATA / "planning" / folder)
    goal = Targets(levels=loaded.baseline, floors=np.zeros(loaded.economy.n_products))
    plan = solve_plan(loaded.economy, goal)
    lp = solve_plan(loaded.economy, goal, method="lp")
    assert plan.fulfilment == pytest.approx(linprog_fulfilment(loaded.economy, goal), rel=1e-7)
    assert lp.fulfilment == pytest.approx(plan.fulfilment, rel=1e-7)
    assert constraint_violation(loaded.economy, goal, plan) <= 1e-9
