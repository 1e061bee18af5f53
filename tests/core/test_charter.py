"""The charter: versions kept, contiguous numbering, competing wordings, word diffs, export."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asamblea.core import charter as c
from asamblea.core.charter import ArticleVersion, Charter, DiffOp, Segment, Wording
from asamblea.core.errors import Conflict, Invalid, NotFound

FOUNDING = Charter(
    "Constitución desde abajo",
    (
        ArticleVersion(1, 1, "Soberanía", "La soberanía reside en el pueblo.", None),
        ArticleVersion(2, 1, "Agua", "El agua es un bien común.", None),
        ArticleVersion(1, 2, "Soberanía", "La soberanía reside en las asambleas.", 31, (4, 5)),
    ),
)


def test_current_articles_and_history() -> None:
    current = c.current_articles(FOUNDING)
    assert [(a.number, a.version) for a in current] == [(1, 2), (2, 1)]
    assert [v.version for v in c.history(FOUNDING, 1)] == [1, 2]
    assert c.version(FOUNDING, 1, 1).text == "La soberanía reside en el pueblo."
    with pytest.raises(NotFound):
        c.history(FOUNDING, 3)
    with pytest.raises(NotFound):
        c.version(FOUNDING, 1, 3)
    c.check_numbering(FOUNDING)


@pytest.mark.parametrize(
    "versions",
    [
        ((1, 1), (3, 1)),  # a gap in the numbering
        ((1, 1), (1, 3)),  # a gap in the versions
        ((2, 1),),
    ],
)
def test_numbering_gaps_are_refused(versions: tuple[tuple[int, int], ...]) -> None:
    charter = Charter("x", tuple(ArticleVersion(n, v, "t", "x", None) for n, v in versions))
    with pytest.raises(Invalid):
        c.check_numbering(charter)


def test_adopting_a_wording_keeps_every_version() -> None:
    wording = c.check_wording(FOUNDING, 2, "Agua", " El agua  no se vende. ", proposal_id=40)
    assert wording == Wording(40, 2, "Agua", "El agua  no se vende.")
    new = c.adopt_wording(FOUNDING, wording, proposed_by=40, backed_by=[9, 4, 9])
    assert (new.number, new.version, new.backed_by, new.proposed_by) == (2, 2, (4, 9), 40)
    charter = c.with_version(FOUNDING, new)
    assert len(charter.versions) == 4
    assert c.current_articles(charter)[1].text == "El agua  no se vende."
    assert c.version(charter, 2, 1).text == "El agua es un bien común."
    with pytest.raises(Invalid):  # the same wording as the one in force
        c.check_wording(charter, 2, "Agua", "El agua  no se vende.", proposal_id=41)
    with pytest.raises(Conflict):
        c.adopt_wording(charter, wording, proposed_by=40, backed_by=[])
    with pytest.raises(NotFound):
        c.check_wording(charter, 9, "x", "y", proposal_id=42)
    with pytest.raises(Invalid):
        c.check_wording(charter, None, " ", "y", proposal_id=42)


@given(st.lists(st.one_of(st.none(), st.integers(1, 6)), max_size=25))
def test_numbering_stays_contiguous(targets: list[int | None]) -> None:
    charter = FOUNDING
    for i, target in enumerate(targets):
        articles = len(c.current_articles(charter))
        if target is not None and target > articles:
            continue
        wording = Wording(100 + i, target, f"Título {i}", f"Texto {i}")
        new = c.adopt_wording(charter, wording, proposed_by=100 + i, backed_by=[])
        charter = c.with_version(charter, new)
        c.check_numbering(charter)
        assert len(c.current_articles(charter)) == articles + (target is None)


def test_ballot_options() -> None:
    wordings = [
        Wording(52, 1, "Soberanía popular", "a"),
        Wording(50, 1, "Soberanía " + "de las asambleas " * 20, "b"),
    ]
    options = c.ballot_options(FOUNDING, 1, wordings)
    assert options.labels[0] == c.KEEP_CURRENT
    assert options.labels[1].startswith("Redacción 1 (propuesta 50): Soberanía de las")
    assert len(options.labels[1]) <= 200
    assert options.labels[1].endswith("…")
    assert options.labels[2] == "Redacción 2 (propuesta 52): Soberanía popular"
    assert [options.winner(i) for i in range(3)] == [None, 50, 52]
    assert c.ballot_options(FOUNDING, None, [Wording(60, None, "Nuevo", "x")]).labels[0] == (
        c.KEEP_WITHOUT
    )
    with pytest.raises(Invalid):
        options.winner(3)
    with pytest.raises(Invalid):  # wordings of different articles
        c.ballot_options(FOUNDING, 1, [*wordings, Wording(53, 2, "Agua", "c")])
    with pytest.raises(Invalid):
        c.ballot_options(FOUNDING, 1, [])
    with pytest.raises(Invalid):
        c.ballot_options(FOUNDING, 1, [wordings[0], wordings[0]])
    with pytest.raises(NotFound):
        c.ballot_options(FOUNDING, 7, [Wording(54, 7, "x", "y")])


@pytest.mark.parametrize(
    ("old", "new", "segments"),
    [
        ("el agua", "el agua", [("equal", "el agua", "el agua")]),
        ("", "hola", [("insert", "", "hola")]),
        ("hola", "", [("delete", "hola", "")]),
        (
            "El agua es un bien común.",
            "El agua es un derecho humano.",
            [
                ("equal", "El agua es un ", "El agua es un "),
                ("replace", "bien común", "derecho humano"),
                ("equal", ".", "."),
            ],
        ),
        (
            "La tierra, el agua.",
            "La tierra y el agua.",
            [
                ("equal", "La tierra", "La tierra"),
                ("replace", ",", " y"),
                ("equal", " el agua.", " el agua."),
            ],
        ),
    ],
)
def test_diff_words(old: str, new: str, segments: list[tuple[str, str, str]]) -> None:
    assert [(s.op.value, s.old, s.new) for s in c.diff_words(old, new)] == segments


def test_diff_to_html_escapes() -> None:
    html = c.diff_to_html(c.diff_words("a <b> & c", "a <i> & c"))
    assert html == "a &lt;<del>b</del><ins>i</ins>&gt; &amp; c"
    assert "<script>" not in c.diff_to_html([Segment(DiffOp.INSERT, "", "<script>")])


texts = st.text(alphabet=st.sampled_from("ab ,.\nñ<&áZ"), max_size=60)


@given(texts)
def test_tokens_keep_every_character(text: str) -> None:
    assert "".join(c.tokens(text)) == text


@given(texts, texts)
def test_diff_round_trip(old: str, new: str) -> None:
    segments = c.diff_words(old, new)
    assert c.apply_diff(old, segments) == new
    assert "".join(s.old for s in segments) == old
    for s in segments:
        assert (s.op is DiffOp.EQUAL) == (s.old == s.new)
        assert s.op is not DiffOp.INSERT or not s.old
        assert s.op is not DiffOp.DELETE or not s.new
        assert s.text


def test_apply_diff_refuses_another_text() -> None:
    with pytest.raises(Invalid):
        c.apply_diff("otro", c.diff_words("uno", "dos"))


def test_to_markdown() -> None:
    assert c.to_markdown(FOUNDING) == (
        "# Constitución desde abajo\n\n"
        "## Artículo 1. Soberanía\n\nLa soberanía reside en las asambleas.\n\n"
        "## Artículo 2. Agua\n\nEl agua es un bien común.\n"
    )
