"""The ledger of a vote: canonical encoding, hash chain, receipts, signatures, verification.

Pure: no database, no network, no clock. Modules:

- `canonical` — canonical JSON (RFC 8785 for our subset: integers and strings only);
- `receipt` — receipt codes in Crockford base32, with a check symbol;
- `chain` — the vote header, its genesis value, ballots and ``h_i = SHA-256(h_{i-1} || ballot_i)``;
- `signature` — Ed25519 (PyNaCl) signatures of chain heads and of the closing seal;
- `board` — the published board as plain data, and `close_board` to build and seal it;
- `verify` — every check of a board, as a list of `Finding`;
- `recount` — re-counting a board through `asamblea.core.tally.registry`.

What the casting service calls, in one transaction per ballot (see docs/voting.md):
``new_receipt()`` → ``check_ballot(header, ballot)`` → ``next_head(previous_head, ballot)`` →
store the row ``(previous head, head, ballot)`` and the vote's new head and length →
``sign(key, HeadStatement(...))`` for the receipt page. At publication: ``chain_order`` over the
stored rows → ``close_board(..., result=None)`` → ``with_result(draft, key, recount(draft))`` →
`asamblea.formats.board.dump_board`.
"""

from asamblea.core.ledger.board import (
    Board,
    InPersonCount,
    close_board,
    paused_gc,
    with_result,
)
from asamblea.core.ledger.canonical import JsonValue, canonical_json, sha256_hex
from asamblea.core.ledger.chain import (
    Ballot,
    BallotKind,
    VoteHeader,
    ballot_bytes,
    chain_heads,
    chain_order,
    check_ballot,
    format_utc,
    genesis,
    next_head,
    parse_utc,
)
from asamblea.core.ledger.receipt import (
    is_receipt,
    new_receipt,
    normalise_receipt,
    receipt_from_bits,
)
from asamblea.core.ledger.recount import RecountUnavailable, recount
from asamblea.core.ledger.signature import (
    HeadStatement,
    SealStatement,
    Statement,
    is_signed,
    new_signing_key,
    public_key_hex,
    sign,
    signing_key_from_seed,
)
from asamblea.core.ledger.verify import (
    Finding,
    describe_selection,
    find_receipt,
    quorum_reached,
    verify_ballots,
    verify_board,
    verify_chain,
    verify_counts,
    verify_result,
    verify_signatures,
)

__all__ = [
    "Ballot", "BallotKind", "Board", "Finding", "HeadStatement", "InPersonCount", "JsonValue",
    "RecountUnavailable", "SealStatement", "Statement", "VoteHeader", "ballot_bytes",
    "canonical_json", "chain_heads", "chain_order", "check_ballot", "close_board",
    "describe_selection", "find_receipt", "format_utc", "genesis", "is_receipt", "is_signed",
    "new_receipt", "new_signing_key", "next_head", "normalise_receipt", "parse_utc", "paused_gc",
    "public_key_hex", "quorum_reached", "receipt_from_bits", "recount", "sha256_hex", "sign",
    "signing_key_from_seed", "verify_ballots", "verify_board", "verify_chain", "verify_counts",
    "verify_result", "verify_signatures", "with_result",
]
