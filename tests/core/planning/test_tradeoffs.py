"""Binding limits, shadow prices, labour values and resource content, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from asamblea.core.planning import solve_plan, trade_offs
from tests.core.planning.economies import corn_iron, targets, village
from tests.core.planning.test_plan import capacity_economy


def test_village_trade_offs() -> None:
    economy = village()
    offs = trade_offs(economy, solve_plan(economy, targets(10.0, 20.0)))
    binding = {limit.name: limit for limit in offs.binding}
    assert set(binding) == {"labour", "wood"}
    assert binding["labour"].shadow_price == pytest.approx(1 / 65, rel=1e-6)
    assert binding["wood"].shadow_price == pytest.approx(1 / 65, rel=1e-6)
    # The wood oven makes most bread: v_bread = 1 + 0.5 · 1.25 h and 1 unit of wood.
    np.testing.assert_allclose(offs.labour_values, [1.25, 1.625])
    np.testing.assert_allclose(offs.resource_content, [[0.0, 1.0]])


def test_slack_limits_do_not_bind() -> None:
    economy = village(wood=1e9)
    offs = trade_offs(economy, solve_plan(economy, targets(10.0, 20.0)))
    assert [limit.name for limit in offs.binding] == ["labour"]
    wood = next(limit for limit in offs.limits if limit.name == "wood")
    assert not wood.binding
    assert wood.shadow_price == pytest.approx(0.0, abs=1e-12)


def test_capacity_binds() -> None:
    economy = capacity_economy()
    offs = trade_offs(economy, solve_plan(economy, targets(1.0, 1.0)))
    kinds = {(limit.kind, limit.name) for limit in offs.binding}
    assert ("capacity", "a") in kinds
    assert ("labour", "labour") in kinds  # the lexicographic stage uses all labour


def test_fast_path_prices_are_labour_values_per_hour() -> None:
    economy = corn_iron()
    offs = trade_offs(economy, solve_plan(economy, targets(1.0, 1.0)))
    np.testing.assert_allclose(offs.labour_values, [2.0, 2.0])
    np.testing.assert_allclose(offs.fulfilment_price, [0.5, 0.5])
