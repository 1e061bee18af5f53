"""``asamblea verify BOARD.json``: check a vote's public bulletin board offline.

This module imports only `asamblea.core` and `asamblea.formats` (plus Typer), so that anyone can
verify a vote without the server, its database or its web code; a test keeps it that way. It
also runs on its own: ``python verify.py BOARD.json``.

Exit status: 0 the board verifies; 1 the board fails a check (or the receipt is not on it);
2 the file is not a readable board, or the receipt code is mistyped; 3 the counting engine
cannot re-count this vote here (the other checks are still reported).

An encrypted vote's board (``asamblea-encrypted-board/1``, docs/encrypted-votes.md) is recognised
by its first bytes and checked with `asamblea.core.crypto.verify`; its receipts are ballot
trackers (64 hex digits), and ``--jobs`` spreads the ballots' proofs over processes.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from asamblea.core.crypto.ballot import tracker
from asamblea.core.crypto.board import EncryptedBoard
from asamblea.core.crypto.verify import verify_encrypted_board
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
from asamblea.formats.encrypted_board import is_encrypted_board, read_encrypted_board
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
JobsOpt = Annotated[
    int, typer.Option("--jobs", min=1, max=64,
                      help="Procesos para comprobar papeletas cifradas en paralelo."),
]


def verify(
    board_path: BoardArg,
    receipt: ReceiptOpt = None,
    as_json: JsonOpt = False,
    public_key: KeyOpt = None,
    jobs: JobsOpt = 1,
) -> None:
    """Verifica un tablero: cadena, firmas, padrón y recuento; opcionalmente busca un recibo."""
    if _starts_encrypted(board_path):
        _verify_encrypted(board_path, receipt, as_json=as_json, public_key=public_key, jobs=jobs)
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


def _starts_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return is_encrypted_board(handle.read(64))
    except OSError:
        return False  # the plaintext path reports the unreadable file


def _verify_encrypted(path: Path, receipt: str | None, *, as_json: bool,
                      public_key: str | None, jobs: int) -> None:
    """Check an encrypted board and exit with the same codes as a plaintext one."""
    try:
        board = read_encrypted_board(path)
    except FormatError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    code = None if receipt is None else receipt.strip().lower()
    if code is not None and (len(code) != 64 or any(c not in "0123456789abcdef" for c in code)):
        typer.echo(f"Error: {receipt!r} no es un rastreador de papeleta: son 64 cifras "
                   "hexadecimales; revise si hay un error al copiarlo.", err=True)
        raise typer.Exit(2)
    findings = _encrypted_findings(board, public_key, jobs)
    trackers = [tracker(ballot).hex() for ballot in board.ballots] if code else []
    index = trackers.index(code) if code in trackers else None
    if as_json:
        typer.echo(json.dumps({
            "ok": not findings, "vote_id": board.manifest.header.vote_id,
            "ballots": len(board.ballots), "audited": len(board.audited),
            "counts": None if board.counts is None else list(board.counts),
            "public_key": board.signing_key, "findings": [f.to_json() for f in findings],
            "receipt": None if code is None else {"code": code, "found": index is not None,
                                                   "index": index},
        }, ensure_ascii=False, indent=2))
    else:
        _print_encrypted(board, findings, code, index)
    raise typer.Exit(1 if findings or (code is not None and index is None) else 0)


def _encrypted_findings(board: EncryptedBoard, public_key: str | None,
                        jobs: int) -> list[Finding]:
    if jobs == 1:
        return verify_encrypted_board(board, expected_key=public_key)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        def spread(check: Callable[[Any], bool], items: Iterable[Any]) -> Iterable[bool]:
            return pool.imap(check, items, chunksize=256)
        return verify_encrypted_board(board, expected_key=public_key, map_ballots=spread)


def _print_encrypted(board: EncryptedBoard, findings: list[Finding], code: str | None,
                     index: int | None) -> None:
    """The encrypted board's report in Spanish, for people."""
    if findings:
        typer.echo(f"El tablero cifrado NO verifica: {len(findings)} problema(s).")
        for finding in findings[:SHOWN_FINDINGS]:
            typer.echo(f"  - [{finding.field}] {finding.message}")
    else:
        options = board.manifest.header.options
        typer.echo(f"Tablero cifrado verificado: {len(board.ballots)} papeletas con pruebas "
                   f"válidas, {len(board.audited)} auditadas, recuento cifrado, "
                   f"{len(board.shares)} partes de descifrado con pruebas, cadena y firmas.")
        for name, count in zip(options, board.counts or (), strict=False):
            typer.echo(f"  {name}: {count}")
    typer.echo(f"Clave pública: {board.signing_key} (compárela con la anunciada al abrir).")
    if code is not None:
        found = f"papeleta {index}" if index is not None else "NO está en el tablero"
        typer.echo(f"Rastreador {code}: {found}.")


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
