"""``asamblea tally``: tables, JSON, the rule list, every format, clean errors (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from asamblea.cli import tally as tally_cli
from asamblea.core.tally import Lot, Outcome, rules
from tests.datasets import TEST_DATA

DATA = TEST_DATA / "tally"


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    tally_cli.register(app)
    return app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["tally", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_rules_are_listed_one_per_line() -> None:
    code, out, _ = run("--rules")
    assert code == 0
    names = [line.split("\t")[0] for line in out.splitlines() if "\t" in line]
    assert names == [info.name for info in rules()]


def test_irv_table_and_winner() -> None:
    code, out, _ = run(str(DATA / "elecciones.csv"), "--rule", "irv")
    assert code == 0
    assert "Ganadores: Beto" in out
    assert "Ronda 1: eliminada Dante" in out
    assert "Agotadas" in out


@pytest.mark.parametrize(
    ("name", "fmt"), [("elecciones.csv", None), ("asamblea.toi", None), ("asamblea.toi", "preflib")]
)
def test_same_election_in_two_formats(name: str, fmt: str | None) -> None:
    extra = [] if fmt is None else ["--format", fmt]
    code, out, _ = run(str(DATA / name), "--rule", "schulze", "--json", "--seed", "s", *extra)
    assert code == 0
    outcome = Outcome.from_json(json.loads(out))
    assert outcome.ranking == (("Ana", "Beto"), ("Carla",), ("Dante",))
    assert outcome.winners == (Lot("s").choose(["Ana", "Beto"], "schulze winner"),)
    assert outcome.seed == "s"


def test_json_has_every_round() -> None:
    code, out, _ = run(str(DATA / "elecciones.csv"), "--rule", "irv", "--json")
    data = json.loads(out)
    assert code == 0
    assert [r["eliminated"] for r in data["rounds"]] == [["Dante"], ["Carla"], []]
    assert data["rounds"][2]["tallies"] == {"Ana": "8", "Beto": "9"}


def test_ranking_rules_show_the_order() -> None:
    code, out, _ = run(str(DATA / "legado.soc"), "--rule", "ranked_pairs")
    assert code == 0
    assert "Puesto" in out
    assert "Carla" in out
    assert "Ganadores: Ana" in out


def test_blt_seats_and_withdrawn_candidate() -> None:
    code, out, _ = run(str(DATA / "pequena.blt"), "--rule", "plurality", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["candidates"] == ["Ana", "Beto", "Carla"]  # Dante withdrawn
    assert data["winners"] == ["Ana", "Beto"]  # the file's 2 seats
    code, out, _ = run(str(DATA / "pequena.blt"), "--rule", "irv")
    assert code == 0
    assert "Elección pequeña" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((str(DATA / "roto.toi"),), "roto.toi:7"),
        ((str(DATA / "roto.csv"),), "roto.csv:4"),
        ((str(DATA / "elecciones.csv"), "--rule", "borda"), "regla desconocida"),
        ((str(DATA / "elecciones.csv"), "--rule", "irv", "--seats", "2"), "un solo ganador"),
        ((str(DATA / "elecciones.csv"), "--format", "xml"), "formato"),
        ((str(DATA / "PROVENANCE.md"),), "formato"),
        ((str(DATA / "no-existe.csv"),), "no existe"),
        ((), "indique el archivo"),
    ],
)
def test_errors_are_one_clear_line(args: tuple[str, ...], words: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert words in err
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_large_file_shows_progress_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "grande.csv"
    rows = ["Ana,Beto,Carla", "Beto,Carla,Ana", "Carla,Ana,Beto", "Ana,Carla,Beto"]
    path.write_text("1,2,3\n" + "\n".join(rows * 30_000) + "\n", encoding="utf-8")
    assert path.stat().st_size > tally_cli.BIG_FILE
    code, out, _ = run(str(path), "--rule", "irv", "--json")
    assert code == 0
    assert json.loads(out)["winners"] == ["Ana"]
    assert json.loads(out)["valid"] == "120000"


def test_help_is_in_spanish() -> None:
    result = CliRunner().invoke(_app(), ["tally", "--help"])
    assert "Regla de conteo" in result.stdout
    assert "Semilla pública" in result.stdout


def test_a_motion_from_a_csv_of_choices(tmp_path: Path) -> None:
    path = tmp_path / "mocion.csv"
    path.write_text(
        "# candidatos: sí;no;abstención\nopción\nsí\nno\nsí\nabstención\n\n", encoding="utf-8"
    )
    code, out, _ = run(str(path), "--rule", "majority", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["winners"] == ["sí"]
    assert data["rounds"][0]["tallies"] == {"sí": "2", "no": "1", "abstención": "1"}


def test_a_folder_given_as_the_file_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "votos.blt"
    folder.mkdir()
    code, out, err = run(str(folder))
    assert code == 2
    assert f"{folder}: es una carpeta, no un archivo" in err
    assert "Traceback" not in out + err


def test_repairs_and_left_out_columns_are_shown(tmp_path: Path) -> None:
    blt = tmp_path / "ward.blt"
    blt.write_text("2 1\n3 1 2 0\n1 2 0\n0\nAna\nBeto\nT\n", encoding="utf-8")
    code, out, err = run(str(blt))
    assert code == 0
    assert f"Aviso: {blt}:5: 3 nombres" in err
    cvr = tmp_path / "cvr.csv"
    cvr.write_text("Precinct,Choice 1,Choice 2\nP-01,overvote,Ana\nP-02,Beto,Ana\n", "utf-8")
    code, out, err = run(str(cvr), "--overvote-mark", "skip_rank")
    assert code == 0
    assert "no se cuentan: 'Precinct'" in err
    assert "1 papeletas con «overvote»" in err
    assert "P-01" not in out
    code, out, err = run(str(cvr), "--overvote-mark", "sometimes")
    assert code == 2
    assert "exhaust o skip_rank" in err
