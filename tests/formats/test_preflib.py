"""PrefLib ordinal files: both layouts, the data-type checks, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from asamblea.core.tally import UNRANKED, count
from asamblea.formats.errors import FormatError
from asamblea.formats.preflib import parse_preflib, read_preflib

U = UNRANKED


def rows(profile) -> dict[tuple[int, ...], int]:
    pairs = zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True)
    return {tuple(r): c for r, c in pairs}


def test_current_layout(test_data: Path) -> None:
    read = read_preflib(test_data / "tally" / "asamblea.toi")
    assert read.data_type == "toi"
    assert read.title == "Asamblea de prueba"
    assert read.profile.candidates == ("Ana", "Beto", "Carla", "Dante")
    assert rows(read.profile) == {
        (0, 1, U, U): 8,
        (U, 0, U, U): 5,
        (U, 1, 0, U): 4,
        (0, U, U, 0): 1,
    }
    assert read.metadata["NUMBER UNIQUE ORDERS"] == "4"


def test_legacy_layout(test_data: Path) -> None:
    read = read_preflib(test_data / "tally" / "legado.soc")
    assert read.data_type == "soc"
    assert read.profile.candidates == ("Ana", "Beto", "Carla")
    assert rows(read.profile) == {(0, 1, 2): 3, (2, 0, 1): 2, (1, 2, 0): 2}
    assert count("schulze", read.profile).ranking == (("Ana",), ("Beto",), ("Carla",))


def test_error_names_the_line(test_data: Path) -> None:
    with pytest.raises(FormatError) as caught:
        read_preflib(test_data / "tally" / "roto.toi")
    assert caught.value.line == 7
    assert "roto.toi:7" in str(caught.value)
    assert "alternativa desconocida: 7" in str(caught.value)


HEAD = "# DATA TYPE: {t}\n# NUMBER ALTERNATIVES: 3\n"

BROKEN = [
    (HEAD.format(t="soc") + "2: 1,2\n", 3, "incompleto"),
    (HEAD.format(t="soi") + "2: 1,{2,3}\n", 3, "empates"),
    (HEAD.format(t="toc") + "2: 1,{2,3},3\n", 3, "dos veces"),
    (HEAD.format(t="toi") + "x: 1\n", 3, "entero"),
    (HEAD.format(t="toi") + "2 1,2\n", 3, "cantidad"),
    (HEAD.format(t="toi") + "# NUMBER VOTERS: 5\n2: 1\n", 4, "NUMBER VOTERS"),
    (HEAD.format(t="cat") + "2: 1\n", 1, "no ordinal"),
    ("", 1, "vacío"),
    ("3\n1,Ana\n2,Beto\n", 4, "nombres"),
    ("2\n1,Ana\n2,Beto\n", 4, "votantes"),
    ("2\n1,Ana\n2,Beto\n3,3\n", 4, "votantes"),
    ("2\nAna\n", 2, "número,nombre"),
]


@pytest.mark.parametrize(("text", "line", "words"), BROKEN)
def test_broken_files(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        parse_preflib(text)
    assert caught.value.line == line


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.soi"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FormatError, match="UTF-8"):
        read_preflib(path)
