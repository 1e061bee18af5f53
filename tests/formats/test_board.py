"""The bulletin-board file: round trip, shape errors, and single-byte tampering."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asamblea.core.ledger import BallotKind, Board, InPersonCount, verify_board
from asamblea.formats.board import SCHEMA, dump_board, load_board, read_board, write_board
from asamblea.formats.errors import FormatError
from tests.core.test_ledger import fake_recount, make_board

JSON_WHITESPACE = b" \t\n\r"


@cache
def sample() -> tuple[Board, bytes]:
    """One sealed board with an in-person section, and its file bytes (built once)."""
    count = InPersonCount(counts=(3, 1, 0, 2), attendance=7, acta="Acta: se votó a mano alzada.",
                          recorded_by="Juana Quispe", confirmed_by="Pedro Mamani",
                          confirmed_at="2026-11-02T02:00:00Z")
    board = make_board(6, BallotKind.RANKING, in_person=count)
    return board, dump_board(board)


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    board, data = sample()
    path = tmp_path / "tablero.json"
    write_board(board, path)
    again = read_board(path)
    assert again == replace(board, receipts=list(board.receipts),
                            selections=[list(s) for s in board.selections])
    assert dump_board(again) == data
    assert verify_board(again, recount=fake_recount) == []


def test_file_layout_is_versioned_json_one_ballot_per_line() -> None:
    board, data = sample()
    doc = json.loads(data)
    assert doc["schema"] == SCHEMA == "asamblea-board/1"
    assert set(doc) == {"schema", "vote", "ballots", "chain", "signature", "result", "in_person"}
    assert doc["vote"]["roll_size"] == 50
    assert doc["vote"]["quorum"] == "1/2"
    assert doc["vote"]["voters"] == 6
    assert doc["ballots"][0] == {"receipt": board.receipts[0],
                                 "selection": list(board.selections[0])}
    lines = data.decode().splitlines()
    assert sum(line.startswith('{"receipt"') for line in lines) == 6
    assert doc["in_person"]["confirmed_by"] == "Pedro Mamani"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(schema="asamblea-board/2"), "esquema"),
        (lambda d: d.pop("chain"), "faltan ['chain']"),
        (lambda d: d["vote"].update(seats="1"), "vote.seats"),
        (lambda d: d["vote"].update(quorum="2/4"), "vote.quorum"),
        (lambda d: d["vote"].update(opens_at="2026-11-01 13:00"), "vote"),
        (lambda d: d["ballots"][2].update(extra=1), "ballots[2]"),
        (lambda d: d["ballots"][3].update(receipt=7), "ballots[3].receipt"),
        (lambda d: d["ballots"][1].update(selection="1"), "ballots[1].selection"),
        (lambda d: d["chain"]["heads"].__setitem__(0, 5), "chain.heads[0]"),
        (lambda d: d["signature"].update(algorithm="rsa"), "signature.algorithm"),
        (lambda d: d["in_person"].update(attendance=-1), "in_person.attendance"),
        (lambda d: d.update(result=[1]), "result"),
    ],
)
def test_shape_errors_name_the_field(edit: object, message: str) -> None:
    doc = json.loads(sample()[1])
    edit(doc)  # type: ignore[operator]
    with pytest.raises(FormatError, match=re.escape(message)):
        load_board(json.dumps(doc))


@pytest.mark.parametrize("text", [b"", b"{", b"\xff", b'{"a": 1.5}', b"[NaN]"])
def test_not_json_or_decimals_is_a_format_error(text: bytes) -> None:
    with pytest.raises(FormatError):
        load_board(text)


def test_read_board_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=re.escape("no-existe.json")):
        read_board(tmp_path / "no-existe.json")


def _is_detected(data: bytes) -> bool:
    try:
        board = load_board(data)
    except FormatError:
        return True
    return bool(verify_board(board, recount=fake_recount))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0), byte=st.integers(0, 255))
def test_any_single_byte_change_is_detected(position: int, byte: int) -> None:
    """Changing any one byte anywhere (except whitespace into whitespace) is detected."""
    data = sample()[1]
    position %= len(data)
    if data[position] == byte or (data[position] in JSON_WHITESPACE and byte in JSON_WHITESPACE):
        return
    tampered = data[:position] + bytes([byte]) + data[position + 1 :]
    assert _is_detected(tampered), (position, bytes([data[position]]), bytes([byte]))


@pytest.mark.parametrize(
    ("opening", "closing"),
    [(b'"ballots":[', b"\n],"), (b'"chain":{', b"]},"), (b'"signature":{', b"},"),
     (b'"vote":{', b"},")],
)
def test_every_byte_of_the_core_sections_is_guarded(opening: bytes, closing: bytes) -> None:
    """Exhaustively: a changed character at every position of these sections is detected."""
    data = sample()[1]
    start = data.index(opening)
    end = data.index(closing, start) + len(closing)
    assert end - start > 100
    for position in range(start, end):
        if data[position] in JSON_WHITESPACE:
            continue
        new = b"0" if data[position] != ord("0") else b"1"
        assert _is_detected(data[:position] + new + data[position + 1 :]), position
