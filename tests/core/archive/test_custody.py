"""The custody log: entries, the chain over their digests, signed heads, and its verification."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.archive import (
    Action,
    HeadStatement,
    Record,
    append,
    entry_digest,
    genesis,
    new_entry,
    next_head,
    verify_custody,
)
from asamblea.core.errors import Invalid
from asamblea.core.ledger import HeadStatement as VoteHead
from asamblea.core.ledger import canonical_json, is_signed, sign
from tests.core.archive.sample import HEADER, KEY, OTHER_KEY, Case, sample_case


def codes(records: list[Record]) -> list[str]:
    return [finding.code for finding in verify_custody(HEADER, records)]


def test_chain_recomputed_by_hand() -> None:
    """An independent recomputation from the written protocol (docs/archive.md)."""
    case = sample_case()
    head = hashlib.sha256(canonical_json({
        "schema": "asamblea-custody-genesis/1", "case_id": HEADER.case_id,
        "created_at": HEADER.created_at, "public_key": HEADER.public_key})).digest()
    assert head == genesis(HEADER)
    for record in case.log:
        assert record.entry is not None
        digest = hashlib.sha256(canonical_json(record.entry.to_json())).digest()
        head = hashlib.sha256(head + digest).digest()
        assert (record.digest, record.head) == (digest.hex(), head.hex())
        statement = {"schema": "asamblea-custody-head/1", "case_id": HEADER.case_id,
                     "genesis": genesis(HEADER).hex(), "length": record.seq, "head": head.hex()}
        KEY.verify_key.verify(canonical_json(statement), bytes.fromhex(record.signature))
    assert codes(case.log) == []


def test_a_valid_log_verifies_and_redacted_records_still_chain() -> None:
    log = sample_case().log
    assert codes([record.redacted() for record in log]) == []


def test_entry_removed_is_named() -> None:
    log = sample_case().log
    found = verify_custody(HEADER, log[:2] + log[3:])
    assert [f.code for f in found] == ["custody.missing", "custody.chain"]
    assert "Faltan las entradas 3 a 3" in found[0].message
    assert found[0].field == "custody.jsonl[2]"


def test_entries_reordered_are_named() -> None:
    log = sample_case().log
    assert "custody.order" in codes([log[0], log[2], log[1], *log[3:]])


def test_entry_text_altered_is_named() -> None:
    log = sample_case().log
    assert log[3].entry is not None
    log[3] = replace(log[3], entry=replace(log[3].entry, actor="otra-persona"))
    assert codes(log) == ["custody.altered"]


def test_signature_replaced_is_named() -> None:
    log = sample_case().log
    statement = HeadStatement(HEADER.case_id, genesis(HEADER).hex(), 4, log[3].head)
    log[3] = replace(log[3], signature=sign(OTHER_KEY, statement))
    assert codes(log) == ["custody.signature"]


def test_rewriting_the_chain_without_the_key_fails_on_signatures() -> None:
    """Remove an entry and recompute every later head: only the key could re-sign them."""
    log = sample_case().log
    del log[2]
    previous = bytes.fromhex(log[1].head)
    for index in range(2, len(log)):
        entry = log[index].entry
        assert entry is not None
        entry = replace(entry, seq=index + 1)
        head = next_head(previous, entry_digest(entry))
        log[index] = replace(log[index], seq=index + 1, entry=entry,
                             digest=entry_digest(entry).hex(), head=head.hex())
        previous = head
    assert set(codes(log)) == {"custody.signature"}


def test_malformed_entries_are_refused() -> None:
    with pytest.raises(Invalid, match="requiere"):
        new_entry(1, Action.RECEIVED, "2026-12-02T10:00:00Z", "x", None,
                  detail={"sha256": "00" * 32, "size": 1, "media_type": "text/plain"})
    with pytest.raises(Invalid, match="campos"):
        new_entry(1, Action.VIEWED, "2026-12-02T10:00:00Z", "x", "i", detail={"extra": 1})
    with pytest.raises(Invalid, match="hora"):
        new_entry(1, Action.VIEWED, "2 Dec 2026", "x", "i")
    with pytest.raises(Invalid, match="sha256"):
        new_entry(1, Action.RECEIVED, "2026-12-02T10:00:00Z", "x", "i",
                  detail={"sha256": "AB" * 32, "size": 1, "media_type": "text/plain"})
    with pytest.raises(Invalid, match="key"):
        append(OTHER_KEY, HEADER, genesis(HEADER),
               new_entry(1, Action.VIEWED, "2026-12-02T10:00:00Z", "x", "i"))


def test_custody_heads_are_not_vote_heads() -> None:
    """A custody head signature cannot be passed off as a vote's head signature."""
    record = sample_case().log[0]
    vote = VoteHead(HEADER.case_id, genesis(HEADER).hex(), 1, record.head)
    assert not is_signed(HEADER.public_key, vote, record.signature)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([Action.VIEWED, Action.ANNOTATED]), min_size=1, max_size=8),
       st.data())
def test_any_single_removal_or_swap_is_detected(actions: list[Action], data: st.DataObject
                                                ) -> None:
    case = Case(KEY, HEADER, [])
    for action in actions:
        case.add(action, "item-a", {"note_sha256": "cd" * 32} if action is Action.ANNOTATED
                 else None)
    log = case.log
    assert codes(log) == []
    index = data.draw(st.integers(0, len(log) - 1))
    assert codes(log[:index] + log[index + 1:]) != [] or index == len(log) - 1
    if len(log) > 1:
        j = data.draw(st.integers(0, len(log) - 2))
        swapped = list(log)
        swapped[j], swapped[j + 1] = swapped[j + 1], swapped[j]
        assert codes(swapped) != []
