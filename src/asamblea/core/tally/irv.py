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

from dataclasses import dataclass

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


@dataclass
class _Runoff:
    """The state of an IRV count on distinct ballots (no equal ranks left)."""

    profile: Profile
    continuing: NDArray[np.bool_]
    top: IntArray
    tallies: IntArray

    @classmethod
    def start(cls, profile: Profile) -> _Runoff:
        continuing = np.ones(profile.n_candidates, dtype=bool)
        top = _tops(profile.ranks, continuing)
        ok = top >= 0
        tallies = sum_by(top[ok], profile.counts[ok], profile.n_candidates)
        return cls(profile, continuing, top, tallies)

    def shown(self) -> dict[str, int]:
        names = self.profile.candidates
        return {names[c]: int(self.tallies[c]) for c in np.flatnonzero(self.continuing)}

    def eliminate(self, loser: int) -> None:
        """Move the loser's ballots to their next continuing preference (or exhaust them)."""
        self.continuing[loser] = False
        moved = np.flatnonzero(self.top == loser)
        self.top[moved] = _tops(self.profile.ranks[moved], self.continuing)
        going = moved[self.top[moved] >= 0]
        gained = sum_by(self.top[going], self.profile.counts[going], self.profile.n_candidates)
        self.tallies = self.tallies + gained
        self.tallies[loser] = 0


def _run(state: _Runoff, lot: Lot) -> tuple[int, list[Round], list[TieBreak]]:
    """Rounds until a majority (or a single candidate left): winner, rounds, ties broken."""
    names, valid = state.profile.candidates, state.profile.n_ballots
    history: list[IntArray] = []
    rounds: list[Round] = []
    ties: list[TieBreak] = []
    while True:
        number = len(rounds) + 1
        alive = np.flatnonzero(state.continuing)
        active = int(state.tallies[alive].sum())
        leader = int(alive[np.argmax(state.tallies[alive])])
        if 2 * int(state.tallies[leader]) > active or alive.size == 1:
            rounds.append(Round(number, state.shown(), valid - active, elected=(names[leader],)))
            return leader, rounds, ties
        fewest = int(state.tallies[alive].min())
        tied = [int(c) for c in alive if state.tallies[c] == fewest]
        loser = tied[0]
        if len(tied) > 1:
            loser, record = lowest_by_history(tied, history, lot, names, number)
            ties.append(record)
        rounds.append(Round(number, state.shown(), valid - active, eliminated=(names[loser],)))
        history.append(state.tallies.copy())
        state.eliminate(loser)


def irv(
    profile: Profile, *, seats: int = 1, overvote: OvervotePolicy = "exhaust", seed: str = ""
) -> Outcome:
    """Count `profile` by instant runoff. See the module docstring for every policy."""
    check_seats(seats, profile.n_candidates, multi_winner=False)
    if overvote == "keep":
        raise ValueError("IRV no define rangos iguales: elija exhaust, skip_rank o invalid")
    prof = profile.with_overvotes(overvote)
    lot = Lot(seed)
    winner, rounds, ties = _run(_Runoff.start(prof), lot)
    return Outcome(
        rule="irv",
        candidates=profile.candidates,
        winners=(prof.candidates[winner],),
        ranking=None,
        rounds=tuple(rounds),
        tie_breaks=tuple(ties),
        seed=seed,
        details={"overvote": overvote, "rejected": dict(prof.rejected), "draws": lot.draws_json()},
        valid=prof.n_ballots,
        blank=prof.blank,
        invalid=prof.invalid,
    )
