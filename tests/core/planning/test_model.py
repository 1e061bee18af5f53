"""The model's checks: shapes, signs, names; frozen data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from asamblea.core.planning import Economy, ModelError, Targets
from tests.core.planning.economies import corn_iron, village


def test_shapes_and_flags() -> None:
    economy = village()
    assert economy.n_products == 2
    assert economy.n_techniques == 3
    assert not economy.is_leontief
    assert corn_iron().is_leontief
    assert economy.index("bread") == 1
    np.testing.assert_allclose(economy.net_matrix().toarray(), [[0.8, -0.5, -0.5], [0, 1, 1]])


def test_arrays_are_frozen() -> None:
    economy = corn_iron()
    with pytest.raises(ValueError, match="read-only"):
        economy.labour[0] = 5.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"labour": np.array([1.0, -1.0])}, "non-negative"),
        ({"labour": np.array([1.0])}, "shape"),
        ({"technique_product": np.array([0, 0])}, "at least one technique"),
        ({"products": ("a", "a")}, "unique"),
    ],
)
def test_bad_models_are_refused(change: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "products": ("a", "b"),
        "technique_product": np.array([0, 1]),
        "inputs": sparse.csc_array((2, 2)),
        "labour": np.ones(2),
    }
    fields.update(change)
    with pytest.raises(ModelError, match=message):
        Economy(**fields)  # type: ignore[arg-type]


def test_targets_checks_and_mapping() -> None:
    economy = village()
    targets = Targets.from_mapping(economy, {"bread": 3.0}, floors={"corn": 1.0})
    np.testing.assert_array_equal(targets.levels, [0.0, 3.0])
    np.testing.assert_array_equal(targets.floors, [1.0, 0.0])
    with pytest.raises(ModelError, match="unknown product"):
        Targets.from_mapping(economy, {"rice": 1.0})
    with pytest.raises(ModelError, match="positive"):
        Targets(levels=np.zeros(2), floors=np.zeros(2))
    with pytest.raises(ModelError, match="non-negative"):
        Targets(levels=np.array([1.0, -1.0]), floors=np.zeros(2))
    np.testing.assert_array_equal(targets.scaled({1: 2.0}).levels, [0.0, 6.0])
