"""Deliberation use cases: proposals, supports, arguments, amendments, moderation, the vote
that decides a proposal, and escalation from below (see `asamblea.core.deliberation`).

Every use case runs in the caller's transaction and never commits. Votes are drafted through
`asamblea.services.votes` and linked by id; once the linked vote is published, the caller
(in the same transaction as `votes.close_vote`, or later) calls `settle_proposal` or
`settle_amendment`, which apply the outcome. Thresholds the assembly's rules do not carry yet
are parameters with the core's defaults (support percent, escalation share).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from sqlalchemy.orm import Session

from asamblea.core import deliberation as rules
from asamblea.core.deliberation import (
    DEFAULT_ESCALATION_SHARE,
    DEFAULT_SUPPORT_PERCENT,
    Amendment,
    AmendmentState,
    Argument,
    Escalation,
    EscalationStatus,
    Proposal,
    ProposalKind,
    ProposalState,
    Side,
)
from asamblea.core.errors import N_, Conflict, Forbidden, NotFound
from asamblea.core.federation import Assembly, Membership, MembershipState
from asamblea.core.people import Person
from asamblea.core.votes import MOTION_OPTIONS, Mode, Vote, VoteSpec, VoteState, make_spec
from asamblea.services import votes
from asamblea.store.deliberation_repository import (
    CharterRepository,
    EscalationRepository,
    ProposalRepository,
)
from asamblea.store.repositories import AuditRepository, FederationRepository, PeopleRepository
from asamblea.store.vote_repository import VoteRepository

P = ProposalState


@dataclass(frozen=True)
class VoteTerms:
    """When and how a vote a proposal (or amendment, recall...) goes to is held."""

    opens_at: datetime
    closes_at: datetime
    threshold: str = "simple"
    quorum_percent: int = 0
    mode: Mode = Mode.SECRET
    public: bool = False

    def motion(self, question: str) -> VoteSpec:
        """A yes/no motion (Sí, No, Abstención) counted by the majority rule."""
        return self.ranked(question, [], rule="majority", seats=1)

    def ranked(self, question: str, options: list[str], *, rule: str, seats: int) -> VoteSpec:
        """A vote over options with another rule of the registry (Schulze, STV...)."""
        return make_spec(
            question=question[:300],
            options=options,
            rule=rule,
            seats=seats,
            threshold=self.threshold,
            quorum_percent=self.quorum_percent,
            mode=self.mode,
            public=self.public,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
        )


@dataclass(frozen=True)
class AdopterLine:
    """One assembly in "adopted by N assemblies": its name and active members."""

    assembly_id: int
    name: str
    members: int


@dataclass(frozen=True)
class EscalationView:
    """An escalated proposal as the parent and siblings see it."""

    escalation: Escalation
    proposal: Proposal
    status: EscalationStatus
    adopters: tuple[AdopterLine, ...]
    agenda_proposal_id: int | None


@dataclass(frozen=True)
class ProposalView:
    """A proposal page's data, for one viewer."""

    proposal: Proposal
    author_name: str
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


# --- proposals -----------------------------------------------------------------------------


def draft_proposal(
    db: Session, actor: Person, assembly_id: int, *, title: str, text: str, kind: ProposalKind
) -> Proposal:
    """An active member drafts a proposal (only they see it until it is published)."""
    _assembly(db, assembly_id)
    _active_member(db, assembly_id, actor)
    proposal = ProposalRepository(db).add(
        assembly_id, actor.id, kind, rules.clean_title(title), rules.clean_text(text)
    )
    _audit(db, actor, "proposal.drafted", proposal, {"kind": kind.value})
    return proposal


