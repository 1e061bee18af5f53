"""The encrypted vote's public board as plain data, and how the server builds and seals it.

What binds what (docs/encrypted-votes.md, §6):

- the **manifest** — the vote's header, the selection bounds, the threshold, the key ceremony
  and every trustee's dealing, and the election key — is hashed into the **election hash**
  ``SHA-256(canonical_json(manifest))``; every proof's transcript starts from it, and it is the
  chain's genesis ``h_0``;
- each cast ballot extends the chain: ``h_i = SHA-256(h_{i−1} || tracker_i)``, the tracker being
  ``SHA-256`` of the ballot's bytes (`asamblea.core.crypto.ballot.tracker`);
- the server signs the final head (``asamblea-head/1``) and a seal (``asamblea-seal/1``) whose
  ``result_sha256`` is the SHA-256 of the canonical JSON of the **outcome**: audited ballots,
  homomorphic tally, decryption shares and counts (`outcome_json`).

Ballots are in chain order (the order of casting), with no voter and no time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from nacl.signing import SigningKey

from asamblea.core.crypto.ballot import EncryptedBallot, tracker
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.group import Point, Scalar
from asamblea.core.crypto.proofs import Proof, Response
from asamblea.core.crypto.tally import DecryptionShare
from asamblea.core.crypto.threshold import Dealing
from asamblea.core.ledger.canonical import JsonValue, canonical_json, sha256_hex
from asamblea.core.ledger.chain import VoteHeader
from asamblea.core.ledger.signature import HeadStatement, SealStatement, public_key_hex, sign

MANIFEST_SCHEMA = "asamblea-ev-manifest/1"


@dataclass(frozen=True)
class EarlierAttempt:
    """A key ceremony that a complaint stopped and the facilitators restarted (§5, §9): its id,
    threshold and number of trustees, the dealings its trustees had published, and who
    complained about whom. Kept in the manifest so the restart is on the board."""

    ceremony: bytes
    threshold: int
    trustees: int
    dealings: tuple[Dealing, ...]
    complaints: tuple[tuple[int, int], ...]

    def to_json(self) -> dict[str, JsonValue]:
        """The attempt as plain JSON."""
        return {
            "ceremony": self.ceremony.hex(),
            "threshold": self.threshold,
            "trustees": self.trustees,
            "dealings": [dealing_json(d) for d in self.dealings],
            "complaints": [{"complainant": c, "accused": a} for c, a in self.complaints],
        }


@dataclass(frozen=True)
class Manifest:
    """What is fixed before the first ballot: the vote, its bounds, its trustees and key, and the
    key ceremonies restarted before it (``earlier``, only on the board when there were some)."""

    header: VoteHeader
    min_selections: int
    max_selections: int
    threshold: int
    ceremony: bytes
    dealings: tuple[Dealing, ...]
    public_key: Point
    earlier: tuple[EarlierAttempt, ...] = ()

    def to_json(self) -> dict[str, JsonValue]:
        """The manifest as plain JSON (hex for every point, scalar and hash)."""
        made: dict[str, JsonValue] = {
            "schema": MANIFEST_SCHEMA,
            "header": self.header.to_json(),
            "min_selections": self.min_selections,
            "max_selections": self.max_selections,
            "threshold": self.threshold,
            "ceremony": self.ceremony.hex(),
            "dealings": [dealing_json(d) for d in self.dealings],
            "public_key": self.public_key.hex(),
        }
        if self.earlier:
            made["earlier_attempts"] = [a.to_json() for a in self.earlier]
        return made

    def election_hash(self) -> bytes:
        """``SHA-256(canonical_json(manifest))``: the context of every proof and ``h_0``."""
        return hashlib.sha256(canonical_json(self.to_json())).digest()


def pair_json(pair: Response) -> list[JsonValue]:
    """A ``(challenge, response)`` pair as two hex strings."""
    return [pair.challenge.hex(), pair.response.hex()]


def proof_json(proof: Proof) -> list[JsonValue]:
    """A proof as a list of pairs."""
    return [pair_json(pair) for pair in proof]


def dealing_json(dealing: Dealing) -> dict[str, JsonValue]:
    """A trustee's dealing as plain JSON."""
    return {"index": dealing.index, "commitments": [c.hex() for c in dealing.commitments],
            "proof": pair_json(dealing.proof)}


