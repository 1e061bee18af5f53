"""Proposals in one assembly: drafts, publication, supports (at the assembly's support
share the proposal goes to debate), arguments and replies, amendments, moderation, and
what a viewer may read of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from asamblea.core import deliberation as rules
from asamblea.core.deliberation import (
    Amendment,
    AmendmentState,
    Argument,
    Escalation,
    Proposal,
    ProposalKind,
    ProposalState,
    Side,
)
from asamblea.core.errors import N_, NotFound
from asamblea.core.federation import Membership, MembershipState
from asamblea.core.people import Person
from asamblea.services.deliberation.loading import (
    active_member,
    audit_proposal,
    load_amendment,
    load_assembly,
    load_proposal,
    membership_of,
    reload_amendment,
    reload_proposal,
)
from asamblea.store.deliberation_repository import EscalationRepository, ProposalRepository
from asamblea.store.federation_repository import FederationRepository, PeopleRepository

P = ProposalState


@dataclass(frozen=True)
class ProposalView:
    """A proposal page's data, for one viewer."""

    proposal: Proposal
    #: The proposal author's username, for the assembly's active members only (None for
    #: everyone else): only members propose, argue and amend, so their names are part of the
    #: member list, which is for members only.
    author_name: str | None
    supports: int
    threshold: int
    supported_by_me: bool
    arguments: tuple[Argument, ...]
    amendments: tuple[Amendment, ...]
    texts: tuple[tuple[int, str], ...]
    escalation: Escalation | None  # sent up from here
    came_from: Escalation | None  # brought onto this agenda from below
    is_author: bool
    is_facilitator: bool
    #: The usernames (pseudonyms) of the proposal's, arguments' and amendments' authors who
    #: are members of the proposal's assembly — filled only when the viewer is one of its
    #: active members; empty for visitors and outsiders.
    names: dict[int, str] = field(default_factory=dict)

    def author_of(self, item: Argument | Amendment) -> str | None:
        """The username of an argument's or amendment's author (None: not for this viewer)."""
        return self.names.get(item.author_id)


def draft_proposal(
    db: Session, actor: Person, assembly_id: int, *, title: str, text: str, kind: ProposalKind
) -> Proposal:
    """An active member drafts a proposal (only they see it until it is published)."""
    load_assembly(db, assembly_id)
    active_member(db, assembly_id, actor)
    proposal = ProposalRepository(db).add(
        assembly_id, actor.id, kind, rules.clean_title(title), rules.clean_text(text)
    )
    audit_proposal(db, actor, "proposal.drafted", proposal, {"kind": kind.value})
    return proposal


def edit_draft(db: Session, actor: Person, proposal_id: int, *, title: str, text: str) -> Proposal:
    """The author edits a draft."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_edit_draft(proposal, membership_of(db, proposal.assembly_id, actor))
    repo.edit(proposal.id, rules.clean_title(title), rules.clean_text(text))
    audit_proposal(db, actor, "proposal.edited", proposal)
    return reload_proposal(repo, proposal.id)


def publish(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """The author opens a draft for support (straight to debate if nobody else could support)."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_publish(proposal, membership_of(db, proposal.assembly_id, actor))
    repo.set_state(proposal.id, P.OPEN)
    audit_proposal(db, actor, "proposal.published", proposal)
    to_debate_if_supported(db, actor, reload_proposal(repo, proposal.id))
    return reload_proposal(repo, proposal.id)


def support(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """An active member supports an open proposal; at the threshold it goes to debate."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_support(
        proposal, membership_of(db, proposal.assembly_id, actor), repo.supporters(proposal.id)
    )
    repo.add_support(proposal.id, actor.id)
    audit_proposal(db, actor, "proposal.supported", proposal)
    to_debate_if_supported(db, actor, proposal)
    return reload_proposal(repo, proposal.id)


def unsupport(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """A supporter takes the support back while the proposal is open."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_unsupport(
        proposal, membership_of(db, proposal.assembly_id, actor), repo.supporters(proposal.id)
    )
    repo.remove_support(proposal.id, actor.id)
    audit_proposal(db, actor, "proposal.unsupported", proposal)
    return reload_proposal(repo, proposal.id)


