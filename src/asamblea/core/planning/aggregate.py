"""Targets voted by assemblies → one target vector (pure; weighted by active members).

Each base assembly votes, for the final goods it cares about, either a level or a change in
percent of the baseline (the previous plan's target). For every product the votes that name it
are combined, each weighted by its assembly's active members:

* ``median`` (default): the weighted median — the level such that assemblies holding at least
  half of the members voted for no more, and assemblies holding at least half voted for no
  less. When the cumulative weight reaches exactly half between two levels, the midpoint of
  the two is taken. A few extreme votes cannot move it far, whatever their size.
* ``mean``: the weighted mean — every vote moves the result in proportion to its members.

A product nobody voted on keeps its baseline (0 without a baseline). Assemblies with no active
members carry no weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from asamblea.core.planning.model import Economy, FloatArray, ModelError, Targets

__all__ = [
    "Aggregation",
    "TargetVote",
    "aggregate_targets",
    "targets_from_votes",
    "weighted_median",
]

Aggregation = Literal["median", "mean"]


@dataclass(frozen=True)
class TargetVote:
    """One assembly's vote: levels and/or percentage changes by product name."""

    assembly: str
    members: int
    levels: Mapping[str, float] = field(default_factory=dict)
    changes_percent: Mapping[str, float] = field(default_factory=dict)


def weighted_median(values: FloatArray, weights: FloatArray) -> float:
    """Weighted median; the midpoint when the cumulative weight hits exactly one half."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    total = w.sum()
    if total <= 0:
        raise ModelError("weights must add up to more than zero")
    cumulative = np.cumsum(w)
    k = int(np.searchsorted(cumulative, total / 2))
    if np.isclose(cumulative[k], total / 2, rtol=1e-12, atol=0) and k + 1 < v.size:
        return float((v[k] + v[k + 1]) / 2)
    return float(v[k])


def aggregate_targets(
    votes: Sequence[TargetVote],
    products: Sequence[str],
    *,
    method: Aggregation = "median",
    baseline: Mapping[str, float] | None = None,
) -> FloatArray:
    """One level per product from the assemblies' votes (see the module for the rule)."""
    if method not in ("median", "mean"):
        raise ModelError(f"unknown aggregation method: {method!r}")
    base = dict(baseline or {})
    known = set(products)
    result = np.array([float(base.get(p, 0.0)) for p in products])
    ballots: dict[str, tuple[list[float], list[float]]] = {p: ([], []) for p in products}
    for vote in votes:
        if vote.members < 0:
            raise ModelError(f"{vote.assembly}: active members cannot be negative")
        for product, level in _levels(vote, base).items():
            if product not in known:
                raise ModelError(f"{vote.assembly}: unknown product {product!r}")
            if level < 0 or not np.isfinite(level):
                raise ModelError(f"{vote.assembly}: target for {product!r} must be >= 0")
            ballots[product][0].append(level)
            ballots[product][1].append(float(vote.members))
    for i, product in enumerate(products):
        values, weights = ballots[product]
        if sum(weights) > 0:
            v, w = np.array(values), np.array(weights)
            result[i] = weighted_median(v, w) if method == "median" else float(v @ w / w.sum())
    return result


def _levels(vote: TargetVote, base: Mapping[str, float]) -> dict[str, float]:
    levels = {p: float(v) for p, v in vote.levels.items()}
    for product, percent in vote.changes_percent.items():
        if product not in base:
            raise ModelError(f"{vote.assembly}: a change in % for {product!r} needs a baseline")
        levels[product] = float(base[product]) * (1 + float(percent) / 100)
    return levels


def targets_from_votes(
    economy: Economy,
    votes: Sequence[TargetVote],
    *,
    method: Aggregation = "median",
    baseline: Mapping[str, float] | None = None,
    floors: Mapping[str, float] | None = None,
) -> Targets:
    """The aggregated votes as the ``Targets`` of a plan of ``economy``."""
    levels = aggregate_targets(votes, economy.products, method=method, baseline=baseline)
    floor = np.array([float((floors or {}).get(p, 0.0)) for p in economy.products])
    return Targets(levels=levels, floors=floor)
