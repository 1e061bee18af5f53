"""The charter's word diff is exact and bounded (issue 10, finding 1).

Exact: replaying the diff on the old text gives the new one, and the old parts give the old text,
for any pair of texts (hypothesis). Bounded: two 20,000-character wordings built to be the worst
case for a longest-common-subsequence search are compared in well under a second of CPU (the
quadratic diff it replaced took minutes; benchmarks/bench_diff.py measures the figure).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core import charter as c
from asamblea.core.charter import ARTICLE_TEXT_MAX, DiffOp
from asamblea.core.errors import Invalid

# Words, spaces, punctuation, accents, markup and private-use code points (the diff's own
# encoding uses those planes internally: text holding them must still come back exactly).
PRIVATE_USE = "\U000f0001"
alphabet = st.sampled_from(["a", "b", "el", "agua", " ", "\n", ",", ".", "ñ", "<", PRIVATE_USE])
texts = st.lists(alphabet, max_size=80).map("".join)


def _check(old: str, new: str) -> None:
    segments = c.diff_words(old, new)
    assert c.apply_diff(old, segments) == new
    assert "".join(s.old for s in segments) == old
    for s in segments:
        assert (s.op is DiffOp.EQUAL) == (s.old == s.new)
        assert s.op is not DiffOp.INSERT or not s.old
        assert s.op is not DiffOp.DELETE or not s.new
        assert s.text


@settings(max_examples=150, deadline=None)
@given(texts, texts)
def test_applying_the_diff_gives_both_texts(old: str, new: str) -> None:
    _check(old, new)


@settings(max_examples=60, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6), texts), max_size=6))
def test_edited_texts_round_trip(old: str, edits: list[tuple[int, int, str]]) -> None:
    """Near-identical pairs (a few cuts and insertions), the usual shape of an amendment."""
    new = old
    for position, cut, put in edits:
        at = min(position, len(new))
        new = new[:at] + put + new[at + cut :]
    _check(old, new)


@contextmanager
def _at_most(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging for minutes) when the block runs longer than ``seconds``."""

    def _stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_worst_case_wordings_are_bounded() -> None:
    old = ("a " * ARTICLE_TEXT_MAX)[:ARTICLE_TEXT_MAX]
    new = ("b a " * ARTICLE_TEXT_MAX)[:ARTICLE_TEXT_MAX]
    started = time.process_time()
    with _at_most(3.0):
        segments = c.diff_words(old, new)
    assert time.process_time() - started < 1.0
    assert c.apply_diff(old, segments) == new


def test_a_small_change_in_a_long_text_stays_small() -> None:
    old = " ".join(f"palabra{i}" for i in range(2_000))[:ARTICLE_TEXT_MAX]
    new = old.replace("palabra1000 ", "palabra mil ", 1)
    segments = c.diff_words(old, new)
    changed = [s for s in segments if s.op is not DiffOp.EQUAL]
    assert [(s.old, s.new) for s in changed] == [("palabra1000", "palabra mil")]


def test_texts_over_the_article_limit_are_refused() -> None:
    with pytest.raises(Invalid):
        c.diff_words("a" * (ARTICLE_TEXT_MAX + 1), "b")
