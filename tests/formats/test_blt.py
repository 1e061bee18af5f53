"""BLT reading and writing: the format's features, round trips, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.tally.profile import Profile
from asamblea.formats.blt import BltElection, format_blt, parse_blt, read_blt, write_blt
from asamblea.formats.errors import FormatError

FULL = """\
4 2
-3
[nick ana bea cid dan]
[tie dan cid bea ana]
[droop precision=5]
3 ana bea=dan 0
(b7) 2 2 - 1 0
1 dan 0
0 1 0
0
"Ana Q."
"Bea"
"Cid"
"Dan"
"Delegados 2026"
"Acta 12"
Resumen no citado
"""


def test_reads_every_feature() -> None:
    election = parse_blt(FULL)
    assert election.seats == 2
    assert election.title == "Delegados 2026"
    assert election.candidates == ("Ana Q.", "Bea", "Cid", "Dan")
    assert election.withdrawn == (2,)
    assert election.nicknames == ("ana", "bea", "cid", "dan")
    assert election.tie_order == (3, 2, 1, 0)
    assert election.options == ("[droop precision=5]",)
    assert election.extras == ("Acta 12",)
    assert election.trailer == ("Resumen no citado",)
    groups = dict(election.profile.rank_groups())
    assert groups == {((0,), (1, 3)): 3, ((1,), (0,)): 2, ((3,),): 1}
    assert election.profile.n_ballots == 6


def test_write_then_read_is_the_same(tmp_path: Path) -> None:
    election = parse_blt(FULL)
    path = tmp_path / "e.blt"
    write_blt(election, path)
    again = read_blt(path)
    assert _same(again, election)


def _same(a: BltElection, b: BltElection) -> bool:
    return (
        (a.title, a.seats, a.withdrawn, a.tie_order, a.nicknames, a.options, a.extras)
        == (b.title, b.seats, b.withdrawn, b.tie_order, b.nicknames, b.options, b.extras)
        and a.candidates == b.candidates
        and np.array_equal(a.profile.ranks, b.profile.ranks)
        and np.array_equal(a.profile.counts, b.profile.counts)
    )


names = (
    st.text(
        alphabet=st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=8,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def elections(draw: st.DrawFn) -> BltElection:
    cands = draw(st.lists(names, min_size=1, max_size=6, unique=True))
    n = len(cands)
    ballots = []
    for _ in range(draw(st.integers(0, 8))):
        order = draw(st.permutations(range(n)))[: draw(st.integers(1, n))]
        groups: list[list[int]] = []
        for c in order:
            if groups and draw(st.booleans()):
                groups[-1].append(c)
            else:
                groups.append([c])
        ballots.append(groups)
    weights = draw(st.lists(st.integers(1, 99), min_size=len(ballots), max_size=len(ballots)))
    withdrawn = tuple(sorted(draw(st.sets(st.integers(0, n - 1), max_size=n - 1))))
    return BltElection(
        title=draw(names),
        seats=draw(st.integers(1, 5)),
        profile=Profile.from_ballots(cands, ballots, weights=weights),
        withdrawn=withdrawn,
        tie_order=tuple(draw(st.permutations(range(n)))) if draw(st.booleans()) else None,
        extras=tuple(draw(st.lists(names, max_size=2))),
    )


@settings(max_examples=80, deadline=None)
@given(elections())
def test_round_trip(election: BltElection) -> None:
    assert _same(parse_blt(format_blt(election)), election)


BAD = [
    ("", 1, "vacío"),
    ("3\n", 1, "dos enteros"),
    ("x 2\n", 1, "entero"),
    ("3 0\n", 1, "positivos"),
    ("2 1\n1 1 2\n0\n", 2, "terminar en 0"),
    ("2 1\n1 1 3 0\n0\n", 2, "fuera de rango"),
    ("2 1\n1 1\n-1 2 0\n0\n", 2, "terminar en 0"),
    ("2 1\n1 1 0\n-1 2 0\n0\n", 3, "negativo"),
    ("2 1\n1 1 0 2 0\n0\n", 2, "al final"),
    ("2 1\n1 zoe 0\n0\n", 2, "desconocida"),
    ("2 1\n[nick a]\n", 2, "apodos"),
    ("2 1\n[tie 1 1]\n", 2, "una vez"),
    ("2 1\n[nick a b\n", 2, "sin cerrar"),
    ("2 1\n1 1 0\n[tie 1 2]\n0\n", 3, "antes de las papeletas"),
    ("2 1\n-1 x\n1 2 0\n0\n", 2, "retirada"),
    ('2 1\n1 1 0\n0\n"A" x\n"B"\n"T"\n', 4, "fuera de las comillas"),
    ('2 1\n1 1 0\n0\n"A"\n"A"\n"T"\n', 5, "'A' aparece dos veces"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_malformed_files_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        parse_blt(text)
    assert caught.value.line == line


def test_missing_names_and_end_marker() -> None:
    with pytest.raises(FormatError, match="sin la línea '0'"):
        parse_blt("2 1\n1 1 0\n")
    with pytest.raises(FormatError, match="faltan 2"):
        parse_blt('2 1\n1 1 0\n0\n"A"\n')


def test_path_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.blt"
    path.write_text("2 1\n1 9 0\n0\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_blt(path)
    assert str(caught.value).startswith(f"{path}:2:")
    path.write_bytes(b"2 1\n\xff\n")
    with pytest.raises(FormatError, match="UTF-8"):
        read_blt(path)


def test_writer_refuses_quotes_in_names() -> None:
    profile = Profile.from_rankings(['a"b'], [[0]])
    with pytest.raises(ValueError, match="comillas"):
        format_blt(BltElection("t", 1, profile))