def withdraw(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """The author withdraws a proposal before it goes to a vote."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_withdraw(proposal, membership_of(db, proposal.assembly_id, actor))
    repo.set_state(proposal.id, P.WITHDRAWN)
    audit_proposal(db, actor, "proposal.withdrawn", proposal)
    return reload_proposal(repo, proposal.id)


def to_debate_if_supported(db: Session, actor: Person | None, proposal: Proposal) -> None:
    """At the assembly's support share (its rule as it is now), the proposal goes to debate."""
    repo = ProposalRepository(db)
    people = FederationRepository(db)
    percent = load_assembly(db, proposal.assembly_id).rules.support_percent
    active = [m.person_id for m in people.memberships(proposal.assembly_id, MembershipState.ACTIVE)]
    count = rules.count_supports(repo.supporters(proposal.id), active)
    if rules.is_supported_enough(count, len(active), percent):
        rules.check_transition(P.OPEN, P.DEBATE)
        repo.set_state(proposal.id, P.DEBATE)
        audit_proposal(db, actor, "proposal.to_debate", proposal, {"supports": count}, system=True)


def argue(
    db: Session,
    actor: Person,
    proposal_id: int,
    *,
    text: str,
    side: Side | None = None,
    reply_to: int | None = None,
) -> Argument:
    """A member argues for or against, or replies (one level) to a visible argument."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id)
    parent = None
    if reply_to is not None:
        parent = repo.argument(reply_to)
        if parent is None:
            raise NotFound(N_("That argument does not exist."))
    rules.check_argue(proposal, membership_of(db, proposal.assembly_id, actor), side, parent)
    argument = repo.add_argument(
        proposal.id, actor.id, side, rules.clean_text(text, rules.ARGUMENT_MAX), reply_to
    )
    audit_proposal(db, actor, "proposal.argued", proposal, {"argument": argument.id})
    return argument


def hide_argument(db: Session, actor: Person, argument_id: int, reason: str) -> Argument:
    """A facilitator hides an argument with a stated reason (it stays, shown as hidden)."""
    repo = ProposalRepository(db)
    argument = repo.argument(argument_id)
    if argument is None:
        raise NotFound(N_("That argument does not exist."))
    proposal = load_proposal(db, actor, argument.proposal_id)
    mine = membership_of(db, proposal.assembly_id, actor)
    cleaned = rules.check_hide(
        mine, proposal.assembly_id, argument.hidden_reason is not None, reason
    )
    repo.hide_argument(argument.id, cleaned, actor.id)
    audit_proposal(
        db, actor, "argument.hidden", proposal, {"argument": argument.id, "reason": cleaned}
    )
    hidden = repo.argument(argument.id)
    assert hidden is not None  # noqa: S101 - just updated
    return hidden


def propose_amendment(db: Session, actor: Person, proposal_id: int, text: str) -> Amendment:
    """A member other than the author proposes new wording for the whole text."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    cleaned = rules.check_propose_amendment(
        proposal, membership_of(db, proposal.assembly_id, actor), text
    )
    amendment = repo.add_amendment(proposal, actor.id, cleaned)
    audit_proposal(db, actor, "amendment.proposed", proposal, {"amendment": amendment.id})
    return amendment


def accept_amendment(db: Session, actor: Person, amendment_id: int) -> Proposal:
    """The author accepts an amendment: the text changes and its version goes up."""
    repo = ProposalRepository(db)
    amendment, proposal = load_amendment(db, actor, amendment_id)
    rules.check_accept_amendment(
        proposal, amendment, membership_of(db, proposal.assembly_id, actor)
    )
    repo.set_text(rules.accept_amendment(proposal, amendment), amendment.id)
    repo.set_amendment_state(amendment.id, AmendmentState.ACCEPTED)
    audit_proposal(db, actor, "amendment.accepted", proposal, {"amendment": amendment.id})
    return reload_proposal(repo, proposal.id)


