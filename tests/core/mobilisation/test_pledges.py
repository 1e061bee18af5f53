"""Conditional pledges: hand-worked nested thresholds and properties over pledge sequences."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Conflict, Invalid
from asamblea.core.mobilisation.pledges import (
    PledgeBook,
    Scope,
    Thresholds,
    check_thresholds,
    crosses,
    pledge,
    standing,
    withdraw,
)

# Assemblies 1-3 in region 10, 4-5 in region 20, 6 in no region.
REGIONS = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20}


@pytest.mark.parametrize(
    ("thresholds", "counts", "expected"),
    [
        # N only: the first assembly with N pledges triggers.
        (Thresholds(3), {1: 2, 2: 2}, (4, 0, 0, 0, False)),
        (Thresholds(3), {1: 3, 2: 2}, (5, 1, 0, 3, True)),
        # N and M: a region with M met assemblies triggers; unmet ones count nothing upward.
        (Thresholds(2, assemblies=2), {1: 2, 4: 2, 5: 1}, (5, 2, 0, 0, False)),
        (Thresholds(2, assemblies=2), {1: 2, 2: 5, 4: 1}, (8, 2, 1, 7, True)),
        # An assembly in no region never makes a region met.
        (Thresholds(1, assemblies=1), {6: 9}, (9, 1, 0, 0, False)),
        # N and T: only met assemblies' pledges count towards T.
        (Thresholds(3, people=6), {1: 2, 2: 2, 3: 2, 4: 2}, (8, 0, 0, 0, False)),
        (Thresholds(3, people=6), {1: 3, 4: 2, 5: 3}, (8, 2, 0, 6, True)),
        # N, M and T: only met assemblies of met regions count towards T.
        (Thresholds(2, assemblies=2, people=5), {1: 3, 4: 3, 6: 3}, (9, 3, 0, 0, False)),
        (Thresholds(2, assemblies=2, people=5), {1: 3, 2: 2, 4: 3}, (8, 3, 1, 5, True)),
    ],
)
def test_hand_worked_standings(
    thresholds: Thresholds, counts: dict[int, int], expected: tuple[int, int, int, int, bool]
) -> None:
    now = standing(thresholds, counts, REGIONS)
    got = (now.pledges, now.assemblies_met, now.regions_met, now.people_counted, now.triggered)
    assert got == expected
    assert (now.progress == 1.0) == now.triggered


def test_scope_is_the_highest_level_set() -> None:
    assert Thresholds(5).scope is Scope.ASSEMBLY
    assert Thresholds(5, assemblies=3).scope is Scope.REGION
    assert Thresholds(5, people=100).scope is Scope.FEDERATION
    assert Thresholds(5, assemblies=3, people=100).scope is Scope.FEDERATION


@pytest.mark.parametrize(
    "thresholds",
    [Thresholds(0), Thresholds(1, assemblies=0), Thresholds(5, people=4), Thresholds(10**8)],
)
def test_bad_thresholds_refused(thresholds: Thresholds) -> None:
    with pytest.raises(Invalid):
        check_thresholds(thresholds)


def test_seventy_percent_progress() -> None:
    now = standing(Thresholds(10, people=100), {1: 40, 2: 30, 3: 9}, REGIONS)
    assert now.people_counted == 70
    assert now.progress == pytest.approx(0.7)


thresholds_st = st.builds(
    Thresholds,
    members=st.integers(1, 4),
    assemblies=st.none() | st.integers(1, 3),
    people=st.none() | st.integers(4, 12),
)
# An operation: (True, person, assembly) pledges; (False, person, _) withdraws.
ops_st = st.lists(st.tuples(st.booleans(), st.integers(0, 15), st.integers(1, 6)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(thresholds=thresholds_st, ops=ops_st)
def test_pledge_sequences(thresholds: Thresholds, ops: list[tuple[bool, int, int]]) -> None:
    """Counts grow only by pledging; a withdrawal undoes exactly one pledge; nobody counts
    twice; the trigger fires exactly once, at the first moment the oracle says it is met."""
    book = PledgeBook(thresholds, REGIONS)
    live: dict[int, int] = {}  # the test's own record of who pledged where
    fired_times = 0
    for is_pledge, person, assembly in ops:
        before = book.standing()
        if is_pledge:
            if person in live:
                with pytest.raises(Conflict):
                    pledge(book, person, assembly)
                continue
            will_cross = crosses(
                thresholds, book.counts(), REGIONS, assembly, triggered=book.triggered
            )
            book, fired = pledge(book, person, assembly)
            live[person] = assembly
            after = book.standing()
            for name in ("pledges", "assemblies_met", "regions_met", "people_counted"):
                assert getattr(after, name) >= getattr(before, name)
            assert after.progress >= before.progress
            assert fired == will_cross
            fired_times += fired
        else:
            if book.triggered or person not in live:
                with pytest.raises(Conflict):
                    withdraw(book, person)
                continue
            counts_before = book.counts()
            book = withdraw(book, person)
            gone = live.pop(person)
            expected = Counter(counts_before)
            expected[gone] -= 1
            assert book.counts() == {a: n for a, n in expected.items() if n}
        # Nobody counts twice: the counts are exactly the live pledges, one per person.
        assert book.counts() == dict(Counter(live.values()))
        oracle = standing(thresholds, dict(Counter(live.values())), REGIONS).triggered
        if not book.triggered:
            assert not oracle
        assert fired_times == int(book.triggered)
    assert fired_times <= 1


@settings(max_examples=60, deadline=None)
@given(thresholds=thresholds_st, people=st.lists(st.integers(1, 6), max_size=30))
def test_pledge_then_withdraw_restores(thresholds: Thresholds, people: list[int]) -> None:
    """Before the trigger, a pledge followed by its withdrawal leaves the book as it was."""
    book = PledgeBook(thresholds, REGIONS)
    for person, assembly in enumerate(people):
        after, fired = pledge(book, person, assembly)
        if fired:
            break
        assert withdraw(after, person).counts() == book.counts()
        book = after


def test_after_trigger_pledges_are_commitments() -> None:
    book = PledgeBook(Thresholds(2), REGIONS)
    book, fired = pledge(book, 1, 1)
    assert not fired
    book, fired = pledge(book, 2, 1)
    assert fired
    assert book.triggered
    book, fired = pledge(book, 3, 2)
    assert not fired
    assert book.triggered
    with pytest.raises(Conflict):
        withdraw(book, 3)
