"""``asamblea plan``: report, JSON, what-if, clean errors (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from asamblea.cli import plan as plan_cli
from tests.datasets import TEST_DATA

DATA = TEST_DATA / "planning"
MODEL = str(DATA / "aldea.csv")
TARGETS = str(DATA / "aldea_metas.csv")


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    plan_cli.register(app)
    return app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["plan", *args])
    return result.exit_code, result.stdout, result.stderr


def test_report_in_spanish() -> None:
    code, out, _ = run(MODEL, "--targets", TARGETS)
    assert code == 0
    assert "Estado: óptimo" in out
    assert "Cumplimiento mínimo de las metas: 215.38 %" in out  # 28/13, solved by hand
    assert "trabajo" in out
    assert "leña" in out


def test_json_and_what_if() -> None:
    code, out, _ = run(MODEL, "--targets", TARGETS, "--what-if", str(DATA / "aldea_cambios.csv"),
                       "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["plan"]["status"] == "optimal"
    assert doc["plan"]["fulfilment"] == pytest.approx(28 / 13)
    assert set(doc["binding"]) == {"labour", "leña"}
    assert doc["labour_values"]["maíz"] == pytest.approx(1.25)
    assert doc["what_if"]["fulfilment_after"] == pytest.approx(130 / 91.25)


def test_real_table_without_targets_uses_final_demand() -> None:
    code, out, _ = run(str(DATA / "five_year_plan"), "--json")
    assert code == 0
    assert json.loads(out)["plan"]["status"] == "optimal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent.csv", "--targets", TARGETS], "no existe"),
        ([MODEL], "--targets"),
        ([MODEL, "--targets", MODEL], "meta"),
        ([MODEL, "--targets", TARGETS, "--method", "magic"], "método"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_no_plan_exits_1(tmp_path: Path) -> None:
    floors = tmp_path / "pisos.csv"
    floors.write_text("producto,piso\nmaíz,1000\n", encoding="utf-8")
    code, out, _ = run(MODEL, "--targets", TARGETS, "--floors", str(floors))
    assert code == 1
    assert "no factible" in out


def test_help_and_docs_name_the_same_options() -> None:
    result = CliRunner().invoke(_app(), ["plan", "--help"], env={"COLUMNS": "200"})
    docs = (Path(__file__).resolve().parents[2] / "docs" / "planning.md").read_text("utf-8")
    for option in ("--targets", "--floors", "--what-if", "--json", "--method", "--time-limit"):
        assert option in result.stdout
        assert option in docs


def test_leontief_says_why_it_cannot_solve_in_text_and_json() -> None:
    code, out, _ = run(MODEL, "--targets", TARGETS, "--method", "leontief")
    assert code == 1
    said = " ".join(out.split())  # the console wraps long lines
    assert "no se pudo resolver el plan con este método: el método leontief sólo resuelve" in said
    code, out, _ = run(MODEL, "--targets", TARGETS, "--method", "leontief", "--json")
    plan = json.loads(out)["plan"]
    assert plan["status"] == "error"
    assert plan["message_es"].startswith("el método leontief sólo resuelve")
    assert plan["message"].startswith("the fast path does not apply")


def test_a_non_productive_economy_is_named_in_spanish(tmp_path: Path) -> None:
    model = tmp_path / "improductiva.csv"
    model.write_text(
        "fila,maíz,pan,limite\nmaíz,1.5,0.5,\npan,0,0,\ntrabajo,1,1,100\n", encoding="utf-8"
    )
    targets = tmp_path / "metas.csv"
    targets.write_text("producto,meta\nmaíz,10\npan,5\n", encoding="utf-8")
    code, out, err = run(str(model), "--targets", str(targets), "--method", "leontief")
    assert code == 2, out
    assert f"{model}: la economía no es productiva" in " ".join(err.split())
    assert "Traceback" not in err + out
