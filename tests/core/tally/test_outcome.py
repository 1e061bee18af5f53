"""Outcomes serialise to JSON with exact numbers and read back equal."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from asamblea.core.tally import Outcome, Round, TieBreak
from asamblea.core.tally.outcome import number_from_json, number_to_json


@pytest.mark.parametrize(
    ("value", "text"),
    [(7, "7"), (Fraction(7, 3), "7/3"), (Fraction(4, 2), "2"), (Decimal("12.34560"), "12.34560")],
)
def test_numbers_are_exact_strings(value, text) -> None:
    assert number_to_json(value) == text
    assert number_from_json(text) == value


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        number_to_json(0.1)  # type: ignore[arg-type]


def test_round_trip() -> None:
    outcome = Outcome(
        rule="stv",
        candidates=("A", "B"),
        winners=("A",),
        ranking=(("A",), ("B",)),
        rounds=(
            Round(
                1,
                {"A": Decimal("10.00000"), "B": Fraction(5, 3)},
                exhausted=Decimal("0.5"),
                elected=("A",),
                quota=Decimal("7.00001"),
            ),
        ),
        tie_breaks=(TieBreak("eliminate", ("A", "B"), "B", "lot", 1),),
        seed="s",
        details={"draws": [{"counter": 0}], "quota": Fraction(1, 3)},
        valid=15,
        blank=1,
        invalid=2,
    )
    text = json.dumps(outcome.to_json())
    back = Outcome.from_json(json.loads(text))
    assert back.rounds == outcome.rounds
    assert back.tie_breaks == outcome.tie_breaks
    assert back.to_json() == outcome.to_json()
    assert back.winners == ("A",)
