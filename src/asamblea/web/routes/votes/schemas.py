"""JSON shapes of the votes API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from asamblea.core.votes import RULE_KINDS, THRESHOLDS, Mode, VoteState
from asamblea.web.routes.api.schemas import NON_SPACE, In

MOMENT = (
    "ISO 8601 with its offset; years 1970 to 2999 and offsets -12:00 to +14:00, others are "
    "refused with 422."
)


class VoteIn(In):
    """Draft a vote. Times carry their time zone (ISO-8601, e.g. 2026-11-28T18:00:00-05:00)."""

    question: str = Field(min_length=1, max_length=300, pattern=NON_SPACE)
    rule: str = Field(max_length=32, json_schema_extra={"enum": list(RULE_KINDS)})
    options: list[str] = Field(default_factory=list, max_length=50)
    seats: int = Field(default=1, ge=1, le=50)
    threshold: str = Field(
        default="simple", max_length=32, json_schema_extra={"enum": list(THRESHOLDS)}
    )
    quorum_percent: int = Field(default=50, ge=0, le=100)
    mode: Mode = Mode.SECRET
    public: bool = False
    opens_at: datetime = Field(description=MOMENT)
    closes_at: datetime = Field(description=MOMENT)


class BallotIn(In):
    """A ballot: option indices (one for a choice, a set for approval, an order for ranking)."""

    selection: list[int] = Field(max_length=50)


class InPersonIn(In):
    """An in-person count with its minutes."""

    counts: list[int] = Field(max_length=50)
    attendance: int = Field(ge=0, le=10_000_000)
    acta: str = Field(min_length=1, max_length=20_000, pattern=NON_SPACE)


class VoteOut(BaseModel):
    """A vote; its result only once published."""

    id: int
    assembly_id: int
    question: str
    options: list[str]
    rule: str
    seats: int
    threshold: str
    quorum_percent: int
    mode: Mode
    public: bool
    state: VoteState
    opens_at: datetime
    closes_at: datetime
    roll_size: int | None
    voters: int
    ballots: int
    head: str | None
    on_roll: bool
    has_voted: bool
    result: dict[str, Any] | None


class HeadOut(BaseModel):
    """A signed statement of the chain head."""

    vote_id: str
    genesis: str
    length: int
    head: str


class ReceiptOut(BaseModel):
    """What a voter keeps after casting."""

    receipt: str
    statement: HeadOut
    signature: str
    public_key: str


class ReceiptLookupOut(BaseModel):
    """A receipt found (or not) on the published board."""

    receipt: str
    found: bool
    selection: list[int] | None
    choice: list[str] | None
