"""Tie-breaking shared by the STV rules: earlier stages, then a predetermined order or the lot.

`TieBreaker.pick` chooses one candidate among tied ones and records how:

1. ``earlier_rounds`` (Scottish STV, rules 49(2) and 51(2) of the 2007 Order): look at the stages
   before the current one, most recent first; at the first stage where the tied candidates did not
   all have the same votes, keep those with the highest (surplus order) or lowest (exclusion)
   votes. If one is left, it is chosen; if several are still tied, go on looking further back
   among those only. Meek STV does not use this step.
2. ``tie_order``: when the caller gives a predetermined order (Droop's ``[tie]`` BLT option,
   stv-rs's explicit tie-break order), the tied candidate that comes first in it is chosen.
3. ``lot``: otherwise, a draw from the public seed (`asamblea.core.tally.lot`), recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import TieBreak

__all__ = ["TieBreaker"]


@dataclass
class TieBreaker:
    """Breaks the ties of one count and keeps the record of every tie broken."""

    candidates: tuple[str, ...]
    lot: Lot
    tie_order: tuple[int, ...] | None = None
    records: list[TieBreak] = field(default_factory=list)

    def pick(
        self,
        tied: Sequence[int],
        purpose: str,
        stage: int,
        *,
        history: Sequence[Sequence[int]] = (),
        highest: bool = False,
    ) -> int:
        """One of `tied` (candidate indices): by `history` (vote totals per earlier stage, oldest
        first), then by the predetermined order or the lot. `highest` picks the largest earlier
        total (surplus order) instead of the smallest (exclusion)."""
        group = sorted(tied)
        if len(group) == 1:
            return group[0]
        among = tuple(self.candidates[c] for c in group)
        left = self._by_history(group, history, highest)
        if len(left) == 1:
            return self._record(purpose, among, left[0], "earlier_rounds", stage)
        if self.tie_order is not None:
            rank = {c: i for i, c in enumerate(self.tie_order)}
            chosen = min(left, key=lambda c: rank.get(c, len(rank) + c))
            return self._record(purpose, among, chosen, "tie_order", stage)
        names = [self.candidates[c] for c in left]
        chosen = self.candidates.index(self.lot.choose(names, purpose))
        return self._record(purpose, among, chosen, "lot", stage)

    @staticmethod
    def _by_history(group: list[int], history: Sequence[Sequence[int]], highest: bool) -> list[int]:
        left = list(group)
        for totals in reversed(history):
            values = [totals[c] for c in left]
            if min(values) == max(values):
                continue
            target = max(values) if highest else min(values)
            left = [c for c, v in zip(left, values, strict=True) if v == target]
            if len(left) == 1:
                break
        return left

    def _record(
        self, purpose: str, among: tuple[str, ...], chosen: int, how: str, stage: int
    ) -> int:
        self.records.append(TieBreak(purpose, among, self.candidates[chosen], how, stage))
        return chosen
