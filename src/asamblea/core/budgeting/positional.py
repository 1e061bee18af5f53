"""Ranked ballots counted as cast: positional points turn each ranking into points.

Cities that ask voters to rank projects count the rankings by points per position: Kraków gives
3 points to a voter's first choice, 2 to the second and 1 to the third, and funds projects greedily
by their total (Pabulib's ``score`` column). A `Scoring` says how many points each rank earns:
- a **vector** ``(3, 2, 1)``: rank ``r`` earns the ``r``-th entry, ranks past its end earn nothing;
- **Borda** as pabutools defines it (`Additive_Borda_Sat`): on a ballot ranking ``k`` projects,
  rank ``r`` earns ``k − r`` (the last ranked project earns 0, so it does not count as support).
Scored ballots are points ballots (`BallotKind.CUMULATIVE`): greedy by points, greedy by points per
sol and Equal Shares with the points as utilities (pabutools' positional satisfaction) then run on
them unchanged. Without a scoring the rules read a ranking as approval of every ranked project;
`counted` reports that, so a caller can warn that the order was ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from asamblea.core.budgeting.explanation import Reading
from asamblea.core.budgeting.instance import BallotKind, Ballots
from asamblea.core.errors import N_, Invalid

MAX_VECTOR = 1_000
"""Longest scoring vector accepted (no real ballot ranks more projects)."""
MAX_POINTS = 10**6


@dataclass(frozen=True)
class Scoring:
    """Points per rank: a fixed vector (first rank first), or pabutools' Borda."""

    vector: tuple[int, ...] = ()
    borda: bool = False

    def __post_init__(self) -> None:
        if self.borda == bool(self.vector):
            raise Invalid(N_("A scoring is either a list of points per rank or Borda."))
        if len(self.vector) > MAX_VECTOR:
            raise Invalid(N_("The scoring vector is too long."))
        if any(not 0 <= p <= MAX_POINTS for p in self.vector):
            raise Invalid(
                N_("Points per rank must be whole numbers from 0 to {top}."), top=MAX_POINTS
            )
        if not self.borda and (
            list(self.vector) != sorted(self.vector, reverse=True) or not any(self.vector)
        ):
            raise Invalid(
                N_("Points per rank must not grow down the ranking, and some must count.")
            )

    @classmethod
    def parse(cls, text: str) -> Scoring:
        """``"borda"``, or points per rank split by commas or dashes (``"3,2,1"``, ``"3-2-1"``)."""
        cleaned = text.strip().lower()
        if cleaned == "borda":
            return cls(borda=True)
        parts = [p.strip() for p in cleaned.replace("-", ",").split(",")]
        if not parts or any(not (p.isascii() and p.isdecimal()) or len(p) > 7 for p in parts):
            raise Invalid(N_("The scoring must be 'borda' or points per rank such as 3,2,1."))
        return cls(vector=tuple(int(p) for p in parts))

    def points(self, rank: int, length: int) -> int:
        """Points earned by the project ranked ``rank`` (1-based) on a ballot ranking ``length``."""
        if self.borda:
            return length - rank
        return self.vector[rank - 1] if rank <= len(self.vector) else 0

    @property
    def label(self) -> str:
        """``"borda"`` or the vector as ``"3-2-1"``."""
        return "borda" if self.borda else "-".join(str(p) for p in self.vector)


def score(ballots: Ballots, scoring: Scoring) -> Ballots:
    """Ranked ballots as points ballots (projects earning 0 points are left out)."""
    if ballots.kind is not BallotKind.ORDINAL:
        raise Invalid(N_("Points per rank apply to ranked ballots only."))
    scored = []
    for group in range(ballots.num_groups):
        ranks = ballots.ballot(group)
        length = len(ranks)
        points = {p: scoring.points(r, length) for p, r in ranks.items()}
        scored.append({p: v for p, v in points.items() if v > 0})
    return Ballots.merge(BallotKind.CUMULATIVE, ballots.num_projects, scored, ballots.counts)


def as_approvals(ballots: Ballots) -> Ballots:
    """Ranked ballots as approval of every ranked project (the order is dropped)."""
    approvals = [dict.fromkeys(ballots.ballot(g), 1) for g in range(ballots.num_groups)]
    return Ballots.merge(BallotKind.APPROVAL, ballots.num_projects, approvals, ballots.counts)


def counted(ballots: Ballots, scoring: Scoring | None) -> tuple[Ballots, Reading]:
    """The ballots a rule counts, and how they were read.

    Ranked ballots with a scoring become points ballots (`Reading.POSITIONAL`); without one they
    become approvals (`Reading.RANKS_AS_APPROVALS`: the order is ignored). Other ballots are
    counted as cast; a scoring given for them is an error rather than silently unused.
    """
    if ballots.kind is BallotKind.ORDINAL:
        if scoring is None:
            return as_approvals(ballots), Reading.RANKS_AS_APPROVALS
        return score(ballots, scoring), Reading.POSITIONAL
    if scoring is not None:
        raise Invalid(N_("Points per rank apply to ranked ballots only."))
    return ballots, Reading.AS_CAST
