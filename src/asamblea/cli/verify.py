"""``asamblea verify BOARD.json``: check a vote's public bulletin board offline.

This module imports only `asamblea.core` and `asamblea.formats` (plus Typer), so that anyone can
verify a vote without the server, its database or its web code; a test keeps it that way. It
also runs on its own: ``python verify.py BOARD.json``.

Exit status: 0 the board verifies; 1 the board fails a check (or the receipt is not on it);
2 the file is not a readable board, or the receipt code is mistyped; 3 the counting engine
cannot re-count this vote here (the other checks are still reported).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from asamblea.core.errors import DomainError
from asamblea.core.ledger import (
    Board,
    Finding,
    RecountUnavailable,
    describe_selection,
    find_receipt,
    normalise_receipt,
    quorum_reached,
    recount,
    verify_board,
)
from asamblea.formats.board import read_board
from asamblea.formats.errors import FormatError

SHOWN_FINDINGS = 50

BoardArg = Annotated[Path, typer.Argument(help="Archivo JSON del tablero público.")]
ReceiptOpt = Annotated[
    str | None, typer.Option("--receipt", help="Código de recibo a buscar en el tablero.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Resultado en JSON, para programas.")]
KeyOpt = Annotated[
    str | None,
    typer.Option("--public-key", help="Clave pública (hex) anunciada al abrir la votación."),
]


def verify(
    board_path: BoardArg,
    receipt: ReceiptOpt = None,
    as_json: JsonOpt = False,
    public_key: KeyOpt = None,
) -> None:
    """Verifica un tablero: cadena, firmas, padrón y recuento; opcionalmente busca un recibo."""
    try:
        board = read_board(board_path)
    except FormatError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    try:
        code = None if receipt is None else normalise_receipt(receipt)
    except DomainError:
        typer.echo(f"Error: {receipt!r} no es un código de recibo: son 16 letras y cifras como "
                   "7K3M-QX9T-2BHD-04RW; revise si hay un error al copiarlo.", err=True)
        raise typer.Exit(2) from None
    unavailable: str | None = None
    try:
        findings = verify_board(board, recount=recount, public_key=public_key)
    except RecountUnavailable as error:
        unavailable = str(error)
        findings = verify_board(board, recount=None, public_key=public_key)
    index = None if code is None else find_receipt(board, code)
    status = 1 if findings or (code is not None and index is None) else 0
    status = 3 if status == 0 and unavailable else status
    if as_json:
        typer.echo(json.dumps(_report(board, findings, unavailable, code, index),
                              ensure_ascii=False, indent=2))
    else:
        _print_human(board, findings, unavailable, code, index)
    raise typer.Exit(status)


def _report(board: Board, findings: list[Finding], unavailable: str | None,
            code: str | None, index: int | None) -> dict[str, object]:
    """The machine-readable report of ``--json``."""
    report: dict[str, object] = {
        "ok": not findings and unavailable is None,
        "vote_id": board.header.vote_id,
        "ballots": len(board.receipts),
        "head": board.heads[-1] if board.heads else board.genesis,
        "public_key": board.public_key,
        "quorum_reached": quorum_reached(board),
        "recount": "unavailable" if unavailable else "done",
        "recount_error": unavailable,
        "findings": [finding.to_json() for finding in findings],
    }
    if code is not None:
        head = None
        if index is not None and index < len(board.heads):
            head = board.heads[index]
        report["receipt"] = {
            "code": code, "found": index is not None, "index": index, "head": head,
            "selection": None if index is None else board.selections[index],
        }
    return report


def _print_human(board: Board, findings: list[Finding], unavailable: str | None,
                 code: str | None, index: int | None) -> None:
    """The report in Spanish, for people."""
    if findings:
        typer.echo(f"El tablero NO verifica: {len(findings)} problema(s).")
        for finding in findings[:SHOWN_FINDINGS]:
            typer.echo(f"  - [{finding.field}] {finding.message}")
        if len(findings) > SHOWN_FINDINGS:
            typer.echo(f"  … y {len(findings) - SHOWN_FINDINGS} problema(s) más (use --json).")
    else:
        typer.echo(f"Tablero verificado: {len(board.receipts)} papeletas, cadena íntegra, "
                   f"firmas válidas, votantes ≤ padrón ({board.voters} ≤ "
                   f"{board.header.roll_size}).")
    if unavailable:
        typer.echo(f"Recuento NO realizado: {unavailable}.")
    elif not findings:
        typer.echo(f"Recuento con la regla {board.header.rule!r}: coincide con lo publicado.")
    quorum = board.header.quorum
    reached = "alcanzado" if quorum_reached(board) else "NO alcanzado"
    typer.echo(f"Quórum ({quorum.numerator}/{quorum.denominator} del padrón de "
               f"{board.header.roll_size}): {reached}.")
    head = board.heads[-1] if board.heads else board.genesis
    typer.echo(f"Cabeza final: {head}")
    typer.echo(f"Clave pública: {board.public_key} (compárela con la anunciada al abrir).")
    if code is not None:
        if index is None:
            typer.echo(f"El recibo {code} NO está en el tablero.")
        else:
            choice = describe_selection(board, board.selections[index])
            typer.echo(f"Recibo {code}: papeleta {index}, elección: {choice}.")
            if index < len(board.heads):
                typer.echo(f"Cabeza de la cadena tras su papeleta: {board.heads[index]} "
                           "(debe coincidir con la que mostró su página de recibo).")


def register(app: typer.Typer) -> None:
    """Add ``asamblea verify`` to the main app."""
    app.command("verify")(verify)


def main() -> None:
    """Run ``verify`` as a program of its own (no other part of Asamblea is imported)."""
    standalone = typer.Typer(add_completion=False)
    standalone.command()(verify)
    standalone()


if __name__ == "__main__":
    main()
