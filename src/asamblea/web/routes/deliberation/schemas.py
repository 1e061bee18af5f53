"""JSON shapes of the from-below API: proposals, escalations, the charter, delegates."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from asamblea.core.delegation import DelegateState, MandateChoice
from asamblea.core.deliberation import (
    TITLE_MAX,
    TITLE_MIN,
    AmendmentState,
    ProposalKind,
    ProposalState,
    Side,
)
from asamblea.core.votes import Mode, VoteState
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import NON_SPACE, In, trimmed_at_least


class ProposalIn(In):
    """Draft a proposal (and publish it at once when `publish` is true)."""

    title: str = Field(
        min_length=TITLE_MIN, max_length=TITLE_MAX, pattern=trimmed_at_least(TITLE_MIN)
    )
    text: str = Field(min_length=1, max_length=20_000, pattern=NON_SPACE)
    kind: ProposalKind = ProposalKind.DEMAND
    publish: bool = False


class ArgumentIn(In):
    """An argument for or against (side), or a reply to a top-level argument (reply_to)."""

    text: str = Field(min_length=1, max_length=5_000, pattern=NON_SPACE)
    side: Side | None = None
    reply_to: int | None = Field(default=None, ge=1, le=MAX_ID)


class AmendmentIn(In):
    """New wording for the whole text."""

    text: str = Field(min_length=1, max_length=20_000, pattern=NON_SPACE)


class VoteTermsIn(In):
    """How long the vote stays open (it is drafted; open it with the votes API)."""

    days: int = Field(default=7, ge=1, le=60)
    mode: Mode = Mode.SECRET


class AssemblyChoiceIn(In):
    """On behalf of which assembly."""

    assembly_id: int = Field(ge=1, le=MAX_ID)


class MandateIn(In):
    """A child's mandate on a yes/no vote of its parent."""

    vote_id: int = Field(ge=1, le=MAX_ID)
    choice: MandateChoice


class ArgumentOut(BaseModel):
    """An argument and its author's username (null unless I am an active member of the
    proposal's assembly: names are for members only); its text is null when a facilitator
    hid it (the reason is given)."""

    id: int
    author: str | None
    side: Side | None
    reply_to: int | None
    text: str | None
    hidden_reason: str | None


class AmendmentOut(BaseModel):
    """An amendment and its author's username (null unless I am an active member of the
    proposal's assembly); its text is null when hidden."""

    id: int
    author: str | None
    state: AmendmentState
    base_version: int
    text: str | None
    hidden_reason: str | None
    vote_id: int | None


class ProposalOut(BaseModel):
    """A proposal in a list."""

    id: int
    assembly_id: int
    kind: ProposalKind
    title: str
    state: ProposalState
    version: int
    vote_id: int | None


class ProposalDetailOut(ProposalOut):
    """A proposal with its text, supports, arguments and amendments; `author` is the
    proposer's username for the assembly's active members, null for anyone else."""

    text: str
    author: str | None
    supports: int
    threshold: int
    supported_by_me: bool
    arguments: list[ArgumentOut]
    amendments: list[AmendmentOut]
    escalation_id: int | None


class AdopterOut(BaseModel):
    """An assembly that adopted an escalated proposal."""

    assembly_id: int
    name: str
    members: int


class EscalationOut(BaseModel):
    """An escalated proposal: adopted by N assemblies representing M members."""

    id: int
    proposal_id: int
    title: str
    from_assembly_id: int
    parent_id: int
    on_agenda: bool
    agenda_proposal_id: int | None
    assemblies: int
    members: int
    children: int
    needed: int
    adopters: list[AdopterOut]


class ArticleOut(BaseModel):
    """One version of an article."""

    number: int
    version: int
    title: str
    text: str
    proposed_by: int | None
    backed_by: list[int]


class CharterOut(BaseModel):
    """A charter and its articles in force."""

    id: int
    assembly_id: int
    title: str
    articles: list[ArticleOut]


class DiffOut(BaseModel):
    """The word diff between two versions of an article (html is escaped, with ins/del)."""

    old: ArticleOut
    new: ArticleOut
    html: str


class DelegateOut(BaseModel):
    """A delegate: who, from which assembly to which, their term and state."""

    id: int
    person_id: int
    child_id: int
    parent_id: int
    starts_at: datetime
    ends_at: datetime
    state: DelegateState


class MandateOut(BaseModel):
    """An instruction the assembly gave its delegates on a vote of its parent."""

    vote_id: int
    question: str
    vote_state: VoteState
    choice: MandateChoice
    adopted_at: datetime


class RollCallEntryOut(BaseModel):
    """One delegate's vote beside the mandate."""

    delegate_id: int
    name: str
    child_name: str
    mandate: MandateChoice | None  # null: none given, or hidden from this reader (below)
    choice: str | None
    mandate_breach: bool
    weight: str
    mandate_hidden: bool = Field(
        description="The mandate is kept from this reader until the vote is published "
        "(only the members of the assembly that gave it read it before)."
    )


class RollCallOut(BaseModel):
    """A roll-call vote upstairs."""

    vote_id: int
    published: bool
    entries: list[RollCallEntryOut]


class PetitionOut(BaseModel):
    """A recall petition and its signatures."""

    id: int
    delegate_id: int
    state: str
    vote_id: int | None
    signatures: int | None = None
    needed: int | None = None
    signed_by_me: bool | None = None
