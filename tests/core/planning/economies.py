"""Hand-solved small economies shared by the planning tests (the solutions are worked out in
the docstrings, not produced by our code)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from asamblea.core.planning import Economy, Targets


def corn_iron(labour_limit: float = 10.0) -> Economy:
    """Corn needs 0.5 iron and 1 h per unit; iron needs 2 h.

    Labour values: v_iron = 2, v_corn = 1 + 0.5·2 = 2. For targets (1, 1) the gross output is
    corn 1, iron 1.5, using 1 + 3 = 4 h per unit of fulfilment: t = L / 4.
    """
    return Economy(
        products=("corn", "iron"),
        technique_product=np.array([0, 1]),
        inputs=sparse.csc_array(np.array([[0.0, 0.0], [0.5, 0.0]])),
        labour=np.array([1.0, 2.0]),
        labour_limit=labour_limit,
    )


def village(labour_limit: float = 100.0, wood: float = 40.0) -> Economy:
    """Corn (0.2 corn, 1 h); bread in a wood oven (0.5 corn, 1 h, 1 wood) or a solar oven
    (0.5 corn, 2 h, no wood). Labour ≤ 100, wood ≤ 40.

    Targets corn 10, bread 20, fulfilment t: corn gross c = (10t + 0.5·20t)/0.8 = 25t; with
    b1 wood-oven and b2 = 20t - b1 solar bread, labour 25t + b1 + 2(20t - b1) = 65t - b1 ≤ 100
    and b1 ≤ 40: t* = 140/65 = 28/13 (both limits bind; shadow price of an hour = 1/65 and of
    a unit of wood = 1/65, since one unit of wood saves one hour).
    """
    return Economy(
        products=("corn", "bread"),
        technique_product=np.array([0, 1, 1]),
        inputs=sparse.csc_array(np.array([[0.2, 0.5, 0.5], [0.0, 0.0, 0.0]])),
        labour=np.array([1.0, 1.0, 2.0]),
        labour_limit=labour_limit,
        resources=("wood",),
        resource_use=sparse.csr_array(np.array([[0.0, 1.0, 0.0]])),
        resource_limits=np.array([wood]),
        technique_names=("corn", "bread:wood", "bread:solar"),
    )


def targets(*levels: float, floors: tuple[float, ...] | None = None) -> Targets:
    """Targets from positional levels (and floors)."""
    return Targets(levels=np.array(levels), floors=np.array(floors or [0.0] * len(levels)))
