"""Deliberation: proposals, supports, arguments, amendments, moderation and escalation.

Pure rules: each ``check_*`` takes plain values and returns nothing or raises a `DomainError`;
the other functions compute a decision. The services layer loads, calls, writes, and records
an audit event, all in one transaction. The order of calls for each use case:

- **create a draft**: `clean_title`, `clean_text` → store a `Proposal` in ``DRAFT`` (version 1).
- **edit a draft**: `check_edit_draft` → `clean_title`, `clean_text`.
- **publish**: `check_publish` → state ``OPEN``; then `is_supported_enough` with 0 supports
  (an assembly where nobody else could support moves straight to ``DEBATE``).
- **support / unsupport**: `check_support` (or `check_unsupport`) → write →
  `is_supported_enough(count_supports(...), ...)`; when True, `check_transition(OPEN, DEBATE)`.
- **argue / reply**: `check_argue` → `clean_text(text, ARGUMENT_MAX)` → store an `Argument`.
- **amend**: `check_propose_amendment` → store an `Amendment` (``PROPOSED``, ``base_version``);
  the author: `check_accept_amendment` → `accept_amendment` (new text, version + 1) or
  `check_decline_amendment`; a facilitator: `check_amendment_to_vote` (links a vote id); when
  that vote closes: `amendment_vote_result` → if adopted, `accept_amendment`.
- **moderate**: `check_hide` (returns the cleaned reason) → store ``hidden_reason``/``hidden_by``;
  pages show `visible_text` (``None`` = "hidden by a facilitator: <reason>").
- **to a vote**: `check_start_voting` (facilitator, no amendment still in a vote) → link the
  vote id, state ``VOTING``; when the vote closes: `state_after_vote`.
- **withdraw**: `check_withdraw` (author, before voting).

Escalation from below (an adopted proposal sent up to the parent), at the end of this module:

- **send up**: `check_escalate` → store an `Escalation` and the sender's own `Adoption`.
- **a sibling adopts** (after its own decision): `check_adopt_escalation` → store an `Adoption`;
  **withdraws**: `check_withdraw_adoption` → store an `Adoption` with ``withdrawn=True``.
- after each of these: `escalation_status` (the page shows "adopted by N assemblies
  representing M members" and the list) → if `enters_agenda`, create the parent's proposal in
  ``DEBATE`` and mark the escalation ``ON_AGENDA``, in the same transaction.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from asamblea.core.errors import N_, Conflict, Forbidden, Invalid
from asamblea.core.federation import Membership

TITLE_MIN, TITLE_MAX = 3, 200
TEXT_MAX, ARGUMENT_MAX, REASON_MIN, REASON_MAX = 20_000, 5_000, 3, 500


class ProposalKind(StrEnum):
    """What a proposal asks for."""

    DEMAND = "demand"
    CHARTER_AMENDMENT = "charter_amendment"
    ACTION = "action"
    OTHER = "other"


class ProposalState(StrEnum):
    """Where a proposal is in its life."""

    DRAFT = "draft"
    OPEN = "open"  # gathering supports
    DEBATE = "debate"
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Mover(StrEnum):
    """Who makes a transition happen."""

    AUTHOR = "author"
    FACILITATOR = "facilitator"
    SYSTEM = "system"  # the support threshold or the vote's outcome, applied by the services


P = ProposalState
#: Every allowed transition, with who makes it. Anything else is refused.
TRANSITIONS: Mapping[tuple[ProposalState, ProposalState], Mover] = {
    (P.DRAFT, P.OPEN): Mover.AUTHOR,
    (P.DRAFT, P.WITHDRAWN): Mover.AUTHOR,
    (P.OPEN, P.DEBATE): Mover.SYSTEM,
    (P.OPEN, P.WITHDRAWN): Mover.AUTHOR,
    (P.DEBATE, P.VOTING): Mover.FACILITATOR,
    (P.DEBATE, P.WITHDRAWN): Mover.AUTHOR,
    (P.VOTING, P.ADOPTED): Mover.SYSTEM,
    (P.VOTING, P.REJECTED): Mover.SYSTEM,
}
TERMINAL = frozenset({P.ADOPTED, P.REJECTED, P.WITHDRAWN})


@dataclass(frozen=True)
class Proposal:
    """A proposal as the rules see it; ``version`` grows by one with each accepted amendment."""

    id: int
    assembly_id: int
    author_id: int  # a person id
    kind: ProposalKind
    title: str
    text: str
    state: ProposalState
    version: int = 1
    vote_id: int | None = None


def check_transition(current: ProposalState, target: ProposalState) -> Mover:
    """Refuse a move the state machine does not allow; return who may make it."""
    mover = TRANSITIONS.get((current, target))
    if mover is None:
        raise Conflict(
            N_("A proposal cannot go from {current} to {target}."),
            current=current.value,
            target=target.value,
        )
    return mover


def clean_title(title: str) -> str:
    """One line of 3 to 200 characters, inner whitespace collapsed."""
    title = " ".join(title.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Invalid(
            N_("The title must have between {min} and {max} characters."),
            min=TITLE_MIN,
            max=TITLE_MAX,
        )
    return title


def clean_text(text: str, maximum: int = TEXT_MAX) -> str:
    """Non-empty text up to ``maximum`` characters, line breaks kept, ends stripped."""
    text = text.replace("\r\n", "\n").strip()
    if not 1 <= len(text) <= maximum:
        raise Invalid(N_("The text must have between 1 and {max} characters."), max=maximum)
    return text


def _check_member(actor: Membership | None, assembly_id: int) -> Membership:
    if actor is None or actor.assembly_id != assembly_id or not actor.is_active:
        raise Forbidden(N_("Only active members of this assembly can do this."))
    return actor


def _check_author(proposal: Proposal, actor: Membership | None) -> None:
    member = _check_member(actor, proposal.assembly_id)
    if member.person_id != proposal.author_id:
        raise Forbidden(N_("Only the author of the proposal can do this."))


def _check_facilitator(actor: Membership | None, assembly_id: int) -> None:
    if actor is None or actor.assembly_id != assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def check_edit_draft(proposal: Proposal, actor: Membership | None) -> None:
    """The author edits freely while drafting; once published, text changes by amendment."""
    _check_author(proposal, actor)
    if proposal.state is not P.DRAFT:
        raise Conflict(N_("Only a draft can be edited; propose an amendment instead."))


def check_publish(proposal: Proposal, actor: Membership | None) -> None:
    """The author opens a draft for support."""
    _check_author(proposal, actor)
    check_transition(proposal.state, P.OPEN)


def check_withdraw(proposal: Proposal, actor: Membership | None) -> None:
    """The author withdraws a proposal at any time before it goes to a vote."""
    _check_author(proposal, actor)
    check_transition(proposal.state, P.WITHDRAWN)


# --- supports ------------------------------------------------------------------------------


def support_threshold(active_members: int, percent: int) -> int:
    """Supports that move a proposal to debate: ``ceil(percent × active)``, at least 1 — but
    never more than the members other than the author, who may not support their own.
    ``percent`` is the assembly's `AssemblyRules.support_percent`."""
    if not 1 <= percent <= 100:
        raise Invalid(N_("The support share must be between 1 % and 100 %."))
    wanted = max(1, math.ceil(Fraction(active_members * percent, 100)))
    return min(wanted, max(0, active_members - 1))


