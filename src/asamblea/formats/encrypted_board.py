"""The encrypted vote's public board as a JSON file: schema ``asamblea-encrypted-board/1``.

Layout (one ballot per line)::

    {"schema": "asamblea-encrypted-board/1",
     "manifest": <Manifest.to_json()>,                      # header, bounds, trustees, key
     "vote": {"voters": n, "closed_at": "2026-11-28T00:00:00Z"},
     "ballots": [{"options": [{"alpha", "beta", "proof": [[c, s], [c, s]]}, ...],
                  "count_proof": [[c, s], ...] | null}, ...],
     "audited": [{"ballot": {...}, "selections": [0, 1, ...], "nonces": ["<hex>", ...]}],
     "chain": {"genesis": "<hex>", "heads": ["<hex h_1>", ...]},
     "tally": [{"alpha", "beta"}, ...],
     "shares": [{"trustee": j, "parts": ["<hex>", ...], "proofs": [[c, s], ...]}],
     "counts": [int, ...] | null,
     "signature": {"algorithm": "ed25519", "public_key", "head", "seal"}}

Points and scalars are 64 lowercase hex digits; a point must be a canonical ristretto255
encoding and a scalar reduced (checked here, so `asamblea.core.crypto.verify` gets well-formed
values). `load_encrypted_board` checks the *shape* and raises `FormatError` naming the field;
the verifier checks the *content*.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from asamblea.core.crypto.ballot import EncryptedBallot, EncryptedOption
from asamblea.core.crypto.board import (
    AuditedBallot,
    EarlierAttempt,
    EncryptedBoard,
    Manifest,
    ballot_json,
)
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.group import Point, Scalar, is_point, is_scalar
from asamblea.core.crypto.proofs import Proof, Response
from asamblea.core.crypto.tally import DecryptionShare
from asamblea.core.crypto.threshold import Dealing
from asamblea.core.errors import DomainError
from asamblea.core.ledger import BallotKind, VoteHeader, parse_utc, paused_gc
from asamblea.core.ledger.canonical import is_hex
from asamblea.formats.board import read_board_file, reject_decimals
from asamblea.formats.errors import FormatError

SCHEMA = "asamblea-encrypted-board/1"
T = TypeVar("T")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dump_encrypted_board(board: EncryptedBoard) -> bytes:
    """The board file's bytes (UTF-8)."""
    outcome = board.outcome_json()
    signature = {"algorithm": "ed25519", "public_key": board.signing_key,
                 "head": board.head_signature, "seal": board.seal_signature}
    parts = [
        f'{{"schema":"{SCHEMA}",\n"manifest":{_json(board.manifest.to_json())},\n',
        f'"vote":{_json({"voters": board.voters, "closed_at": board.closed_at})},\n',
        '"ballots":[\n', ",\n".join(_json(ballot_json(b)) for b in board.ballots), "\n],\n",
        f'"audited":{_json(outcome["audited"])},\n',
        f'"chain":{{"genesis":"{board.genesis}","heads":[\n',
        ",\n".join(f'"{head}"' for head in board.heads), "\n]},\n",
        f'"tally":{_json(outcome["tally"])},\n"shares":{_json(outcome["shares"])},\n',
        f'"counts":{_json(outcome["counts"])},\n"signature":{_json(signature)}}}\n',
    ]
    return "".join(parts).encode("utf-8")


def write_encrypted_board(board: EncryptedBoard, path: str | Path) -> None:
    """Write the board file."""
    Path(path).write_bytes(dump_encrypted_board(board))


def is_encrypted_board(data: bytes) -> bool:
    """Whether ``data`` starts as this module writes an encrypted board (cheap, no parsing)."""
    return data[:64].replace(b" ", b"").startswith(b'{"schema":"' + SCHEMA.encode())


def read_encrypted_board(path: str | Path) -> EncryptedBoard:
    """Read a board file; `FormatError` (with the path) when it is not a well-formed board."""
    return read_board_file(path, load_encrypted_board)


def load_encrypted_board(data: bytes | str) -> EncryptedBoard:
    """Parse the board's JSON into an `EncryptedBoard` (shape and encodings only)."""
    with paused_gc():
        return _board(_top(data))


def load_encrypted_board_shell(data: bytes | str) -> tuple[EncryptedBoard, list[Any]]:
    """The board with no ballots, and its ballots as raw JSON, for a caller that parses them
    elsewhere (with `ballot_from_json`, in worker processes: `encrypted_board_jobs`)."""
    with paused_gc():
        top = _top(data)
        ballots = _list(top["ballots"], "ballots")
        return _board(top | {"ballots": []}), ballots


def _top(data: bytes | str) -> dict[str, Any]:
    try:
        raw = json.loads(data, parse_float=reject_decimals)
    except (ValueError, UnicodeDecodeError) as error:
        if isinstance(error, FormatError):
            raise
        raise FormatError(f"no es JSON válido ({error})") from None
    top = _object(raw, "$", {"schema", "manifest", "vote", "ballots", "audited", "chain",
                             "tally", "shares", "counts", "signature"})
    if top["schema"] != SCHEMA:
        raise FormatError(f"schema: se esperaba {SCHEMA!r}")
    return top


