"""The registry: every registered rule runs on a profile of its ballot kind and documents itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from asamblea.core.tally import Outcome, Profile, UnknownRule, count, rules
from asamblea.core.tally.majority import YesNo

DOCS = Path(__file__).resolve().parents[3] / "docs" / "counting.md"


def sample(name: str, kind: str) -> object:
    if name == "majority":
        return YesNo(yes=7, no=3, abstain=1, roll=20)
    names = ("Ana", "Beto", "Carla", "Dante")
    if kind == "approval":
        return Profile.from_ballots(names, [((0, 1),), ((2,),), ((1, 3),)], weights=[3, 2, 2])
    ballots = [((0,), (1,), (2,)), ((1,), (2,)), ((2,), (0,)), ((3,),)]
    return Profile.from_ballots(names, ballots, weights=[5, 4, 3, 1])


@pytest.mark.parametrize("info", rules(), ids=lambda info: info.name)
def test_every_rule_counts_and_serialises(info) -> None:
    outcome = count(info.name, sample(info.name, info.ballot), seed="registro")
    assert isinstance(outcome, Outcome)
    assert len(outcome.winners) == 1
    assert Outcome.from_json(outcome.to_json()).to_json() == outcome.to_json()
    assert info.es
    assert info.en


@pytest.mark.parametrize("info", rules(), ids=lambda info: info.name)
def test_every_rule_is_documented(info) -> None:
    assert f"`{info.name}`" in DOCS.read_text(encoding="utf-8")


def test_unknown_rule() -> None:
    with pytest.raises(UnknownRule, match="desconocida"):
        count("borda", None)
