"""The vote's header, its genesis value, ballots and the hash chain over them.

``h_0 = SHA-256(canonical_json(header))`` binds the chain to one vote: its id, question,
options, ballot kind, counting rule, seats, quorum, roll size at opening and opening time. The
tie-break seed is *not* in it: it must stay unknown until the vote closes (see
`asamblea.core.tally.lot`), so it is bound by the seal signed at publication instead.
Then, for the i-th ballot appended (1-based),
``h_i = SHA-256(h_{i-1} || canonical_json(ballot_i))`` with ``h_{i-1}`` as 32 raw bytes and a
ballot being ``{"receipt": "...", "selection": [...]}`` — never a voter, never a time.

A selection is a list of option indices (0-based, into the header's options):

- ``choice``: zero or one index (zero is a blank vote, *voto en blanco*);
- ``approval``: indices in increasing order, no repeats (empty is blank);
- ``ranking``: distinct indices, most preferred first, possibly truncated (empty is blank).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction

from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger.canonical import JsonValue, canonical_json
from asamblea.core.ledger.receipt import is_receipt

GENESIS_SCHEMA = "asamblea-genesis/1"
HASH_SIZE = 32


class BallotKind(StrEnum):
    """What a ballot says: one option, a set of approved options, or an order of preference."""

    CHOICE = "choice"
    APPROVAL = "approval"
    RANKING = "ranking"


def format_utc(moment: datetime) -> str:
    """A UTC instant as ISO-8601 with a ``Z``, to the second: ``2026-11-28T00:00:00Z``."""
    if moment.tzinfo is None:
        raise Invalid(N_("Times must carry their time zone"))
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """The instant written by `format_utc`; `Invalid` for any other form."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as error:
        raise Invalid(N_("Not a UTC time like 2026-11-28T00:00:00Z: {text}"), text=text) from error
    if format_utc(moment) != text:
        raise Invalid(N_("Not a UTC time like 2026-11-28T00:00:00Z: {text}"), text=text)
    return moment


@dataclass(frozen=True)
class VoteHeader:
    """What is fixed when a vote opens; its canonical JSON is hashed into the genesis value."""

    vote_id: str
    question: str
    options: tuple[str, ...]
    kind: BallotKind
    rule: str
    seats: int
    quorum: Fraction
    roll_size: int
    opens_at: datetime
    threshold: str | None = None  # the majority needed, for yes/no motions only

    def __post_init__(self) -> None:
        if len(self.options) < 2 or len(set(self.options)) != len(self.options):
            raise Invalid(N_("A vote needs at least two distinct options"))
        if not 1 <= self.seats <= len(self.options) or self.roll_size < 0:
            raise Invalid(N_("Seats must be from one to the number of options; roll size >= 0"))
        if not 0 <= self.quorum <= 1:
            raise Invalid(N_("The quorum is a share of the roll, between 0 and 1"))

    def to_json(self) -> dict[str, JsonValue]:
        """The header as plain JSON (exact numbers as strings, times in UTC).

        ``threshold`` appears only when set (yes/no motions), so other headers are unchanged.
        """
        extra: dict[str, JsonValue] = {}
        if self.threshold is not None:
            extra["threshold"] = self.threshold
        return extra | {
            "schema": GENESIS_SCHEMA,
            "vote_id": self.vote_id,
            "question": self.question,
            "options": list(self.options),
            "kind": self.kind.value,
            "rule": self.rule,
            "seats": self.seats,
            "quorum": f"{self.quorum.numerator}/{self.quorum.denominator}",
            "roll_size": self.roll_size,
            "opens_at": format_utc(self.opens_at),
        }


def genesis(header: VoteHeader) -> bytes:
    """``h_0``: SHA-256 of the header's canonical JSON."""
    return hashlib.sha256(canonical_json(header.to_json())).digest()


