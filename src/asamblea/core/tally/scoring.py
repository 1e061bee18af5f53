"""Choosing seats from scores, shared by the score-based rules (plurality, approval).

``select_by_score`` turns exact per-candidate scores into a ranking of tie groups (highest first)
and the winners for ``seats`` seats. When a tie group straddles the last seat, the seats left are
filled from that group by lot (`Lot.choose`, one draw per seat, among the group in ballot-paper
order) and each draw is recorded as a `TieBreak`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Number, TieBreak
from asamblea.core.tally.profile import Profile

__all__ = ["Selection", "ballot_totals", "check_seats", "groups_by_score", "select_by_score"]


@dataclass(frozen=True)
class Selection:
    """Winners, the ranking as tie groups (best first) and the ties broken to choose them."""

    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...]
    tie_breaks: tuple[TieBreak, ...]


def check_seats(seats: int, n_candidates: int, *, multi_winner: bool = True) -> None:
    """Raise ValueError for a seat count the rule cannot fill."""
    if seats < 1:
        raise ValueError("debe haber al menos un puesto")
    if not multi_winner and seats != 1:
        raise ValueError("esta regla elige un solo ganador (use stv para varios puestos)")
    if seats > n_candidates:
        raise ValueError(f"{seats} puestos y solo {n_candidates} candidaturas")


def groups_by_score(
    candidates: Sequence[str], scores: Mapping[str, Number]
) -> tuple[tuple[str, ...], ...]:
    """Candidates grouped by equal score, highest score first, ballot-paper order inside."""
    levels = sorted({scores[c] for c in candidates}, reverse=True)
    return tuple(tuple(c for c in candidates if scores[c] == level) for level in levels)


def select_by_score(
    candidates: Sequence[str],
    scores: Mapping[str, Number],
    seats: int,
    lot: Lot,
    *,
    purpose: str = "last seat",
) -> Selection:
    """The `seats` highest scores win; a tie at the last seat is broken by lot."""
    ranking = groups_by_score(candidates, scores)
    return select_from_ranking(ranking, seats, lot, purpose=purpose)


def select_from_ranking(
    ranking: tuple[tuple[str, ...], ...], seats: int, lot: Lot, *, purpose: str = "last seat"
) -> Selection:
    """The first `seats` candidates of a ranking of tie groups; the group that straddles the
    cutoff is split by lot."""
    winners: list[str] = []
    ties: list[TieBreak] = []
    for group in ranking:
        room = seats - len(winners)
        if room <= 0:
            break
        if len(group) <= room:
            winners.extend(group)
            continue
        left = list(group)
        for _ in range(room):
            chosen = lot.choose(left, purpose)
            ties.append(TieBreak(purpose, tuple(left), chosen, "lot"))
            winners.append(chosen)
            left.remove(chosen)
    return Selection(tuple(winners), ranking, tuple(ties))


def ballot_totals(profile: Profile) -> dict[str, int]:
    """Keyword arguments for `Outcome` with the build-time ballot totals of a profile."""
    return {"blank": profile.blank, "invalid": profile.invalid}
