"""``asamblea trustee`` over the network: the same steps as the trustee's page, from the trustee's
own computer, through the server's /api/v1 (docs/encrypted-votes.md, §9).

The secret stays in the passphrase-locked file on this computer (`asamblea.formats.trustee`);
what goes to the server is what the page sends: the box public key and public dealing, shares
sealed to each other trustee, a confirmation or a complaint, and the decryption share of the
tally recomputed here from a board checked here. The client is the standard library's
(`urllib.request`), with a bearer token from ``POST /api/v1/tokens``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from nacl.pwhash import argon2id

from asamblea.core.crypto.board import EncryptedBoard, dealing_json, share_json
from asamblea.core.crypto.tally import make_share, tally_ciphertexts
from asamblea.core.crypto.threshold import combine_shares, is_valid_share
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.formats.encrypted_board import dealing_from_json, load_encrypted_board
from asamblea.formats.errors import FormatError
from asamblea.formats.trustee import (
    TrusteeSecret,
    new_trustee,
    open_sealed,
    open_secret,
    own_share,
    seal_secret,
    sealed_shares,
)

TIMEOUT_SECONDS = 60


class Refused(Exception):
    """The server or a check here refused a step; the message says why."""


class Client:
    """One trustee's session with one server (a bearer token)."""

    def __init__(self, server: str, token: str) -> None:
        self.base = server.rstrip("/") + "/api/v1"
        self.token = token

    def call(self, method: str, path: str, body: object = None) -> bytes:
        """The answer's body; `Refused` with the server's message for a 4xx or 5xx."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json", "accept-language": "es"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - the trustee's own server URL
            self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                return bytes(answer.read())
        except urllib.error.HTTPError as error:
            raise Refused(_message(error)) from None

    def json(self, method: str, path: str, body: object = None) -> Any:
        """The answer's JSON."""
        return json.loads(self.call(method, path, body))


def log_in(server: str, username: str, password: str) -> str:
    """A bearer token for ``username`` (``POST /api/v1/tokens``)."""
    answer = Client(server, "").json("POST", "/tokens",
                                     {"username": username, "password": password})
    return str(answer["token"])


def open_file(path: Path, passphrase: str) -> TrusteeSecret:
    """The trustee in a secret file (as written here or downloaded from the trustee's page)."""
    return open_secret(path.read_bytes(), passphrase)


def save_file(path: Path, secret: TrusteeSecret, passphrase: str,
              limits: tuple[int, int] = (argon2id.OPSLIMIT_MODERATE,
                                         argon2id.MEMLIMIT_MODERATE)) -> None:
    """Write the secret file, readable by its owner only."""
    path.write_bytes(seal_secret(secret, passphrase, opslimit=limits[0], memlimit=limits[1]))
    path.chmod(0o600)


def join(client: Client, vote_id: int, path: Path, passphrase: str,
         limits: tuple[int, int]) -> TrusteeSecret:
    """Make my polynomial and box key for this vote's ceremony, keep them locked in ``path``,
    and publish my box public key and dealing."""
    if path.exists():
        raise FormatError(f"{path} ya existe: no se sobrescribe un secreto")
    view = client.json("GET", f"/votes/{vote_id}/ceremony")
    made = new_trustee(bytes.fromhex(view["ceremony"]), int(view["me"]), int(view["threshold"]))
    save_file(path, made, passphrase, limits)
    client.json("POST", f"/votes/{vote_id}/ceremony/dealing",
                {"box_public_key": made.public_box_key().hex(),
                 "dealing": dealing_json(made.dealing)})
    return made


def send(client: Client, vote_id: int, secret: TrusteeSecret) -> int:
    """Seal ``f_i(j)`` to each other trustee ``j`` and send them; returns how many."""
    view = _view(client, vote_id, secret)
    keys = {t["number"]: t["box_public_key"] for t in view["trustees"]}
    if any(key is None for key in keys.values()):
        raise Refused("faltan repartos de otros custodios: vuelva a intentarlo más tarde")
    sealed = sealed_shares(secret, {j: bytes.fromhex(k) for j, k in keys.items()})
    client.json("POST", f"/votes/{vote_id}/ceremony/shares",
                {"shares": {str(j): s for j, s in sealed.items()}})
    return len(sealed)


def receive(client: Client, vote_id: int, secret: TrusteeSecret) -> TrusteeSecret:
    """Open and check each share sealed to me against its sender's commitments; confirm and
    return me with ``x_j``, or complain about every bad one and raise `Refused`."""
    view = _view(client, vote_id, secret)
    dealings = {t["number"]: t["dealing"] for t in view["trustees"]}
    sealed = {int(j): s for j, s in view["sealed_for_me"].items()}
    if set(sealed) != set(dealings) - {secret.index}:
        raise Refused("faltan partes de otros custodios: vuelva a intentarlo más tarde")
    received, bad = [own_share(secret)], []
    for sender, text in sorted(sealed.items()):
        try:
            share = open_sealed(secret, text)
            good = is_valid_share(dealing_from_json(dealings[sender]), secret.index, share)
        except FormatError:
            good = False
        if good:
            received.append(share)
        else:
            bad.append(sender)
    for sender in bad:
        client.json("POST", f"/votes/{vote_id}/ceremony/complaints", {"against": sender})
    if bad:
        raise Refused(f"las partes de los custodios {bad} no corresponden a sus compromisos: "
                      "se presentó la denuncia")
    client.json("POST", f"/votes/{vote_id}/ceremony/confirm")
    return secret.with_secret(combine_shares(received))


def decrypt(client: Client, vote_id: int, secret: TrusteeSecret) -> int:
    """Fetch and check the closed vote's board, recompute its tally, and send my decryption
    share of that tally only; returns my trustee number."""
    _view(client, vote_id, secret)
    board = load_encrypted_board(client.call("GET", f"/votes/{vote_id}/encrypted-board"))
    share = decryption_share(board, secret)
    client.json("POST", f"/votes/{vote_id}/decryption-shares", {"share": share})
    return secret.index


def decryption_share(board: EncryptedBoard, secret: TrusteeSecret) -> dict[str, Any]:
    """My share of the tally of ``board``'s ballots, once the whole board verifies here."""
    if secret.secret is None:
        raise FormatError("primero combine las partes (acción receive o combine)")
    manifest = board.manifest
    if manifest.ceremony != secret.ceremony or secret.dealing not in manifest.dealings:
        raise Refused("el tablero no es de la ceremonia de este custodio")
    problems = [f for f in verify_encrypted_board(board) if f.code != "result.missing"]
    if problems:
        raise Refused("el tablero no verifica: " + "; ".join(f.message for f in problems[:5]))
    tally = tally_ciphertexts([[o.ciphertext for o in b.options] for b in board.ballots],
                              len(manifest.header.options))
    made = make_share(manifest.election_hash(), secret.index, secret.secret, tally)
    return dict(share_json(made))


def _view(client: Client, vote_id: int, secret: TrusteeSecret) -> Any:
    view = client.json("GET", f"/votes/{vote_id}/ceremony")
    if view["ceremony"] != secret.ceremony.hex() or view["me"] != secret.index:
        raise Refused("este archivo secreto es de otra votación o de otro custodio")
    return view


def _message(error: urllib.error.HTTPError) -> str:
    try:
        return f"{error.code}: {json.loads(error.read())['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{error.code}: {error.reason}"
