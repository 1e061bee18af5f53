"""Scottish STV: the Scottish Local Government Elections Order 2007, rules 45–52.

Droop quota on the valid ballots, weighted inclusive Gregory transfers with values truncated to five
decimal places, surpluses largest first, exclusion of the lowest, ties by earlier stages then by
lot, and the last vacancies filled without further transfers. See docs/stv.md for every detail.

Arithmetic is exact: every vote and ballot value is an integer number of 1e-5 units (int64), which
is the Order's own five-decimal fixed point, so nothing is rounded except where rule 48(3) says so.
The count works on distinct ballots × counts: a stage touches only the ballots of the candidate
whose papers are transferred, vectorised with NumPy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, Round
from asamblea.core.tally.profile import UNRANKED, Profile
from asamblea.core.tally.stv_ties import TieBreaker

__all__ = ["SCALE", "scottish_stv"]

SCALE: Final = 100_000
"""One vote in units of 1e-5 (five decimal places)."""

HOPEFUL: Final = 0
PENDING: Final = 1  # elected, surplus not yet transferred
ELECTED: Final = 2
EXCLUDED: Final = 3

IntArray = NDArray[np.int64]


def to_decimal(units: int) -> Decimal:
    """An amount of 1e-5 units as an exact Decimal with five places."""
    return Decimal(f"{int(units)}E-5")


def _sum_by(labels: IntArray, values: IntArray, size: int) -> IntArray:
    """Exact integer sums of `values` grouped by `labels` (0..size-1)."""
    if values.size == 0:
        return np.zeros(size, dtype=np.int64)
    if int(values.sum()) < 2**53:  # float64 sums of integers are exact below 2**53
        summed = np.bincount(labels, weights=values.astype(np.float64), minlength=size)
        return np.rint(summed).astype(np.int64)
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, labels, values)
    return out


@dataclass
class _Count:
    """The state of a Scottish STV count."""

    profile: Profile
    seats: int
    ties: TieBreaker
    quota: int  # in units
    ranks: NDArray[np.uint8]
    counts: IntArray
    top: IntArray  # current candidate of each distinct ballot, -1 when non-transferable
    weight: IntArray  # value of each ballot paper, in units
    votes: IntArray  # per candidate, in units
    state: NDArray[np.int8]
    non_transferable: int = 0
    elected: list[int] = field(default_factory=list)
    history: list[list[int]] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.profile.candidates)

    def hopeful(self) -> list[int]:
        return [c for c in range(self.n) if self.state[c] == HOPEFUL]

    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    def name(self, c: int) -> str:
        return self.profile.candidates[c]

    def elect_quota_reached(self) -> list[int]:
        """Rule 47: each continuing candidate with at least the quota is elected (highest first)."""
        reached = [c for c in self.hopeful() if self.votes[c] >= self.quota]
        reached.sort(key=lambda c: (-int(self.votes[c]), c))
        for c in reached:
            self.state[c] = PENDING if self.votes[c] > self.quota else ELECTED
            self.elected.append(c)
        return reached

    def transfer(self, source: int, surplus: int) -> None:
        """Rules 48 and 50: move the papers of `source` to their next continuing preference,
        at transfer value weight × surplus / votes truncated (surplus) or unchanged (exclusion)."""
        pile = np.flatnonzero(self.top == source)
        if surplus:
            self.weight[pile] = self.weight[pile] * surplus // int(self.votes[source])
        columns = np.flatnonzero(self.state == HOPEFUL)
        nxt = np.full(pile.shape[0], -1, dtype=np.int64)
        if columns.size:
            sub = self.ranks[pile[:, None], columns[None, :]]
            best = sub.argmin(axis=1)
            nxt = columns[best].astype(np.int64)
            nxt[sub[np.arange(pile.shape[0]), best] == UNRANKED] = -1
        self.top[pile] = nxt
        values = self.counts[pile] * self.weight[pile]
        gone = nxt < 0
        self.non_transferable += int(values[gone].sum())
        self.votes += _sum_by(nxt[~gone], values[~gone], self.n)
        self.votes[source] = self.quota if surplus else 0

    def record(self, note: str, elected: list[int], excluded: list[int], **extra: Any) -> None:
        number = len(self.rounds) + 1
        tallies = {self.name(c): to_decimal(int(self.votes[c])) for c in range(self.n)}
        loss = self.profile.n_ballots * SCALE - int(self.votes.sum()) - self.non_transferable
        self.rounds.append(
            Round(
                number=number,
                tallies=tallies,
                exhausted=to_decimal(self.non_transferable),
                elected=tuple(self.name(c) for c in elected),
                eliminated=tuple(self.name(c) for c in excluded),
                note=note,
                quota=to_decimal(self.quota),
            )
        )
        self.stages.append({"stage": number, "loss": to_decimal(loss), **extra})
        self.history.append([int(v) for v in self.votes])


def _start(profile: Profile, seats: int, ties: TieBreaker) -> _Count:
    ranks = np.ascontiguousarray(profile.ranks)
    counts = np.asarray(profile.counts, dtype=np.int64)
    top = ranks.argmin(axis=1).astype(np.int64)
    n = profile.n_candidates
    weight = np.full(ranks.shape[0], SCALE, dtype=np.int64)
    votes = _sum_by(top, counts * SCALE, n)
    quota = (profile.n_ballots // (seats + 1) + 1) * SCALE
    state = np.zeros(n, dtype=np.int8)
    return _Count(profile, seats, ties, quota, ranks, counts, top, weight, votes, state)


def _is_complete(count: _Count) -> bool:
    return count.seats_left() <= 0 or len(count.hopeful()) <= count.seats_left()


def _next_surplus(count: _Count, stage: int) -> int | None:
    """Rule 49: the pending candidate with the largest surplus (ties by earlier stages, lot)."""
    pending = [c for c in range(count.n) if count.state[c] == PENDING]
    if not pending:
        return None
    best = max(int(count.votes[c]) for c in pending)
    tied = [c for c in pending if count.votes[c] == best]
    return count.ties.pick(tied, "surplus", stage, history=count.history, highest=True)


def _stage(count: _Count) -> None:
    """One stage: transfer the largest surplus, or exclude the lowest continuing candidate."""
    stage = len(count.rounds) + 1
    source = _next_surplus(count, stage)
    if source is not None:
        surplus = int(count.votes[source]) - count.quota
        value = to_decimal(surplus * SCALE // int(count.votes[source]))
        count.transfer(source, surplus)
        count.state[source] = ELECTED
        elected = count.elect_quota_reached()
        count.record(
            f"Transferencia del excedente de {count.name(source)}",
            elected,
            [],
            action="surplus",
            candidate=count.name(source),
            surplus=to_decimal(surplus),
            transfer_value=value,
        )
        return
    hopeful = count.hopeful()
    low = min(int(count.votes[c]) for c in hopeful)
    tied = [c for c in hopeful if count.votes[c] == low]
    loser = count.ties.pick(tied, "exclusion", stage, history=count.history)
    count.state[loser] = EXCLUDED
    count.transfer(loser, 0)
    elected = count.elect_quota_reached()
    count.record(
        f"Exclusión de {count.name(loser)}",
        elected,
        [loser],
        action="exclusion",
        candidate=count.name(loser),
        votes=to_decimal(low),
    )


def _fill_last(count: _Count) -> None:
    """Rule 52: when the continuing candidates are no more than the vacancies, they are elected
    without further transfers (recorded as one more stage with unchanged totals)."""
    left = count.hopeful()
    if not left or count.seats_left() <= 0:
        return
    left.sort(key=lambda c: (-int(count.votes[c]), c))
    for c in left:
        count.state[c] = ELECTED
        count.elected.append(c)
    count.record("Últimas vacantes cubiertas (regla 52)", left, [], action="last_vacancies")


def scottish_stv(
    profile: Profile,
    *,
    seats: int = 1,
    seed: str = "",
    withdrawn: Collection[str] = (),
    tie_order: tuple[str, ...] | None = None,
) -> Outcome:
    """Count `profile` by Scottish STV (2007 Order) for `seats` seats.

    `withdrawn`: names of withdrawn candidates, removed from every ballot before the count.
    `tie_order`: a predetermined order used instead of the lot when earlier stages do not break a
    tie (first in the order is excluded first / has its surplus transferred first); by default the
    lot draws from `seed`. Ballots are read up to their first equal preference (a ballot whose
    first preference is shared is invalid). See docs/stv.md.
    """
    if seats < 1:
        raise ValueError("el número de escaños debe ser al menos 1")
    if withdrawn:
        profile = profile.without(withdrawn)
    profile = profile.with_overvotes("exhaust")
    order = None
    if tie_order is not None:
        order = tuple(profile.index(c) for c in tie_order if c in profile.candidates)
    ties = TieBreaker(profile.candidates, Lot(seed), order)
    count = _start(profile, seats, ties)
    count.record("Primeras preferencias", count.elect_quota_reached(), [], action="first")
    while not _is_complete(count):
        _stage(count)
    _fill_last(count)
    return Outcome(
        rule="stv",
        candidates=profile.candidates,
        winners=tuple(count.name(c) for c in count.elected),
        rounds=tuple(count.rounds),
        tie_breaks=tuple(ties.records),
        seed=seed,
        details={
            "method": "scottish_stv_2007",
            "quota": to_decimal(count.quota),
            "stages": count.stages,
            "draws": ties.lot.draws_json(),
            "withdrawn": sorted(withdrawn),
        },
        valid=profile.n_ballots,
        blank=profile.blank,
        invalid=profile.invalid,
    )