def count_supports(supporters: Collection[int], active: Collection[int]) -> int:
    """Supports that count: those of people who are still active members (each once)."""
    return len(set(supporters) & set(active))


def is_supported_enough(supports: int, active_members: int, percent: int) -> bool:
    """True when an open proposal has reached its threshold (move it to debate)."""
    return supports >= support_threshold(active_members, percent)


def check_support(
    proposal: Proposal, actor: Membership | None, supporters: Collection[int]
) -> None:
    """One support per active member, not the author's, while the proposal is open."""
    member = _check_member(actor, proposal.assembly_id)
    if proposal.state is not P.OPEN:
        raise Conflict(N_("Supports are gathered only while the proposal is open."))
    if member.person_id == proposal.author_id:
        raise Conflict(N_("Authors do not support their own proposal."))
    if member.person_id in supporters:
        raise Conflict(N_("You already support this proposal."))


def check_unsupport(
    proposal: Proposal, actor: Membership | None, supporters: Collection[int]
) -> None:
    """A supporter may take the support back while the proposal is still open."""
    member = _check_member(actor, proposal.assembly_id)
    if proposal.state is not P.OPEN:
        raise Conflict(N_("Supports are gathered only while the proposal is open."))
    if member.person_id not in supporters:
        raise Conflict(N_("You do not support this proposal."))


