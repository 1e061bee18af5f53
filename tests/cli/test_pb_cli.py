"""`asamblea pb`: outcome and explanations in Spanish, JSON output, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asamblea.cli import app
from asamblea.formats.pabulib import read_pabulib

runner = CliRunner()


def _assen(test_data: Path) -> str:
    return str(test_data / "pabulib" / "Netherlands_Assen_2024.pb")


def test_mes_add1_prints_the_official_winners_with_explanations(test_data: Path) -> None:
    result = runner.invoke(
        app,
        ["pb", _assen(test_data), "--rule", "mes", "--completion", "add1"],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    assert "Método de Partes Iguales" in result.output
    assert "Financiado" in result.output
    assert "No financiado" in result.output
    assert "ronda" in result.output


def test_json_output_is_the_outcome(test_data: Path) -> None:
    result = runner.invoke(
        app, ["pb", _assen(test_data), "--rule", "mes", "--completion", "add1", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rule"] == "mes"
    assert data["completion"] == "add1"
    assert data["total_cost"] <= data["budget"]
    assert len(data["explanations"]) == 14
    funded = {e["project"] for e in data["explanations"] if e["funded"]}
    assert funded == set(data["selected"])


@pytest.mark.parametrize(
    "args",
    [
        ["--rule", "greedy"],
        ["--rule", "greedy-per-cost"],
        ["--rule", "mes", "--completion", "add1-greedy"],
        ["--rule", "mes", "--exhaustive", "--utility", "cardinality"],
    ],
)
def test_every_rule_runs(test_data: Path, args: list[str]) -> None:
    path = str(test_data / "pabulib" / "Switzerland_Zurich_D10.pb")
    result = runner.invoke(app, ["pb", path, *args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total_cost"] <= json.loads(result.output)["budget"]


def test_a_bad_file_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "malo.pb"
    bad.write_text("META\nkey;value\nbudget;10\n", encoding="utf-8")
    result = runner.invoke(app, ["pb", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "falta la sección PROJECTS" in result.output
    missing = runner.invoke(app, ["pb", str(tmp_path / "no-existe.pb")])
    assert missing.exit_code == 2
    assert "no se puede leer" in missing.output


def test_a_bad_increment_is_refused(test_data: Path) -> None:
    result = runner.invoke(
        app, ["pb", _assen(test_data), "--completion", "add1", "--increment", "x"]
    )
    assert result.exit_code == 2
    assert "incremento" in result.output


def test_help_is_in_spanish() -> None:
    result = runner.invoke(app, ["pb", "--help"])
    assert result.exit_code == 0
    assert "Presupuesto participativo" in result.output
    assert "--completion" in result.output


def _plain(text: str) -> str:
    return " ".join(text.split())  # the console wraps long lines


def test_the_files_rule_and_points_are_used_and_said(test_data: Path) -> None:
    path = test_data / "pabulib" / "Poland_Krakow_2022.pb.gz"
    result = runner.invoke(app, ["pb", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    said = _plain(result.stdout)
    assert "Regla del archivo (META rule=greedy)" in said
    assert "puntos por puesto 3-2-1 (los de la columna points del archivo)" in said
    assert "Aviso" not in result.stderr
    data = json.loads(runner.invoke(app, ["pb", str(path), "--json"]).stdout)
    assert data["rule_source"] == "file"
    assert data["reading"] == "positional"
    assert data["warnings"] == []
    official = read_pabulib(path).selected()
    assert set(data["selected"]) == official


def test_ranks_read_as_approvals_are_warned_about(test_data: Path) -> None:
    path = str(test_data / "pabulib" / "Switzerland_Zurich_S5R.pb")
    result = runner.invoke(app, ["pb", path, "--rule", "greedy", "--json"])
    assert result.exit_code == 0, result.output
    assert "se ignora el orden" in _plain(result.stderr)
    assert json.loads(result.stdout)["reading"] == "ranks_as_approvals"
    scored = runner.invoke(app, ["pb", path, "--rule", "mes", "--scoring", "borda", "--json"])
    assert scored.exit_code == 0, scored.output
    assert "Aviso" not in scored.stderr
    assert json.loads(scored.stdout)["scoring"] == "borda"
    default = runner.invoke(app, ["pb", path], env={"COLUMNS": "250"})
    assert "la regla del archivo, unknown, no está implementada" in _plain(default.stdout)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scoring", "1,2,3"], "no pueden crecer hacia abajo"),
        (["--scoring", "tres"], "puntos por puesto como 3,2,1"),
    ],
)
def test_a_bad_scoring_is_refused_in_spanish(test_data: Path, args: list[str], words: str) -> None:
    path = test_data / "pabulib" / "Switzerland_Zurich_S5R.pb"
    result = runner.invoke(app, ["pb", str(path), *args])
    assert result.exit_code == 2
    assert words in _plain(result.stderr)
    assert str(path) in _plain(result.stderr)
    approvals = runner.invoke(app, ["pb", _assen(test_data), "--scoring", "3,2,1"])
    assert approvals.exit_code == 2
    assert "sólo se aplican a papeletas ordenadas" in _plain(approvals.stderr)