def edit_draft(db: Session, actor: Person, proposal_id: int, *, title: str, text: str) -> Proposal:
    """The author edits a draft."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_edit_draft(proposal, _membership(db, proposal.assembly_id, actor))
    repo.edit(proposal.id, rules.clean_title(title), rules.clean_text(text))
    _audit(db, actor, "proposal.edited", proposal)
    return _reload(repo, proposal.id)


def publish(
    db: Session, actor: Person, proposal_id: int, *, support_percent: int = DEFAULT_SUPPORT_PERCENT
) -> Proposal:
    """The author opens a draft for support (straight to debate if nobody else could support)."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_publish(proposal, _membership(db, proposal.assembly_id, actor))
    repo.set_state(proposal.id, P.OPEN)
    _audit(db, actor, "proposal.published", proposal)
    _to_debate_if_supported(db, actor, _reload(repo, proposal.id), support_percent)
    return _reload(repo, proposal.id)


def support(
    db: Session, actor: Person, proposal_id: int, *, support_percent: int = DEFAULT_SUPPORT_PERCENT
) -> Proposal:
    """An active member supports an open proposal; at the threshold it goes to debate."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_support(
        proposal, _membership(db, proposal.assembly_id, actor), repo.supporters(proposal.id)
    )
    repo.add_support(proposal.id, actor.id)
    _audit(db, actor, "proposal.supported", proposal)
    _to_debate_if_supported(db, actor, proposal, support_percent)
    return _reload(repo, proposal.id)


def unsupport(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """A supporter takes the support back while the proposal is open."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_unsupport(
        proposal, _membership(db, proposal.assembly_id, actor), repo.supporters(proposal.id)
    )
    repo.remove_support(proposal.id, actor.id)
    _audit(db, actor, "proposal.unsupported", proposal)
    return _reload(repo, proposal.id)


def withdraw(db: Session, actor: Person, proposal_id: int) -> Proposal:
    """The author withdraws a proposal before it goes to a vote."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_withdraw(proposal, _membership(db, proposal.assembly_id, actor))
    repo.set_state(proposal.id, P.WITHDRAWN)
    _audit(db, actor, "proposal.withdrawn", proposal)
    return _reload(repo, proposal.id)


def _to_debate_if_supported(db: Session, actor: Person, proposal: Proposal, percent: int) -> None:
    repo = ProposalRepository(db)
    people = FederationRepository(db)
    active = [m.person_id for m in people.memberships(proposal.assembly_id, MembershipState.ACTIVE)]
    count = rules.count_supports(repo.supporters(proposal.id), active)
    if rules.is_supported_enough(count, len(active), percent):
        rules.check_transition(P.OPEN, P.DEBATE)
        repo.set_state(proposal.id, P.DEBATE)
        _audit(db, actor, "proposal.to_debate", proposal, {"supports": count}, system=True)


# --- arguments, amendments, moderation -----------------------------------------------------


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
    proposal = _proposal(db, actor, proposal_id)
    parent = None
    if reply_to is not None:
        parent = repo.argument(reply_to)
        if parent is None:
            raise NotFound(N_("That argument does not exist."))
    rules.check_argue(proposal, _membership(db, proposal.assembly_id, actor), side, parent)
    argument = repo.add_argument(
        proposal.id, actor.id, side, rules.clean_text(text, rules.ARGUMENT_MAX), reply_to
    )
    _audit(db, actor, "proposal.argued", proposal, {"argument": argument.id})
    return argument


def hide_argument(db: Session, actor: Person, argument_id: int, reason: str) -> Argument:
    """A facilitator hides an argument with a stated reason (it stays, shown as hidden)."""
    repo = ProposalRepository(db)
    argument = repo.argument(argument_id)
    if argument is None:
        raise NotFound(N_("That argument does not exist."))
    proposal = _proposal(db, actor, argument.proposal_id)
    mine = _membership(db, proposal.assembly_id, actor)
    cleaned = rules.check_hide(
        mine, proposal.assembly_id, argument.hidden_reason is not None, reason
    )
    repo.hide_argument(argument.id, cleaned, actor.id)
    _audit(db, actor, "argument.hidden", proposal, {"argument": argument.id, "reason": cleaned})
    hidden = repo.argument(argument.id)
    assert hidden is not None  # noqa: S101 - just updated
    return hidden


def propose_amendment(db: Session, actor: Person, proposal_id: int, text: str) -> Amendment:
    """A member other than the author proposes new wording for the whole text."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    cleaned = rules.check_propose_amendment(
        proposal, _membership(db, proposal.assembly_id, actor), text
    )
    amendment = repo.add_amendment(proposal, actor.id, cleaned)
    _audit(db, actor, "amendment.proposed", proposal, {"amendment": amendment.id})
    return amendment


