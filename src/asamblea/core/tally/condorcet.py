"""Condorcet rules on the pairwise matrix: Schulze (beatpath) and Tideman's ranked pairs.

Both start from ``P = profile.pairwise()`` (``P[i, j]`` = ballots ranking i above j; a ranked
candidate is above an unranked one, equal ranks compare neither way) and the margins
``M = P - Pᵀ``. Both are Condorcet-consistent: a candidate who beats every other head to head wins.

**Schulze.** The strength of the defeat i→j is its margin ``M[i, j]`` when positive
(``strength="margin"``, default) or the votes for it ``P[i, j]`` when ``P[i, j] > P[j, i]``
(``strength="winning_votes"``, Schulze's recommendation when equal ranks are common); otherwise
there is no link. ``p[i, j]`` is the strength of the strongest path (widest path, Floyd–Warshall,
vectorised); i beats j when ``p[i, j] > p[j, i]``. The ranking is built in layers: the candidates
no other remaining candidate beats, then the same among the rest, and so on. The winners are the
first layer; if it holds several candidates, the winner is drawn by lot from ``seed`` (we do not use
Schulze's random-ballot TBRC, so that the draw is public and reproducible).

**Ranked pairs.** Every ordered pair (i, j) with ``M[i, j] ≥ 0`` is a *majority* (a zero margin
gives both (i, j) and (j, i)). Majorities are taken by decreasing margin and locked in unless they
would close a cycle with those already locked. Equal margins are ordered by a tie-breaking ranking
of the candidates (TBRC) drawn by lot from ``seed``, exactly as `pref_voting`'s ``ranked_pairs_tb``:
by the TBRC position of the winner of the pair, then of its loser. The TBRC is drawn only when the
order can matter: when locking a group of equal margins in ballot-paper order would skip one of
them for closing a cycle (otherwise every order locks the same pairs). The locked relation is
then a complete order: that is the ranking, its top the winner.

With ``seats > 1`` both take the first ``seats`` of their ranking (a tie at the last seat by lot);
this is *not* proportional — use STV for delegate elections.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from asamblea.core.tally.aggregation import IntArray
from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, TieBreak
from asamblea.core.tally.profile import Profile
from asamblea.core.tally.scoring import check_seats, select_from_ranking

__all__ = ["lock_pairs", "ranked_pairs", "schulze", "strongest_paths"]

Strength = Literal["margin", "winning_votes"]
BoolMatrix = NDArray[np.bool_]


def strongest_paths(pairwise: IntArray, strength: Strength = "margin") -> IntArray:
    """``p[i, j]``: the strength of the strongest path from i to j (0 when there is none)."""
    if strength == "margin":
        margins = pairwise - pairwise.T
        links = np.where(margins > 0, margins, 0)
    elif strength == "winning_votes":
        links = np.where(pairwise > pairwise.T, pairwise, 0)
    else:
        raise ValueError(f"fuerza desconocida: {strength!r}")
    paths = links.astype(np.int64)
    for k in range(paths.shape[0]):
        paths = np.maximum(paths, np.minimum(paths[:, k : k + 1], paths[k : k + 1, :]))
    np.fill_diagonal(paths, 0)
    return paths


def _layers(beats: BoolMatrix, names: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Successive sets of candidates beaten by no remaining candidate."""
    left = np.ones(len(names), dtype=bool)
    out: list[tuple[str, ...]] = []
    while left.any():
        beaten = (beats & left[:, None]).any(axis=0)
        layer = left & ~beaten
        if not layer.any():  # cannot happen for an acyclic relation; keep the rest together
            layer = left.copy()
        out.append(tuple(names[c] for c in np.flatnonzero(layer)))
        left &= ~layer
    return tuple(out)


def _matrix(values: IntArray) -> list[list[int]]:
    return [[int(x) for x in row] for row in values.tolist()]


def schulze(
    profile: Profile, *, seats: int = 1, strength: Strength = "margin", seed: str = ""
) -> Outcome:
    """Schulze winner(s) and full ranking. See the module docstring."""
    check_seats(seats, profile.n_candidates)
    pairwise = profile.pairwise()
    paths = strongest_paths(pairwise, strength)
    ranking = _layers(paths > paths.T, profile.candidates)
    lot = Lot(seed)
    chosen = select_from_ranking(ranking, seats, lot, purpose="schulze winner")
    return Outcome(
        rule="schulze",
        candidates=profile.candidates,
        winners=chosen.winners,
        ranking=ranking,
        tie_breaks=chosen.tie_breaks,
        seed=seed,
        details={
            "seats": seats,
            "strength": strength,
            "pairwise": _matrix(pairwise),
            "strongest_paths": _matrix(paths),
            "rejected": dict(profile.rejected),
            "draws": lot.draws_json(),
        },
        valid=profile.n_ballots,
        blank=profile.blank,
        invalid=profile.invalid,
    )


