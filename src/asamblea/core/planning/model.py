"""The planning model: products, techniques, limits, targets — frozen plain data.

An economy has ``n`` products and ``m >= n`` techniques. Technique ``j`` makes one unit of
product ``technique_product[j]`` using ``inputs[:, j]`` units of every product, ``labour[j]``
hours and ``resource_use[:, j]`` of every limited resource (land, water, energy, emissions,
imports …), at most ``capacity[j]`` units. Totals of labour and of each resource are limited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = ["Economy", "FloatArray", "IntArray", "ModelError", "Targets"]


class ModelError(ValueError):
    """An economy or a target vector that is not well formed (the message says why)."""


def _frozen(values: npt.ArrayLike, dtype: type = np.float64) -> npt.NDArray[np.generic]:
    array: npt.NDArray[np.generic] = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Economy:
    """Products × techniques input coefficients (sparse), labour, resources and limits."""

    products: tuple[str, ...]
    technique_product: IntArray
    inputs: sparse.csc_array
    labour: FloatArray
    labour_limit: float = np.inf
    resources: tuple[str, ...] = ()
    resource_use: sparse.csr_array = field(default_factory=lambda: sparse.csr_array((0, 0)))
    resource_limits: FloatArray = field(default_factory=lambda: np.zeros(0))
    capacity: FloatArray | None = None
    technique_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Normalise the arrays (frozen copies) and check every shape and sign."""
        n, m = len(self.products), len(self.technique_product)
        set_ = object.__setattr__
        set_(self, "technique_product", _frozen(self.technique_product, np.int64))
        set_(self, "inputs", sparse.csc_array(self.inputs, dtype=np.float64))
        set_(self, "labour", _frozen(self.labour))
        limits = self.resource_limits
        if len(limits) == 0 and self.resources:
            limits = np.full(len(self.resources), np.inf)
        set_(self, "resource_limits", _frozen(limits))
        use = sparse.csr_array(self.resource_use, dtype=np.float64)
        if use.shape == (0, 0):
            use = sparse.csr_array((len(self.resources), m))
        set_(self, "resource_use", use)
        cap = np.full(m, np.inf) if self.capacity is None else self.capacity
        set_(self, "capacity", _frozen(cap))
        if not self.technique_names:
            set_(self, "technique_names", tuple(self.products[p] for p in self.technique_product))
        self._check(n, m)

    def _check(self, n: int, m: int) -> None:
        if len(set(self.products)) != n:
            raise ModelError("product names must be unique")
        if m < n or np.any(self.technique_product < 0) or np.any(self.technique_product >= n):
            raise ModelError("every technique must make one of the products")
        if np.unique(self.technique_product).size != n:
            raise ModelError("every product needs at least one technique")
        shapes = {
            "inputs": (self.inputs.shape, (n, m)),
            "labour": (self.labour.shape, (m,)),
            "resource_use": (self.resource_use.shape, (len(self.resources), m)),
            "resource_limits": (self.resource_limits.shape, (len(self.resources),)),
            "capacity": (self.capacity_array.shape, (m,)),
            "technique_names": ((len(self.technique_names),), (m,)),
        }
        for name, (got, want) in shapes.items():
            if got != want:
                raise ModelError(f"{name} has shape {got}, expected {want}")
        for name, values in (
            ("inputs", self.inputs.data),
            ("labour", self.labour),
            ("resource_use", self.resource_use.data),
            ("resource_limits", np.nan_to_num(self.resource_limits, posinf=0.0)),
            ("capacity", self.capacity_array),
        ):
            if np.any(np.isnan(values)) or np.any(values < 0):
                raise ModelError(f"{name} must be non-negative numbers")
        if not self.labour_limit >= 0:
            raise ModelError("labour_limit must be non-negative")

    @property
    def capacity_array(self) -> FloatArray:
        """Capacity per technique (``inf`` where unlimited)."""
        if self.capacity is None:  # pragma: no cover - always set by __post_init__
            raise ModelError("capacity missing")
        return self.capacity

    @property
    def n_products(self) -> int:
        """Number of products."""
        return len(self.products)

    @property
    def n_techniques(self) -> int:
        """Number of techniques (``== n_products`` when each product has one)."""
        return len(self.technique_product)

    @property
    def is_leontief(self) -> bool:
        """True when every product has exactly one technique, in product order."""
        return self.n_techniques == self.n_products and bool(
            np.all(self.technique_product == np.arange(self.n_products))
        )

    def index(self, product: str) -> int:
        """Position of a product by name (``ModelError`` naming it when unknown)."""
        try:
            return self.products.index(product)
        except ValueError:
            raise ModelError(f"unknown product: {product!r}") from None

    def output_matrix(self) -> sparse.csc_array:
        """Products × techniques 0/1 matrix: which product each technique makes."""
        m = self.n_techniques
        ones = np.ones(m)
        where = (self.technique_product, np.arange(m))
        return sparse.csc_array((ones, where), shape=(self.n_products, m))

    def net_matrix(self) -> sparse.csc_array:
        """Net output per unit of each technique: output minus inputs (``B - A``)."""
        return sparse.csc_array(self.output_matrix() - self.inputs)

    def with_limits(
        self,
        *,
        labour_limit: float | None = None,
        resource_limits: Mapping[str, float] | None = None,
        capacity: FloatArray | None = None,
    ) -> Economy:
        """A copy with some limits changed (for what-if comparisons)."""
        limits = np.array(self.resource_limits, dtype=np.float64)
        for name, value in (resource_limits or {}).items():
            if name not in self.resources:
                raise ModelError(f"unknown resource: {name!r}")
            limits[self.resources.index(name)] = value
        return Economy(
            products=self.products,
            technique_product=self.technique_product,
            inputs=self.inputs,
            labour=self.labour,
            labour_limit=self.labour_limit if labour_limit is None else labour_limit,
            resources=self.resources,
            resource_use=self.resource_use,
            resource_limits=limits,
            capacity=self.capacity_array if capacity is None else capacity,
            technique_names=self.technique_names,
        )


