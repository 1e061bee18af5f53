"""The pairwise-preference matrix of a profile, exactly and fast on millions of distinct ballots.

``pairwise_matrix(ranks, counts)[i, j]`` is the total weight of the ballots that rank candidate i
strictly above candidate j (a ranked candidate is above an unranked one; two unranked candidates,
or two equal ones, are not compared).

How: the rank columns are transposed once so that each comparison ``ranks[:, i] < ranks[:, j]``
is one contiguous pass. Rows are sorted by their count; a run of rows sharing the same count ``v``
contributes ``v × count_nonzero(run)`` (very fast, and most distinct ballots share small counts),
and the rows whose counts are rare are summed with their weights. Everything stays integral
(float64 sums of integers below 2**53 are exact; above, int64 sums are used).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["pairwise_matrix"]

RUN: Final = 2048
"""Rows sharing a count, from which on they are counted with count_nonzero."""


def _runs(counts: NDArray[np.int64]) -> tuple[NDArray[np.intp], list[tuple[int, int, int]], int]:
    """Row order, runs (value, start, end) of common counts, and where the rare rows start."""
    if int(counts.max()) <= 4 * counts.shape[0] + 1024:
        sizes = np.bincount(counts)
        values = np.arange(sizes.shape[0])
    else:
        values, sizes = np.unique(counts, return_counts=True)
    common_values = values[sizes >= RUN]
    run_sizes = sizes[sizes >= RUN]
    n_common = common_values.shape[0]
    slot = np.searchsorted(common_values, counts)
    if n_common:
        is_common = common_values[np.minimum(slot, n_common - 1)] == counts
    else:
        is_common = np.zeros(counts.shape[0], dtype=bool)
    key = np.where(is_common, slot, n_common).astype(np.uint16)
    order = np.argsort(key, kind="stable")
    runs: list[tuple[int, int, int]] = []
    start = 0
    for value, size in zip(common_values.tolist(), run_sizes.tolist(), strict=True):
        runs.append((int(value), start, start + int(size)))
        start += int(size)
    return order, runs, start


def pairwise_matrix(ranks: NDArray[np.uint8], counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """``P[i, j]`` = weight of ballots ranking i strictly above j. int64 (n, n)."""
    n = ranks.shape[1]
    out = np.zeros((n, n), dtype=np.int64)
    if ranks.shape[0] == 0:
        return out
    order, runs, rare = _runs(counts)
    columns = np.ascontiguousarray(ranks[order].T)
    rare_w = counts[order][rare:]
    exact_float = int(rare_w.sum()) < 2**53
    rare_f = rare_w.astype(np.float64)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            above = columns[i] < columns[j]
            total = sum(v * int(np.count_nonzero(above[s:e])) for v, s, e in runs)
            tail = above[rare:]
            if exact_float:
                total += round(float(rare_f[tail].sum()))
            else:
                total += int(rare_w[tail].sum())
            out[i, j] = total
    return out