# --- arguments and moderation --------------------------------------------------------------


class Side(StrEnum):
    """Which side a top-level argument takes; replies take none."""

    FOR = "for"
    AGAINST = "against"


#: Arguments, amendments and supports are taken while a proposal is alive and not drafting.
ARGUABLE = frozenset({P.OPEN, P.DEBATE, P.VOTING})


@dataclass(frozen=True)
class Argument:
    """An argument for or against (``parent_id`` None), or a reply to one (``side`` None)."""

    id: int
    proposal_id: int
    author_id: int
    side: Side | None
    text: str
    parent_id: int | None = None
    hidden_reason: str | None = None
    hidden_by: int | None = None


def check_argue(
    proposal: Proposal, actor: Membership | None, side: Side | None, parent: Argument | None
) -> None:
    """A member argues for/against, or replies to a visible top-level argument (one level)."""
    _check_member(actor, proposal.assembly_id)
    if proposal.state not in ARGUABLE:
        raise Conflict(N_("This proposal is not open to arguments."))
    if parent is None:
        if side is None:
            raise Invalid(N_("Say whether the argument is for or against."))
        return
    if parent.proposal_id != proposal.id:
        raise Invalid(N_("That argument belongs to another proposal."))
    if parent.parent_id is not None:
        raise Conflict(N_("Replies go to an argument, not to another reply."))
    if parent.hidden_reason is not None:
        raise Conflict(N_("A hidden argument cannot be answered."))
    if side is not None:
        raise Invalid(N_("A reply does not take a side."))


