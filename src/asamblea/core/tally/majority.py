"""Yes/no votes on a motion: quorum and majority thresholds (mayoría simple, absoluta, 2/3).

Counts (`YesNo`): ``yes``, ``no``, ``abstain`` (a ballot that deliberately takes no side),
``blank`` and ``invalid`` ballots, and the size of the ``roll`` (padrón) when known. A single-choice
`Profile` is accepted too (how the bulletin board re-counts a motion): its first option is *yes*,
its second *no*, an optional third *abstain*; a ballot marking several options is invalid, and
the roll comes from the ``roll`` parameter.
*Participation* = yes + no + abstain + blank + invalid (everyone who cast a ballot).

Quorum: ``quorum`` is a share of the roll (a `Fraction`, e.g. ``Fraction(1, 2)``); it is met when
participation ≥ quorum × roll. Without quorum the motion is neither passed nor rejected (no
winners, ``details["quorum_met"] = False``).

Thresholds (the motion passes when the condition holds; ``details["required"]`` is the least
number of yes votes that would pass it with the other counts unchanged):

* ``"simple"`` — more yes than no: yes > no. Abstentions, blank and invalid do not count.
* ``"majority_of_cast"`` — more than half of the yes/no/abstain votes: yes > no + abstain.
* ``"absolute"`` — more than half of the roll: yes > roll / 2 (needs ``roll``).
* ``"two_thirds"`` — at least two-thirds of the yes and no votes: 3·yes ≥ 2·(yes + no),
  i.e. yes ≥ 2·no (and at least one yes).
* ``"two_thirds_of_roll"`` — at least two-thirds of the roll: 3·yes ≥ 2·roll.

All arithmetic is on integers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from asamblea.core.tally.aggregation import sum_by
from asamblea.core.tally.outcome import Outcome, Round
from asamblea.core.tally.profile import Profile

__all__ = ["ABSTAIN", "NO", "THRESHOLDS", "YES", "Threshold", "YesNo", "majority"]

YES = "sí"
NO = "no"
ABSTAIN = "abstención"

Threshold = Literal["simple", "majority_of_cast", "absolute", "two_thirds", "two_thirds_of_roll"]


@dataclass(frozen=True)
class YesNo:
    """The counts of a yes/no vote."""

    yes: int
    no: int
    abstain: int = 0
    blank: int = 0
    invalid: int = 0
    roll: int | None = None

    def __post_init__(self) -> None:
        values = (self.yes, self.no, self.abstain, self.blank, self.invalid)
        if any(v < 0 for v in values):
            raise ValueError("los conteos no pueden ser negativos")
        if self.roll is not None and self.roll < self.participation:
            raise ValueError("hay más papeletas que personas en el padrón")

    @property
    def participation(self) -> int:
        """Everyone who cast a ballot: yes + no + abstain + blank + invalid."""
        return self.yes + self.no + self.abstain + self.blank + self.invalid


def _need_roll(votes: YesNo) -> int:
    if votes.roll is None:
        raise ValueError("este umbral necesita el tamaño del padrón (roll)")
    return votes.roll


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


THRESHOLDS: dict[str, Callable[[YesNo], int]] = {
    "simple": lambda v: v.no + 1,
    "majority_of_cast": lambda v: v.no + v.abstain + 1,
    "absolute": lambda v: _need_roll(v) // 2 + 1,
    "two_thirds": lambda v: max(2 * v.no, 1),
    "two_thirds_of_roll": lambda v: max(_ceil_div(2 * _need_roll(v), 3), 1),
}
"""Least number of yes votes that passes the motion, per threshold (see the module docstring)."""


def _quorum_met(votes: YesNo, quorum: Fraction | None) -> bool:
    if quorum is None:
        return True
    if not 0 <= quorum <= 1:
        raise ValueError("el quórum es una fracción del padrón entre 0 y 1")
    roll = _need_roll(votes)
    return votes.participation * quorum.denominator >= quorum.numerator * roll


def _from_profile(profile: Profile, roll: int | None) -> YesNo:
    """Yes/no/abstain counts from a single-choice profile (options in that order)."""
    if profile.n_candidates not in (2, 3):
        raise ValueError("una votación sí/no tiene las opciones sí, no y (opcional) abstención")
    first = profile.ranks == 0
    single = first.sum(axis=1) == 1
    votes = sum_by(first[single].argmax(axis=1), profile.counts[single], 3).tolist()
    overvotes = int(profile.counts[~single].sum())
    return YesNo(
        yes=votes[0],
        no=votes[1],
        abstain=votes[2],
        blank=profile.blank,
        invalid=profile.invalid + overvotes,
        roll=roll,
    )


def majority(
    votes: YesNo | Profile,
    *,
    threshold: Threshold = "simple",
    quorum: Fraction | None = None,
    roll: int | None = None,
    seats: int = 1,
    seed: str = "",
) -> Outcome:
    """Decide a motion. Winners: the yes option if it passes, the no option if it fails, none
    if the quorum is not met. `roll` overrides the roll of `votes`. `seats` and `seed` exist for
    the common signature (one seat; no lot is ever needed)."""
    if seats != 1:
        raise ValueError("una votación sí/no tiene un solo resultado")
    if threshold not in THRESHOLDS:
        raise ValueError(f"umbral desconocido: {threshold!r}")
    names: tuple[str, ...] = (YES, NO, ABSTAIN)
    if isinstance(votes, Profile):
        names = (*votes.candidates, ABSTAIN)[:3]
        votes = _from_profile(votes, roll)
    elif roll is not None:
        votes = replace(votes, roll=roll)
    quorum = None if quorum is None else Fraction(quorum)
    required = THRESHOLDS[threshold](votes)
    met = _quorum_met(votes, quorum)
    passed = met and votes.yes >= required
    winners = (names[0],) if passed else ((names[1],) if met else ())
    tallies = {names[0]: votes.yes, names[1]: votes.no, names[2]: votes.abstain}
    return Outcome(
        rule="majority",
        candidates=names,
        winners=winners,
        ranking=None,
        rounds=(Round(1, tallies, note=f"umbral {threshold}"),),
        seed=seed,
        details={
            "threshold": threshold,
            "required": required,
            "passed": passed,
            "quorum": None if quorum is None else quorum,
            "quorum_met": met,
            "participation": votes.participation,
            "roll": votes.roll,
            "abstain": votes.abstain,
        },
        valid=votes.yes + votes.no + votes.abstain,
        blank=votes.blank,
        invalid=votes.invalid,
    )
