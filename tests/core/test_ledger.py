"""The ledger: canonical JSON, receipts, the hash chain, signatures and board verification."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Invalid
from asamblea.core.ledger import (
    Ballot,
    BallotKind,
    Board,
    HeadStatement,
    InPersonCount,
    JsonValue,
    VoteHeader,
    ballot_bytes,
    canonical_json,
    chain_heads,
    chain_order,
    check_ballot,
    close_board,
    describe_selection,
    find_receipt,
    genesis,
    is_receipt,
    is_signed,
    new_receipt,
    new_signing_key,
    next_head,
    normalise_receipt,
    public_key_hex,
    quorum_reached,
    sign,
    signing_key_from_seed,
    verify_board,
    with_result,
)

KEY = signing_key_from_seed(bytes(range(32)))
OPTIONS = ("Ana", "Rosa", "Luis", "Ñusta")


def make_header(kind: BallotKind = BallotKind.RANKING, *, rule: str = "irv",
                roll_size: int = 50, seats: int = 1) -> VoteHeader:
    """A small vote header."""
    return VoteHeader(
        vote_id="asamblea-7/votacion-3", question="¿Quién nos representa?", options=OPTIONS,
        kind=kind, rule=rule, seats=seats, quorum=Fraction(1, 2), roll_size=roll_size,
        opens_at=datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
    )


def random_selection(kind: BallotKind, rng: random.Random) -> tuple[int, ...]:
    """A valid selection of this kind (blank ones included)."""
    n = len(OPTIONS)
    if kind is BallotKind.CHOICE:
        return () if rng.random() < 0.1 else (rng.randrange(n),)
    if kind is BallotKind.APPROVAL:
        return tuple(sorted(rng.sample(range(n), rng.randint(0, n))))
    return tuple(rng.sample(range(n), rng.randint(0, n)))


def make_ballots(n: int, kind: BallotKind = BallotKind.RANKING, seed: int = 7) -> list[Ballot]:
    """``n`` valid ballots with fresh receipts."""
    rng = random.Random(seed)
    return [Ballot(new_receipt(), random_selection(kind, rng)) for _ in range(n)]


def fake_recount(board: Board) -> Mapping[str, JsonValue]:
    """A stand-in for the counting engine: first preferences per option (for pure tests)."""
    firsts = [0] * len(board.header.options)
    for selection in board.selections:
        if selection:
            firsts[selection[0]] += 1
    return {"rule": board.header.rule, "first_preferences": firsts}


def make_board(n: int = 12, kind: BallotKind = BallotKind.RANKING, *, voters: int | None = None,
               in_person: InPersonCount | None = None, rule: str = "irv") -> Board:
    """A sealed board whose result is `fake_recount` of its ballots."""
    header = make_header(kind, rule=rule)
    ballots = make_ballots(n, kind)
    draft = close_board(header, ballots, voters=n if voters is None else voters,
                        closed_at="2026-11-02T01:00:00Z", seed="sorteo-2026", key=KEY,
                        result=None, in_person=in_person)
    return with_result(draft, KEY, fake_recount(draft))


def codes(board: Board, **kwargs: object) -> list[tuple[str, str]]:
    """(code, field) of every finding, with the fake recount."""
    found = verify_board(board, recount=fake_recount, **kwargs)  # type: ignore[arg-type]
    return [(f.code, f.field) for f in found]


# -- canonical JSON -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [True, None, "x"]}, b'{"a":[true,null,"x"],"b":1}'),
        ({"q": "¿Año?"}, '{"q":"¿Año?"}'.encode()),
        ({"t": "a\"b\\c\n\x01"}, b'{"t":"a\\"b\\\\c\\n\\u0001"}'),
        ([], b"[]"),
        ({"n": -(2**53 - 1)}, b'{"n":-9007199254740991}'),
        ({"z": {"y": 1, "x": 2}}, b'{"z":{"x":2,"y":1}}'),
        ({"\ue000": 1, "\U0001f600": 2, "é": 3}, '{"é":3,"\U0001f600":2,"\ue000":1}'.encode()),
    ],
)
def test_canonical_json_is_sorted_compact_utf8(value: JsonValue, expected: bytes) -> None:
    assert canonical_json(value) == expected


@pytest.mark.parametrize(
    "value", [1.5, {"a": 0.0}, 2**53, {1: 2}, "\ud800", {"a": b"x"}, float("nan")],
)
def test_canonical_json_refuses_what_is_not_exact(value: object) -> None:
    with pytest.raises(Invalid):
        canonical_json(value)  # type: ignore[arg-type]


# -- receipts --------------------------------------------------------------------------------


def test_receipts_are_fresh_grouped_crockford_codes() -> None:
    batch = {new_receipt() for _ in range(2000)}
    assert len(batch) == 2000
    for code in list(batch)[:50]:
        assert is_receipt(code)
        assert len(code) == 19
        assert code.count("-") == 3
        assert not set(code) & set("ILOU")


def test_receipt_read_aloud_forms_are_normalised() -> None:
    code = new_receipt()
    spoken = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_receipt(spoken) == code
    assert normalise_receipt(code.replace("-", "")) == code


def test_receipt_check_symbol_catches_most_typos() -> None:
    code = new_receipt()
    caught = total = 0
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for position in [i for i, c in enumerate(code) if c != "-"]:
        for symbol in alphabet:
            if symbol != code[position]:
                total += 1
                typo = code[:position] + symbol + code[position + 1 :]
                caught += not is_receipt(typo)
    assert caught / total > 0.9


@pytest.mark.parametrize("text", ["", "ABCD", "ABCD-EFGH-JKMN-PQRU", "ÑBCD-EFGH-JKMN-PQRS"])
def test_malformed_receipts_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        normalise_receipt(text)


# -- chain -----------------------------------------------------------------------------------

selections = st.lists(st.integers(0, 200), max_size=8, unique=True).map(tuple)


@given(selection=selections)
def test_ballot_bytes_is_the_canonical_json_of_the_ballot(selection: tuple[int, ...]) -> None:
    ballot = Ballot(new_receipt(), selection)
    assert ballot_bytes(ballot.receipt, ballot.selection) == canonical_json(ballot.to_json())


def test_chain_step_is_sha256_of_previous_and_ballot() -> None:
    header = make_header()
    ballot = Ballot(new_receipt(), (2, 0))
    h0 = genesis(header)
    assert h0 == hashlib.sha256(canonical_json(header.to_json())).digest()
    expected = hashlib.sha256(h0 + canonical_json(ballot.to_json())).digest()
    assert next_head(h0, ballot) == expected
    assert chain_heads(h0, [ballot, ballot]) == [expected, next_head(expected, ballot)]


@pytest.mark.parametrize(
    "change",
    [{"vote_id": "otra"}, {"question": "¿Otra?"}, {"options": ("Ana", "Rosa", "Luis", "X")},
     {"kind": BallotKind.APPROVAL}, {"rule": "schulze"}, {"seats": 2},
     {"quorum": Fraction(2, 3)}, {"roll_size": 51},
     {"opens_at": datetime(2026, 11, 1, 13, 0, 1, tzinfo=UTC)}],
)
def test_genesis_binds_every_header_field(change: dict[str, object]) -> None:
    header = make_header()
    assert genesis(replace(header, **change)) != genesis(header)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "selection"),
    [(BallotKind.CHOICE, (0, 1)), (BallotKind.APPROVAL, (2, 1)), (BallotKind.RANKING, (1, 1)),
     (BallotKind.RANKING, (4,)), (BallotKind.CHOICE, (-1,))],
)
def test_invalid_selections_are_refused(kind: BallotKind, selection: tuple[int, ...]) -> None:
    with pytest.raises(Invalid):
        check_ballot(make_header(kind), Ballot(new_receipt(), selection))


# -- signatures ------------------------------------------------------------------------------


def test_head_signature_roundtrip_and_wrong_key() -> None:
    statement = HeadStatement("v", "00" * 32, 3, "11" * 32)
    signature = sign(KEY, statement)
    assert is_signed(public_key_hex(KEY), statement, signature)
    assert not is_signed(public_key_hex(new_signing_key()), statement, signature)
    assert not is_signed(public_key_hex(KEY), replace(statement, length=4), signature)
    assert not is_signed(public_key_hex(KEY), statement, signature.upper())


# -- verification: the happy path ------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BallotKind))
def test_a_sealed_board_verifies(kind: BallotKind) -> None:
    board = make_board(20, kind)
    assert codes(board, public_key=public_key_hex(KEY)) == []
    assert find_receipt(board, board.receipts[5]) == 5


def test_an_empty_board_verifies() -> None:
    assert codes(make_board(0)) == []


@settings(max_examples=25, deadline=None)
@given(data=st.lists(st.lists(st.integers(0, 3), max_size=4, unique=True), max_size=30))
def test_verify_of_build_passes(data: list[list[int]]) -> None:
    header = make_header()
    ballots = [Ballot(new_receipt(), tuple(s)) for s in data]
    draft = close_board(header, ballots, voters=len(ballots), closed_at="2026-11-02T01:00:00Z",
                        seed="s", key=KEY, result=None)
    assert codes(with_result(draft, KEY, fake_recount(draft))) == []


# -- verification: every kind of tampering is named ------------------------------------------


def _with_selection(board: Board, index: int, selection: list[int]) -> Board:
    selections = [list(s) for s in board.selections]
    selections[index] = selection
    return replace(board, selections=selections)


def _with_head(board: Board, index: int, head: str) -> Board:
    heads = list(board.heads)
    heads[index] = head
    return replace(board, heads=heads)


def test_changed_ballot_is_named_by_index() -> None:
    board = make_board()
    changed = [0] if list(board.selections[4][:1]) != [0] else [1]
    found = codes(_with_selection(board, 4, changed))
    assert found == [("chain.ballot", "ballots[4]"),
                     ("result.mismatch", "result.first_preferences")]


def test_changed_receipt_is_named() -> None:
    board = make_board()
    receipts = list(board.receipts)
    receipts[3] = new_receipt()
    assert codes(replace(board, receipts=receipts)) == [("chain.ballot", "ballots[3]")]


def test_malformed_and_duplicate_receipts_are_named() -> None:
    board = make_board()
    receipts = list(board.receipts)
    receipts[2] = receipts[1]
    receipts[5] = "no-es-un-recibo"
    found = codes(replace(board, receipts=receipts))
    assert ("ballot.duplicate_receipt", "ballots[2].receipt") in found
    assert ("ballot.receipt", "ballots[5].receipt") in found
    assert ("result.not_recounted", "result") in found


def test_invalid_selection_is_named() -> None:
    found = codes(_with_selection(make_board(), 6, [9]))
    assert ("ballot.selection", "ballots[6].selection") in found


def test_changed_middle_chain_entry_is_named() -> None:
    board = make_board()
    found = codes(_with_head(board, 5, "ab" * 32))
    assert found == [("chain.entry", "chain.heads[5]")]


def test_changed_last_chain_entry_is_named() -> None:
    board = make_board()
    found = codes(_with_head(board, 11, "ab" * 32))
    assert ("chain.entry", "chain.heads[11]") in found
    assert ("signature.head", "signature.head") in found


def test_changed_last_ballot_is_named() -> None:
    board = make_board()
    receipts = list(board.receipts)
    receipts[11] = new_receipt()
    assert codes(replace(board, receipts=receipts)) == [("chain.ballot", "ballots[11]")]


def test_removed_last_ballot_is_caught() -> None:
    board = make_board()
    shorter = replace(board, receipts=board.receipts[:-1], selections=board.selections[:-1],
                      heads=board.heads[:-1])
    found = codes(shorter)
    assert ("signature.head", "signature.head") in found


def test_appended_ballot_is_caught() -> None:
    board = make_board()
    extra = Ballot(new_receipt(), (1,))
    head = next_head(bytes.fromhex(board.heads[-1]), extra).hex()
    longer = replace(board, receipts=[*board.receipts, extra.receipt],
                     selections=[*board.selections, [1]], heads=[*board.heads, head])
    found = codes(longer)
    assert ("signature.head", "signature.head") in found
    assert ("counts.ballots", "vote.voters") in found


def test_missing_chain_entry_is_caught() -> None:
    found = codes(replace(make_board(), heads=make_board().heads[:-1]))
    assert ("chain.length", "chain.heads") in found


def test_changed_header_breaks_the_genesis() -> None:
    board = make_board()
    for change in ({"roll_size": 40}, {"question": "¿Otra?"}, {"rule": "schulze"}):
        found = codes(replace(board, header=replace(board.header, **change)))  # type: ignore[arg-type]
        assert ("chain.genesis", "chain.genesis") in found


def test_changed_genesis_is_caught() -> None:
    found = codes(replace(make_board(), genesis="00" * 32))
    assert ("chain.genesis", "chain.genesis") in found


@pytest.mark.parametrize("field", ["head_signature", "seal_signature"])
def test_changed_signatures_are_named(field: str) -> None:
    board = make_board()
    value = getattr(board, field)
    flipped = value[:10] + ("0" if value[10] != "0" else "1") + value[11:]
    found = codes(replace(board, **{field: flipped}))
    expected = "signature.head" if field == "head_signature" else "signature.seal"
    assert found == [(expected, expected)]


def test_board_resigned_by_another_key_is_caught_with_the_announced_key() -> None:
    board = make_board()
    other = new_signing_key()
    forged = replace(board, public_key=public_key_hex(other),
                     head_signature=sign(other, board.head_statement()),
                     seal_signature=sign(other, board.seal_statement()))
    assert codes(forged) == []  # self-consistent: only the announced key can tell
    assert codes(forged, public_key=public_key_hex(KEY)) == [
        ("signature.key", "signature.public_key")
    ]


def test_roll_size_and_voters_are_checked() -> None:
    board = make_board(voters=30)
    assert codes(board) == []
    found = codes(replace(board, voters=60))
    assert ("counts.voters", "vote.roll_size") in found
    assert ("signature.seal", "signature.seal") in found
    assert ("counts.ballots", "vote.voters") in codes(replace(board, voters=5))


def test_refuses_to_seal_more_ballots_than_voters() -> None:
    with pytest.raises(Invalid):
        make_board(12, voters=11)


@pytest.mark.parametrize("change", [{"closed_at": "2026-11-03T01:00:00Z"}, {"seed": "otra"}])
def test_changed_closing_data_breaks_the_seal(change: dict[str, object]) -> None:
    found = codes(replace(make_board(), **change))  # type: ignore[arg-type]
    assert found == [("signature.seal", "signature.seal")]


def test_changed_result_is_caught_by_seal_and_recount() -> None:
    board = make_board()
    assert board.result is not None
    result = dict(board.result)
    result["first_preferences"] = [99, 0, 0, 0]
    found = codes(replace(board, result=result))
    assert ("signature.seal", "signature.seal") in found
    assert ("result.mismatch", "result.first_preferences") in found


def test_missing_result_is_named() -> None:
    assert ("result.missing", "result") in codes(replace(make_board(), result=None))


def _in_person() -> InPersonCount:
    return InPersonCount(counts=(10, 4, 0, 1), attendance=17, acta="Acta de la asamblea ...",
                         recorded_by="Juana Quispe", confirmed_by="Pedro Mamani",
                         confirmed_at="2026-11-02T02:00:00Z")


def test_in_person_count_is_sealed_and_checked() -> None:
    board = make_board(0, BallotKind.CHOICE, in_person=_in_person())
    assert codes(board) == []
    count = replace(_in_person(), counts=(11, 4, 0, 1))
    assert codes(replace(board, in_person=count)) == [("signature.seal", "signature.seal")]
    overfull = replace(_in_person(), attendance=12)
    assert ("in_person.attendance", "in_person.attendance") in codes(
        replace(board, in_person=overfull)
    )
    alone = replace(_in_person(), confirmed_by="Juana Quispe")
    assert ("in_person.confirmation", "in_person.confirmed_by") in codes(
        replace(board, in_person=alone)
    )
    wrong_length = replace(_in_person(), counts=(1, 2))
    assert ("in_person.counts", "in_person.counts") in codes(
        replace(board, in_person=wrong_length)
    )


def test_findings_are_plain_json() -> None:
    board = _with_selection(make_board(), 1, [0, 0])
    found = verify_board(board, recount=None)
    assert found
    json.dumps([f.to_json() for f in found])
    assert all(f.message for f in found)


def test_board_selection_words() -> None:
    board = make_board(3)
    assert describe_selection(board, [1, 0]) == "1. Rosa, 2. Ana"
    assert describe_selection(board, []) == "voto en blanco"


def test_key_seed_is_32_bytes() -> None:
    with pytest.raises(Invalid):
        signing_key_from_seed(b"short")


def test_chain_order_rebuilds_the_line_from_unordered_rows() -> None:
    header = make_header()
    ballots = make_ballots(10)
    start = genesis(header)
    heads = chain_heads(start, ballots)
    rows = list(zip([start, *heads[:-1]], heads, ballots, strict=True))
    random.Random(3).shuffle(rows)
    assert chain_order(start, rows) == ballots
    assert chain_order(start, []) == []


@pytest.mark.parametrize("damage", ["fork", "broken", "orphan"])
def test_chain_order_refuses_forks_and_broken_rows(damage: str) -> None:
    header = make_header()
    ballots = make_ballots(5)
    start = genesis(header)
    heads = chain_heads(start, ballots)
    rows = list(zip([start, *heads[:-1]], heads, ballots, strict=True))
    if damage == "fork":
        extra = Ballot(new_receipt(), (1,))
        rows.append((heads[1], next_head(heads[1], extra), extra))
    elif damage == "broken":
        rows[2] = (rows[2][0], rows[2][1], Ballot(new_receipt(), (0,)))
    else:
        rows.append((b"\x01" * 32, b"\x02" * 32, Ballot(new_receipt(), (0,))))
    with pytest.raises(Invalid):
        chain_order(start, rows)


def test_removed_middle_ballot_is_named() -> None:
    board = make_board()
    keep = [i for i in range(12) if i != 6]
    shorter = replace(board, receipts=[board.receipts[i] for i in keep],
                      selections=[board.selections[i] for i in keep],
                      heads=[board.heads[i] for i in keep])
    found = codes(shorter)
    assert ("chain.ballot", "ballots[6]") in found
    assert ("signature.head", "signature.head") in found


def test_swapped_ballots_are_named() -> None:
    board = make_board()
    receipts, selections = list(board.receipts), list(board.selections)
    receipts[2], receipts[3] = receipts[3], receipts[2]
    selections[2], selections[3] = selections[3], selections[2]
    found = codes(replace(board, receipts=receipts, selections=selections))
    assert ("chain.ballot", "ballots[2]") in found
    assert ("chain.ballot", "ballots[3]") in found


@pytest.mark.parametrize(("voters", "reached"), [(24, False), (25, True), (50, True)])
def test_quorum_is_a_share_of_the_roll(voters: int, reached: bool) -> None:
    board = replace(make_board(3), voters=voters)  # roll 50, quorum 1/2
    assert quorum_reached(board) is reached


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, 11), target=st.sampled_from(["ballot", "entry"]))
def test_any_single_change_is_named_at_its_index(index: int, target: str) -> None:
    board = make_board()
    if target == "entry":
        found = codes(_with_head(board, index, hashlib.sha256(b"otra").hexdigest()))
        assert found[0] == ("chain.entry", f"chain.heads[{index}]")
    else:
        receipts = list(board.receipts)
        receipts[index] = new_receipt()
        found = codes(replace(board, receipts=receipts))
        assert found == [("chain.ballot", f"ballots[{index}]")]
