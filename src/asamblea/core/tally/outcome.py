"""The result of a count: winners, optional full ranking, rounds, tie-breaks. Shared contract.

Contract
--------
* Every number is exact: ``int``, ``fractions.Fraction`` or ``decimal.Decimal`` (Scottish STV's
  5-decimal values). Never ``float``.
* ``Round(number, tallies, exhausted, elected, eliminated, note, quota)``: ``tallies`` maps each
  candidate name still shown in that round to its votes *at the end of* that round's transfers
  (STV: the stage's totals); ``exhausted`` is the non-transferable / exhausted total so far;
  ``elected`` / ``eliminated`` are the names decided in that round.
* ``TieBreak(purpose, among, chosen, method, round)``: every tie the rule had to break, how
  (``"earlier_rounds"``, ``"lot"``, ``"schulze_tbrl"``, ``"candidate_order"``…) and the outcome.
  Lot draws also appear, in full, in ``details["draws"]`` (see `asamblea.core.tally.lot`).
* ``Outcome(rule, candidates, winners, ranking, rounds, tie_breaks, seed, details, valid, blank,
  invalid)``; ``to_json()`` gives plain JSON types with exact numbers as strings (``"7"``,
  ``"7/3"``, ``"12.34567"``); ``Outcome.from_json`` reads it back (an int string stays int, a
  string with ``/`` becomes Fraction, with ``.`` Decimal), so a verifier can compare outcomes
  with ``==``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = ["Number", "Outcome", "Round", "TieBreak", "number_from_json", "number_to_json"]

Number = int | Fraction | Decimal
JSON = dict[str, Any]


def number_to_json(value: Number) -> str:
    """Exact string for a number: ``"3"``, ``"7/2"`` or ``"1.50000"``."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction | Decimal):
        raise TypeError(f"no es un número exacto: {value!r}")
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    return str(value)


def number_from_json(text: str) -> Number:
    """Inverse of `number_to_json`."""
    if "/" in text:
        return Fraction(text)
    if "." in text or "E" in text.upper():
        return Decimal(text)
    return int(text)


def _plain(value: Any) -> Any:
    """Recursively turn exact numbers into strings and tuples into lists (for `details`)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Fraction | Decimal):
        return number_to_json(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"valor no serializable en el resultado: {value!r}")


@dataclass(frozen=True)
class Round:
    """One round (stage) of a count."""

    number: int
    tallies: Mapping[str, Number]
    exhausted: Number = 0
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    note: str = ""
    quota: Number | None = None

    def to_json(self) -> JSON:
        """Plain-JSON form with exact numbers as strings."""
        return {
            "number": self.number,
            "tallies": {k: number_to_json(v) for k, v in self.tallies.items()},
            "exhausted": number_to_json(self.exhausted),
            "elected": list(self.elected),
            "eliminated": list(self.eliminated),
            "note": self.note,
            "quota": None if self.quota is None else number_to_json(self.quota),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Round:
        """Inverse of `to_json`."""
        quota = data.get("quota")
        return cls(
            number=int(data["number"]),
            tallies={k: number_from_json(v) for k, v in data["tallies"].items()},
            exhausted=number_from_json(data["exhausted"]),
            elected=tuple(data["elected"]),
            eliminated=tuple(data["eliminated"]),
            note=str(data.get("note", "")),
            quota=None if quota is None else number_from_json(quota),
        )


@dataclass(frozen=True)
class TieBreak:
    """A tie the rule broke: among whom, for what, how, and who was chosen."""

    purpose: str
    among: tuple[str, ...]
    chosen: str
    method: str
    round: int | None = None

    def to_json(self) -> JSON:
        """Plain-JSON form."""
        return {
            "purpose": self.purpose,
            "among": list(self.among),
            "chosen": self.chosen,
            "method": self.method,
            "round": self.round,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TieBreak:
        """Inverse of `to_json`."""
        rnd = data.get("round")
        return cls(
            purpose=str(data["purpose"]),
            among=tuple(data["among"]),
            chosen=str(data["chosen"]),
            method=str(data["method"]),
            round=None if rnd is None else int(rnd),
        )


@dataclass(frozen=True)
class Outcome:
    """What a counting rule returns. See the module docstring for the contract."""

    rule: str
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    ranking: tuple[tuple[str, ...], ...] | None = None
    rounds: tuple[Round, ...] = ()
    tie_breaks: tuple[TieBreak, ...] = ()
    seed: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    valid: Number = 0
    blank: int = 0
    invalid: int = 0

    def to_json(self) -> JSON:
        """A JSON-serialisable dict; exact numbers are strings."""
        return {
            "rule": self.rule,
            "candidates": list(self.candidates),
            "winners": list(self.winners),
            "ranking": None if self.ranking is None else [list(g) for g in self.ranking],
            "rounds": [r.to_json() for r in self.rounds],
            "tie_breaks": [t.to_json() for t in self.tie_breaks],
            "seed": self.seed,
            "details": _plain(self.details),
            "valid": number_to_json(self.valid),
            "blank": self.blank,
            "invalid": self.invalid,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        """Read back `to_json` output. `details` stay as plain JSON (numbers as strings); compare
        `to_json()` forms when details matter."""
        ranking = data.get("ranking")
        return cls(
            rule=str(data["rule"]),
            candidates=tuple(data["candidates"]),
            winners=tuple(data["winners"]),
            ranking=None if ranking is None else tuple(tuple(g) for g in ranking),
            rounds=tuple(Round.from_json(r) for r in data.get("rounds", ())),
            tie_breaks=tuple(TieBreak.from_json(t) for t in data.get("tie_breaks", ())),
            seed=data.get("seed"),
            details=dict(data.get("details", {})),
            valid=number_from_json(str(data.get("valid", "0"))),
            blank=int(data.get("blank", 0)),
            invalid=int(data.get("invalid", 0)),
        )