def check_hide(actor: Membership | None, assembly_id: int, hidden: bool, reason: str) -> str:
    """A facilitator hides an argument or amendment with a stated reason; return the reason.

    Nothing is deleted: the item stays, shown as hidden with the reason and who hid it."""
    _check_facilitator(actor, assembly_id)
    if hidden:
        raise Conflict(N_("This is already hidden."))
    reason = " ".join(reason.split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise Invalid(
            N_("Give a reason of {min} to {max} characters."), min=REASON_MIN, max=REASON_MAX
        )
    return reason


def visible_text(text: str, hidden_reason: str | None) -> str | None:
    """The text to show, or None when hidden (show the reason in its place)."""
    return None if hidden_reason is not None else text


# --- amendments ----------------------------------------------------------------------------


class AmendmentState(StrEnum):
    """An amendment's life: the author accepts it, declines it, or it goes to a vote."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"


A = AmendmentState
AMENDMENT_TRANSITIONS: Mapping[AmendmentState, frozenset[AmendmentState]] = {
    A.PROPOSED: frozenset({A.ACCEPTED, A.DECLINED, A.VOTING}),
    A.DECLINED: frozenset({A.VOTING}),
    A.VOTING: frozenset({A.ADOPTED, A.REJECTED}),
    A.ACCEPTED: frozenset(),
    A.ADOPTED: frozenset(),
    A.REJECTED: frozenset(),
}
AMENDMENT_TERMINAL = frozenset(s for s, after in AMENDMENT_TRANSITIONS.items() if not after)


@dataclass(frozen=True)
class Amendment:
    """New wording for a whole proposal text, made against ``base_version``."""

    id: int
    proposal_id: int
    author_id: int
    text: str
    base_version: int
    state: AmendmentState = A.PROPOSED
    vote_id: int | None = None
    hidden_reason: str | None = None
    hidden_by: int | None = None


def check_amendment_transition(current: AmendmentState, target: AmendmentState) -> None:
    """Refuse an amendment move the state machine does not allow."""
    if target not in AMENDMENT_TRANSITIONS[current]:
        raise Conflict(
            N_("An amendment cannot go from {current} to {target}."),
            current=current.value,
            target=target.value,
        )


def check_propose_amendment(proposal: Proposal, actor: Membership | None, text: str) -> str:
    """A member other than the author proposes new wording while open or in debate."""
    member = _check_member(actor, proposal.assembly_id)
    if proposal.state not in {P.OPEN, P.DEBATE}:
        raise Conflict(N_("Amendments are proposed while the proposal is open or in debate."))
    if member.person_id == proposal.author_id:
        raise Conflict(N_("The author changes the text by accepting amendments."))
    text = clean_text(text)
    if text == proposal.text:
        raise Invalid(N_("The amendment does not change the text."))
    return text


def _check_amendable(proposal: Proposal, amendment: Amendment) -> None:
    if amendment.proposal_id != proposal.id:
        raise Invalid(N_("That amendment belongs to another proposal."))
    if proposal.state not in {P.OPEN, P.DEBATE}:
        raise Conflict(N_("The text can change only while the proposal is open or in debate."))
    if amendment.base_version != proposal.version:
        raise Conflict(N_("The text has changed since this amendment was made."))


def check_accept_amendment(
    proposal: Proposal, amendment: Amendment, actor: Membership | None
) -> None:
    """The author accepts a visible amendment made against the current version."""
    _check_author(proposal, actor)
    _check_amendable(proposal, amendment)
    check_amendment_transition(amendment.state, A.ACCEPTED)
    if amendment.hidden_reason is not None:
        raise Conflict(N_("A hidden amendment cannot be accepted."))


def check_decline_amendment(
    proposal: Proposal, amendment: Amendment, actor: Membership | None
) -> None:
    """The author declines; a facilitator may still send the amendment to a vote."""
    _check_author(proposal, actor)
    check_amendment_transition(amendment.state, A.DECLINED)


def check_amendment_to_vote(
    proposal: Proposal, amendment: Amendment, actor: Membership | None
) -> None:
    """A facilitator sends a visible amendment to a vote of the assembly (then link the vote)."""
    _check_facilitator(actor, proposal.assembly_id)
    _check_amendable(proposal, amendment)
    check_amendment_transition(amendment.state, A.VOTING)
    if amendment.hidden_reason is not None:
        raise Conflict(N_("A hidden amendment cannot go to a vote."))


def amendment_vote_result(passed: bool) -> AmendmentState:
    """The amendment's state once its vote is counted (if ADOPTED, call `accept_amendment`)."""
    return A.ADOPTED if passed else A.REJECTED


def accept_amendment(proposal: Proposal, amendment: Amendment) -> Proposal:
    """The proposal with the amendment's text and the next version (the old one is kept)."""
    _check_amendable(proposal, amendment)
    return replace(proposal, text=amendment.text, version=proposal.version + 1)


# --- to a vote and its outcome -------------------------------------------------------------


def check_start_voting(
    proposal: Proposal, actor: Membership | None, amendments: Iterable[Amendment]
) -> None:
    """A facilitator moves a debated proposal to a vote once no amendment is still being voted."""
    _check_facilitator(actor, proposal.assembly_id)
    check_transition(proposal.state, P.VOTING)
    if any(a.state is A.VOTING for a in amendments):
        raise Conflict(N_("Wait until the votes on amendments have closed."))


def state_after_vote(proposal: Proposal, passed: bool) -> ProposalState:
    """The proposal's state once its linked vote is counted."""
    target = P.ADOPTED if passed else P.REJECTED
    check_transition(proposal.state, target)
    return target


# --- escalation from below -----------------------------------------------------------------


class EscalationState(StrEnum):
    """An escalated proposal waits for siblings, then sits on the parent's agenda (for good)."""

    SENT = "sent"
    ON_AGENDA = "on_agenda"


@dataclass(frozen=True)
class Escalation:
    """A proposal adopted in ``from_assembly_id`` and sent up to ``parent_id``."""

    id: int
    proposal_id: int
    from_assembly_id: int
    parent_id: int
    state: EscalationState = EscalationState.SENT


@dataclass(frozen=True)
class Adoption:
    """One assembly's adoption of an escalated proposal (the sender's is recorded too)."""

    assembly_id: int
    withdrawn: bool = False


@dataclass(frozen=True)
class EscalationStatus:
    """'Adopted by N assemblies representing M members', and whether the share is reached."""

    adopters: tuple[int, ...]  # assembly ids, ascending
    members: int
    children: int
    needed: int
    reached: bool

    @property
    def assemblies(self) -> int:
        """N: how many distinct child assemblies adopt it."""
        return len(self.adopters)


def check_escalate(
    proposal: Proposal, parent_id: int | None, actor: Membership | None, already: bool
) -> None:
    """A facilitator sends an adopted proposal up to the parent, once.

    Then store an `Escalation` and the sender's own `Adoption`, and call `escalation_status`."""
    _check_facilitator(actor, proposal.assembly_id)
    if proposal.state is not P.ADOPTED:
        raise Conflict(N_("Only an adopted proposal can be sent up."))
    if parent_id is None:
        raise Conflict(N_("This assembly has no parent assembly to send it to."))
    if already:
        raise Conflict(N_("This proposal has already been sent up."))


def check_adopt_escalation(
    escalation: Escalation,
    assembly_parent_id: int | None,
    actor: Membership | None,
    adopters: Collection[int],
) -> None:
    """A facilitator of a sibling (a child of the same parent) records its adoption, once."""
    if actor is None:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))
    _check_facilitator(actor, actor.assembly_id)
    if assembly_parent_id != escalation.parent_id:
        raise Forbidden(N_("Only assemblies under the same parent can adopt it."))
    if actor.assembly_id in adopters:
        raise Conflict(N_("Your assembly has already adopted it."))


