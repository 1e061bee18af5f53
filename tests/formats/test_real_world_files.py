"""Files as election offices and cities publish them (issue 10, finding 12).

BLT files with unquoted names or CSV-doubled quotes are read, with a warning that says what was
repaired; a truncated file names its last line; a folder given as a file says so; cast-vote-record
CSVs have their rank columns recognised by header, other columns left out with a warning, and the
`overvote`/`undervote`/`skipped` markers read as what they are — never counted as candidates.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.tally import UNRANKED, Profile
from asamblea.formats.blt import parse_blt, read_blt
from asamblea.formats.csv_rankings import parse_csv, read_csv
from asamblea.formats.errors import FormatError, FormatWarning
from asamblea.formats.preflib import read_preflib

U = UNRANKED


def rows(profile: Profile) -> dict[tuple[int, ...], int]:
    pairs = zip(profile.ranks.tolist(), profile.counts.tolist(), strict=True)
    return {tuple(r): c for r, c in pairs}


def _csv(text: str, **options: str) -> tuple[Profile, list[str]]:
    said: list[FormatWarning] = []
    profile = parse_csv(text, warn=said.append, **options)  # type: ignore[arg-type]
    return profile, [str(w) for w in said]


# --- BLT -----------------------------------------------------------------------------------


def test_blt_unquoted_names_are_read_with_a_warning() -> None:
    election = parse_blt("3 1\n2 1 2 0\n1 3 0\n0\nAna Pérez\nBeto\nCarla Ríos\nConsejo 2026\n")
    assert election.candidates == ("Ana Pérez", "Beto", "Carla Ríos")
    assert election.title == "Consejo 2026"
    [warning] = election.warnings
    assert warning.line == 5
    assert "sin comillas" in str(warning)
    assert "5, 6, 7, 8" in str(warning)


def test_blt_csv_doubled_quotes_are_one_quote() -> None:
    text = '2 1\n3 1 2 0\n0\n"A ""Party"""\n"B ""Lista"" Sur"\n"T"\n'
    election = parse_blt(text)
    assert election.candidates == ('A "Party"', 'B "Lista" Sur')
    [warning] = election.warnings
    assert warning.line == 4
    assert 'comillas dobladas ("")' in str(warning)


def test_blt_quoted_file_has_no_warning() -> None:
    assert parse_blt('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n').warnings == ()


