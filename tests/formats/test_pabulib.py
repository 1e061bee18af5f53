"""Reading and writing Pabulib `.pb` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from asamblea.core.budgeting import BallotKind, Ballots, Instance, Project
from asamblea.formats.errors import FormatError
from asamblea.formats.pabulib import parse_pabulib, read_pabulib, to_pabulib, write_pabulib

SMALL = """META
key;value
description;Prueba
num_projects;3
num_votes;4
budget;100.50
vote_type;approval
currency;PEN
PROJECTS
project_id;cost;votes;name;selected
a;50;3;Agua;1
b;50.25;2;Biblioteca;1
c;10;0;Cancha;0
VOTES
voter_id;vote
1;a,b
2;b,a
3;a
4;
"""


def _same_model(first: tuple[Instance, Ballots], second: tuple[Instance, Ballots]) -> None:
    (i1, b1), (i2, b2) = first, second
    assert i1 == i2
    assert b1.kind == b2.kind
    assert sorted(map(str, (b1.ballot(g) for g in range(b1.num_groups)))) == sorted(
        map(str, (b2.ballot(g) for g in range(b2.num_groups)))
    )
    assert sorted(b1.counts.tolist()) == sorted(b2.counts.tolist())


def test_small_file_in_centimos_with_merged_ballots() -> None:
    data = parse_pabulib(SMALL)
    assert data.instance.budget == 10050
    assert [p.cost for p in data.instance.projects] == [5000, 5025, 1000]
    assert data.instance.projects[0].name == "Agua"
    assert data.kind is BallotKind.APPROVAL
    assert data.ballots.num_voters == 4
    assert data.ballots.num_groups == 3  # "a,b" and "b,a" merge; the empty ballot is kept
    assert data.ballots.supporters().tolist() == [3, 2, 0]
    assert data.selected() == {"a", "b"}
    assert data.meta_value("currency") == "PEN"


def test_write_then_read_gives_the_same_file_and_model() -> None:
    data = parse_pabulib(SMALL)
    again = parse_pabulib(write_pabulib(data))
    assert again.meta == data.meta
    assert again.projects == data.projects
    assert again.votes == data.votes
    _same_model((data.instance, data.ballots), (again.instance, again.ballots))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Netherlands_Assen_2024.pb", BallotKind.APPROVAL),
        ("Poland_Swiecie_2023.pb", BallotKind.APPROVAL),
        ("poland_lodz_2020_nad-nerem.pb", BallotKind.APPROVAL),
        ("Switzerland_Zurich_D10.pb", BallotKind.CUMULATIVE),
        ("Switzerland_Zurich_S5R.pb", BallotKind.ORDINAL),
    ],
)
def test_real_files_round_trip(
    test_data: Path, tmp_path: Path, name: str, kind: BallotKind
) -> None:
    data = read_pabulib(test_data / "pabulib" / name)
    assert data.kind is kind
    assert data.ballots.num_voters == int(data.meta_value("num_votes") or 0)
    assert len(data.instance.projects) == int(data.meta_value("num_projects") or 0)
    out = tmp_path / name
    out.write_text(write_pabulib(data), encoding="utf-8")
    again = read_pabulib(out)
    assert again.votes == data.votes
    _same_model((data.instance, data.ballots), (again.instance, again.ballots))


def test_cumulative_points_are_read(test_data: Path) -> None:
    data = read_pabulib(test_data / "pabulib" / "Switzerland_Zurich_D10.pb")
    first = data.votes[0]
    columns = data.vote_columns
    ids = first[columns.index("vote")].split(",")
    points = [int(v) for v in first[columns.index("points")].split(",")]
    index = data.instance.index()
    ballots = [data.ballots.ballot(g) for g in range(data.ballots.num_groups)]
    assert {index[i]: p for i, p in zip(ids, points, strict=True)} in ballots


def test_model_exports_to_pabulib() -> None:
    instance = Instance(10000, (Project("x", 6000, "Posta"), Project("y", 4000, "Loza")))
    ballots = Ballots.merge(BallotKind.CUMULATIVE, 2, [{0: 2, 1: 1}, {1: 3}], [2, 1])
    data = to_pabulib(instance, ballots, meta=[("currency", "PEN")], selected=["x"])
    again = parse_pabulib(write_pabulib(data))
    _same_model((instance, ballots), (again.instance, again.ballots))
    assert again.selected() == {"x"}
    assert again.meta_value("budget") == "100"


def _broken(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (_broken("3;a\n", "3;zz\n"), 18, "desconocido"),
        (_broken("3;a\n", "3;a,a\n"), 18, "dos veces"),
        (_broken("c;10;0", "c;diez;0"), 13, "no es un número"),
        (_broken("c;10;0", "c;10.001;0"), 13, "dos decimales"),
        (_broken("c;10;0", "c;1e30;0"), 13, "demasiado grande"),
        (_broken("b;50.25;2;Biblioteca;1", "a;50.25;2;Biblioteca;1"), 12, "repetido"),
        (_broken("c;10;0;Cancha;0", "c;10;0;Cancha"), 13, "campos"),
        (_broken("voter_id;vote", "voter_id;voto"), 15, "'vote'"),
        (_broken("budget;100.50", "budget;cien"), 6, "budget no es un número"),
        (_broken("budget;100.50", "budget;-3"), 6, "no negativo"),
        (_broken("vote_type;approval", "vote_type;scoring"), 7, "no soportado"),
    ],
)
def test_errors_name_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_pabulib(text)
    assert caught.value.line == line
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (SMALL.replace("budget;100.50\n", ""), "budget"),
        (SMALL.replace("vote_type;approval", "vote_type;scoring"), "no soportado"),
        (SMALL.split("VOTES", maxsplit=1)[0], "VOTES"),
        ("", "META"),
        ("hola;mundo\n", "META"),
    ],
)
def test_errors_without_a_line(text: str, words: str) -> None:
    with pytest.raises(FormatError, match=words):
        parse_pabulib(text)


def test_read_names_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "malo.pb"
    bad.write_text(_broken("3;a\n", "3;zz\n"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"malo\.pb:18"):
        read_pabulib(bad)
    binary = tmp_path / "binario.pb"
    binary.write_bytes(b"\xff\xfe\x00META")
    with pytest.raises(FormatError, match="UTF-8"):
        read_pabulib(binary)
    with pytest.raises(FormatError, match="no se puede leer"):
        read_pabulib(tmp_path / "no-existe.pb")
