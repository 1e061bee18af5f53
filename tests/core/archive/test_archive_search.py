"""Search terms: every indexed word belongs to exactly one circle, and queries name only the
circles given (`asamblea.core.archive.search`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.archive import Consent, Viewer
from asamblea.core.archive.search import (
    fts5_match,
    index_terms,
    query_words,
    scope,
    scopes_of,
    tsquery,
    words,
)
from asamblea.core.errors import Invalid

case_ids = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
levels = st.sampled_from(list(Consent))
titles = st.text(max_size=60)


@settings(max_examples=60)
@given(case_ids, levels, case_ids, levels, titles)
def test_a_word_belongs_to_one_circle(case_a: str, level_a: Consent, case_b: str,
                                      level_b: Consent, title: str) -> None:
    terms = index_terms(case_a, level_a, title, None)
    prefix_a, prefix_b = scope(case_a, level_a), scope(case_b, level_b)
    if terms is None:
        assert words(title) == []
        return
    for term in terms.split():
        assert term.startswith(prefix_a)
        assert term[len(prefix_a):] in words(title)
        if prefix_b != prefix_a:  # another circle's prefix never reads this circle's words
            assert not term.startswith(prefix_b)


def test_circles_of_each_viewer() -> None:
    case = "a" * 32
    assert scopes_of([], federation=False) == ["pub"]
    assert scopes_of([], federation=True) == ["pub", "fed"]
    assert scopes_of([(case, Viewer(case_team=True))], federation=True) == [
        "pub", "fed", scope(case, Consent.TEAM)]
    assert len(scopes_of([(case, Viewer(case_team=True, legal_team=True))],
                         federation=False)) == 3


def test_words_fold_accents_and_queries() -> None:
    assert words("Ñandú, AVENIDA Bolívar-12") == ["nandu", "avenida", "bolivar", "12"]
    assert query_words("madre madre Puente") == ["madre", "puente"]
    assert fts5_match(["ma"], ["pub", "fed"]) == '("pubma"* OR "fedma"*)'
    assert tsquery(["ma", "x"], ["pub"]) == "('pubma':*) & ('pubx':*)"
    for bad in ("", "¿?", "x" * 201, " ".join("abcdefghi")):
        with pytest.raises(Invalid):
            query_words(bad)
