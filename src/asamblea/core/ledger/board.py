"""The published bulletin board as plain data, and how the server closes and seals it.

The board lists the ballots **in chain order**, which is the order they were cast: the chain
can only be re-computed in the order it was built. The board therefore reveals that order
(never who cast which ballot, and never when); docs/voting.md says what that does and does
not protect, and why the casting service must keep no order or time on the roll's marks.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from nacl.signing import SigningKey

from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger.canonical import JsonValue, sha256_hex
from asamblea.core.ledger.chain import (
    Ballot,
    VoteHeader,
    chain_heads,
    check_ballot,
    genesis,
    parse_utc,
)
from asamblea.core.ledger.signature import (
    HeadStatement,
    SealStatement,
    public_key_hex,
    sign,
)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small acyclic objects are built.

    Parsing and checking a 1M-ballot board creates millions of lists, tuples and strings, none
    in a cycle; CPython's collector would otherwise re-scan them over and over (seconds).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class InPersonCount:
    """A count by show of hands or on paper, recorded by one member and confirmed by another."""

    counts: tuple[int, ...]
    attendance: int
    acta: str
    recorded_by: str
    confirmed_by: str
    confirmed_at: str

    def to_json(self) -> dict[str, JsonValue]:
        """The count as plain JSON (the ``in_person`` section of the board)."""
        return {
            "counts": list(self.counts),
            "attendance": self.attendance,
            "acta": self.acta,
            "recorded_by": self.recorded_by,
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at,
        }


@dataclass(frozen=True)
class Board:
    """Everything published after a vote closes. Ballots are kept as two parallel columns.

    ``receipts[i]`` and ``selections[i]`` are the i-th ballot appended (0-based) and
    ``heads[i]`` is ``h_{i+1}`` in hex. Values are kept as read, unchecked: `verify_board`
    checks them, so that a tampered board can still be loaded and reported on precisely.
    """

    header: VoteHeader
    voters: int
    closed_at: str
    seed: str
    receipts: Sequence[str]
    selections: Sequence[Sequence[int]]
    genesis: str
    heads: Sequence[str]
    public_key: str
    head_signature: str
    seal_signature: str
    result: Mapping[str, JsonValue] | None
    in_person: InPersonCount | None

    def head_statement(self, head: str | None = None) -> HeadStatement:
        """The statement the final head signature covers (``head`` overrides the stored one)."""
        last = head if head is not None else (self.heads[-1] if self.heads else self.genesis)
        return HeadStatement(self.header.vote_id, self.genesis, len(self.heads), last)

    def seal_statement(self) -> SealStatement:
        """The statement the seal signature covers, computed from what the board says."""
        return SealStatement(
            head=self.head_statement(),
            voters=self.voters,
            closed_at=self.closed_at,
            seed=self.seed,
            result_sha256=None if self.result is None else sha256_hex(self.result),
            in_person_sha256=None if self.in_person is None else sha256_hex(
                self.in_person.to_json()
            ),
        )


def close_board(
    header: VoteHeader,
    ballots: Sequence[Ballot],
    *,
    voters: int,
    closed_at: str,
    seed: str,
    key: SigningKey,
    result: Mapping[str, JsonValue] | None,
    in_person: InPersonCount | None = None,
) -> Board:
    """Build, sign and seal the board of a closed vote (ballots in the order they were appended).

    Refuses (`Invalid`) malformed ballots, more ballots than voters or more voters than the roll.
    """
    if not len(ballots) <= voters <= header.roll_size:
        raise Invalid(N_("Ballots, voters and roll size do not fit: {b} > {v} or {v} > {r}"),
                      b=len(ballots), v=voters, r=header.roll_size)
    parse_utc(closed_at)
    start = genesis(header)
    with paused_gc():
        for ballot in ballots:
            check_ballot(header, ballot)
        heads = [head.hex() for head in chain_heads(start, ballots)]
        receipts = [ballot.receipt for ballot in ballots]
        selections = [list(ballot.selection) for ballot in ballots]
    unsigned = Board(
        header=header, voters=voters, closed_at=closed_at, seed=seed,
        receipts=receipts, selections=selections, genesis=start.hex(), heads=heads,
        public_key=public_key_hex(key), head_signature="", seal_signature="", result=result,
        in_person=in_person,
    )
    return replace(
        unsigned,
        head_signature=sign(key, unsigned.head_statement()),
        seal_signature=sign(key, unsigned.seal_statement()),
    )


def with_result(
    board: Board, key: SigningKey, result: Mapping[str, JsonValue] | None,
    in_person: InPersonCount | None = None,
) -> Board:
    """The board with its published result (and in-person count) set, and the seal re-signed.

    Typical use at publication: ``draft = close_board(..., result=None)``, then
    ``with_result(draft, key, recount(draft))``.
    """
    updated = replace(board, result=result, in_person=in_person or board.in_person)
    return replace(updated, seal_signature=sign(key, updated.seal_statement()))
