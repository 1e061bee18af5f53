"""Instant-runoff voting (segunda vuelta instantánea, alternative vote, Hare), single winner.

Each round every ballot counts for its highest-ranked continuing candidate. If one candidate has
more than half of the votes of the round (exhausted ballots excluded), or is the only one left, it
wins. Otherwise the candidate with fewest votes is eliminated and its ballots pass to their next
continuing preference; a ballot with none left is *exhausted* (reported per round, cumulative).

Policies:

* Truncated rankings are fine: they exhaust when their ranked candidates are all out.
* Equal ranks (overvotes) are not defined by IRV: ``overvote="exhaust"`` (default) ends the ballot
  just before its first equal rank (it counts until it reaches it; a ballot whose first preference
  is shared is therefore invalid, as in Scottish STV); ``"skip_rank"`` drops the
  equal group and goes on to the next rank; ``"invalid"`` rejects the ballot (see
  `Profile.with_overvotes`). Skipped ranks and repeated candidates are handled when the profile is
  built (`Profile.from_indices` / `from_ballots`).
* One candidate is eliminated per round, even with zero votes. A tie for fewest votes is broken by
  the earlier rounds, most recent first: among the tied, keep those with fewest votes in the
  previous round, then the round before, …; if still tied after round 1, by lot from ``seed``
  among them in ballot-paper order. Each tie broken is a `TieBreak` in the outcome.

Conservation: in every round, sum of tallies + exhausted = valid ballots.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from asamblea.core.tally.aggregation import UNRANKED, IntArray, OvervotePolicy, sum_by
from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, Round, TieBreak
from asamblea.core.tally.profile import EXHAUSTED, Profile
from asamblea.core.tally.scoring import check_seats

__all__ = ["irv", "lowest_by_history"]


def _tops(ranks: NDArray[np.uint8], continuing: NDArray[np.bool_]) -> IntArray:
    """Best continuing candidate per row (no equal ranks), EXHAUSTED when none."""
    penalty = np.where(continuing, 0, UNRANKED).astype(np.uint8)
    masked = np.maximum(ranks, penalty[None, :])
    top: IntArray = masked.argmin(axis=1).astype(np.int64)
    top[masked[np.arange(masked.shape[0]), top] == UNRANKED] = EXHAUSTED
    return top


def lowest_by_history(
    tied: list[int], history: list[IntArray], lot: Lot, names: tuple[str, ...], round_no: int
) -> tuple[int, TieBreak]:
    """Break a tie for fewest votes by the earlier rounds (most recent first), then by lot.
    `history` holds the tallies of the rounds before the current one, oldest first."""
    among = tuple(names[c] for c in tied)
    left = list(tied)
    for tallies in reversed(history):
        fewest = min(int(tallies[c]) for c in left)
        left = [c for c in left if int(tallies[c]) == fewest]
        if len(left) == 1:
            return left[0], TieBreak("eliminate", among, names[left[0]], "earlier_rounds", round_no)
    chosen = lot.choose([names[c] for c in left], f"eliminate round {round_no}")
    return names.index(chosen), TieBreak("eliminate", among, chosen, "lot", round_no)


def irv(
    profile: Profile, *, seats: int = 1, overvote: OvervotePolicy = "exhaust", seed: str = ""
) -> Outcome:
    """Count `profile` by instant runoff. See the module docstring for every policy."""
    check_seats(seats, profile.n_candidates, multi_winner=False)
    if overvote == "keep":
        raise ValueError("IRV no define rangos iguales: elija exhaust, skip_rank o invalid")
    prof = profile.with_overvotes(overvote)
    names, n = prof.candidates, prof.n_candidates
    ranks, counts = prof.ranks, prof.counts
    continuing = np.ones(n, dtype=bool)
    top = _tops(ranks, continuing)
    tallies = sum_by(top[top >= 0], counts[top >= 0], n)
    valid = prof.n_ballots
    lot = Lot(seed)
    history: list[IntArray] = []
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    winner = -1
    while winner < 0:
        number = len(rounds) + 1
        active = int(tallies[continuing].sum())
        shown = {names[c]: int(tallies[c]) for c in range(n) if continuing[c]}
        alive = np.flatnonzero(continuing)
        leader = int(alive[np.argmax(tallies[alive])])
        if 2 * int(tallies[leader]) > active or alive.size == 1:
            winner = leader
            rounds.append(Round(number, shown, valid - active, elected=(names[leader],)))
            break
        fewest = int(tallies[alive].min())
        tied = [int(c) for c in alive if tallies[c] == fewest]
        loser = tied[0]
        if len(tied) > 1:
            loser, record = lowest_by_history(tied, history, lot, names, number)
            ties.append(record)
        rounds.append(Round(number, shown, valid - active, eliminated=(names[loser],)))
        history.append(tallies.copy())
        continuing[loser] = False
        moved = np.flatnonzero(top == loser)
        top[moved] = _tops(ranks[moved], continuing)
        going = top[moved] >= 0
        tallies = tallies + sum_by(top[moved][going], counts[moved][going], n)
        tallies[loser] = 0
    return Outcome(
        rule="irv",
        candidates=profile.candidates,
        winners=(names[winner],),
        ranking=None,
        rounds=tuple(rounds),
        tie_breaks=tuple(ties),
        seed=seed,
        details={
            "overvote": overvote,
            "rejected": dict(prof.rejected),
            "draws": lot.draws_json(),
        },
        valid=valid,
        blank=prof.blank,
        invalid=prof.invalid,
    )
