"""The input of a participatory budget: projects with costs, a budget, and merged ballots.

Money is integer céntimos. Ballots are stored once per distinct ballot with its count (voters who
cast exactly that ballot), so that every rule works on distinct ballots × counts rather than on
voters. Arrays are read-only so that the frozen dataclasses stay frozen in practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from asamblea.core.errors import Invalid

IntArray = npt.NDArray[np.int64]


class BallotKind(StrEnum):
    """How members expressed their preferences.

    Ordinal ballots (rankings) keep each project's rank; the rules count them through a scoring
    vector (`positional.py`) or, when none is given, as approvals of every ranked project — and
    the outcome says so.
    """

    APPROVAL = "approval"
    CUMULATIVE = "cumulative"
    ORDINAL = "ordinal"


@dataclass(frozen=True)
class Project:
    """A project put to the vote: an id unique in its instance, a cost in céntimos, a title."""

    id: str
    cost: int
    name: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            raise Invalid("A project needs an id.")
        if self.cost < 0:
            raise Invalid("The cost of project {id} is negative.", id=self.id)


@dataclass(frozen=True)
class Instance:
    """The projects and the budget ceiling (céntimos) of one participatory budget."""

    budget: int
    projects: tuple[Project, ...]

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise Invalid("The budget is negative.")
        ids = [p.id for p in self.projects]
        if len(set(ids)) != len(ids):
            raise Invalid("Two projects share an id.")

    @property
    def ids(self) -> tuple[str, ...]:
        """The project ids, in instance order."""
        return tuple(p.id for p in self.projects)

    def index(self) -> dict[str, int]:
        """Map each project id to its position."""
        return {p.id: i for i, p in enumerate(self.projects)}

    def costs(self) -> IntArray:
        """The costs in céntimos, in instance order."""
        return np.array([p.cost for p in self.projects], dtype=np.int64)


def _frozen(array: npt.ArrayLike, dtype: type[np.int64]) -> IntArray:
    out: IntArray = np.array(array, dtype=dtype)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Ballots:
    """Distinct ballots with their counts, in compressed rows over project positions.

    Ballot ``g`` gives ``points[indptr[g]:indptr[g+1]]`` to the projects at positions
    ``projects[indptr[g]:indptr[g+1]]`` (sorted, no repeats) and was cast by ``counts[g]`` voters.
    Approval ballots give 1 point to each listed project; ordinal ballots store each ranked
    project's rank instead (1 = most preferred, ranks 1..k with no gaps). Empty ballots are kept:
    they count as voters (they receive a share of the budget under Equal Shares).
    """

    kind: BallotKind
    num_projects: int
    indptr: IntArray
    projects: IntArray
    points: IntArray
    counts: IntArray

    @property
    def num_groups(self) -> int:
        """How many distinct ballots there are."""
        return len(self.counts)

    @property
    def num_voters(self) -> int:
        """How many voters cast a ballot (empty ones included)."""
        return int(self.counts.sum())

    def ballot(self, group: int) -> dict[int, int]:
        """The points that distinct ballot ``group`` gives, by project position."""
        lo, hi = int(self.indptr[group]), int(self.indptr[group + 1])
        return dict(zip(self.projects[lo:hi].tolist(), self.points[lo:hi].tolist(), strict=True))

    def support(self) -> IntArray:
        """Per project: its points summed over voters (approvals; rank sums for ordinal ballots)."""
        weights = np.repeat(self.counts, np.diff(self.indptr)) * self.points
        return np.bincount(self.projects, weights=weights, minlength=self.num_projects).astype(
            np.int64
        )

    def supporters(self) -> IntArray:
        """Per project: how many voters gave it at least one point."""
        weights = np.repeat(self.counts, np.diff(self.indptr))
        return np.bincount(self.projects, weights=weights, minlength=self.num_projects).astype(
            np.int64
        )

    @classmethod
    def merge(
        cls,
        kind: BallotKind,
        num_projects: int,
        ballots: Iterable[Mapping[int, int]],
        counts: Iterable[int] | None = None,
    ) -> Ballots:
        """Merge ballots (project position → points; points > 0) into distinct ballots.

        ``counts`` gives how many voters cast each ballot (1 each when absent). Groups are kept in
        order of first appearance, so the result does not depend on dictionary ordering.
        """
        merged: dict[tuple[tuple[int, int], ...], int] = {}
        counts_it = iter(counts) if counts is not None else None
        for ballot in ballots:
            weight = 1 if counts_it is None else next(counts_it)
            key = tuple(sorted((int(p), int(v)) for p, v in ballot.items()))
            _check_ballot(key, num_projects, kind)
            merged[key] = merged.get(key, 0) + weight
        return cls.from_groups(kind, num_projects, merged.keys(), merged.values())

    @classmethod
    def from_groups(
        cls,
        kind: BallotKind,
        num_projects: int,
        groups: Iterable[Sequence[tuple[int, int]]],
        counts: Iterable[int],
    ) -> Ballots:
        """Build from already distinct, sorted ballots and their counts."""
        indptr = [0]
        projects: list[int] = []
        points: list[int] = []
        for group in groups:
            for project, value in group:
                projects.append(project)
                points.append(value)
            indptr.append(len(projects))
        count_list = list(counts)
        if any(c <= 0 for c in count_list):
            raise Invalid("Every distinct ballot needs a positive count.")
        return cls(
            kind=kind,
            num_projects=num_projects,
            indptr=_frozen(indptr, np.int64),
            projects=_frozen(projects, np.int64),
            points=_frozen(points, np.int64),
            counts=_frozen(count_list, np.int64),
        )


def _check_ballot(key: tuple[tuple[int, int], ...], num_projects: int, kind: BallotKind) -> None:
    seen = [p for p, _ in key]
    if len(set(seen)) != len(seen):
        raise Invalid("A ballot names a project twice.")
    for project, value in key:
        if not 0 <= project < num_projects:
            raise Invalid("A ballot names an unknown project.")
        if value <= 0 or (kind is BallotKind.APPROVAL and value != 1):
            raise Invalid("A ballot gives a project an invalid number of points.")
    if kind is BallotKind.ORDINAL and sorted(v for _, v in key) != list(range(1, len(key) + 1)):
        raise Invalid("A ranking must number its projects 1, 2, 3… without gaps or repeats.")