def decline_amendment(db: Session, actor: Person, amendment_id: int) -> Amendment:
    """The author declines an amendment (a facilitator may still send it to a vote)."""
    repo = ProposalRepository(db)
    amendment, proposal = load_amendment(db, actor, amendment_id)
    rules.check_decline_amendment(
        proposal, amendment, membership_of(db, proposal.assembly_id, actor)
    )
    repo.set_amendment_state(amendment.id, AmendmentState.DECLINED)
    audit_proposal(db, actor, "amendment.declined", proposal, {"amendment": amendment.id})
    return reload_amendment(repo, amendment.id)


def hide_amendment(db: Session, actor: Person, amendment_id: int, reason: str) -> Amendment:
    """A facilitator hides an amendment with a stated reason."""
    repo = ProposalRepository(db)
    amendment, proposal = load_amendment(db, actor, amendment_id)
    cleaned = rules.check_hide(
        membership_of(db, proposal.assembly_id, actor),
        proposal.assembly_id,
        amendment.hidden_reason is not None,
        reason,
    )
    repo.hide_amendment(amendment.id, cleaned, actor.id)
    audit_proposal(
        db, actor, "amendment.hidden", proposal, {"amendment": amendment.id, "reason": cleaned}
    )
    return reload_amendment(repo, amendment.id)


def proposal_view(db: Session, viewer: Person | None, proposal_id: int) -> ProposalView:
    """A proposal with its supports, arguments, amendments and texts (drafts: author only)."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, viewer, proposal_id)
    federation = FederationRepository(db)
    mine = membership_of(db, proposal.assembly_id, viewer)
    active = [
        m.person_id for m in federation.memberships(proposal.assembly_id, MembershipState.ACTIVE)
    ]
    supporters = repo.supporters(proposal.id)
    escalations = EscalationRepository(db)
    percent = load_assembly(db, proposal.assembly_id).rules.support_percent
    arguments, amendments = repo.arguments(proposal.id), repo.amendments(proposal.id)
    authors = {proposal.author_id, *(a.author_id for a in arguments)}
    authors |= {a.author_id for a in amendments}
    names = _author_names(db, proposal.assembly_id, mine, authors)
    return ProposalView(
        proposal=proposal,
        author_name=names.get(proposal.author_id),
        supports=rules.count_supports(supporters, active),
        threshold=rules.support_threshold(len(active), percent),
        supported_by_me=viewer is not None and viewer.id in supporters,
        arguments=tuple(arguments),
        amendments=tuple(amendments),
        names=names,
        texts=tuple(repo.texts(proposal.id)),
        escalation=escalations.of_proposal(proposal.id),
        came_from=escalations.bringing(proposal.id),
        is_author=viewer is not None and viewer.id == proposal.author_id,
        is_facilitator=bool(mine and mine.is_facilitator),
    )


def _author_names(
    db: Session, assembly_id: int, viewer: Membership | None, authors: set[int]
) -> dict[int, str]:
    """Authors' usernames as this viewer may read them: an active member of the assembly reads
    the names its member list shows (everyone but those who left; the author of a proposal
    brought up from below is a member of the assembly below, not listed here); anyone else
    reads none."""
    if viewer is None or not viewer.is_active:
        return {}
    listed = {
        m.person_id
        for m in FederationRepository(db).memberships(assembly_id)
        if m.state is not MembershipState.LEFT
    }
    return PeopleRepository(db).usernames(authors & listed)


def proposals_of(db: Session, viewer: Person | None, assembly_id: int) -> list[Proposal]:
    """An assembly's proposals this viewer may see (others' drafts are not shown)."""
    load_assembly(db, assembly_id)
    return [
        p
        for p in ProposalRepository(db).of_assembly(assembly_id)
        if p.state is not P.DRAFT or (viewer is not None and viewer.id == p.author_id)
    ]