def accept_amendment(db: Session, actor: Person, amendment_id: int) -> Proposal:
    """The author accepts an amendment: the text changes and its version goes up."""
    repo = ProposalRepository(db)
    amendment, proposal = _amendment(db, actor, amendment_id)
    rules.check_accept_amendment(proposal, amendment, _membership(db, proposal.assembly_id, actor))
    repo.set_text(rules.accept_amendment(proposal, amendment), amendment.id)
    repo.set_amendment_state(amendment.id, AmendmentState.ACCEPTED)
    _audit(db, actor, "amendment.accepted", proposal, {"amendment": amendment.id})
    return _reload(repo, proposal.id)


def decline_amendment(db: Session, actor: Person, amendment_id: int) -> Amendment:
    """The author declines an amendment (a facilitator may still send it to a vote)."""
    repo = ProposalRepository(db)
    amendment, proposal = _amendment(db, actor, amendment_id)
    rules.check_decline_amendment(proposal, amendment, _membership(db, proposal.assembly_id, actor))
    repo.set_amendment_state(amendment.id, AmendmentState.DECLINED)
    _audit(db, actor, "amendment.declined", proposal, {"amendment": amendment.id})
    return _reload_amendment(repo, amendment.id)


def amendment_to_vote(db: Session, actor: Person, amendment_id: int, terms: VoteTerms) -> Vote:
    """A facilitator sends an amendment to a yes/no vote of the assembly (drafted, linked)."""
    repo = ProposalRepository(db)
    amendment, proposal = _amendment(db, actor, amendment_id)
    rules.check_amendment_to_vote(proposal, amendment, _membership(db, proposal.assembly_id, actor))
    question = f"¿Aprobamos la enmienda {amendment.id} a «{proposal.title}»?"
    vote = votes.draft_vote(db, actor, proposal.assembly_id, terms.motion(question))
    repo.set_amendment_state(amendment.id, AmendmentState.VOTING, vote.id)
    _audit(db, actor, "amendment.to_vote", proposal, {"amendment": amendment.id, "vote": vote.id})
    return vote