def _board(top: dict[str, Any]) -> EncryptedBoard:
    vote = _object(top["vote"], "vote", {"voters", "closed_at"})
    chain = _object(top["chain"], "chain", {"genesis", "heads"})
    signature = _object(top["signature"], "signature",
                        {"algorithm", "public_key", "head", "seal"})
    closed_at = _str(vote["closed_at"], "vote.closed_at")
    _guard(lambda: parse_utc(closed_at), "vote.closed_at")
    counts = None if top["counts"] is None else tuple(
        _int(c, f"counts[{i}]") for i, c in enumerate(_list(top["counts"], "counts")))
    return EncryptedBoard(
        manifest=_manifest(top["manifest"]), voters=_int(vote["voters"], "vote.voters"),
        closed_at=closed_at,
        ballots=[_ballot(b, f"ballots[{i}]") for i, b in enumerate(_list(top["ballots"],
                                                                         "ballots"))],
        audited=[_audited(a, f"audited[{i}]") for i, a in enumerate(_list(top["audited"],
                                                                          "audited"))],
        genesis=_hash(chain["genesis"], "chain.genesis"),
        heads=[_hash(h, f"chain.heads[{i}]") for i, h in enumerate(_list(chain["heads"],
                                                                         "chain.heads"))],
        tally=tuple(_ciphertext(c, f"tally[{i}]") for i, c in enumerate(_list(top["tally"],
                                                                              "tally"))),
        shares=tuple(_share(s, f"shares[{i}]") for i, s in enumerate(_list(top["shares"],
                                                                           "shares"))),
        counts=counts, signing_key=_str(signature["public_key"], "signature.public_key"),
        head_signature=_str(signature["head"], "signature.head"),
        seal_signature=_str(signature["seal"], "signature.seal"),
    )


def _manifest(value: object) -> Manifest:
    raw = _object(value, "manifest", {"schema", "header", "min_selections", "max_selections",
                                      "threshold", "ceremony", "dealings", "public_key"},
                  frozenset({"earlier_attempts"}))
    manifest = Manifest(
        header=_header(raw["header"]),
        min_selections=_int(raw["min_selections"], "manifest.min_selections"),
        max_selections=_int(raw["max_selections"], "manifest.max_selections"),
        threshold=_int(raw["threshold"], "manifest.threshold"),
        ceremony=bytes.fromhex(_hash(raw["ceremony"], "manifest.ceremony")),
        dealings=tuple(_dealing(d, f"manifest.dealings[{i}]")
                       for i, d in enumerate(_list(raw["dealings"], "manifest.dealings"))),
        public_key=_point(raw["public_key"], "manifest.public_key"),
        earlier=tuple(_attempt(a, f"manifest.earlier_attempts[{i}]") for i, a in
                      enumerate(_list(raw.get("earlier_attempts", []),
                                      "manifest.earlier_attempts"))),
    )
    if manifest.to_json() != raw:
        raise FormatError("manifest: no está escrito en su forma canónica")
    return manifest


def _attempt(value: object, where: str) -> EarlierAttempt:
    raw = _object(value, where, {"ceremony", "threshold", "trustees", "dealings", "complaints"})
    complaints = []
    for i, c in enumerate(_list(raw["complaints"], f"{where}.complaints")):
        pair = _object(c, f"{where}.complaints[{i}]", {"complainant", "accused"})
        complaints.append((_int(pair["complainant"], f"{where}.complaints[{i}].complainant"),
                           _int(pair["accused"], f"{where}.complaints[{i}].accused")))
    return EarlierAttempt(
        ceremony=bytes.fromhex(_hash(raw["ceremony"], f"{where}.ceremony")),
        threshold=_int(raw["threshold"], f"{where}.threshold"),
        trustees=_int(raw["trustees"], f"{where}.trustees"),
        dealings=tuple(_dealing(d, f"{where}.dealings[{i}]")
                       for i, d in enumerate(_list(raw["dealings"], f"{where}.dealings"))),
        complaints=tuple(complaints),
    )


def earlier_attempt_from_json(value: object, where: str = "attempt") -> EarlierAttempt:
    """An earlier, restarted key ceremony as the manifest holds it; `FormatError` naming the
    field."""
    return _attempt(value, where)


def _header(value: object) -> VoteHeader:
    raw = _object(value, "manifest.header", {"schema", "vote_id", "question", "options", "kind",
                                             "rule", "seats", "quorum", "roll_size",
                                             "opens_at"}, frozenset({"threshold"}))

    def build() -> VoteHeader:
        return VoteHeader(
            vote_id=raw["vote_id"], question=raw["question"], options=tuple(raw["options"]),
            kind=BallotKind(raw["kind"]), rule=raw["rule"], seats=raw["seats"],
            quorum=Fraction(raw["quorum"]), roll_size=raw["roll_size"],
            opens_at=parse_utc(raw["opens_at"]), threshold=raw.get("threshold"))

    header = _guard(build, "manifest.header")
    if header.to_json() != raw:
        raise FormatError("manifest.header: cabecera de votación inválida")
    return header


