"""``asamblea verify``: exit codes, precise Spanish messages, receipts, and import purity."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from asamblea.cli import verify as verify_cli
from asamblea.core.ledger import (
    BallotKind,
    Board,
    InPersonCount,
    new_receipt,
    new_signing_key,
    public_key_hex,
    recount,
    with_result,
)
from asamblea.formats.board import dump_board
from tests.core.test_ledger import KEY, make_board

VERIFY_SOURCE = Path(verify_cli.__file__)
Doc = dict[str, Any]


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """Test app."""

    verify_cli.register(app)
    return app


def _reseal(board: Board) -> Board:
    """The same board sealed with the real counting engine's result."""
    return with_result(board, KEY, recount(board))


@cache
def board_bytes(kind: BallotKind = BallotKind.CHOICE, rule: str = "plurality") -> bytes:
    """A sealed 40-ballot board counted by the real registry rule."""
    return dump_board(_reseal(make_board(40, kind, rule=rule)))


def run(tmp_path: Path, data: bytes, *args: str) -> tuple[int, str]:
    """Write ``data`` as a board file and run ``verify`` on it: (exit code, output)."""
    path = tmp_path / "tablero.json"
    path.write_bytes(data)
    result = CliRunner().invoke(_app(), ["verify", str(path), *args])
    return result.exit_code, result.output


