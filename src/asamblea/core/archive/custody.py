"""The custody log of a case: append-only entries, hash-chained and signed like the vote board.

Every act on a case's material is one entry: an item **received** (with the SHA-256 of the
original, taken at intake), **viewed**, **annotated**, **exported**, its consent **changed**,
**withdrawn**, the case's keys **re-wrapped** when a team member leaves, or a timeline event
**edited** or **removed** (which fields changed and its consent level, never its text). The
chain, written down so that a verifier in any language can recompute it (docs/archive.md):

- ``h_0 = SHA-256(canonical_json(case_header))``, the header being ``{"schema":
  "asamblea-custody-genesis/1", "case_id", "created_at", "public_key"}``;
- ``d_i = SHA-256(canonical_json(entry_i))``, an entry being ``{"seq", "action", "at", "actor",
  "item", "detail", "nonce"}`` (``seq`` 1-based, ``nonce`` 16 random bytes in hex);
- ``h_i = SHA-256(h_{i-1} || d_i)`` with both as 32 raw bytes;
- the archive's Ed25519 key signs, for every entry, the head statement ``{"schema":
  "asamblea-custody-head/1", "case_id", "genesis", "length": i, "head": h_i}`` (through
  `asamblea.core.ledger.sign`: the same canonical bytes and signature code as the vote board).

Chaining the *digest* of each entry, not the entry, lets an exported log **redact** entries
about items that are not handed over (withdrawn, or not chosen): a redacted record keeps its
digest, head and signature, so the chain still verifies, while the nonce keeps its content from
being guessed from the digest. Canonical JSON, times and signatures are the ledger's own
(`asamblea.core.ledger`), reused rather than copied.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from nacl.signing import SigningKey

from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger import JsonValue, canonical_json, parse_utc, public_key_hex, sign
from asamblea.core.ledger.canonical import is_hex

GENESIS_SCHEMA = "asamblea-custody-genesis/1"
HEAD_SCHEMA = "asamblea-custody-head/1"
HASH_SIZE = 32
NONCE_SIZE = 16


class Action(StrEnum):
    """What an entry records."""

    RECEIVED = "received"
    VIEWED = "viewed"
    ANNOTATED = "annotated"
    EXPORTED = "exported"
    CONSENT_CHANGED = "consent_changed"
    WITHDRAWN = "withdrawn"
    KEYS_REWRAPPED = "keys_rewrapped"
    MEMBER_ADDED = "member_added"
    COPY_SHOWN = "copy_shown"
    EVENT_EDITED = "event_edited"
    EVENT_REMOVED = "event_removed"


#: The detail fields each action requires (and allows), with their JSON types.
DETAIL_FIELDS: Mapping[Action, Mapping[str, type]] = {
    Action.RECEIVED: {"sha256": str, "size": int, "media_type": str},
    Action.VIEWED: {},
    Action.ANNOTATED: {"note_sha256": str},
    Action.EXPORTED: {"items": list, "recipient": str},
    Action.CONSENT_CHANGED: {"from": str, "to": str, "by": str},
    Action.WITHDRAWN: {"by": str},
    Action.KEYS_REWRAPPED: {"removed": str, "recipients": int},
    Action.MEMBER_ADDED: {"added": str, "role": str},
    Action.COPY_SHOWN: {"sha256": str},
    Action.EVENT_EDITED: {"event": int, "changed": list, "from": str, "to": str},
    Action.EVENT_REMOVED: {"event": int, "consent": str},
}
#: Actions about one item (the others concern the whole case and carry ``item: null``).
ITEM_ACTIONS = frozenset({Action.RECEIVED, Action.VIEWED, Action.ANNOTATED,
                          Action.CONSENT_CHANGED, Action.WITHDRAWN, Action.COPY_SHOWN})


@dataclass(frozen=True)
class CaseHeader:
    """What fixes a case's chain: its id, when it was opened, and the key that signs it."""

    case_id: str
    created_at: str
    public_key: str

    def to_json(self) -> dict[str, JsonValue]:
        """The header as plain JSON (hashed into ``h_0``)."""
        return {"schema": GENESIS_SCHEMA, "case_id": self.case_id,
                "created_at": self.created_at, "public_key": self.public_key}


def genesis(header: CaseHeader) -> bytes:
    """``h_0``: SHA-256 of the header's canonical JSON."""
    return hashlib.sha256(canonical_json(header.to_json())).digest()