def dealing_from_json(value: object, where: str = "dealing") -> Dealing:
    """A trustee's dealing; `FormatError` naming the field."""
    return _dealing(value, where)


def share_from_json(value: object, where: str = "share") -> DecryptionShare:
    """A trustee's decryption share; `FormatError` naming the field."""
    return _share(value, where)


def _dealing(value: object, where: str) -> Dealing:
    raw = _object(value, where, {"index", "commitments", "proof"})
    return Dealing(_int(raw["index"], f"{where}.index"),
                      tuple(_point(c, f"{where}.commitments[{i}]")
                            for i, c in enumerate(_list(raw["commitments"],
                                                        f"{where}.commitments"))),
                      _pair(raw["proof"], f"{where}.proof"))


def ballot_from_json(value: object, where: str = "ballot") -> EncryptedBallot:
    """One ballot as the browser posts it and the board lists it; `FormatError` naming the field."""
    return _ballot(value, where)


def nonces_from_json(value: object, where: str = "nonces") -> tuple[Scalar, ...]:
    """The nonces an audit reveals (hex scalars); `FormatError` naming the field."""
    return tuple(_scalar(n, f"{where}[{i}]") for i, n in enumerate(_list(value, where)))


def _ballot(value: object, where: str) -> EncryptedBallot:
    raw = _object(value, where, {"options", "count_proof"})
    options = []
    for i, option in enumerate(_list(raw["options"], f"{where}.options")):
        at = f"{where}.options[{i}]"
        fields = _object(option, at, {"alpha", "beta", "proof"})
        options.append(EncryptedOption(
            Ciphertext(_point(fields["alpha"], f"{at}.alpha"),
                       _point(fields["beta"], f"{at}.beta")),
            _proof(fields["proof"], f"{at}.proof")))
    count = raw["count_proof"]
    return EncryptedBallot(tuple(options),
                           None if count is None else _proof(count, f"{where}.count_proof"))


def _audited(value: object, where: str) -> AuditedBallot:
    raw = _object(value, where, {"ballot", "selections", "nonces"})
    return AuditedBallot(
        _ballot(raw["ballot"], f"{where}.ballot"),
        tuple(_int(m, f"{where}.selections[{i}]")
              for i, m in enumerate(_list(raw["selections"], f"{where}.selections"))),
        tuple(_scalar(n, f"{where}.nonces[{i}]")
              for i, n in enumerate(_list(raw["nonces"], f"{where}.nonces"))))


def _share(value: object, where: str) -> DecryptionShare:
    raw = _object(value, where, {"trustee", "parts", "proofs"})
    return DecryptionShare(
        _int(raw["trustee"], f"{where}.trustee"),
        tuple(_point(p, f"{where}.parts[{i}]")
              for i, p in enumerate(_list(raw["parts"], f"{where}.parts"))),
        _proof(raw["proofs"], f"{where}.proofs"))


def _ciphertext(value: object, where: str) -> Ciphertext:
    raw = _object(value, where, {"alpha", "beta"})
    return Ciphertext(_point(raw["alpha"], f"{where}.alpha"), _point(raw["beta"], f"{where}.beta"))


def _proof(value: object, where: str) -> Proof:
    return tuple(_pair(p, f"{where}[{i}]") for i, p in enumerate(_list(value, where)))


def _pair(value: object, where: str) -> Response:
    items = _list(value, where)
    if len(items) != 2:
        raise FormatError(f"{where}: se esperaba un par [desafío, respuesta]")
    return Response(_scalar(items[0], f"{where}[0]"), _scalar(items[1], f"{where}[1]"))


def _point(value: object, where: str) -> Point:
    data = bytes.fromhex(_hash(value, where))
    if not is_point(data):
        raise FormatError(f"{where}: no es un punto de ristretto255 en forma canónica")
    return Point(data)


def _scalar(value: object, where: str) -> Scalar:
    data = bytes.fromhex(_hash(value, where))
    if not is_scalar(data):
        raise FormatError(f"{where}: escalar no reducido módulo el orden del grupo")
    return Scalar(data)


def _hash(value: object, where: str) -> str:
    if not is_hex(value, 32):
        raise FormatError(f"{where}: se esperaban 64 cifras hexadecimales en minúscula")
    return str(value)


def _guard(build: Callable[[], T], where: str) -> T:
    try:
        return build()
    except (ValueError, TypeError, KeyError, ZeroDivisionError, DomainError) as error:
        raise FormatError(f"{where}: valor inválido ({error})") from None


def _object(value: object, where: str, keys: set[str],
            optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{where}: se esperaba un objeto JSON")
    if set(value) - optional != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys - optional)
        raise FormatError(f"{where}: campos que faltan {missing}, campos de más {extra}")
    return value


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{where}: se esperaba un texto")
    return value


def _int(value: object, where: str) -> int:
    if type(value) is not int or value < 0:
        raise FormatError(f"{where}: se esperaba un entero no negativo")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{where}: se esperaba una lista")
    return value
