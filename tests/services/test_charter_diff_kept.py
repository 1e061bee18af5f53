"""Each pair of versions is diffed once and kept (issue 10, finding 1): asking again for the same
comparison — the page, the API, a reload, another person — does not diff again."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session

from asamblea.core import charter as rules
from asamblea.core.charter import ARTICLE_TEXT_MAX, Segment
from asamblea.services import charter
from tests.services.test_charter import founded

N = ARTICLE_TEXT_MAX
WORST = (("a " * N)[:N], ("b a " * N)[:N])


@pytest.fixture
def diffs_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """Every pair the real diff is run on (the cache starts empty)."""
    made: list[tuple[str, str]] = []
    real: Callable[[str, str], list[Segment]] = rules.diff_words

    def counted(old: str, new: str) -> list[Segment]:
        made.append((old, new))
        return real(old, new)

    monkeypatch.setattr(rules, "diff_words", counted)
    charter.word_diff.cache_clear()
    yield made
    charter.word_diff.cache_clear()


def test_a_pair_is_diffed_once(diffs_made: list[tuple[str, str]]) -> None:
    first = charter.word_diff(*WORST)
    again = charter.word_diff("".join(list(WORST[0])), "".join(list(WORST[1])))  # other objects
    assert again is first
    assert diffs_made == [WORST]
    assert rules.apply_diff(WORST[0], first[0]) == WORST[1]


def test_comparing_versions_twice_diffs_once(
    db: Session, diffs_made: list[tuple[str, str]]
) -> None:
    _, _, charter_id = founded(db)
    one = charter.compare_versions(db, charter_id, 2, 1, 1)
    two = charter.compare_versions(db, charter_id, 2, 1, 1)
    assert (one.segments, one.html) == (two.segments, two.html)
    assert len(diffs_made) == 1
