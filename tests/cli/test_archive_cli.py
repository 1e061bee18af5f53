"""``asamblea archive verify``: exit codes, Spanish messages, imports of core and formats only."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from asamblea.cli import app
from asamblea.cli import archive as archive_cli
from tests.formats.test_archive import write_sample

SOURCE = Path(archive_cli.__file__)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["archive", "verify", *args])
    return result.exit_code, result.output


def test_a_valid_bundle_verifies(tmp_path: Path) -> None:
    path, export = write_sample(tmp_path, "paquete.zip")
    code, output = run(str(path), "--public-key", export.manifest.case.public_key)
    assert code == 0, output
    assert "Paquete verificado: 2 original(es) íntegros" in output
    assert "9 entradas (2 reservadas)" in output


def test_a_changed_file_fails_with_its_name(tmp_path: Path) -> None:
    path, export = write_sample(tmp_path)
    target = path / export.manifest.files[1].path
    target.write_bytes(target.read_bytes() + b"!")
    code, output = run(str(path))
    assert code == 1
    assert "El paquete NO verifica: 1 problema(s)." in output
    assert f"El archivo {export.manifest.files[1].path} fue modificado" in output


def test_json_report(tmp_path: Path) -> None:
    path, export = write_sample(tmp_path)
    code, output = run(str(path), "--json")
    report = json.loads(output)
    assert code == 0
    assert report["ok"] is True
    assert report["head"] == export.manifest.custody_head
    assert report["custody_entries"] == len(export.records)


def test_unreadable_bundle_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    log = path / "custody.jsonl"
    log.write_text(log.read_text(encoding="utf-8").replace('"seq":4,', '"seq":"4",', 1),
                   encoding="utf-8")
    code, output = run(str(path))
    assert code == 2
    assert "custody.jsonl:4: seq: se esperaba un entero" in output
    assert "Traceback" not in output


def test_module_imports_only_core_and_formats() -> None:
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    for name in imported:
        assert name.split(".")[0] in {"__future__", "json", "pathlib", "typing", "typer"} or \
            name.startswith(("asamblea.core", "asamblea.formats")), name


def test_runs_without_the_server_code(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    program = (
        "import sys, runpy\n"
        f"sys.argv = ['archive', 'verify', {str(path)!r}]\n"
        "try:\n"
        f"    runpy.run_path({str(SOURCE)!r}, run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    heavy = [m for m in sys.modules if m.split('.')[0] in\n"
        "             {'sqlalchemy', 'fastapi', 'starlette', 'jinja2', 'uvicorn'}]\n"
        "    print('EXIT', exit.code, heavy)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter on our own program
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=60)
    assert "EXIT 0 []" in result.stdout, result.stdout + result.stderr


def test_a_witness_receipt_is_found_or_not(tmp_path: Path) -> None:
    path, export = write_sample(tmp_path)
    first = export.records[0]
    code, output = run(str(path), "--receipt", f"{first.seq}:{first.head}")
    assert code == 0
    assert "está en el registro de custodia" in output
    code, output = run(str(path), "--receipt", f"{first.seq + 1}:{first.head}")
    assert code == 1
    assert "NO está en el registro" in output
    code, output = run(str(path), "--receipt", "1:XYZ")
    assert code == 2
    assert "no es un recibo de entrega" in output