@dataclass(frozen=True)
class Ballot:
    """One ballot as it sits in the ballot box and on the board: a receipt and a selection."""

    receipt: str
    selection: tuple[int, ...]

    def to_json(self) -> dict[str, JsonValue]:
        """The ballot as plain JSON (the object hashed into the chain)."""
        return {"receipt": self.receipt, "selection": list(self.selection)}


def selection_problem(kind: BallotKind, n_options: int, selection: Sequence[object]) -> str | None:
    """Why ``selection`` is not a valid ballot of this kind, or None when it is."""
    if any(type(index) is not int or not 0 <= index < n_options for index in selection):
        return "índice de opción inexistente"
    if len(set(selection)) != len(selection):
        return "opción repetida"
    if kind is BallotKind.CHOICE and len(selection) > 1:
        return "más de una opción en una papeleta de opción única"
    if kind is BallotKind.APPROVAL and list(selection) != sorted(selection):  # type: ignore[type-var]
        return "aprobaciones no ordenadas de menor a mayor"
    return None


def check_ballot(header: VoteHeader, ballot: Ballot) -> None:
    """Refuse a ballot that could not be stored on this vote's board (`Invalid`)."""
    if not is_receipt(ballot.receipt):
        raise Invalid(N_("Malformed receipt code"))
    problem = selection_problem(header.kind, len(header.options), ballot.selection)
    if problem is not None:
        raise Invalid(N_("Invalid ballot: {problem}"), problem=problem)


def ballot_bytes(receipt: str, selection: Sequence[int]) -> bytes:
    """``canonical_json(ballot)`` for a well-formed ballot, built directly (fast path).

    Equal to ``canonical_json(Ballot(receipt, selection).to_json())`` because receipts use only
    ``0-9 A-Z -`` (nothing to escape) and selections are small non-negative integers.
    """
    return b'{"receipt":"%s","selection":[%s]}' % (
        receipt.encode("ascii"),
        ",".join(map(str, selection)).encode("ascii"),
    )


def next_head(previous: bytes, ballot: Ballot) -> bytes:
    """``h_i = SHA-256(h_{i-1} || canonical_json(ballot_i))``."""
    if len(previous) != HASH_SIZE:
        raise Invalid(N_("A chain head is 32 bytes"))
    return hashlib.sha256(previous + ballot_bytes(ballot.receipt, ballot.selection)).digest()


def chain_heads(start: bytes, ballots: Iterable[Ballot]) -> list[bytes]:
    """Every head ``h_1 .. h_n`` of the chain over ``ballots`` starting from ``start`` (``h_0``)."""
    heads: list[bytes] = []
    head = start
    sha256 = hashlib.sha256
    for ballot in ballots:
        head = sha256(head + ballot_bytes(ballot.receipt, ballot.selection)).digest()
        heads.append(head)
    return heads


def chain_order(start: bytes, rows: Iterable[tuple[bytes, bytes, Ballot]]) -> list[Ballot]:
    """The ballots in chain order, from stored ``(previous head, head, ballot)`` rows in any order.

    Lets the ballot box keep no sequence number or time: each row names the head it extends, and
    a unique ``(vote, previous head)`` constraint in the database makes concurrent appends form
    one line, never a fork. Raises `Invalid` on a fork, a broken link or a row off the chain.
    """
    by_previous: dict[bytes, tuple[bytes, Ballot]] = {}
    for previous, head, ballot in rows:
        if previous in by_previous:
            raise Invalid(N_("Two ballots extend the same chain head (a fork)"))
        by_previous[previous] = (head, ballot)
    ordered: list[Ballot] = []
    current = start
    while current in by_previous:
        head, ballot = by_previous.pop(current)
        if next_head(current, ballot) != head:
            raise Invalid(N_("A stored chain link does not match its ballot"))
        ordered.append(ballot)
        current = head
    if by_previous:
        raise Invalid(N_("{n} stored ballots are not on the chain"), n=len(by_previous))
    return ordered