def _majorities(margins: IntArray) -> list[tuple[int, int, int]]:
    """(margin, winner, loser) for every ordered pair with a non-negative margin."""
    n = margins.shape[0]
    return [
        (int(margins[i, j]), i, j)
        for i in range(n)
        for j in range(n)
        if i != j and margins[i, j] >= 0
    ]


def lock_pairs(
    order: list[tuple[int, int, int]], reach: BoolMatrix
) -> tuple[BoolMatrix, list[tuple[int, int]], bool]:
    """Lock (margin, winner, loser) pairs in the given order on top of `reach` (the transitive
    closure of what is already locked: ``reach[i, j]`` = i above j), skipping a pair that would
    close a cycle or is already implied. Returns the new closure, the pairs locked, and whether
    some pair was skipped for closing a cycle (only then can the order of equal margins matter)."""
    reach = reach.copy()
    locked: list[tuple[int, int]] = []
    conflict = False
    for _, w, loser in order:
        if reach[loser, w]:
            conflict = True
            continue
        if reach[w, loser]:
            continue
        locked.append((w, loser))
        above_w = reach[:, w].copy()
        above_w[w] = True
        below_l = reach[loser].copy()
        below_l[loser] = True
        reach |= above_w[:, None] & below_l[None, :]
    return reach, locked, conflict


def _lock_all(
    majorities: list[tuple[int, int, int]], names: tuple[str, ...], lot: Lot
) -> tuple[BoolMatrix, list[tuple[int, int]], tuple[str, ...] | None]:
    """Lock every majority by decreasing margin. Within a group of equal margins the order is
    irrelevant unless locking the group in ballot-paper order skips a pair for a cycle; then the
    TBRC is drawn (once) and the group is locked in TBRC order."""
    n = len(names)
    reach = np.zeros((n, n), dtype=bool)
    locked: list[tuple[int, int]] = []
    tbrc: tuple[str, ...] | None = None
    position = list(range(n))
    for margin in sorted({m for m, _, _ in majorities}, reverse=True):
        group = [e for e in majorities if e[0] == margin]
        group.sort(key=lambda e: (position[e[1]], position[e[2]]))
        new_reach, new_locked, conflict = lock_pairs(group, reach)
        if conflict and len(group) > 1 and tbrc is None:
            tbrc = lot.order(names, "ranked pairs tie-breaking ranking")
            position = [tbrc.index(name) for name in names]
            group.sort(key=lambda e: (position[e[1]], position[e[2]]))
            new_reach, new_locked, _ = lock_pairs(group, reach)
        reach = new_reach
        locked.extend(new_locked)
    return reach, locked, tbrc


def ranked_pairs(profile: Profile, *, seats: int = 1, seed: str = "") -> Outcome:
    """Tideman's ranked pairs winner(s) and full ranking. See the module docstring."""
    check_seats(seats, profile.n_candidates)
    names = profile.candidates
    pairwise = profile.pairwise()
    margins = pairwise - pairwise.T
    majorities = _majorities(margins)
    lot = Lot(seed)
    reach, locked, tbrc = _lock_all(majorities, names, lot)
    ranking = _layers(reach, names)
    chosen = select_from_ranking(ranking, seats, lot, purpose="ranked pairs winner")
    ties: tuple[TieBreak, ...] = chosen.tie_breaks
    if tbrc is not None:
        ties = (TieBreak("order equal margins", names, tbrc[0], "lot"), *ties)
    return Outcome(
        rule="ranked_pairs",
        candidates=names,
        winners=chosen.winners,
        ranking=ranking,
        tie_breaks=ties,
        seed=seed,
        details={
            "seats": seats,
            "pairwise": _matrix(pairwise),
            "locked": [[names[w], names[lo]] for w, lo in locked],
            "tie_breaking_ranking": None if tbrc is None else list(tbrc),
            "rejected": dict(profile.rejected),
            "draws": lot.draws_json(),
        },
        valid=profile.n_ballots,
        blank=profile.blank,
        invalid=profile.invalid,
    )
