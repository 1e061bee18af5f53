"""CSV of rankings: reading, writing, round trip, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

from asamblea.core.tally import UNRANKED, Profile
from asamblea.formats.csv_rankings import format_csv, parse_csv, read_csv, write_csv
from asamblea.formats.errors import FormatError
from tests.core.tally.strategies import profiles

U = UNRANKED


def rows(profile: Profile) -> dict[tuple[int, ...], int]:
    pairs = zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True)
    return {tuple(r): c for r, c in pairs}


def test_weighted_file_with_equal_preference(test_data: Path) -> None:
    p = read_csv(test_data / "tally" / "elecciones.csv")
    assert p.candidates == ("Ana", "Beto", "Carla", "Dante")
    assert rows(p) == {(0, 1, U, U): 8, (U, 0, U, U): 5, (U, 1, 0, U): 4, (0, U, U, 0): 1}


def test_one_voter_per_row(test_data: Path) -> None:
    p = read_csv(test_data / "tally" / "por_votante.csv")
    assert p.candidates == ("Ana", "Beto", "Carla")
    assert p.n_ballots == 5
    assert p.blank == 1
    assert rows(p)[(0, 1, 2)] == 2


def test_error_names_the_line(test_data: Path) -> None:
    with pytest.raises(FormatError, match="peso no entero") as caught:
        read_csv(test_data / "tally" / "roto.csv")
    assert caught.value.line == 4


BROKEN = [
    ("# candidatos: Ana;Beto\npeso,1\n1,Carla\n", 3, "no declarada"),
    ("# candidatos: Ana;Ana\npeso,1\n1,Ana\n", 1, "dos veces"),
    ("# solo comentarios\n", 1, "encabezado"),
    ("peso,1\n-2,Ana\n", 2, "negativo"),
    ('1,2\n"Ana,Beto\n', 2, "CSV"),
    ("1,2\n,\n", 1, "ninguna candidatura"),
]


@pytest.mark.parametrize(("text", "line", "words"), BROKEN)
def test_broken(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        parse_csv(text)
    assert caught.value.line == line


@settings(max_examples=60, deadline=None)
@given(profiles())
def test_write_then_read_gives_the_same_profile(profile: Profile) -> None:
    again = parse_csv(format_csv(profile))
    assert again.candidates == profile.candidates
    assert rows(again) == rows(profile)


def test_write_csv_file(tmp_path: Path) -> None:
    p = Profile.from_indices(("A", "B", "C"), np.array([[0, 2, -1], [1, -1, -1], [0, 2, -1]]))
    write_csv(p, tmp_path / "x.csv")
    assert rows(read_csv(tmp_path / "x.csv")) == rows(p)


def test_names_that_cannot_be_written_are_refused() -> None:
    p = Profile.from_indices(("A=B", "C"), np.array([[0, 1]]))
    with pytest.raises(ValueError, match="no representable"):
        format_csv(p)


def test_many_identical_rows_are_grouped_before_parsing() -> None:
    text = "1,2\n" + "Ana,Beto\n" * 50_000 + "Beto,Ana\n" * 20_000
    p = parse_csv(text)
    assert rows(p) == {(0, 1): 50_000, (1, 0): 20_000}