def share_json(share: DecryptionShare) -> dict[str, JsonValue]:
    """A trustee's decryption share as plain JSON."""
    return {"trustee": share.trustee, "parts": [p.hex() for p in share.parts],
            "proofs": [pair_json(p) for p in share.proofs]}


def ballot_json(ballot: EncryptedBallot) -> dict[str, JsonValue]:
    """A ballot as plain JSON."""
    return {
        "options": [{"alpha": o.ciphertext.alpha.hex(), "beta": o.ciphertext.beta.hex(),
                     "proof": proof_json(o.proof)} for o in ballot.options],
        "count_proof": None if ballot.count_proof is None else proof_json(ballot.count_proof),
    }


@dataclass(frozen=True)
class AuditedBallot:
    """A ballot the voter chose to audit: spoiled (never counted) and published with its secrets."""

    ballot: EncryptedBallot
    selections: tuple[int, ...]
    nonces: tuple[Scalar, ...]

    def to_json(self) -> dict[str, JsonValue]:
        """The audited ballot as plain JSON."""
        return {"ballot": ballot_json(self.ballot), "selections": list(self.selections),
                "nonces": [n.hex() for n in self.nonces]}


@dataclass(frozen=True)
class EncryptedBoard:
    """Everything published for an encrypted vote. Values are kept as read, for `verify`."""

    manifest: Manifest
    voters: int
    closed_at: str
    ballots: Sequence[EncryptedBallot]
    audited: Sequence[AuditedBallot]
    genesis: str
    heads: Sequence[str]
    tally: tuple[Ciphertext, ...]
    shares: tuple[DecryptionShare, ...]
    counts: tuple[int, ...] | None
    signing_key: str
    head_signature: str
    seal_signature: str

    def outcome_json(self) -> dict[str, JsonValue]:
        """Audited ballots, tally, shares and counts: what the seal's digest covers."""
        return {
            "audited": [a.to_json() for a in self.audited],
            "tally": [{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in self.tally],
            "shares": [share_json(s) for s in self.shares],
            "counts": None if self.counts is None else list(self.counts),
        }

    def head_statement(self) -> HeadStatement:
        """The statement the final head signature covers."""
        last = self.heads[-1] if self.heads else self.genesis
        return HeadStatement(self.manifest.header.vote_id, self.genesis, len(self.heads), last)

    def seal_statement(self) -> SealStatement:
        """The statement the seal covers: the head, voters, closing time and outcome digest."""
        return SealStatement(head=self.head_statement(), voters=self.voters,
                             closed_at=self.closed_at, seed="",
                             result_sha256=sha256_hex(self.outcome_json()),
                             in_person_sha256=None)


def chain_heads(genesis: bytes, ballots: Sequence[EncryptedBallot]) -> list[str]:
    """``h_i = SHA-256(h_{i−1} || tracker_i)`` for every ballot, in hex."""
    heads: list[str] = []
    head = genesis
    for ballot in ballots:
        head = hashlib.sha256(head + tracker(ballot)).digest()
        heads.append(head.hex())
    return heads


def seal_board(board: EncryptedBoard, key: SigningKey) -> EncryptedBoard:
    """The board with its chain recomputed and both statements signed by the server's key."""
    genesis = board.manifest.election_hash()
    chained = replace(board, genesis=genesis.hex(), heads=chain_heads(genesis, board.ballots),
                      signing_key=public_key_hex(key))
    return replace(chained, head_signature=sign(key, chained.head_statement()),
                   seal_signature=sign(key, chained.seal_statement()))