def test_blt_repeated_name_names_the_name_and_lines() -> None:
    with pytest.raises(FormatError, match=r"'A' aparece dos veces \(líneas 4 y 5\)") as caught:
        parse_blt('2 1\n1 1 0\n0\n"A"\n"A"\n"T"\n')
    assert caught.value.line == 5


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("2 1\n1 1 2 0\n2 2 0\n", 3, "termina sin la línea '0'"),
        ("2 1\n", 1, "termina sin la línea '0'"),
        ('2 1\n1 1 2 0\n0\n"A"\n', 4, "faltan 2 nombres"),
        ("2 1\n1 1 2 0\n0\n", 3, "faltan 3 nombres"),
    ],
)
def test_blt_truncated_names_its_last_line(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        parse_blt(text)
    assert caught.value.line == line
    assert "cortado" in str(caught.value)


def test_warnings_carry_the_path(tmp_path: Path) -> None:
    path = tmp_path / "ward.blt"
    path.write_text("1 1\n1 1 0\n0\nAna\nT\n", encoding="utf-8")
    [warning] = read_blt(path).warnings
    assert str(warning).startswith(f"{path}:4: ")


@pytest.mark.parametrize("reader", [read_blt, read_csv, read_preflib])
def test_a_folder_is_not_a_file(tmp_path: Path, reader: object) -> None:
    folder = tmp_path / "ballots.blt"
    folder.mkdir()
    with pytest.raises(FormatError, match="es una carpeta, no un archivo") as caught:
        reader(folder)  # type: ignore[operator]
    assert str(folder) in str(caught.value)
    with pytest.raises(FormatError, match="no existe el archivo"):
        reader(tmp_path / "missing.blt")  # type: ignore[operator]


# --- cast-vote records -----------------------------------------------------------------------

MINNEAPOLIS_LIKE = """\
Precinct,1st Choice,2nd Choice,3rd Choice,Count
MINNEAPOLIS W-1 P-01,Ana,Beto,Carla,4
MINNEAPOLIS W-1 P-01,Beto,undervote,Ana,2
MINNEAPOLIS W-1 P-02,overvote,Ana,,3
MINNEAPOLIS W-1 P-02,Carla,overvote,Ana,1
MINNEAPOLIS W-1 P-02,skipped,skipped,skipped,5
"""


def test_cvr_rank_columns_by_header_and_markers_exhaust() -> None:
    profile, said = _csv(MINNEAPOLIS_LIKE)
    assert profile.candidates == ("Ana", "Beto", "Carla")  # no precinct, no marker
    assert rows(profile) == {(0, 1, 2): 4, (1, 0, U): 2, (U, U, 0): 1}
    assert profile.blank == 3 + 5  # an overvote at rank 1 exhausts the ballot at once
    assert any("no se cuentan: 'Precinct'" in w and w.startswith("línea 1") for w in said)
    assert any("4 papeletas con «overvote»" in w and "se agota" in w for w in said)


def test_cvr_overvote_can_skip_the_rank() -> None:
    profile, said = _csv(MINNEAPOLIS_LIKE, overvote_mark="skip_rank")
    assert rows(profile) == {(0, 1, 2): 4, (1, 0, U): 2, (0, U, U): 3, (1, U, 0): 1}
    assert profile.blank == 5
    assert any("se salta" in w for w in said)


def test_cvr_nyc_style_headers_and_ballot_ids() -> None:
    text = (
        "Cast Vote Record,Precinct,Ballot Style,"
        "DEM Mayor Choice 1 of 3 Citywide (026916),DEM Mayor Choice 2 of 3 Citywide (026916),"
        "DEM Mayor Choice 3 of 3 Citywide (026916)\n"
        "1001,AD 23 ED 5,12,Ana,Beto,undervote\n"
        "1002,AD 23 ED 5,12,Beto,,\n"
    )
    profile, said = _csv(text)
    assert rows(profile) == {(0, 1): 1, (U, 0): 1}
    assert "'Cast Vote Record', 'Precinct', 'Ballot Style'" in said[0]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Precinct,Ballot ID\nP1,Ana\n", 1, "ninguna columna del encabezado es un rango"),
        ("Choice 1,Choice 1\nAna,Beto\n", 1, "dos columnas para el rango 1"),
        ("1,3\nAna,Beto\n", 1, "falta la columna del rango 2"),
        ("peso,1\n2,Ana,Beto\n", 2, "la fila tiene 3 columnas y el encabezado 2"),
        ("peso,1\n²,Ana\n", 2, "peso no entero"),
    ],
)
def test_cvr_columns_never_counted_silently(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError, match=words) as caught:
        _csv(text)
    assert caught.value.line == line


def test_without_a_warning_callback_python_warns() -> None:
    with pytest.warns(FormatWarning, match="no se cuentan: 'Precinct'"):
        parse_csv("Precinct,1\nP1,Ana\n")


names = st.sampled_from(["Ana", "Beto", "Carla", "Dante", "", "undervote", "skipped"])
extras = st.text(alphabet=st.sampled_from('PW-0123 ,abx"'), max_size=8)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(names, min_size=3, max_size=3), min_size=1, max_size=12),
    st.lists(st.integers(0, 3), max_size=3),
    st.data(),
)
def test_non_rank_columns_change_nothing(
    ballots: list[list[str]], where: list[int], data: st.DataObject
) -> None:
    """Any columns the header does not name as ranks, with any content, leave the count alone."""
    plain = _write(["1", "2", "3"], ballots)
    header = ["Rank 1", "Rank 2", "Rank 3"]
    rows_out = [list(b) for b in ballots]
    for i, position in enumerate(where):
        header.insert(position, f"Ballot ID {i}" if i else "Precinct")
        for row in rows_out:
            row.insert(position, data.draw(extras))
    before, _ = _csv("# candidatos: Ana;Beto;Carla;Dante\n" + plain)
    after, said = _csv("# candidatos: Ana;Beto;Carla;Dante\n" + _write(header, rows_out))
    assert rows(after) == rows(before)
    assert after.blank == before.blank
    assert bool(where) == any("no se cuentan" in w for w in said)


def _write(header: list[str], body: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()
