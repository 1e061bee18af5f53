"""Generated economies for tests and benchmarks: sparse, with cycles, a chosen spectral radius.

Each column of the input matrix has ``inputs_per_product`` entries summing to
``spectral_radius``; a non-negative matrix with equal column sums has exactly that spectral
radius, so the economy is productive and iteration needs ~log(tol)/log(radius) steps.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from asamblea.core.planning.model import Economy, FloatArray, Targets

__all__ = ["synthetic_economy", "synthetic_inputs", "synthetic_targets"]


def synthetic_inputs(
    n: int, *, inputs_per_product: int = 10, spectral_radius: float = 0.5, seed: int = 0
) -> sparse.csc_array:
    """An ``n × n`` sparse input matrix with random supplier pattern and equal column sums."""
    rng = np.random.default_rng(seed)
    k = min(inputs_per_product, n)
    rows = np.sort(rng.integers(0, n, size=(n, k), dtype=np.int32), axis=1)
    values = rng.random((n, k)) + 0.05
    values *= spectral_radius / values.sum(axis=1, keepdims=True)
    indptr = np.arange(0, n * k + 1, k, dtype=np.int64 if n * k >= 2**31 else np.int32)
    return sparse.csc_array((values.ravel(), rows.ravel(), indptr), shape=(n, n))


def synthetic_economy(
    n: int,
    *,
    inputs_per_product: int = 10,
    spectral_radius: float = 0.5,
    alternatives: float = 0.0,
    resources: int = 0,
    seed: int = 0,
) -> Economy:
    """A generated economy; a share ``alternatives`` of products get a second technique.

    The second technique trades labour for resources (less labour, more of each resource),
    so that with resource limits the choice of technique matters and the LP is not Leontief.
    Limits are set so that a uniform target of 1 is about 80 % attainable.
    """
    rng = np.random.default_rng(seed + 1)
    square = synthetic_inputs(
        n, inputs_per_product=inputs_per_product, spectral_radius=spectral_radius, seed=seed
    )
    extra = np.sort(rng.choice(n, size=round(alternatives * n), replace=False))
    labour = rng.random(n) + 0.5
    use = rng.random((resources, n)) + 0.1
    if extra.size:
        alt = synthetic_inputs(
            n, inputs_per_product=inputs_per_product, spectral_radius=spectral_radius, seed=seed + 7
        )[:, extra]
        square = sparse.hstack([square, alt], format="csc")
        labour = np.concatenate([labour, labour[extra] * 0.5])
        use = np.hstack([use, use[:, extra] * 2.5])
    produced = np.concatenate([np.arange(n), extra]).astype(np.int64)
    economy = Economy(
        products=tuple(f"p{i}" for i in range(n)),
        technique_product=produced,
        inputs=square,
        labour=labour,
        resources=tuple(f"r{k}" for k in range(resources)),
        resource_use=sparse.csr_array(use),
    )
    return _with_tight_limits(economy, n)


def _with_tight_limits(economy: Economy, n: int) -> Economy:
    from asamblea.core.planning.leontief import embodied  # noqa: PLC0415 (avoids a cycle)

    first = np.arange(n)
    costs = np.vstack([economy.labour[first], economy.resource_use.toarray()[:, first]]) if (
        economy.resources
    ) else economy.labour[first][None, :]
    need = embodied(economy, first, costs) @ np.ones(n)
    limits = 0.8 * need
    return economy.with_limits(
        labour_limit=float(limits[0]),
        resource_limits=dict(zip(economy.resources, limits[1:].tolist(), strict=True)),
    )


def synthetic_targets(n: int, *, seed: int = 0) -> Targets:
    """Targets between 0.5 and 1.5 for every product, no floors."""
    rng = np.random.default_rng(seed + 2)
    levels: FloatArray = rng.random(n) + 0.5
    return Targets(levels=levels, floors=np.zeros(n))