def check_withdraw_adoption(actor: Membership | None, adopters: Collection[int]) -> None:
    """A facilitator withdraws their assembly's adoption; it stops counting at once."""
    if actor is None:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))
    _check_facilitator(actor, actor.assembly_id)
    if actor.assembly_id not in adopters:
        raise Conflict(N_("Your assembly has not adopted it."))


def current_adopters(adoptions: Iterable[Adoption]) -> frozenset[int]:
    """Assemblies whose adoption stands: a withdrawal cancels the adoptions before it.

    ``adoptions`` is in the order they were recorded (re-adopting after withdrawing counts)."""
    standing: set[int] = set()
    for adoption in adoptions:
        if adoption.withdrawn:
            standing.discard(adoption.assembly_id)
        else:
            standing.add(adoption.assembly_id)
    return frozenset(standing)


def escalation_status(
    adoptions: Iterable[Adoption],
    children_of_parent: Collection[int],
    active_members_by_assembly: Mapping[int, int],
    share: Fraction,
) -> EscalationStatus:
    """Count each standing adopter once, and only if it is a child of the parent.

    ``share`` is the parent's `AssemblyRules.escalation_share`; ``needed`` is
    ``ceil(share × children)``, at least 1; ``reached`` means it enters the parent's agenda
    (`enters_agenda`)."""
    if not 0 < share <= 1:
        raise Invalid(N_("The share of assemblies must be above 0 % and at most 100 %."))
    children = frozenset(children_of_parent)
    adopters = tuple(sorted(current_adopters(adoptions) & children))
    members = sum(max(0, active_members_by_assembly.get(a, 0)) for a in adopters)
    needed = max(1, math.ceil(share * len(children)))
    reached = bool(children) and len(adopters) >= needed
    return EscalationStatus(adopters, members, len(children), needed, reached)


def enters_agenda(escalation: Escalation, status: EscalationStatus) -> bool:
    """True once, when a sent escalation first reaches the share: create the parent's proposal
    in ``DEBATE`` (the children's adoptions stand for the supports) and mark it ``ON_AGENDA``.
    Entering the agenda is not undone when adoptions are later withdrawn."""
    return escalation.state is EscalationState.SENT and status.reached
