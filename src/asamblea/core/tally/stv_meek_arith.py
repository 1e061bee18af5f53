"""The arithmetic and the vote distribution of Meek STV, as Droop (J. Lundell) defines them.

Values are Python integers in units of ``10**-(precision + guard)``:

* ``fixed`` (``guard = 0``): plain fixed-point decimal with `precision` places; products and
  quotients are truncated, or rounded up where the rule says so; comparisons are exact.
* ``guarded``: `precision` places plus `guard` guard digits; every product and quotient is
  truncated at ``precision + guard`` places (the rule's "round up" is ignored, as in Droop), and two
  values that differ by less than half a unit of the last *precision* digit (``10**guard / 2``
  units) compare as equal. Droop calls this quasi-exact: it gives the outcomes of exact arithmetic.

A ballot is a tuple of rank groups (tuples of candidate indices); a group of several candidates is
an equal preference, counted by recursive descent: the ballot's weight is split equally (truncated)
among the group's candidates still in the count, each part gives that candidate its keep share and
carries the rest to the next rank. A rank whose candidates have all left the count is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from asamblea.core.tally.profile import UNRANKED, Profile

__all__ = ["Arithmetic", "Ballot", "Ballots", "distribute"]

Ballot = tuple[tuple[tuple[int, ...], ...], int]
"""Rank groups and the ballot's count."""


