"""``asamblea archive verify BUNDLE``: check an exported case bundle offline.

Like ``asamblea verify``, this imports only `asamblea.core` and `asamblea.formats` (plus Typer),
so a prosecutor, an ombudsman's office or a commission can check a bundle without the server;
a test keeps it that way. It also runs on its own: ``python archive.py verify BUNDLE``.

Exit status: 0 the bundle verifies; 1 it fails a check (each problem named, with the file or the
custody log line) or the ``--receipt`` given is not in its log; 2 the path is not a readable
bundle (the file and line named) or the receipt is mistyped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from asamblea.core.archive import holds_receipt, verify_bundle
from asamblea.core.ledger import Finding
from asamblea.formats.archive import Bundle, read_bundle
from asamblea.formats.errors import FormatError

SHOWN_FINDINGS = 50

archive_app = typer.Typer(add_completion=False, no_args_is_help=True,
                          help="Archivo de testimonios: verificar paquetes exportados.")



@archive_app.callback()
def _archive() -> None:
    """Archivo de testimonios: verificar paquetes exportados."""


BundleArg = Annotated[Path, typer.Argument(help="Paquete exportado: directorio o archivo ZIP.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Resultado en JSON, para programas.")]
KeyOpt = Annotated[
    str | None,
    typer.Option("--public-key", help="Clave pública (hex) publicada por el archivo del caso."),
]
ReceiptOpt = Annotated[
    str | None,
    typer.Option("--receipt", help="Recibo de entrega de un testigo: NÚMERO:CABEZA (hex)."),
]


@archive_app.command("verify")
def verify(bundle_path: BundleArg, as_json: JsonOpt = False, public_key: KeyOpt = None,
           receipt: ReceiptOpt = None) -> None:
    """Verifica un paquete: originales, registro de custodia, firmas y manifiesto."""
    wanted = None if receipt is None else _parse_receipt(receipt)
    try:
        bundle = read_bundle(bundle_path)
    except FormatError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    findings = verify_bundle(bundle.manifest, bundle.signature, bundle.records, bundle.actual,
                             public_key=public_key)
    found = None if wanted is None else holds_receipt(bundle.records, *wanted)
    if as_json:
        report = _report(bundle, findings) | ({} if found is None else {"receipt_found": found})
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_human(bundle, findings)
        if wanted is not None:
            state = "está" if found else "NO está"
            typer.echo(f"El recibo {wanted[0]}:{wanted[1]} {state} en el registro de custodia.")
    raise typer.Exit(1 if findings or found is False else 0)


def _parse_receipt(text: str) -> tuple[int, str]:
    """``NÚMERO:CABEZA`` as printed on an intake receipt; exit 2 with the expected form."""
    seq, _, head = text.strip().partition(":")
    if not seq.isascii() or not seq.isdecimal() or len(seq) > 9 or len(head) != 64 or any(
            c not in "0123456789abcdef" for c in head):
        typer.echo(f"Error: {text!r} no es un recibo de entrega: se espera NÚMERO:CABEZA, como "
                   "3:9f2c… (64 cifras hexadecimales).", err=True)
        raise typer.Exit(2)
    return int(seq), head


def _report(bundle: Bundle, findings: list[Finding]) -> dict[str, object]:
    manifest = bundle.manifest
    return {"ok": not findings, "case_id": manifest.case.case_id,
            "files": len(manifest.files), "custody_entries": len(bundle.records),
            "head": manifest.custody_head, "public_key": manifest.case.public_key,
            "findings": [finding.to_json() for finding in findings]}


def _print_human(bundle: Bundle, findings: list[Finding]) -> None:
    manifest = bundle.manifest
    if findings:
        typer.echo(f"El paquete NO verifica: {len(findings)} problema(s).")
        for finding in findings[:SHOWN_FINDINGS]:
            typer.echo(f"  - [{finding.field}] {finding.message}")
        if len(findings) > SHOWN_FINDINGS:
            typer.echo(f"  … y {len(findings) - SHOWN_FINDINGS} problema(s) más (use --json).")
    else:
        redacted = sum(1 for record in bundle.records if record.entry is None)
        typer.echo(f"Paquete verificado: {len(manifest.files)} original(es) íntegros, "
                   f"registro de custodia de {len(bundle.records)} entradas ({redacted} "
                   "reservadas) encadenado y firmado, manifiesto firmado.")
    typer.echo(f"Caso: {manifest.case.case_id}; exportado {manifest.exported_at} para "
               f"{manifest.recipient}.")
    typer.echo(f"Cabeza del registro: {manifest.custody_head}")
    typer.echo(f"Clave pública: {manifest.case.public_key} (compárela con la publicada por "
               "el archivo).")


def register(app: typer.Typer) -> None:
    """Add ``asamblea archive`` (with its ``verify`` command) to the main app."""
    app.add_typer(archive_app, name="archive")


if __name__ == "__main__":
    archive_app()
