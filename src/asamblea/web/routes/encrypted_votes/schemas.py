"""JSON shapes of the encrypted votes API (docs/encrypted-votes.md gives every field's format)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from asamblea.services.encrypted_votes.ceremony import SEALED_SHARE_BYTES
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import In
from asamblea.web.routes.votes.schemas import HeadOut

Hex = Annotated[str, Field(max_length=200)]
#: ``crypto_box_seal`` of a 32-byte scalar: 80 bytes (`ceremony.SEALED_SHARE_BYTES`), in hex.
SealedShare = Annotated[
    str,
    Field(
        min_length=2 * SEALED_SHARE_BYTES,
        max_length=2 * SEALED_SHARE_BYTES,
        pattern=rf"^[0-9a-fA-F]{{{2 * SEALED_SHARE_BYTES}}}$",
    ),
]
#: A trustee's number, 1 to 64, as a JSON object's key.
TRUSTEE_NUMBER = r"^([1-9]|[1-5][0-9]|6[0-4])$"


class EncryptionIn(In):
    """Make a draft vote encrypted: its trustees (person ids, numbered in this order) and ``t``."""

    trustees: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=64)
    threshold: int = Field(ge=1, le=64)


class EncryptionOut(BaseModel):
    """An encrypted vote's parameters."""

    vote_id: int
    trustees: int
    threshold: int
    min_selections: int
    max_selections: int
    ceremony: str
    public_key: str | None


class DealingIn(In):
    """A trustee's X25519 box public key and public dealing (commitments and proof)."""

    box_public_key: Hex
    dealing: dict[str, Any]


class SharesIn(In):
    """``f_i(j)`` sealed to each other trustee ``j`` (``crypto_box_seal``, hex), by ``j``."""

    shares: dict[Annotated[int, Field(ge=1, le=64)], SealedShare] = Field(
        max_length=64, json_schema_extra={"propertyNames": {"pattern": TRUSTEE_NUMBER}}
    )


class ComplaintIn(In):
    """The trustee whose share sealed to me fails their commitments."""

    against: int = Field(ge=1, le=64)


class ComplaintOut(BaseModel):
    """Trustee ``trustee`` said trustee ``against``'s share to them fails its commitments."""

    trustee: int
    against: int


class TrusteeOut(BaseModel):
    """A trustee's public part."""

    number: int
    box_public_key: str | None
    dealing: dict[str, Any] | None
    shares_sent: bool
    confirmed: bool


class CeremonyOut(BaseModel):
    """What a trustee sees of the ceremony: everyone's public part, the shares sealed to them."""

    ceremony: str
    threshold: int
    me: int
    state: str
    trustees: list[TrusteeOut]
    sealed_for_me: dict[int, str]
    complaints: list[ComplaintOut]


class ElectionOut(BaseModel):
    """The frozen manifest voters' devices encrypt against, and its hash."""

    manifest: dict[str, Any]
    election_hash: str


class EncryptedBallotIn(In):
    """An encrypted ballot as `asamblea.core.crypto.board.ballot_json` writes it."""

    ballot: dict[str, Any]


class AuditIn(In):
    """A ballot to audit, with the choices and nonces the device used."""

    ballot: dict[str, Any]
    selections: list[Annotated[int, Field(ge=0, le=1)]] = Field(max_length=64)
    nonces: list[Hex] = Field(max_length=64)


class DecryptionShareIn(In):
    """A trustee's decryption share of the tally, with its proofs."""

    share: dict[str, Any]


class TrackerOut(BaseModel):
    """What a voter keeps: the ballot's tracker and the signed chain head after it."""

    tracker: str
    statement: HeadOut
    signature: str
    public_key: str