def settle_amendment(db: Session, amendment_id: int) -> Amendment:
    """Apply a published vote's outcome to its amendment (adopted: the text changes)."""
    repo = ProposalRepository(db)
    amendment = repo.amendment(amendment_id, lock=True)
    if amendment is None:
        raise NotFound(N_("That amendment does not exist."))
    if amendment.state is not AmendmentState.VOTING or amendment.vote_id is None:
        return amendment  # already settled (or never voted): nothing to do
    vote = VoteRepository(db).get(amendment.vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return amendment
    passed = motion_passed(db, vote.id)
    proposal = _reload(repo, amendment.proposal_id, lock=True)
    state = rules.amendment_vote_result(passed)
    repo.set_amendment_state(amendment.id, state)
    if state is AmendmentState.ADOPTED:
        repo.set_text(rules.accept_amendment(proposal, amendment), amendment.id)
    AuditRepository(db).record(
        None,
        "amendment.settled",
        proposal.assembly_id,
        f"proposal:{proposal.id}",
        {"amendment": amendment.id, "state": state.value},
    )
    return _reload_amendment(repo, amendment.id)


def hide_amendment(db: Session, actor: Person, amendment_id: int, reason: str) -> Amendment:
    """A facilitator hides an amendment with a stated reason."""
    repo = ProposalRepository(db)
    amendment, proposal = _amendment(db, actor, amendment_id)
    cleaned = rules.check_hide(
        _membership(db, proposal.assembly_id, actor),
        proposal.assembly_id,
        amendment.hidden_reason is not None,
        reason,
    )
    repo.hide_amendment(amendment.id, cleaned, actor.id)
    _audit(db, actor, "amendment.hidden", proposal, {"amendment": amendment.id, "reason": cleaned})
    return _reload_amendment(repo, amendment.id)


# --- the vote that decides -----------------------------------------------------------------


def start_voting(db: Session, actor: Person, proposal_id: int, terms: VoteTerms) -> Vote:
    """A facilitator takes a debated proposal to a yes/no vote (drafted here and linked;
    open it with `votes.open_vote`, after the children have set their mandates)."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, actor, proposal_id, lock=True)
    rules.check_start_voting(
        proposal, _membership(db, proposal.assembly_id, actor), repo.amendments(proposal.id)
    )
    charters = CharterRepository(db)
    wording = charters.wording(proposal.id, proposal.text)
    if wording is not None and charters.holder(wording[0]) == proposal.assembly_id:
        raise Conflict(N_("Here the charter is held: its wordings go to a charter vote."))
    vote = votes.draft_vote(
        db, actor, proposal.assembly_id, terms.motion(f"¿Aprobamos «{proposal.title}»?")
    )
    repo.set_state(proposal.id, P.VOTING, vote.id)
    _audit(db, actor, "proposal.to_vote", proposal, {"vote": vote.id})
    return vote


def settle_proposal(db: Session, proposal_id: int) -> Proposal:
    """Once the linked yes/no vote is published, the proposal is adopted or rejected.

    Idempotent: a proposal already settled, or whose vote is not published yet, is returned
    unchanged. Competing charter wordings are settled by `services.charter`."""
    repo = ProposalRepository(db)
    proposal = _reload(repo, proposal_id, lock=True)
    if proposal.state is not P.VOTING or proposal.vote_id is None:
        return proposal
    vote = VoteRepository(db).get(proposal.vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return proposal
    if vote.spec.rule != "majority":
        raise Conflict(N_("Competing wordings are settled with the charter."))
    state = rules.state_after_vote(proposal, motion_passed(db, vote.id))
    repo.set_state(proposal.id, state)
    AuditRepository(db).record(
        None,
        "proposal.settled",
        proposal.assembly_id,
        f"proposal:{proposal.id}",
        {"state": state.value, "vote": vote.id},
    )
    return _reload(repo, proposal.id)


def motion_passed(db: Session, vote_id: int) -> bool:
    """True when a published yes/no vote passed (Sí won); False when it failed or lacked quorum."""
    repo = VoteRepository(db)
    vote = repo.get(vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        raise Conflict(N_("The vote has not been published yet."))
    result = repo.signatures(vote_id)[2] or {}
    return result.get("winners") == [MOTION_OPTIONS[0]]


# --- escalation from below -----------------------------------------------------------------


def escalate(
    db: Session,
    actor: Person,
    proposal_id: int,
    *,
    share: Fraction = DEFAULT_ESCALATION_SHARE,
) -> EscalationView:
    """A facilitator sends an adopted proposal up to the parent; it counts as adopted by the
    sender, and may enter the parent's agenda at once (a parent with one child)."""
    proposal = _proposal(db, actor, proposal_id, lock=True)
    assembly = _assembly(db, proposal.assembly_id)
    escalations = EscalationRepository(db)
    rules.check_escalate(
        proposal,
        assembly.parent_id,
        _membership(db, proposal.assembly_id, actor),
        escalations.of_proposal(proposal.id) is not None,
    )
    assert assembly.parent_id is not None  # noqa: S101 - checked by the rule
    escalation = escalations.add(proposal, assembly.parent_id, actor.id)
    escalations.add_adoption(escalation.id, assembly.id, actor.id)
    _audit(db, actor, "proposal.escalated", proposal, {"escalation": escalation.id})
    return _after_adoption_change(db, actor, escalation.id, share)


def adopt_escalation(
    db: Session,
    actor: Person,
    escalation_id: int,
    assembly_id: int,
    *,
    share: Fraction = DEFAULT_ESCALATION_SHARE,
) -> EscalationView:
    """A facilitator of a sibling records its assembly's adoption; when the parent's share is
    reached the proposal enters the parent's agenda, in this same transaction."""
    escalations = EscalationRepository(db)
    escalation = _escalation(escalations, escalation_id, lock=True)
    assembly = _assembly(db, assembly_id)
    adopters = rules.current_adopters(escalations.adoptions(escalation.id))
    rules.check_adopt_escalation(
        escalation, assembly.parent_id, _membership(db, assembly_id, actor), adopters
    )
    escalations.add_adoption(escalation.id, assembly_id, actor.id)
    AuditRepository(db).record(
        actor.id, "escalation.adopted", assembly_id, f"escalation:{escalation.id}"
    )
    return _after_adoption_change(db, actor, escalation.id, share)


def withdraw_adoption(
    db: Session,
    actor: Person,
    escalation_id: int,
    assembly_id: int,
    *,
    share: Fraction = DEFAULT_ESCALATION_SHARE,
) -> EscalationView:
    """A facilitator withdraws their assembly's adoption (an agenda entry is never undone)."""
    escalations = EscalationRepository(db)
    escalation = _escalation(escalations, escalation_id, lock=True)
    adopters = rules.current_adopters(escalations.adoptions(escalation.id))
    rules.check_withdraw_adoption(_membership(db, assembly_id, actor), adopters)
    escalations.add_adoption(escalation.id, assembly_id, actor.id, withdrawn=True)
    AuditRepository(db).record(
        actor.id, "escalation.withdrawn", assembly_id, f"escalation:{escalation.id}"
    )
    return _after_adoption_change(db, actor, escalation.id, share)


def escalation_view(
    db: Session, escalation_id: int, *, share: Fraction = DEFAULT_ESCALATION_SHARE
) -> EscalationView:
    """ "Adopted by N assemblies representing M members", with the list (public)."""
    escalations = EscalationRepository(db)
    escalation = _escalation(escalations, escalation_id)
    federation = FederationRepository(db)
    children = [a.id for a in federation.children(escalation.parent_id)]
    counts = federation.active_counts()
    status = rules.escalation_status(escalations.adoptions(escalation.id), children, counts, share)
    names = {a.id: a.name for a in federation.children(escalation.parent_id)}
    proposal = ProposalRepository(db).get(escalation.proposal_id)
    assert proposal is not None  # noqa: S101 - a foreign key
    return EscalationView(
        escalation=escalation,
        proposal=proposal,
        status=status,
        adopters=tuple(AdopterLine(a, names[a], counts.get(a, 0)) for a in status.adopters),
        agenda_proposal_id=escalations.agenda_proposal(escalation.id),
    )


def escalations_to(
    db: Session, parent_id: int, *, share: Fraction = DEFAULT_ESCALATION_SHARE
) -> list[EscalationView]:
    """The proposals sent up to an assembly, newest first (public)."""
    return [
        escalation_view(db, e.id, share=share)
        for e in EscalationRepository(db).to_parent(parent_id)
    ]


def _after_adoption_change(
    db: Session, actor: Person, escalation_id: int, share: Fraction
) -> EscalationView:
    view = escalation_view(db, escalation_id, share=share)
    if not rules.enters_agenda(view.escalation, view.status):
        return view
    origin = view.proposal
    repo = ProposalRepository(db)
    agenda = repo.add(
        view.escalation.parent_id,
        origin.author_id,
        origin.kind,
        origin.title,
        origin.text,
        state=P.DEBATE,
    )
    charters = CharterRepository(db)
    found = charters.wording(origin.id, origin.text)
    if found is not None:
        charter_id, wording = found
        charters.add_wording(charter_id, replace(wording, proposal_id=agenda.id))
    EscalationRepository(db).put_on_agenda(escalation_id, agenda.id)
    AuditRepository(db).record(
        actor.id,
        "escalation.on_agenda",
        view.escalation.parent_id,
        f"proposal:{agenda.id}",
        {"escalation": escalation_id, "adopters": list(view.status.adopters)},
    )
    return escalation_view(db, escalation_id, share=share)


# --- reading -------------------------------------------------------------------------------


def proposal_view(
    db: Session,
    viewer: Person | None,
    proposal_id: int,
    *,
    support_percent: int = DEFAULT_SUPPORT_PERCENT,
) -> ProposalView:
    """A proposal with its supports, arguments, amendments and texts (drafts: author only)."""
    repo = ProposalRepository(db)
    proposal = _proposal(db, viewer, proposal_id)
    federation = FederationRepository(db)
    mine = _membership(db, proposal.assembly_id, viewer)
    active = [
        m.person_id for m in federation.memberships(proposal.assembly_id, MembershipState.ACTIVE)
    ]
    supporters = repo.supporters(proposal.id)
    escalations = EscalationRepository(db)
    return ProposalView(
        proposal=proposal,
        author_name=PeopleRepository(db)
        .usernames([proposal.author_id])
        .get(proposal.author_id, "?"),
        supports=rules.count_supports(supporters, active),
        threshold=rules.support_threshold(len(active), support_percent),
        supported_by_me=viewer is not None and viewer.id in supporters,
        arguments=tuple(repo.arguments(proposal.id)),
        amendments=tuple(repo.amendments(proposal.id)),
        texts=tuple(repo.texts(proposal.id)),
        escalation=escalations.of_proposal(proposal.id),
        came_from=escalations.bringing(proposal.id),
        is_author=viewer is not None and viewer.id == proposal.author_id,
        is_facilitator=bool(mine and mine.is_facilitator),
    )


def proposals_of(db: Session, viewer: Person | None, assembly_id: int) -> list[Proposal]:
    """An assembly's proposals this viewer may see (others' drafts are not shown)."""
    _assembly(db, assembly_id)
    return [
        p
        for p in ProposalRepository(db).of_assembly(assembly_id)
        if p.state is not P.DRAFT or (viewer is not None and viewer.id == p.author_id)
    ]


# --- helpers -------------------------------------------------------------------------------


def _proposal(
    db: Session, viewer: Person | None, proposal_id: int, *, lock: bool = False
) -> Proposal:
    proposal = ProposalRepository(db).get(proposal_id, lock=lock)
    hidden_draft = (
        proposal is not None
        and proposal.state is P.DRAFT
        and (viewer is None or viewer.id != proposal.author_id)
    )
    if proposal is None or hidden_draft:
        raise NotFound(N_("That proposal does not exist."))
    return proposal


def _reload(repo: ProposalRepository, proposal_id: int, *, lock: bool = False) -> Proposal:
    proposal = repo.get(proposal_id, lock=lock)
    if proposal is None:
        raise NotFound(N_("That proposal does not exist."))
    return proposal


def _amendment(db: Session, actor: Person, amendment_id: int) -> tuple[Amendment, Proposal]:
    amendment = ProposalRepository(db).amendment(amendment_id, lock=True)
    if amendment is None:
        raise NotFound(N_("That amendment does not exist."))
    return amendment, _proposal(db, actor, amendment.proposal_id, lock=True)


def _reload_amendment(repo: ProposalRepository, amendment_id: int) -> Amendment:
    amendment = repo.amendment(amendment_id)
    assert amendment is not None  # noqa: S101 - read in this transaction
    return amendment


def _escalation(
    repo: EscalationRepository, escalation_id: int, *, lock: bool = False
) -> Escalation:
    escalation = repo.get(escalation_id, lock=lock)
    if escalation is None:
        raise NotFound(N_("That escalated proposal does not exist."))
    return escalation


def _assembly(db: Session, assembly_id: int) -> Assembly:
    assembly = FederationRepository(db).assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly


def _membership(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def _active_member(db: Session, assembly_id: int, person: Person | None) -> Membership:
    mine = _membership(db, assembly_id, person)
    if mine is None or not mine.is_active:
        raise Forbidden(N_("Only active members of this assembly can do this."))
    return mine


def _audit(
    db: Session,
    actor: Person,
    action: str,
    proposal: Proposal,
    details: dict[str, object] | None = None,
    *,
    system: bool = False,
) -> None:
    details = dict(details or {})
    if system:
        details["by"] = "system"
    AuditRepository(db).record(
        actor.id, action, proposal.assembly_id, f"proposal:{proposal.id}", details
    )
