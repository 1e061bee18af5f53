"""Counting engine: ballot profiles, counting rules, outcomes with their rounds and tie-breaks.

Shared contract (read the docstrings of each module):

* `profile.Profile` — distinct ballots × counts (``ranks`` uint8, ``counts`` int64), ``UNRANKED``;
* `outcome.Outcome`, `outcome.Round`, `outcome.TieBreak` — exact results, ``to_json``/``from_json``;
* `lot.Lot` — reproducible lots from a public seed, every draw recorded;
* `registry.count(rule, data, **params)` and `registry.rules()` — rules by name.

Rules are pure functions ``rule(profile, *, seats=1, ..., seed="") -> Outcome``; see
docs/counting.md.
"""

from asamblea.core.tally.lot import Draw, Lot
from asamblea.core.tally.outcome import Number, Outcome, Round, TieBreak
from asamblea.core.tally.profile import EXHAUSTED, TIED, UNRANKED, Profile
from asamblea.core.tally.registry import RuleInfo, UnknownRule, count, rules

__all__ = [
    "EXHAUSTED",
    "TIED",
    "UNRANKED",
    "Draw",
    "Lot",
    "Number",
    "Outcome",
    "Profile",
    "Round",
    "RuleInfo",
    "TieBreak",
    "UnknownRule",
    "count",
    "rules",
]
