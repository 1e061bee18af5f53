"""Project-major arrays derived once from an instance and its merged ballots.

Every rule reads the same table: costs, each project's supporting ballot groups with their points,
total support, and the tie-break rank. Building it is O(number of distinct ballot entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from asamblea.core.budgeting.instance import Ballots, Instance
from asamblea.core.errors import Invalid

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Table:
    """The arrays the rules work on (internal to the budgeting package)."""

    budget: int
    ids: tuple[str, ...]
    costs: IntArray
    counts: IntArray
    weights: FloatArray
    num_voters: int
    p_indptr: IntArray
    p_groups: IntArray
    p_points: IntArray
    p_points_f: FloatArray
    p_weights: FloatArray
    g_indptr: IntArray
    g_projects: IntArray
    g_points: IntArray
    support: IntArray
    supporters: IntArray
    rank: IntArray
    overlap: BoolArray

    @property
    def num_projects(self) -> int:
        """How many projects there are."""
        return len(self.ids)

    def groups_of(self, project: int) -> tuple[IntArray, IntArray]:
        """The ballot groups supporting a project and the points each gives it."""
        lo, hi = self.p_indptr[project], self.p_indptr[project + 1]
        return self.p_groups[lo:hi], self.p_points[lo:hi]

    def is_exhaustive(self, chosen: Sequence[int], among: IntArray) -> bool:
        """No project of ``among`` outside ``chosen`` fits in the budget left."""
        left = self.budget - int(self.costs[list(chosen)].sum()) if chosen else self.budget
        mask = np.ones(len(among), dtype=bool)
        chosen_set = set(chosen)
        for k, project in enumerate(among.tolist()):
            mask[k] = project not in chosen_set
        return not bool(np.any(self.costs[among[mask]] <= left))


def build_table(
    instance: Instance, ballots: Ballots, tie_order: Sequence[str] | None = None
) -> Table:
    """Derive the table; ``tie_order`` lists project ids by tie-break priority (default: id)."""
    num_projects = len(instance.projects)
    if ballots.num_projects != num_projects:
        raise Invalid("The ballots were cast over a different list of projects.")
    ids = instance.ids
    lengths = np.diff(ballots.indptr)
    entry_group = np.repeat(np.arange(ballots.num_groups, dtype=np.int64), lengths)
    order = np.argsort(ballots.projects, kind="stable")
    p_counts = np.bincount(ballots.projects, minlength=num_projects)
    p_indptr = np.concatenate(([0], np.cumsum(p_counts))).astype(np.int64)
    weights = ballots.counts[entry_group] * ballots.points
    support = np.zeros(num_projects, dtype=np.int64)
    np.add.at(support, ballots.projects, weights)
    supporters = np.zeros(num_projects, dtype=np.int64)
    np.add.at(supporters, ballots.projects, ballots.counts[entry_group])
    return Table(
        budget=instance.budget,
        ids=ids,
        costs=instance.costs(),
        counts=ballots.counts,
        weights=ballots.counts.astype(np.float64),
        num_voters=ballots.num_voters,
        p_indptr=p_indptr,
        p_groups=entry_group[order],
        p_points=ballots.points[order],
        p_points_f=ballots.points[order].astype(np.float64),
        p_weights=ballots.counts[entry_group[order]].astype(np.float64),
        g_indptr=ballots.indptr,
        g_projects=ballots.projects,
        g_points=ballots.points,
        support=support,
        supporters=supporters,
        rank=_tie_rank(ids, tie_order),
        overlap=_overlap(entry_group, ballots.projects, ballots.num_groups, num_projects),
    )


def _tie_rank(ids: tuple[str, ...], tie_order: Sequence[str] | None) -> IntArray:
    """Position of each project in the tie-break order (lower wins)."""
    ordered = sorted(ids) if tie_order is None else list(tie_order)
    if sorted(ordered) != sorted(ids):
        raise Invalid("The tie-break order must list every project once.")
    position = {pid: k for k, pid in enumerate(ordered)}
    return np.array([position[pid] for pid in ids], dtype=np.int64)


def _overlap(groups: IntArray, projects: IntArray, num_groups: int, num_projects: int) -> BoolArray:
    """Which pairs of projects share at least one supporting ballot."""
    if len(groups) == 0:
        return np.zeros((num_projects, num_projects), dtype=bool)
    data = np.ones(len(groups), dtype=np.int32)
    matrix = sparse.csr_matrix((data, (groups, projects)), shape=(num_groups, num_projects))
    product = (matrix.T @ matrix).toarray()
    return np.asarray(product > 0, dtype=bool)
