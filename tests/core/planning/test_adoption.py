"""How a base assembly adopts its targets: the vote's question lists them (and always fits the
votes machinery), one draft under vote at a time, adopted targets are final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asamblea.core.errors import Conflict
from asamblea.core.planning.adoption import (
    QUESTION_MAX,
    DraftState,
    check_can_draft,
    state_after_vote,
    targets_question,
)
from asamblea.core.votes import QUESTION_MAX as VOTES_QUESTION_MAX
from asamblea.core.votes import Mode, make_spec

DIGEST = "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("levels", "changes", "expected"),
    [
        ({"maiz": 10.0, "pan": 20.5}, {}, "maiz: 10; pan: 20.5"),
        ({"pan": 0.125}, {"maiz": 5.0}, "maiz: +5 %; pan: 0.125"),  # in the round's order
        ({}, {"maiz": -12.5}, "maiz: -12.5 %"),
        ({"maiz": 1_500_000.0}, {}, "maiz: 1500000"),  # no exponent
        ({"maiz": 0.0000001}, {}, "maiz: 1e-07"),  # too small for six decimals
    ],
)
def test_the_question_lists_the_targets(
    levels: dict[str, float], changes: dict[str, float], expected: str
) -> None:
    question = targets_question("Plan  de la\naldea", ["maiz", "pan"], levels, changes, DIGEST)
    assert question == f"¿Adoptamos estas metas para «Plan de la aldea»? {expected}"


def test_a_long_list_is_cut_with_how_many_more_and_the_code() -> None:
    goods = [f"producto número {i}" for i in range(40)]
    levels = {g: 1000.0 + i for i, g in enumerate(goods)}
    question = targets_question("Plan nacional", goods, levels, {}, DIGEST)
    assert len(question) <= QUESTION_MAX
    assert question.startswith(
        "¿Adoptamos estas metas para «Plan nacional»? producto número 0: 1000"
    )
    shown = question.count(": ")
    assert shown > 3
    assert question.endswith(f" … y {40 - shown} más (código {DIGEST[:12]})")


def test_a_long_title_is_shortened_before_the_targets_go() -> None:
    goods = [f"bien {i}" for i in range(30)]
    question = targets_question("T" * 200, goods, dict.fromkeys(goods, 3.0), {}, DIGEST)
    assert len(question) <= QUESTION_MAX
    title = question.split("«")[1].split("»")[0]
    assert title.endswith("…")
    assert title.startswith("T" * 100)
    assert "bien 0: 3; bien 1: 3" in question
    short = targets_question("T" * 200, ["pan"], {"pan": 3.0}, {}, DIGEST)
    assert short == f"¿Adoptamos estas metas para «{'T' * 200}»? pan: 3"  # it all fits


@given(
    title=st.text(min_size=1, max_size=200),
    names=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=40, unique=True),
    value=st.floats(min_value=0, max_value=1e15, allow_nan=False),
)
def test_every_question_is_a_valid_vote_question(
    title: str, names: list[str], value: float
) -> None:
    question = targets_question(title, names, dict.fromkeys(names, value), {}, DIGEST)
    assert len(question) <= QUESTION_MAX
    opens = datetime(2026, 11, 28, tzinfo=UTC)
    spec = make_spec(
        question=question,
        options=[],
        rule="majority",
        seats=1,
        threshold="simple",
        quorum_percent=50,
        mode=Mode.SECRET,
        public=True,
        opens_at=opens,
        closes_at=opens + timedelta(days=7),
    )
    assert spec.question == question  # nothing is lost when the vote normalises it


def test_the_limit_is_the_votes_limit() -> None:
    assert QUESTION_MAX == VOTES_QUESTION_MAX


def test_one_draft_under_vote_at_a_time_and_adopted_targets_are_final() -> None:
    check_can_draft([])
    check_can_draft([DraftState.REJECTED, DraftState.REJECTED])
    for states in ([DraftState.VOTING], [DraftState.REJECTED, DraftState.ADOPTED]):
        with pytest.raises(Conflict):
            check_can_draft(states)
    assert state_after_vote(True) is DraftState.ADOPTED
    assert state_after_vote(False) is DraftState.REJECTED