@dataclass(frozen=True)
class Arithmetic:
    """Fixed-point or guarded decimal arithmetic on integer units."""

    kind: Literal["fixed", "guarded"]
    precision: int
    guard: int = 0

    @property
    def places(self) -> int:
        """Decimal places of the internal units."""
        return self.precision + self.guard

    @property
    def one(self) -> int:
        """The value 1."""
        return int(10**self.places)

    @property
    def exact(self) -> bool:
        """Droop's `exact` flag: guarded arithmetic with guard digits counts as exact."""
        return self.kind == "guarded" and self.guard > 0

    @property
    def tolerance(self) -> int:
        """Differences below this many units compare as equal (0: exact comparisons)."""
        if self.kind != "guarded":
            return 0
        return max(int(10**self.guard) // 2, 1)

    def cmp(self, a: int, b: int) -> int:
        """-1, 0 or 1 as a is below, equal to or above b (guarded: within the tolerance)."""
        if abs(a - b) < self.tolerance:
            return 0
        return (a > b) - (a < b)

    def mul(self, a: int, b: int, *, up: bool = False) -> int:
        """a × b, truncated (rounded up when `up` and the arithmetic is not exact)."""
        q, r = divmod(a * b, self.one)
        return int(q + 1 if r and up and not self.exact else q)

    def div(self, a: int, b: int, *, up: bool = False) -> int:
        """a / b, truncated (rounded up when `up` and the arithmetic is not exact)."""
        q, r = divmod(a * self.one, b)
        return int(q + 1 if r and up and not self.exact else q)

    def decimal(self, value: int) -> Decimal:
        """The exact Decimal of an internal value."""
        return Decimal(f"{int(value)}E-{self.places}")  # exact: scaleb would round to 28 digits

    def tag(self) -> str:
        """Droop's name for the arithmetic, e.g. ``guarded-p18-g9`` or ``fixed-p9``."""
        if self.kind == "guarded":
            return f"guarded-p{self.precision}-g{self.guard}"
        return f"fixed-p{self.precision}"


def _keep(arith: Arithmetic, weight: int, kf: int, keep_up: bool) -> tuple[int, int]:
    """(kept value, weight passed on) for a ballot of `weight` reaching a keep factor `kf`.

    Droop's Meek (OpenSTV style): keep = w·kf and pass = w·(1 − kf), both truncated.
    PR Foundation reference: keep = w·kf rounded up, pass = w − keep."""
    if keep_up:
        keep = arith.mul(weight, kf, up=True)
        return keep, weight - keep
    return arith.mul(weight, kf), arith.mul(weight, arith.one - kf)


@dataclass(frozen=True)
class Ballots:
    """The distinct ballots of a Meek count, prepared once.

    Ballots without equal preferences are a matrix of candidate indices in preference order
    (`order`, padded with the index ``n_candidates``), counted column by column with NumPy —
    int64 when the products fit, Python integers in object arrays otherwise (guarded arithmetic).
    Ballots with equal preferences are kept as rank groups (`equal`) for the recursive descent."""

    n_candidates: int
    order: NDArray[np.int64]
    counts: NDArray[Any]
    equal: tuple[Ballot, ...]

    @classmethod
    def from_profile(cls, profile: Profile, arith: Arithmetic) -> Ballots:
        """Split `profile` into strict and equal-preference ballots."""
        ranks = profile.ranks
        n = profile.n_candidates
        n_ranked = (ranks != UNRANKED).sum(axis=1)
        top = np.where(ranks == UNRANKED, -1, ranks.astype(np.int16)).max(axis=1)
        strict = (top + 1 == n_ranked) & (n_ranked > 0) & (profile.counts > 0)
        by_rank = np.argsort(ranks[strict], axis=1, kind="stable").astype(np.int64)
        ranked = np.take_along_axis(ranks[strict], by_rank, axis=1) != UNRANKED
        order = np.where(ranked, by_rank, n)
        dtype = np.int64 if arith.one**2 < 2**62 else object
        counts = profile.counts[strict].astype(dtype)
        equal = []
        for row, count in zip(ranks[~strict], profile.counts[~strict], strict=True):
            levels = sorted({int(r) for r in row if r != UNRANKED})
            groups = tuple(tuple(int(c) for c in np.flatnonzero(row == v)) for v in levels)
            if groups and count:
                equal.append((groups, int(count)))
        return cls(n, order, counts, tuple(equal))


def distribute(
    arith: Arithmetic, ballots: Ballots, kf: Sequence[int], *, keep_up: bool
) -> list[int]:
    """Votes per candidate when every ballot is spread over the keep factors `kf`
    (0 for candidates out of the count). The residual is the ballots' total minus the sum."""
    votes = _strict_columns(arith, ballots, kf, keep_up)
    spread = _Spread(arith, kf, votes, keep_up)
    for groups, count in ballots.equal:
        spread.descend(groups, 0, arith.one, count)
    return spread.votes


def _strict_columns(
    arith: Arithmetic, ballots: Ballots, kf: Sequence[int], keep_up: bool
) -> list[int]:
    """The ballots without equal preferences, one preference column at a time."""
    n = ballots.n_candidates
    votes = [0] * n
    dtype = ballots.counts.dtype
    factors = np.array([*kf, 0], dtype=dtype)
    weight = np.full(ballots.order.shape[0], arith.one, dtype=dtype)
    alive = np.ones(ballots.order.shape[0], dtype=bool)
    dead_below = max(arith.tolerance, 1)  # Droop stops a ballot when its weight "<= 0"
    for j in range(ballots.order.shape[1]):
        cand = ballots.order[:, j]
        rows = np.flatnonzero(alive & (factors[cand] != 0))
        if rows.size == 0:
            if not alive.any():
                break
            continue
        w, k, c = weight[rows], factors[cand[rows]], cand[rows]
        if keep_up:
            keep = -((-(w * k)) // arith.one)
            rest = w - keep
        else:
            keep = (w * k) // arith.one
            rest = (w * (arith.one - k)) // arith.one
        _add_by(votes, c, keep * ballots.counts[rows])
        weight[rows] = rest
        alive[rows] = rest >= dead_below
    return votes


def _add_by(votes: list[int], labels: NDArray[np.int64], values: NDArray[Any]) -> None:
    """votes[label] += value, exactly (int64 or Python integers)."""
    if values.dtype == np.int64 and int(values.sum()) < 2**53:
        # float64 sums of integers are exact below 2**53, and bincount is fast
        summed = np.bincount(labels, weights=values.astype(np.float64), minlength=len(votes))
        out = np.rint(summed).astype(np.int64)
    else:
        out = np.zeros(len(votes), dtype=values.dtype)
        np.add.at(out, labels, values)
    for c, v in enumerate(out.tolist()):
        votes[c] += int(v)


@dataclass
class _Spread:
    """One distribution of the votes."""

    arith: Arithmetic
    kf: Sequence[int]
    votes: list[int]
    keep_up: bool

    def descend(
        self, groups: tuple[tuple[int, ...], ...], level: int, weight: int, count: int
    ) -> None:
        """Recursive descent through equal preferences (Droop's method for ``=`` rankings)."""
        while weight and level < len(groups):
            live = [c for c in groups[level] if self.kf[c]]
            if live:
                share = weight // len(live)
                for c in live:
                    keep, rest = _keep(self.arith, share, self.kf[c], self.keep_up)
                    self.votes[c] += keep * count
                    self.descend(groups, level + 1, rest, count)
                return
            level += 1
