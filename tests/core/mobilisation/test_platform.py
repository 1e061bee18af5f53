"""The unified platform: merging with history kept, and support counted once per assembly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Conflict, Invalid
from asamblea.core.mobilisation.platform import (
    MAX_MERGED,
    Merge,
    check_merge,
    fold,
    fold_group,
    history,
    represented,
    support,
)

AT = datetime(2026, 12, 6, tzinfo=UTC)
# National 1; regions 2 and 3; district 4 under 2; bases 5, 6 under 4, 7 under 2, 8 under 3.
PARENTS: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2, 5: 4, 6: 4, 7: 2, 8: 3}
BASES = {5: 40, 6: 30, 7: 45, 8: 25}


def test_represented_sums_bases_upward() -> None:
    found = represented(PARENTS, BASES)
    assert found == {1: 140, 2: 115, 3: 25, 4: 70, 5: 40, 6: 30, 7: 45, 8: 25}


@pytest.mark.parametrize(
    ("backers", "counted", "members"),
    [
        ({5}, (5,), 40),
        ({5, 6}, (5, 6), 70),
        ({4, 5, 6}, (4,), 70),  # the district covers its bases: no member twice
        ({2, 5, 8}, (2, 8), 140),
        ({1, 2, 3, 5}, (1,), 140),
        (set(), (), 0),
    ],
)
def test_support_hand_worked(backers: set[int], counted: tuple[int, ...], members: int) -> None:
    found = support(backers, PARENTS, represented(PARENTS, BASES))
    assert found.assemblies == tuple(sorted(backers))
    assert found.counted == counted
    assert found.members == members


def test_check_merge_refusals() -> None:
    assert check_merge(1, [3, 2, 3], {1, 2, 3}, set()) == (2, 3)
    with pytest.raises(Invalid):
        check_merge(1, [], {1, 2}, set())
    with pytest.raises(Invalid):
        check_merge(1, [1, 2], {1, 2}, set())
    with pytest.raises(Invalid):  # 9 is not an open point of this platform
        check_merge(1, [9], {1, 2}, set())
    with pytest.raises(Invalid):
        check_merge(1, list(range(2, MAX_MERGED + 3)), set(range(1, MAX_MERGED + 3)), set())
    with pytest.raises(Conflict):
        check_merge(1, [2], {1, 2, 3}, {2})


def test_fold_and_history_keep_every_point() -> None:
    first = Merge(1, (2, 3), vote_id=10, at=AT)
    second = Merge(4, (1,), vote_id=11, at=AT)
    groups = fold([1, 2, 3, 4, 5], [first, second])
    assert groups == {4: frozenset({1, 2, 3, 4}), 5: frozenset({5})}
    assert history(4, [first, second]) == [first, second]
    assert history(1, [first, second]) == [first]
    assert fold_group(5, [first, second]) == frozenset({5})
    with pytest.raises(Conflict):
        fold([1, 2], [Merge(1, (2,), 1, AT), Merge(3, (2,), 2, AT)])


# Trees: each node's parent is a smaller id (or none), so there is no cycle.
trees = st.integers(min_value=1, max_value=25).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(min_value=0, max_value=n), min_size=n, max_size=n),
        st.lists(st.integers(min_value=0, max_value=60), min_size=n, max_size=n),
    )
)


def _tree(
    drawn: tuple[int, list[int], list[int]],
) -> tuple[dict[int, int | None], dict[int, int]]:
    n, parents, sizes = drawn
    parent_of: dict[int, int | None] = {
        i: (parents[i] % i if i and parents[i] % (i + 1) else None) for i in range(n)
    }
    has_child = {p for p in parent_of.values() if p is not None}
    bases = {i: sizes[i] for i in range(n) if i not in has_child}
    return parent_of, bases


@settings(max_examples=80, deadline=None)
@given(trees, st.data())
def test_support_never_double_counts(
    drawn: tuple[int, list[int], list[int]], data: st.DataObject
) -> None:
    parent_of, bases = _tree(drawn)
    nodes = sorted(parent_of)
    backers = data.draw(st.lists(st.sampled_from(nodes), max_size=3 * len(nodes)))
    found = support(backers, parent_of, represented(parent_of, bases))
    # every assembly once, however many times it backs the point
    assert len(found.assemblies) == len(set(backers)) == len(set(found.assemblies))
    # the members counted are exactly those of the distinct base assemblies covered
    covered = {
        b
        for b in bases
        if b in found.assemblies or any(a in found.assemblies for a in _above(b, parent_of))
    }
    assert found.members == sum(bases[b] for b in covered)
    # backing it again, or adding a backer, never lowers the count
    more = data.draw(st.sampled_from(nodes))
    again = support([*backers, more], parent_of, represented(parent_of, bases))
    assert again.members >= found.members


def _above(node: int, parent_of: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    current = parent_of[node]
    while current is not None:
        found.add(current)
        current = parent_of[current]
    return found


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.data())
def test_merges_preserve_total_history(points: int, data: st.DataObject) -> None:
    """Whatever merges pass (each on points still standing), every point stays in exactly one
    standing point's group, and every merge stays in the history of exactly one standing point."""
    ids = list(range(points))
    merges: list[Merge] = []
    for vote in range(data.draw(st.integers(min_value=0, max_value=points))):
        standing = sorted(fold(ids, merges))
        if len(standing) < 2:
            break
        into = data.draw(st.sampled_from(standing))
        others = [p for p in standing if p != into]
        chosen = data.draw(st.lists(st.sampled_from(others), min_size=1, unique=True))
        merged = check_merge(into, chosen, standing, set())
        merges.append(Merge(into, merged, vote, AT))
    groups = fold(ids, merges)
    assert sorted(p for group in groups.values() for p in group) == ids
    assert len(groups) == points - sum(len(m.merged) for m in merges)
    kept = [m for root in groups for m in history(root, merges)]
    assert sorted(m.vote_id for m in kept) == [m.vote_id for m in merges]
    for root, group in groups.items():
        assert fold_group(root, merges) == group
