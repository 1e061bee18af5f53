"""A ballot profile: distinct ballots × counts, as NumPy arrays. Shared contract of `core.tally`.

Contract
--------
``Profile(candidates, ranks, counts, blank=0, rejected={})`` is frozen; its arrays are read-only.

* ``candidates``: tuple of names, in ballot-paper order (index ``c`` everywhere is this order).
* ``ranks``: ``uint8`` array of shape ``(n_unique, n_candidates)``. ``ranks[b, c]`` is the rank
  position of candidate ``c`` on distinct ballot ``b``: 0 is the first preference, equal values are
  equal preferences, ``UNRANKED`` (255) means not ranked. Values are *dense* per row (0, 1, 2, …
  without holes), so that equal ballots have equal rows; rows are distinct.
* ``counts``: ``int64`` array of shape ``(n_unique,)``: how many voters cast ballot ``b`` (or its
  integer weight, e.g. BLT weights). Every rule works on rows × counts, never per voter.
* ``blank``: weight of ballots with no mark at all; ``rejected``: weight of ballots rejected by a
  build policy, by reason (``"skipped"``, ``"duplicate"``, ``"overvote"``,
  ``"no_valid_preference"``). Neither is in the arrays; rules report them in their outcome.

Approval ballots are profiles where every approved candidate has rank 0 and the rest are
UNRANKED; single-choice ballots are profiles with one ranked candidate per row.

Build with `Profile.from_indices` (fast path, an (n, max_len) array of candidate indices with -1
padding) or `Profile.from_ballots` (rank groups with weights); the policies for skipped ranks,
repeated candidates and overvotes are documented in `asamblea.core.tally.aggregation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

import numpy as np
from numpy.typing import NDArray

from asamblea.core.tally import aggregation
from asamblea.core.tally.aggregation import (
    MAX_CANDIDATES,
    UNRANKED,
    DuplicatePolicy,
    IntArray,
    OvervotePolicy,
    RankArray,
    SkippedPolicy,
)
from asamblea.core.tally.pairwise import pairwise_matrix

__all__ = ["EXHAUSTED", "TIED", "UNRANKED", "Profile"]

EXHAUSTED: Final = -1
"""`Profile.top_choices` value for a ballot that ranks no continuing candidate."""
TIED: Final = -2
"""`Profile.top_choices` value for a ballot whose best continuing rank holds several candidates."""

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Profile:
    """Distinct ranked (or approval) ballots with their counts. See the module docstring."""

    candidates: tuple[str, ...]
    ranks: RankArray
    counts: IntArray
    blank: int = 0
    rejected: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.candidates)
        if n > MAX_CANDIDATES:
            raise ValueError(f"como máximo {MAX_CANDIDATES} candidaturas")
        if len(set(self.candidates)) != n:
            raise ValueError("los nombres de las candidaturas deben ser distintos")
        ranks = np.asarray(self.ranks, dtype=np.uint8).view()  # a view: the caller's array
        counts = np.asarray(self.counts, dtype=np.int64).view()  # keeps its own flags
        if ranks.ndim != 2 or ranks.shape[1] != n or counts.shape != (ranks.shape[0],):
            raise ValueError("forma de ranks/counts incompatible con las candidaturas")
        if counts.size and int(counts.min()) < 0:
            raise ValueError("los conteos no pueden ser negativos")
        ranks.setflags(write=False)
        counts.setflags(write=False)
        object.__setattr__(self, "ranks", ranks)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "rejected", dict(self.rejected))

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_indices(
        cls,
        candidates: Sequence[str],
        indices: NDArray[np.integer],
        *,
        weights: NDArray[np.integer] | None = None,
        skipped: SkippedPolicy = "close_gap",
        duplicate: DuplicatePolicy = "keep_first",
    ) -> Profile:
        """Profile from an (n, max_len) array of candidate indices, best first, -1 = empty.

        Identical rows are grouped first (one int64 key per row, sorted), so the policies
        run only on distinct rows. Use the smallest integer dtype you can (int8 for < 128
        candidates) to save memory on tens of millions of rows.
        """
        built = aggregation.from_index_rows(
            indices, len(candidates), weights, skipped=skipped, duplicate=duplicate
        )
        profile = cls(tuple(candidates), built.ranks, built.counts, built.blank, built.rejected)
        profile.__dict__["has_ties"] = False  # positions cannot express equal ranks
        return profile

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[Sequence[Sequence[int]]],
        *,
        weights: Iterable[int] | None = None,
        skipped: SkippedPolicy = "close_gap",
        duplicate: DuplicatePolicy = "keep_first",
        overvote: OvervotePolicy = "keep",
    ) -> Profile:
        """Profile from ballots written as rank groups: ``((0,), (2, 3), (), (1,))`` means 0 first,
        2 and 3 equal second, a skipped rank, then 1. `weights` default to 1 each."""
        built = aggregation.from_rank_groups(
            ballots,
            len(candidates),
            weights=weights,
            skipped=skipped,
            duplicate=duplicate,
            overvote=overvote,
        )
        return cls(tuple(candidates), built.ranks, built.counts, built.blank, built.rejected)

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        rankings: Iterable[Sequence[int]],
        *,
        duplicate: DuplicatePolicy = "keep_first",
    ) -> Profile:
        """Convenience: strict rankings as sequences of candidate indices, one voter each."""
        groups = (tuple((c,) for c in r) for r in rankings)
        return cls.from_ballots(candidates, groups, duplicate=duplicate)

    # -- sizes ---------------------------------------------------------------------------------

    @property
    def n_candidates(self) -> int:
        """Number of candidates."""
        return len(self.candidates)

    @property
    def n_unique(self) -> int:
        """Number of distinct ballots."""
        return int(self.ranks.shape[0])

    @property
    def n_ballots(self) -> int:
        """Number of valid (non-blank, non-rejected) ballots: the sum of the counts."""
        return int(self.counts.sum())

    @property
    def invalid(self) -> int:
        """Total weight of the ballots rejected at build time, all reasons together."""
        return sum(self.rejected.values())

    @cached_property
    def has_ties(self) -> bool:
        """Whether some ballot ranks two candidates equal (ranked, not both unranked)."""
        n_ranked = (self.ranks != UNRANKED).sum(axis=1)
        top = np.where(self.ranks == UNRANKED, -1, self.ranks.astype(np.int16)).max(axis=1)
        return bool(np.any(top + 1 < n_ranked))

    def index(self, name: str) -> int:
        """Index of a candidate by name."""
        return self.candidates.index(name)

    # -- views used by the rules ------------------------------------------------------------------

    def _mask(self, continuing: BoolArray | Sequence[bool] | None) -> BoolArray:
        if continuing is None:
            return np.ones(self.n_candidates, dtype=bool)
        mask = np.asarray(continuing, dtype=bool)
        if mask.shape != (self.n_candidates,):
            raise ValueError("la máscara de candidaturas tiene otra longitud")
        return mask

    def top_choices(self, continuing: BoolArray | Sequence[bool] | None = None) -> IntArray:
        """Per distinct ballot: its best-ranked continuing candidate, `EXHAUSTED` if it ranks
        none, `TIED` if several continuing candidates share its best rank."""
        mask = self._mask(continuing)
        masked = np.where(mask[None, :], self.ranks, UNRANKED)
        best = masked.min(axis=1)
        top: IntArray = masked.argmin(axis=1).astype(np.int64)
        if self.has_ties:
            n_best = (masked == best[:, None]).sum(axis=1)
            top[n_best > 1] = TIED
        top[best == UNRANKED] = EXHAUSTED
        return top

    def first_preferences(self, continuing: BoolArray | Sequence[bool] | None = None) -> IntArray:
        """Votes per candidate (length n_candidates, int64) counting each ballot for its top
        continuing candidate; exhausted and tied-at-top ballots count for nobody."""
        top = self.top_choices(continuing)
        ok = top >= 0
        return aggregation.sum_by(top[ok], self.counts[ok], self.n_candidates)

    def pairwise(self) -> IntArray:
        """``P[i, j]`` = weight of ballots ranking i strictly above j (a ranked candidate is above
        an unranked one; two unranked candidates are not compared). int64, (n, n). Cached."""
        return self._pairwise

    @cached_property
    def _pairwise(self) -> IntArray:
        out = pairwise_matrix(self.ranks, self.counts)
        out.setflags(write=False)
        return out

    # -- derived profiles -------------------------------------------------------------------------

    def with_overvotes(self, policy: OvervotePolicy) -> Profile:
        """The profile with equal ranks handled by `policy`: ``"keep"`` returns self;
        ``"exhaust"`` truncates each ballot before its first equal rank; ``"skip_rank"`` drops the
        equal-rank groups and moves the rest up; ``"invalid"`` rejects ballots with equal ranks
        (their weight added to ``rejected["overvote"]``). Emptied ballots go to
        ``rejected["overvote"]`` too."""
        if policy == "keep" or not self.has_ties:
            return self
        ranks = self.ranks.copy()
        n = self.n_candidates
        sizes = np.stack([(ranks == v).sum(axis=1) for v in range(n)], axis=1)
        tied_level = sizes > 1
        has_tie = tied_level.any(axis=1)
        if policy == "invalid":
            keep = ~has_tie
        else:
            if policy == "exhaust":
                first = np.where(has_tie, tied_level.argmax(axis=1), n)
                drop = ranks.astype(np.int64) >= first[:, None]
            else:
                drop = np.take_along_axis(
                    np.pad(tied_level, ((0, 0), (0, 1))),
                    np.where(ranks == UNRANKED, n, ranks).astype(np.intp),
                    axis=1,
                )
            ranks[drop] = UNRANKED
            ranks = aggregation.densify(ranks)
            keep = (ranks != UNRANKED).any(axis=1)
        rejected = dict(self.rejected)
        lost = int(self.counts[~keep].sum())
        if lost:
            rejected["overvote"] = rejected.get("overvote", 0) + lost
        new_ranks, new_counts = aggregation.regroup(ranks[keep], self.counts[keep])
        return Profile(self.candidates, new_ranks, new_counts, self.blank, rejected)

    def without(self, names: Iterable[str]) -> Profile:
        """The profile with some candidates removed (e.g. withdrawn), preferences moved up.
        Ballots left empty count as ``rejected["no_valid_preference"]``."""
        drop = {self.index(name) for name in names}
        keep_cols = [c for c in range(self.n_candidates) if c not in drop]
        ranks = aggregation.densify(np.ascontiguousarray(self.ranks[:, keep_cols]))
        keep = (ranks != UNRANKED).any(axis=1)
        rejected = dict(self.rejected)
        lost = int(self.counts[~keep].sum())
        if lost:
            rejected["no_valid_preference"] = rejected.get("no_valid_preference", 0) + lost
        new_ranks, new_counts = aggregation.regroup(ranks[keep], self.counts[keep])
        names_left = tuple(self.candidates[c] for c in keep_cols)
        return Profile(names_left, new_ranks, new_counts, self.blank, rejected)

    def rank_groups(self) -> list[tuple[tuple[tuple[int, ...], ...], int]]:
        """Every distinct ballot as rank groups of candidate indices, with its count (for writers
        and for small checks; loops in Python)."""
        out: list[tuple[tuple[tuple[int, ...], ...], int]] = []
        for row, count in zip(self.ranks.tolist(), self.counts.tolist(), strict=True):
            levels: dict[int, list[int]] = {}
            for c, r in enumerate(row):
                if r != UNRANKED:
                    levels.setdefault(r, []).append(c)
            out.append((tuple(tuple(levels[r]) for r in sorted(levels)), int(count)))
        return out
