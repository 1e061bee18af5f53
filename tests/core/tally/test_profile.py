"""Building profiles: invalid-input policies, the fast path, pairwise matrix, derived profiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.tally import EXHAUSTED, TIED, UNRANKED, Profile
from tests.core.tally.strategies import expand, profiles

U = UNRANKED
ABC = ("A", "B", "C")


def rows_of(profile: Profile) -> dict[tuple[int, ...], int]:
    """Ballot rows → count, for order-free comparisons."""
    pairs = zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True)
    return {tuple(r): int(c) for r, c in pairs}


# Hand-worked: (raw rows, skipped, duplicate, expected rows→count, blank, rejected)
INDEX_CASES = [
    ([[0, 1, 2]], "close_gap", "keep_first", {(0, 1, 2): 1}, 0, {}),
    ([[2, -1, -1]], "close_gap", "keep_first", {(U, U, 0): 1}, 0, {}),
    ([[0, -1, 1]], "close_gap", "keep_first", {(0, 1, U): 1}, 0, {}),
    ([[0, -1, 1]], "exhaust", "keep_first", {(0, U, U): 1}, 0, {}),
    ([[0, -1, 1]], "invalid", "keep_first", {}, 0, {"skipped": 1}),
    ([[-1, 0, 1]], "exhaust", "keep_first", {}, 0, {"no_valid_preference": 1}),
    ([[0, 0, 1]], "close_gap", "keep_first", {(0, 1, U): 1}, 0, {}),
    ([[0, 0, 1]], "close_gap", "exhaust", {(0, U, U): 1}, 0, {}),
    ([[1, 0, 1]], "close_gap", "invalid", {}, 0, {"duplicate": 1}),
    ([[-1, -1, -1], [-1, -1, -1]], "close_gap", "keep_first", {}, 2, {}),
    ([[0, 1, -1], [0, -1, 1], [0, 1, 1]], "close_gap", "keep_first", {(0, 1, U): 3}, 0, {}),
]


@pytest.mark.parametrize(("raw", "skipped", "duplicate", "rows", "blank", "rejected"), INDEX_CASES)
def test_from_indices_policies(  # noqa: PLR0917 - one argument per column of the table
    raw, skipped, duplicate, rows, blank, rejected
) -> None:
    p = Profile.from_indices(ABC, np.array(raw), skipped=skipped, duplicate=duplicate)
    assert rows_of(p) == rows
    assert p.blank == blank
    assert dict(p.rejected) == rejected
    assert p.n_ballots + p.blank + p.invalid == len(raw)


# Hand-worked rank-group ballots: (ballot, overvote, expected row or None, reason)
GROUP_CASES = [
    (((0,), (1,)), "keep", (0, 1, U), ""),
    (((0, 1), (2,)), "keep", (0, 0, 1), ""),
    (((0, 1), (2,)), "exhaust", None, "no_valid_preference"),
    (((2,), (0, 1)), "exhaust", (U, U, 0), ""),
    (((0, 1), (2,)), "skip_rank", (U, U, 0), ""),
    (((0, 1), (2,)), "invalid", None, "overvote"),
    (((0,), (), (2,)), "keep", (0, U, 1), ""),
    (((0,), (0, 1), (2,)), "keep", (0, 1, 2), ""),
    ((), "keep", None, "blank"),
    (((), ()), "keep", None, "blank"),
]


@pytest.mark.parametrize(("ballot", "overvote", "row", "reason"), GROUP_CASES)
def test_from_ballots_policies(ballot, overvote, row, reason) -> None:
    p = Profile.from_ballots(ABC, [ballot], weights=[3], overvote=overvote)
    if row is None:
        assert p.n_unique == 0
        if reason == "blank":
            assert p.blank == 3
        else:
            assert dict(p.rejected) == {reason: 3}
    else:
        assert rows_of(p) == {row: 3}


def test_out_of_range_index_is_an_error() -> None:
    with pytest.raises(ValueError, match="fuera de rango"):
        Profile.from_indices(ABC, np.array([[0, 3, -1]]))
    with pytest.raises(ValueError, match="fuera de rango"):
        Profile.from_ballots(ABC, [((5,),)])


def test_profile_arrays_are_read_only() -> None:
    p = Profile.from_indices(ABC, np.array([[0, 1, 2]]))
    with pytest.raises(ValueError, match="read-only"):
        p.ranks[0, 0] = 2


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.lists(st.integers(-1, n - 1), min_size=n, max_size=n), min_size=1, max_size=30
            ),
        )
    ),
    st.sampled_from(["close_gap", "exhaust", "invalid"]),
    st.sampled_from(["keep_first", "exhaust", "invalid"]),
)
def test_fast_path_agrees_with_rank_groups(case, skipped, duplicate) -> None:
    """The vectorised index path and the per-ballot rank-group path give the same profile."""
    n, raw = case
    names = tuple(f"c{i}" for i in range(n))
    fast = Profile.from_indices(names, np.array(raw), skipped=skipped, duplicate=duplicate)
    groups = [tuple((c,) if c >= 0 else () for c in row) for row in raw]
    slow = Profile.from_ballots(names, groups, skipped=skipped, duplicate=duplicate)
    assert rows_of(fast) == rows_of(slow)
    assert fast.blank == slow.blank
    assert dict(fast.rejected) == dict(slow.rejected)


def test_weights_on_the_fast_path() -> None:
    raw = np.array([[0, 1, -1], [0, 1, -1], [2, 0, 1]])
    p = Profile.from_indices(ABC, raw, weights=np.array([2, 3, 7]))
    assert rows_of(p) == {(0, 1, U): 5, (1, 2, 0): 7}


def test_many_rows_group_to_few() -> None:
    rng = np.random.default_rng(7)
    raw = rng.integers(-1, 4, size=(200_000, 3)).astype(np.int8)
    p = Profile.from_indices(("A", "B", "C", "D"), raw)
    assert p.n_ballots + p.blank + p.invalid == 200_000
    assert p.n_unique <= 5**3


@settings(max_examples=80, deadline=None)
@given(profiles())
def test_pairwise_matches_voter_by_voter_count(profile: Profile) -> None:
    voters = expand(profile).astype(int)
    n = profile.n_candidates
    naive = [[int((voters[:, i] < voters[:, j]).sum()) for j in range(n)] for i in range(n)]
    assert profile.pairwise().tolist() == naive


def test_pairwise_with_many_equal_counts() -> None:
    """Runs of equal counts take the count_nonzero path; rare counts the weighted path."""
    rng = np.random.default_rng(3)
    raw = np.argsort(rng.random((30_000, 8)), axis=1)[:, :6].astype(np.int8)
    raw = np.concatenate([raw, np.repeat(raw[:40], 3000, axis=0)])
    p = Profile.from_indices(tuple("ABCDEFGH"), raw)
    assert np.bincount(p.counts).max() >= 2048  # a run of equal counts exists
    r = p.ranks.astype(np.int64)
    naive = [[int((p.counts * (r[:, i] < r[:, j])).sum()) for j in range(8)] for i in range(8)]
    assert p.pairwise().tolist() == naive


def test_top_choices_and_first_preferences() -> None:
    p = Profile.from_ballots(ABC, [((0,), (1,)), ((1, 2),), ((2,),)], weights=[4, 2, 1])
    tops = dict(zip(map(tuple, p.ranks.tolist()), p.top_choices().tolist(), strict=True))
    assert tops[(0, 1, U)] == 0
    assert tops[(U, 0, 0)] == TIED
    only_b = p.top_choices([False, False, True])
    assert sorted(only_b.tolist()) == sorted([EXHAUSTED, 2, 2])
    assert p.first_preferences().tolist() == [4, 0, 1]
    assert p.first_preferences([False, True, True]).tolist() == [0, 4, 1]


OVERVOTE_CASES = [
    ("exhaust", {(0, U, U): 1}, {"overvote": 1}),
    ("skip_rank", {(0, U, U): 1, (U, U, 0): 1}, {}),
    ("invalid", {}, {"overvote": 2}),
]


@pytest.mark.parametrize(("policy", "rows", "rejected"), OVERVOTE_CASES)
def test_with_overvotes(policy, rows, rejected) -> None:
    p = Profile.from_ballots(ABC, [((0,), (1, 2)), ((0, 1), (2,))])
    q = p.with_overvotes(policy)
    assert rows_of(q) == rows
    assert dict(q.rejected) == rejected
    assert not q.has_ties


def test_without_moves_preferences_up() -> None:
    p = Profile.from_ballots(ABC, [((1,), (0,)), ((1,),), ((0,), (2,))], weights=[1, 2, 3])
    q = p.without(["B"])
    assert q.candidates == ("A", "C")
    assert rows_of(q) == {(0, U): 1, (0, 1): 3}
    assert dict(q.rejected) == {"no_valid_preference": 2}


def test_rank_groups_round_trip() -> None:
    ballots = [((0,), (1, 2)), ((2,),), ((1,), (0,), (2,))]
    p = Profile.from_ballots(ABC, ballots, weights=[1, 2, 3])
    again = Profile.from_ballots(
        ABC, [g for g, _ in p.rank_groups()], weights=[c for _, c in p.rank_groups()]
    )
    assert rows_of(again) == rows_of(p)


def test_zero_weights_leave_no_rows() -> None:
    p = Profile.from_indices(ABC, np.array([[0, 1, 2], [2, 1, 0]]), weights=np.array([0, 4]))
    assert rows_of(p) == {(2, 1, 0): 4}


def test_building_a_profile_leaves_the_callers_arrays_writable() -> None:
    ranks = np.array([[0, 1, 255]], dtype=np.uint8)
    counts = np.array([2], dtype=np.int64)
    p = Profile(ABC, ranks, counts)
    ranks[0, 0] = 1  # the caller's array is still theirs
    assert not p.ranks.flags.writeable
    assert Profile.from_rankings(ABC, [[2, 0], [2, 0]]).counts.tolist() == [2]


@pytest.mark.parametrize("weighted", [False, True])
def test_rows_too_wide_for_one_key_take_the_general_path(weighted: bool) -> None:
    """30 candidates × 15 positions do not fit in 63 bits: np.unique(axis=0) groups them."""
    rng = np.random.default_rng(11)
    raw = rng.integers(-1, 30, size=(400, 15))
    raw = np.concatenate([raw, raw[:100]])  # some repeated ballots
    weights = rng.integers(1, 5, size=raw.shape[0]) if weighted else None
    names = tuple(f"c{i}" for i in range(30))
    fast = Profile.from_indices(names, raw, weights=weights)
    groups = [tuple((c,) if c >= 0 else () for c in row) for row in raw.tolist()]
    slow = Profile.from_ballots(
        names, groups, weights=None if weights is None else weights.tolist()
    )
    assert rows_of(fast) == rows_of(slow)
    assert fast.blank == slow.blank
