"""``asamblea archive verify BUNDLE``: check an exported case bundle offline.

Like ``asamblea verify``, this imports only `asamblea.core` and `asamblea.formats` (plus Typer),
so a prosecutor, an ombudsman's office or a commission can check a bundle without the server;
a test keeps it that way. It also runs on its own: ``python archive.py verify BUNDLE``.

Exit status: 0 the bundle verifies; 1 it fails a check (each problem named, with the file or the
custody log line); 2 the path is not a readable bundle (the file and line named).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from asamblea.core.archive import verify_bundle
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


@archive_app.command("verify")
def verify(bundle_path: BundleArg, as_json: JsonOpt = False, public_key: KeyOpt = None) -> None:
    """Verifica un paquete: originales, registro de custodia, firmas y manifiesto."""
    try:
        bundle = read_bundle(bundle_path)
    except FormatError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    findings = verify_bundle(bundle.manifest, bundle.signature, bundle.records, bundle.actual,
                             public_key=public_key)
    if as_json:
        typer.echo(json.dumps(_report(bundle, findings), ensure_ascii=False, indent=2))
    else:
        _print_human(bundle, findings)
    raise typer.Exit(1 if findings else 0)


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
