"""The public bulletin board as a JSON file: schema ``asamblea-board/1``.

Layout (one ballot and one chain entry per line, so the file reads well and diffs well)::

    {"schema": "asamblea-board/1",
     "vote": {"id", "question", "options", "kind", "rule", "seats", "quorum", "roll_size",
              "opens_at", "closed_at", "voters", "seed"},
     "ballots": [{"receipt": "7K3M-QX9T-2BHD-04RW", "selection": [2, 0]}, ...],
     "chain": {"genesis": "<hex>", "heads": ["<hex h_1>", ...]},
     "signature": {"algorithm": "ed25519", "public_key": "<hex>", "head": "<hex>",
                   "seal": "<hex>"},
     "result": <Outcome.to_json()> | null,
     "in_person": {"counts", "attendance", "acta", "recorded_by", "confirmed_by",
                   "confirmed_at"} | null}

Ballots are in chain order (the order of casting; see docs/voting.md). Numbers are integers
(no decimals anywhere: exact values are strings, e.g. ``"quorum": "1/2"``); times are UTC
``2026-11-28T00:00:00Z``; hashes, keys and signatures lowercase hex. `load_board` checks the
*shape* of the file and raises `FormatError` naming the field; `asamblea.core.ledger.verify`
checks the *content*.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from asamblea.core.errors import DomainError
from asamblea.core.ledger import (
    BallotKind,
    Board,
    InPersonCount,
    JsonValue,
    VoteHeader,
    ballot_bytes,
    canonical_json,
    format_utc,
    parse_utc,
    paused_gc,
)
from asamblea.formats.errors import FormatError

T = TypeVar("T")

SCHEMA = "asamblea-board/1"
_VOTE_KEYS = frozenset({"id", "question", "options", "kind", "rule", "seats", "quorum",
                       "roll_size", "opens_at", "closed_at", "voters", "seed"})
_OPTIONAL_VOTE_KEYS = frozenset({"threshold"})
_TOP_KEYS = frozenset({"schema", "vote", "ballots", "chain", "signature", "result", "in_person"})


def _json(value: JsonValue) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _ballot_line(receipt: str, selection: Sequence[int]) -> str:
    """One ballot as compact JSON (the canonical bytes when the ballot is well formed)."""
    if (
        type(receipt) is str
        and receipt.isascii()
        and receipt.replace("-", "").isalnum()
        and all(type(index) is int for index in selection)
    ):
        return ballot_bytes(receipt, selection).decode("ascii")
    return _json({"receipt": receipt, "selection": list(selection)})


def _vote_json(board: Board) -> dict[str, JsonValue]:
    header = board.header.to_json()
    return {
        "id": board.header.vote_id, "question": header["question"], "options": header["options"],
        "kind": header["kind"], "rule": header["rule"], "seats": header["seats"],
        "quorum": header["quorum"], "roll_size": header["roll_size"],
        "opens_at": header["opens_at"], "closed_at": board.closed_at, "voters": board.voters,
        "seed": board.seed,
    } | ({} if board.header.threshold is None else {"threshold": board.header.threshold})


def dump_board(board: Board) -> bytes:
    """The board file's bytes (UTF-8)."""
    signature = {"algorithm": "ed25519", "public_key": board.public_key,
                 "head": board.head_signature, "seal": board.seal_signature}
    in_person = None if board.in_person is None else board.in_person.to_json()
    parts = [
        f'{{"schema":"{SCHEMA}",\n"vote":{_json(_vote_json(board))},\n"ballots":[\n',
        ",\n".join(_ballot_line(r, s) for r, s in zip(board.receipts, board.selections,
                                                         strict=True)),
        f'\n],\n"chain":{{"genesis":{_json(board.genesis)},"heads":[\n',
        ",\n".join(f'"{head}"' for head in board.heads),
        f'\n]}},\n"signature":{_json(signature)},\n"result":{_json(board.result)},\n'
        f'"in_person":{_json(in_person)}}}\n',
    ]
    return "".join(parts).encode("utf-8")


def write_board(board: Board, path: str | Path) -> None:
    """Write the board file."""
    Path(path).write_bytes(dump_board(board))


def read_board(path: str | Path) -> Board:
    """Read a board file; `FormatError` (with the path) when it is not a well-formed board."""
    return read_board_file(path, load_board)


def read_board_file(path: str | Path, load: Callable[[bytes], T]) -> T:
    """Read a board file of either kind with its loader, naming the path in any `FormatError`."""
    try:
        return load(Path(path).read_bytes())
    except FormatError as error:
        raise error.at(path) from None
    except OSError as error:
        raise FormatError(f"no se puede leer el tablero: {error.strerror}", path=path) from None


def reject_decimals(text: str) -> Any:
    """`json.loads`' `parse_float`: a board holds no decimal numbers."""
    raise FormatError(f"número con decimales no permitido en un tablero: {text}")


def load_board(data: bytes | str) -> Board:
    """Parse board JSON into a `Board` (shape only; values are verified by `verify_board`)."""
    with paused_gc():
        return _load(data)