@dataclass(frozen=True, eq=False)
class Targets:
    """Net output wanted per product (``levels``) and minimum net output (``floors``)."""

    levels: FloatArray
    floors: FloatArray

    def __post_init__(self) -> None:
        """Freeze and check the two vectors."""
        object.__setattr__(self, "levels", _frozen(self.levels))
        object.__setattr__(self, "floors", _frozen(self.floors))
        if self.levels.shape != self.floors.shape or self.levels.ndim != 1:
            raise ModelError("levels and floors must be vectors of the same length")
        for name, values in (("targets", self.levels), ("floors", self.floors)):
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise ModelError(f"{name} must be finite non-negative numbers")
        if not np.any(self.levels > 0):
            raise ModelError("at least one target must be positive")

    @classmethod
    def from_mapping(
        cls,
        economy: Economy,
        levels: Mapping[str, float],
        floors: Mapping[str, float] | None = None,
    ) -> Targets:
        """Targets by product name; products not named get 0."""
        products = economy.products
        return cls(levels=_by_name(products, levels), floors=_by_name(products, floors or {}))

    def scaled(self, factors: Mapping[int, float]) -> Targets:
        """A copy with some target levels multiplied (by product index)."""
        levels = np.array(self.levels)
        for i, factor in factors.items():
            levels[i] *= factor
        return Targets(levels=levels, floors=self.floors)


def _by_name(products: Sequence[str], values: Mapping[str, float]) -> FloatArray:
    vector = np.zeros(len(products))
    position = {name: i for i, name in enumerate(products)}
    for name, value in values.items():
        if name not in position:
            raise ModelError(f"unknown product: {name!r}")
        vector[position[name]] = value
    return vector