def edited(edit: Callable[[Doc], object], data: bytes | None = None) -> bytes:
    """The sample board file after ``edit`` on its parsed JSON."""
    doc = json.loads(data if data is not None else board_bytes())
    edit(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.mark.parametrize(("kind", "rule"), [(BallotKind.CHOICE, "plurality"),
                                            (BallotKind.APPROVAL, "approval"),
                                            (BallotKind.RANKING, "irv"),
                                            (BallotKind.RANKING, "schulze")])
def test_valid_board_verifies(tmp_path: Path, kind: BallotKind, rule: str) -> None:
    code, output = run(tmp_path, board_bytes(kind, rule))
    assert code == 0, output
    assert "Tablero verificado: 40 papeletas" in output
    assert f"Recuento con la regla '{rule}': coincide" in output
    assert "Quórum (1/2 del padrón de 50): alcanzado." in output


def test_receipt_lookup_shows_the_choice(tmp_path: Path) -> None:
    doc = json.loads(board_bytes())
    ballot = next(b for b in doc["ballots"] if b["selection"])
    typed = ballot["receipt"].lower().replace("-", " ")
    code, output = run(tmp_path, board_bytes(), "--receipt", typed)
    assert code == 0, output
    option = doc["vote"]["options"][ballot["selection"][0]]
    assert f"Recibo {ballot['receipt']}" in output
    assert f"elección: {option}." in output
    index = doc["ballots"].index(ballot)
    assert f"tras su papeleta: {doc['chain']['heads'][index]}" in output


def test_missing_and_mistyped_receipts(tmp_path: Path) -> None:
    code, output = run(tmp_path, board_bytes(), "--receipt", new_receipt())
    assert code == 1
    assert "NO está en el tablero" in output
    code, output = run(tmp_path, board_bytes(), "--receipt", "ABCD-EFGH")
    assert code == 2
    assert "recibo" in output.lower()


def test_json_report(tmp_path: Path) -> None:
    receipt = json.loads(board_bytes())["ballots"][0]["receipt"]
    code, output = run(tmp_path, board_bytes(), "--json", "--receipt", receipt)
    report = json.loads(output)
    assert code == 0
    assert report["ok"] is True
    assert report["ballots"] == 40
    assert report["receipt"]["index"] == 0


def _other_receipt(doc: Doc) -> None:
    doc["ballots"][3]["receipt"] = new_receipt()


def _other_selection(doc: Doc) -> None:
    doc["ballots"][3]["selection"] = [0] if doc["ballots"][3]["selection"] != [0] else [1]


def _in_person_doc(doc: Doc) -> None:
    doc["in_person"]["counts"][0] += 1


@pytest.mark.parametrize(
    ("edit", "fields"),
    [
        (_other_selection, ["[ballots[3]]"]),
        (_other_receipt, ["[ballots[3]]"]),
        (lambda d: d["ballots"][5].update(selection=[1, 2]), ["[ballots[5].selection]"]),
        (lambda d: d["chain"]["heads"].__setitem__(2, "ab" * 32), ["[chain.heads[2]]"]),
        (lambda d: d["chain"]["heads"].__setitem__(39, "ab" * 32),
         ["[chain.heads[39]]", "[signature.head]"]),
        (lambda d: d["chain"].update(genesis="cd" * 32), ["[chain.genesis]"]),
        (lambda d: d["signature"].update(head="ef" * 64), ["[signature.head]"]),
        (lambda d: d["signature"].update(seal="ef" * 64), ["[signature.seal]"]),
        (lambda d: d["vote"].update(roll_size=60), ["[chain.genesis]"]),
        (lambda d: d["vote"].update(roll_size=39), ["[chain.genesis]", "[vote.roll_size]"]),
        (lambda d: d["vote"].update(voters=41), ["[signature.seal]"]),
        (lambda d: d["vote"].update(voters=39), ["[vote.voters]", "[signature.seal]"]),
        (lambda d: d["vote"].update(question="¿Otra pregunta?"), ["[chain.genesis]"]),
        (lambda d: d["vote"].update(seed="otra"), ["[signature.seal]"]),
        (lambda d: d["result"].update(winners=["Luis"]), ["[signature.seal]", "[result.winners]"]),
        (lambda d: (d["ballots"].pop(), d["chain"]["heads"].pop()), ["[signature.head]"]),
    ],
)
def test_every_tampering_fails_and_is_named(
    tmp_path: Path, edit: Callable[[Doc], object], fields: list[str]
) -> None:
    code, output = run(tmp_path, edited(edit))
    assert code == 1, output
    assert "El tablero NO verifica" in output
    for field in fields:
        assert field in output, output


def test_in_person_count_tampering_is_named(tmp_path: Path) -> None:
    count = InPersonCount(counts=(5, 2, 0, 1), attendance=9, acta="Acta de la asamblea.",
                          recorded_by="Juana Quispe", confirmed_by="Pedro Mamani",
                          confirmed_at="2026-11-02T02:00:00Z")
    data = dump_board(_reseal(make_board(0, BallotKind.CHOICE, rule="plurality",
                                         in_person=count)))
    assert run(tmp_path, data)[0] == 0
    code, output = run(tmp_path, edited(_in_person_doc, data))
    assert code == 1
    assert "[signature.seal]" in output


def test_announced_public_key_is_checked(tmp_path: Path) -> None:
    code, output = run(tmp_path, board_bytes(), "--public-key", public_key_hex(KEY))
    assert code == 0, output
    other = public_key_hex(new_signing_key())
    code, output = run(tmp_path, board_bytes(), "--public-key", other)
    assert code == 1
    assert "[signature.public_key]" in output


def test_unreadable_board_exits_2(tmp_path: Path) -> None:
    code, output = run(tmp_path, b'{"schema": "otra-cosa"}')
    assert code == 2
    assert "Error:" in output


def test_rule_unknown_to_this_engine_exits_3(tmp_path: Path) -> None:
    data = dump_board(make_board(5, BallotKind.CHOICE, rule="regla-inexistente"))
    code, output = run(tmp_path, data)
    assert code == 3
    assert "motor de conteo no disponible" in output


def test_registered_in_the_main_app() -> None:
    from asamblea.cli import app  # noqa: PLC0415 - the whole CLI, only for this check

    result = CliRunner().invoke(app, ["verify", "--help"])
    assert result.exit_code == 0
    assert "--receipt" in result.output


ALLOWED_ROOTS = {"__future__", "json", "pathlib", "typing", "typer", "multiprocessing",
                 "collections"}


def test_verify_module_imports_only_core_and_formats() -> None:
    tree = ast.parse(VERIFY_SOURCE.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    for name in imported:
        allowed = name.split(".")[0] in ALLOWED_ROOTS or name.startswith(
            ("asamblea.core", "asamblea.formats")
        )
        assert allowed, name


STANDALONE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("asamblea_verify_standalone", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.argv = ["verify", sys.argv[2]]
try:
    module.main()
except SystemExit as exit:
    code = exit.code
loaded = sorted(m for m in sys.modules if m.startswith("asamblea"))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"sqlalchemy", "fastapi", "starlette",
                                                          "alembic", "jinja2", "uvicorn"})
print(json.dumps({"code": code, "loaded": loaded, "heavy": heavy}))
"""


def test_verify_runs_standalone_without_server_code(tmp_path: Path) -> None:
    """Run in a fresh interpreter: only asamblea.core.* and asamblea.formats.* get imported."""
    path = tmp_path / "tablero.json"
    path.write_bytes(board_bytes())
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", STANDALONE, str(VERIFY_SOURCE), str(path)],
        capture_output=True, text=True, check=True, timeout=60,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, done.stdout
    assert "asamblea.core.ledger" in report["loaded"]
    outside = [m for m in report["loaded"] if m != "asamblea"
               and not m.startswith(("asamblea.core", "asamblea.formats"))]
    assert outside == []
    assert report["heavy"] == []


def test_ranked_ballot_change_changes_the_recount(tmp_path: Path) -> None:
    data = board_bytes(BallotKind.RANKING, "irv")

    def reverse_all(doc: Doc) -> None:
        for ballot in doc["ballots"]:
            ballot["selection"].reverse()

    code, output = run(tmp_path, edited(reverse_all, data))
    assert code == 1
    assert "[ballots[0]]" in output
    assert "[result.rounds]" in output
