"""``asamblea trustee ACTION``: a trustee's side of an encrypted vote, on their own computer.

The secret never leaves this computer in clear: it lives in a file locked with a passphrase
(Argon2id + secretbox, `asamblea.formats.trustee`). Actions, in the order of a vote:

1. ``init`` — draw the polynomial; write the secret file and the public dealing file;
2. ``shares`` — from everyone's dealing files, write the shares for the others, each sealed so
   that only its recipient can open it;
3. ``combine`` — open the shares addressed to me, check each against its sender's commitments,
   and keep ``x_j`` (a bad share names its sender and stops: nothing is kept);
4. ``decrypt`` — after closing, check the whole board (`asamblea.core.crypto.verify`), recompute
   the tally from the ballots, and write my decryption share of **that tally only**.

The passphrase is asked for (hidden), or read from ``ASAMBLEA_TRUSTEE_PASSPHRASE``.
Exit status: 0 done; 1 a check failed (bad share, bad board); 2 unreadable file or wrong use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from nacl.pwhash import argon2id

from asamblea.core.crypto.board import share_json
from asamblea.core.crypto.tally import make_share, tally_ciphertexts
from asamblea.core.crypto.threshold import (
    Dealing,
    check_parameters,
    combine_shares,
    election_key,
    is_valid_dealing,
    is_valid_share,
    verification_key,
)
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.errors import DomainError
from asamblea.formats.encrypted_board import read_encrypted_board
from asamblea.formats.errors import FormatError
from asamblea.formats.trustee import (
    TrusteeSecret,
    dealing_file,
    new_trustee,
    open_secret,
    open_share,
    own_share,
    read_dealing,
    seal_secret,
    shares_file,
)

ACTIONS = ("init", "shares", "combine", "decrypt")
DECRYPTION_SCHEMA = "asamblea-trustee-decryption/1"
LIMITS = {"moderate": (argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
          "interactive": (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)}

PathOpt = Annotated[Path | None, typer.Option()]
Paths = Annotated[list[Path] | None, typer.Option()]


def trustee(  # noqa: PLR0917 - Typer maps each CLI option to a parameter
    action: Annotated[str, typer.Argument(help="init | shares | combine | decrypt")],
    secret: Annotated[Path, typer.Option(help="Archivo secreto de custodia (en su equipo).")],
    ceremony: Annotated[str | None, typer.Option(help="init: id de la ceremonia (64 hex).")] = None,
    index: Annotated[int | None, typer.Option(help="init: su número de custodio (1..n).")] = None,
    threshold: Annotated[int | None, typer.Option(help="init: umbral t.")] = None,
    dealing: Paths = None,
    share: Paths = None,
    board: PathOpt = None,
    out: PathOpt = None,
    kdf: Annotated[str, typer.Option(help="Límites de Argon2id: moderate | interactive.")] = (
        "moderate"),
) -> None:
    """Custodia de una votación cifrada: init, shares, combine, decrypt (ver docs)."""
    try:
        if action not in ACTIONS or kdf not in LIMITS:
            _fail(f"acción {action!r} o límites {kdf!r} desconocidos", 2)
        if action == "init":
            _init(secret, ceremony, index, threshold, out=out, kdf=kdf)
        elif action == "shares":
            _shares(_open(secret), dealing or [], _needed(out))
        elif action == "combine":
            _combine(secret, dealing or [], share or [], kdf)
        else:
            _decrypt(_open(secret), _needed(board), _needed(out))
    except (FormatError, DomainError, OSError) as error:
        _fail(str(error), 2)


def _fail(message: str, code: int) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _needed(path: Path | None) -> Path:
    if path is None:
        raise FormatError("falta un archivo (--out o --board)")
    return path


def _passphrase(confirm: bool) -> str:
    from_env = os.environ.get("ASAMBLEA_TRUSTEE_PASSPHRASE")
    if from_env:
        return from_env
    text: str = typer.prompt("Frase de paso", hide_input=True, confirmation_prompt=confirm)
    return text


def _open(path: Path) -> TrusteeSecret:
    return open_secret(path.read_bytes(), _passphrase(confirm=False))


def _save(path: Path, secret: TrusteeSecret, kdf: str) -> None:
    opslimit, memlimit = LIMITS[kdf]
    path.write_bytes(seal_secret(secret, _passphrase(confirm=False), opslimit=opslimit,
                                 memlimit=memlimit))
    path.chmod(0o600)


def _init(path: Path, ceremony: str | None, index: int | None, threshold: int | None, *,
          out: Path | None, kdf: str) -> None:
    if ceremony is None or index is None or threshold is None or out is None:
        raise FormatError("init necesita --ceremony, --index, --threshold y --out")
    if path.exists():
        raise FormatError(f"{path} ya existe: no se sobrescribe un secreto")
    check_parameters(threshold, max(index, threshold))
    made = new_trustee(bytes.fromhex(ceremony), index, threshold)
    opslimit, memlimit = LIMITS[kdf]
    path.write_bytes(seal_secret(made, _passphrase(confirm=True), opslimit=opslimit,
                                 memlimit=memlimit))
    path.chmod(0o600)
    out.write_bytes(dealing_file(made))
    typer.echo(f"Custodio {index}: secreto en {path}; reparto público en {out}.")


def _dealings(mine: TrusteeSecret, paths: list[Path]) -> dict[int, tuple[bytes, Dealing]]:
    found: dict[int, tuple[bytes, Dealing]] = {}
    for path in paths:
        ceremony, box_key, dealt = read_dealing(path.read_bytes())
        if ceremony != mine.ceremony or not is_valid_dealing(ceremony, dealt, mine.threshold):
            _fail(f"el reparto {path} no es válido para esta ceremonia", 1)
        found[dealt.index] = (box_key, dealt)
    if sorted(found) != list(range(1, len(found) + 1)) or mine.index not in found:
        _fail("los repartos deben ser de los custodios 1..n, usted incluido", 1)
    return found


def _shares(mine: TrusteeSecret, paths: list[Path], out: Path) -> None:
    found = _dealings(mine, paths)
    out.write_bytes(shares_file(mine, {j: key for j, (key, _) in found.items()}))
    typer.echo(f"Partes selladas para {len(found) - 1} custodios en {out}.")


def _combine(path: Path, dealings: list[Path], shares: list[Path], kdf: str) -> None:
    mine = _open(path)
    found = _dealings(mine, dealings)
    received = {mine.index: own_share(mine)}
    for share_path in shares:
        sender, value = open_share(mine, share_path.read_bytes())
        if sender not in found or not is_valid_share(found[sender][1], mine.index, value):
            _fail(f"la parte del custodio {sender} no corresponde a sus compromisos: "
                  "denúncielo; no se guardó nada", 1)
        received[sender] = value
    if sorted(received) != sorted(found):
        _fail(f"faltan partes de los custodios {sorted(set(found) - set(received))}", 1)
    _save(path, mine.with_secret(combine_shares(list(received.values()))), kdf)
    all_dealings = [found[j][1] for j in sorted(found)]
    typer.echo(f"Clave de la elección: {election_key(all_dealings).hex()}")
    typer.echo(f"Su clave de verificación: "
               f"{verification_key(all_dealings, mine.index).hex()}")


def _decrypt(mine: TrusteeSecret, board_path: Path, out: Path) -> None:
    if mine.secret is None:
        raise FormatError("primero combine las partes (acción combine)")
    board = read_encrypted_board(board_path)
    manifest = board.manifest
    if manifest.ceremony != mine.ceremony or mine.dealing not in manifest.dealings:
        _fail("el tablero no es de la ceremonia de este custodio", 1)
    problems = [f for f in verify_encrypted_board(board)
                if f.code != "result.missing"]
    if problems:
        _fail("el tablero no verifica: " + "; ".join(f.message for f in problems[:5]), 1)
    tally = tally_ciphertexts([[o.ciphertext for o in b.options] for b in board.ballots],
                              len(manifest.header.options))
    made = make_share(manifest.election_hash(), mine.index, mine.secret, tally)
    out.write_text(json.dumps({"schema": DECRYPTION_SCHEMA,
                               "election": manifest.election_hash().hex(),
                               "share": share_json(made)}, indent=1) + "\n")
    typer.echo(f"Parte de descifrado del recuento ({len(board.ballots)} papeletas) en {out}.")


def register(app: typer.Typer) -> None:
    """Add ``asamblea trustee`` to the main app."""
    app.command("trustee")(trustee)