def _load(data: bytes | str) -> Board:
    try:
        doc = json.loads(data, parse_float=reject_decimals, parse_constant=reject_decimals)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"el tablero no es JSON válido: {error}") from None
    top = _object(doc, "tablero", _TOP_KEYS)
    if top["schema"] != SCHEMA:
        raise FormatError(f"esquema {top['schema']!r} desconocido; se esperaba {SCHEMA!r}")
    vote = _object(top["vote"], "vote", _VOTE_KEYS, _OPTIONAL_VOTE_KEYS)
    header, closed_at, voters, seed = _vote(vote)
    receipts, selections = _ballots(top["ballots"])
    chain = _object(top["chain"], "chain", frozenset({"genesis", "heads"}))
    signature = _object(top["signature"], "signature",
                        frozenset({"algorithm", "public_key", "head", "seal"}))
    if signature["algorithm"] != "ed25519":
        raise FormatError("signature.algorithm: solo se admite 'ed25519'")
    return Board(
        header=header, voters=voters, closed_at=closed_at, seed=seed,
        receipts=receipts, selections=selections,
        genesis=_str(chain["genesis"], "chain.genesis"),
        heads=_strings(chain["heads"], "chain.heads"),
        public_key=_str(signature["public_key"], "signature.public_key"),
        head_signature=_str(signature["head"], "signature.head"),
        seal_signature=_str(signature["seal"], "signature.seal"),
        result=_result(top["result"]),
        in_person=None if top["in_person"] is None else _in_person(top["in_person"]),
    )


def _object(
    value: object, where: str, keys: frozenset[str], optional: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{where}: se esperaba un objeto JSON")
    if set(value) - optional != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        raise FormatError(f"{where}: campos que faltan {missing}, campos de más {extra}")
    return value


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{where}: se esperaba un texto")
    return value


def _strings(value: object, where: str) -> list[str]:
    items = _list(value, where)
    if not all(type(item) is str for item in items):
        for i, item in enumerate(items):
            _str(item, f"{where}[{i}]")
    return items


def _int(value: object, where: str) -> int:
    if type(value) is not int or value < 0:
        raise FormatError(f"{where}: se esperaba un entero no negativo")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{where}: se esperaba una lista")
    return value


def _vote(vote: dict[str, Any]) -> tuple[VoteHeader, str, int, str]:
    """The header, closing time, number who voted and seed of the ``vote`` section."""
    quorum_text = _str(vote["quorum"], "vote.quorum")
    try:
        quorum = Fraction(quorum_text)
        kind = BallotKind(_str(vote["kind"], "vote.kind"))
        header = VoteHeader(
            vote_id=_str(vote["id"], "vote.id"), question=_str(vote["question"], "vote.question"),
            options=tuple(_str(o, f"vote.options[{i}]")
                          for i, o in enumerate(_list(vote["options"], "vote.options"))),
            kind=kind, rule=_str(vote["rule"], "vote.rule"),
            seats=_int(vote["seats"], "vote.seats"),
            quorum=quorum, roll_size=_int(vote["roll_size"], "vote.roll_size"),
            opens_at=parse_utc(_str(vote["opens_at"], "vote.opens_at")),
            threshold=_str(vote["threshold"], "vote.threshold") if "threshold" in vote else None,
        )
        closed_at = _str(vote["closed_at"], "vote.closed_at")
        parse_utc(closed_at)
    except (ValueError, ZeroDivisionError, DomainError) as error:
        raise FormatError(f"vote: cabecera de votación inválida ({error})") from None
    if f"{quorum.numerator}/{quorum.denominator}" != quorum_text:
        raise FormatError(f"vote.quorum: se esperaba una fracción irreducible como '1/2', "
                          f"no {quorum_text!r}")
    if format_utc(header.opens_at) != vote["opens_at"]:
        raise FormatError("vote.opens_at: hora mal escrita")
    return header, closed_at, _int(vote["voters"], "vote.voters"), _str(vote["seed"], "vote.seed")


def _ballots(value: object) -> tuple[list[str], list[list[int]]]:
    """The receipts and selections columns (fast path; a slow pass names the first bad one)."""
    ballots = _list(value, "ballots")
    try:
        if all(type(b) is dict and len(b) == 2 for b in ballots):
            receipts = [b["receipt"] for b in ballots]
            selections = [b["selection"] for b in ballots]
            if all(type(r) is str for r in receipts) and all(
                type(s) is list for s in selections
            ):
                return receipts, selections
    except KeyError:
        pass
    for i, ballot in enumerate(ballots):
        item = _object(ballot, f"ballots[{i}]", frozenset({"receipt", "selection"}))
        _str(item["receipt"], f"ballots[{i}].receipt")
        _list(item["selection"], f"ballots[{i}].selection")
    raise AssertionError("unreachable: the fast path refused a well-formed ballot list")


def _result(value: object) -> Mapping[str, JsonValue] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FormatError("result: se esperaba un objeto JSON o null")
    try:
        canonical_json(value)
    except DomainError as error:
        raise FormatError(f"result: {error}") from None
    return value


def _in_person(value: object) -> InPersonCount:
    count = _object(value, "in_person", frozenset({"counts", "attendance", "acta", "recorded_by",
                                                   "confirmed_by", "confirmed_at"}))
    return InPersonCount(
        counts=tuple(_int(c, f"in_person.counts[{i}]")
                     for i, c in enumerate(_list(count["counts"], "in_person.counts"))),
        attendance=_int(count["attendance"], "in_person.attendance"),
        acta=_str(count["acta"], "in_person.acta"),
        recorded_by=_str(count["recorded_by"], "in_person.recorded_by"),
        confirmed_by=_str(count["confirmed_by"], "in_person.confirmed_by"),
        confirmed_at=_time(count["confirmed_at"], "in_person.confirmed_at"),
    )


def _time(value: object, where: str) -> str:
    text = _str(value, where)
    try:
        parse_utc(text)
    except DomainError as error:
        raise FormatError(f"{where}: {error}") from None
    return text