@dataclass(frozen=True)
class Entry:
    """One act of custody. ``actor`` is a pseudonymous handle (a member's, or ``witness``)."""

    seq: int
    action: Action
    at: str
    actor: str
    item: str | None
    detail: Mapping[str, JsonValue] = field(default_factory=dict)
    nonce: str = ""

    def to_json(self) -> dict[str, JsonValue]:
        """The entry as plain JSON (its canonical bytes are hashed into ``d_i``)."""
        return {"seq": self.seq, "action": self.action.value, "at": self.at,
                "actor": self.actor, "item": self.item, "detail": dict(self.detail),
                "nonce": self.nonce}


@dataclass(frozen=True)
class HeadStatement:
    """Signed for every entry: the chain of ``case_id`` had ``length`` entries and head ``head``."""

    case_id: str
    genesis: str
    length: int
    head: str

    def to_json(self) -> dict[str, JsonValue]:
        """The statement as plain JSON."""
        return {"schema": HEAD_SCHEMA, "case_id": self.case_id, "genesis": self.genesis,
                "length": self.length, "head": self.head}


@dataclass(frozen=True)
class Record:
    """An entry as stored and exported: its digest, the head after it and that head's signature.

    ``entry`` is None in a redacted record (an exported log's entry about an item not handed over).
    """

    seq: int
    digest: str
    head: str
    signature: str
    entry: Entry | None

    def redacted(self) -> Record:
        """The same record without its entry."""
        return replace(self, entry=None)


def entry_problem(entry: Entry) -> str | None:
    """Why ``entry`` is not a well-formed custody entry, or None when it is."""
    return _shape_problem(entry) or _detail_problem(entry)


def _shape_problem(entry: Entry) -> str | None:
    if type(entry.seq) is not int or entry.seq < 1:
        return "seq debe ser un entero desde 1"
    try:
        parse_utc(entry.at)
    except Invalid:
        return f"hora mal escrita: {entry.at!r}"
    if not entry.actor or not is_hex(entry.nonce, NONCE_SIZE):
        return "falta el actor o el nonce (16 bytes en hex)"
    if (entry.item is not None) != (entry.action in ITEM_ACTIONS):
        needs = "requiere" if entry.action in ITEM_ACTIONS else "no admite"
        return f"la acción {entry.action.value} {needs} un ítem"
    return None


def _detail_problem(entry: Entry) -> str | None:
    expected = DETAIL_FIELDS[entry.action]
    if set(entry.detail) != set(expected):
        return f"detalle de {entry.action.value}: se esperaban los campos {sorted(expected)}"
    for name, kind in expected.items():
        if type(entry.detail[name]) is not kind:
            return f"detalle de {entry.action.value}: campo {name} de tipo incorrecto"
    if entry.action is Action.RECEIVED and not is_hex(entry.detail["sha256"], HASH_SIZE):
        return "detalle de received: sha256 debe ser 32 bytes en hex"
    return None


def new_entry(
    seq: int, action: Action, at: str, actor: str, item: str | None = None, *,
    detail: Mapping[str, JsonValue] | None = None,
) -> Entry:
    """A well-formed entry with a fresh nonce; `Invalid` when the fields do not fit the action."""
    entry = Entry(seq, action, at, actor, item, dict(detail or {}), secrets.token_hex(NONCE_SIZE))
    problem = entry_problem(entry)
    if problem is not None:
        raise Invalid(N_("Malformed custody entry: {problem}"), problem=problem)
    return entry


def entry_digest(entry: Entry) -> bytes:
    """``d_i``: SHA-256 of the entry's canonical JSON."""
    return hashlib.sha256(canonical_json(entry.to_json())).digest()


def next_head(previous: bytes, digest: bytes) -> bytes:
    """``h_i = SHA-256(h_{i-1} || d_i)``."""
    if len(previous) != HASH_SIZE or len(digest) != HASH_SIZE:
        raise Invalid(N_("A chain head is 32 bytes"))
    return hashlib.sha256(previous + digest).digest()


def append(key: SigningKey, header: CaseHeader, previous: bytes, entry: Entry) -> Record:
    """The signed record of ``entry`` after the head ``previous`` (``genesis`` for the first)."""
    if public_key_hex(key) != header.public_key:
        raise Invalid(N_("This key does not sign this case's custody log"))
    problem = entry_problem(entry)
    if problem is not None:
        raise Invalid(N_("Malformed custody entry: {problem}"), problem=problem)
    digest = entry_digest(entry)
    head = next_head(previous, digest)
    statement = HeadStatement(header.case_id, genesis(header).hex(), entry.seq, head.hex())
    return Record(entry.seq, digest.hex(), head.hex(), sign(key, statement), entry)
