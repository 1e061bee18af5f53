"""Gross output and labour values by sparse iteration, checked by hand and by dense algebra."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from asamblea.core.planning import ConvergenceError, Economy, gross_output, labour_values
from asamblea.core.planning.leontief import leontief_solve
from asamblea.core.planning.synthetic import synthetic_inputs
from tests.core.planning.economies import corn_iron


def test_hand_solved_two_products() -> None:
    economy = corn_iron()
    np.testing.assert_allclose(gross_output(economy, np.array([1.0, 1.0])), [1.0, 1.5])
    np.testing.assert_allclose(labour_values(economy), [2.0, 2.0])


def test_three_products_with_a_cycle() -> None:
    # x = d + A x with A = [[0, .5, 0], [0, 0, .5], [.5, 0, 0]] (a 3-cycle): x = d + A x gives,
    # for d = (1, 0, 0): x1 = 1 + .5 x2, x2 = .5 x3, x3 = .5 x1 → x1 = 1 + x1/8 → x1 = 8/7.
    a = sparse.csc_array(np.array([[0, 0.5, 0], [0, 0, 0.5], [0.5, 0, 0]]))
    x = leontief_solve(a, np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(x, [8 / 7, 2 / 7, 4 / 7], rtol=1e-9)


@pytest.mark.parametrize("radius", [0.5, 0.9])
def test_matches_a_dense_solve(radius: float) -> None:
    a = synthetic_inputs(300, spectral_radius=radius, seed=3)
    d = np.random.default_rng(1).random(300)
    x = leontief_solve(a, d)
    np.testing.assert_allclose(x, np.linalg.solve(np.eye(300) - a.toarray(), d), rtol=1e-8)


def test_equal_column_sums_give_the_chosen_spectral_radius() -> None:
    a = synthetic_inputs(200, spectral_radius=0.7, seed=5).toarray()
    np.testing.assert_allclose(a.sum(axis=0), 0.7)
    assert max(abs(np.linalg.eigvals(a))) == pytest.approx(0.7)


def test_unproductive_economy_is_reported() -> None:
    economy = Economy(
        products=("a", "b"),
        technique_product=np.array([0, 1]),
        inputs=sparse.csc_array(np.array([[0.6, 0.6], [0.6, 0.6]])),  # radius 1.2
        labour=np.ones(2),
    )
    with pytest.raises(ConvergenceError, match="not productive"):
        gross_output(economy, np.ones(2))


def test_refinement_meets_tiny_entries() -> None:
    a = synthetic_inputs(50, spectral_radius=0.9, seed=2)
    d = np.ones(50)
    d[0] = 1e-9
    x = leontief_solve(a, d, refine=2)
    net = x - a @ x
    assert abs(net[0] - 1e-9) < 1e-15
