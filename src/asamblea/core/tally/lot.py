"""Drawing lots from a public seed, reproducibly, with every draw recorded. Shared contract.

Contract
--------
``lot = Lot(seed)``; ``lot.choose(among, purpose)`` returns one of ``among`` (names, in the order
the caller gives — always ballot-paper order in our rules); ``lot.order(among, purpose)`` returns
``among`` in a drawn order (one draw per position). ``lot.draws`` is the tuple of `Draw` records;
put ``[d.to_json() for d in lot.draws]`` in ``Outcome.details["draws"]`` and the seed in
``Outcome.seed``.

The draw: for the k-th attempt (a counter shared by the whole count, starting at 0),
``x = int.from_bytes(SHA-256(f"{seed}|{purpose}|{k}".encode("utf-8")), "big")``; with
``n = len(among)`` and ``limit = 2**256 - 2**256 % n``, if ``x < limit`` the chosen index is
``x % n``, otherwise the attempt is rejected and the counter moves on (rejection sampling, so every
candidate is exactly equally likely). Anyone can repeat it with ``sha256sum``. The `random` module
is not used.

Publish the seed only after the vote has closed (e.g. drawn in the assembly, or a later lottery
result); a seed known in advance lets nobody change a count but lets people predict a tie-break.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Draw", "Lot", "draw_index"]

_SPACE = 1 << 256


def draw_index(seed: str, purpose: str, counter: int, n: int) -> int | None:
    """The index chosen by attempt `counter`, or None when the attempt is rejected."""
    if n < 1:
        raise ValueError("no se puede sortear entre cero opciones")
    digest = hashlib.sha256(f"{seed}|{purpose}|{counter}".encode()).digest()
    x = int.from_bytes(digest, "big")
    if x >= _SPACE - _SPACE % n:
        return None
    return x % n


@dataclass(frozen=True)
class Draw:
    """One recorded draw: what for, among whom, the counter values used, who was chosen."""

    purpose: str
    among: tuple[str, ...]
    chosen: str
    counter: int
    attempts: int = 1

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "purpose": self.purpose,
            "among": list(self.among),
            "chosen": self.chosen,
            "counter": self.counter,
            "attempts": self.attempts,
        }


@dataclass
class Lot:
    """A reproducible sequence of draws from one public seed."""

    seed: str
    counter: int = 0
    _draws: list[Draw] = field(default_factory=list)

    @property
    def draws(self) -> tuple[Draw, ...]:
        """Every draw made so far, in order."""
        return tuple(self._draws)

    def choose(self, among: Sequence[str], purpose: str) -> str:
        """Draw one of `among` (needs at least one; a single option is returned without a draw)."""
        options = tuple(among)
        if len(options) == 1:
            return options[0]
        start = self.counter
        while True:
            index = draw_index(self.seed, purpose, self.counter, len(options))
            self.counter += 1
            if index is not None:
                break
        chosen = options[index]
        self._draws.append(Draw(purpose, options, chosen, start, self.counter - start))
        return chosen

    def order(self, among: Sequence[str], purpose: str) -> tuple[str, ...]:
        """`among` in a drawn order: the first position is drawn among all, and so on."""
        left = list(among)
        out: list[str] = []
        while left:
            chosen = self.choose(left, purpose)
            out.append(chosen)
            left.remove(chosen)
        return tuple(out)

    def draws_json(self) -> list[dict[str, Any]]:
        """The draws as plain JSON, for ``Outcome.details["draws"]``."""
        return [d.to_json() for d in self._draws]
