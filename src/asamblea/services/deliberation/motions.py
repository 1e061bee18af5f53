"""The votes that decide: a proposal or an amendment goes to a yes/no motion of its
assembly (drafted through `asamblea.services.votes.votes` and linked by id); once the vote is
published, `settle_proposal` / `settle_amendment` apply the outcome (idempotent).
`VoteTerms` says when and how such a vote is held; delegates and the charter use it too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core import deliberation as rules
from asamblea.core.deliberation import Amendment, AmendmentState, Proposal, ProposalState
from asamblea.core.errors import N_, Conflict, NotFound
from asamblea.core.people import Person
from asamblea.core.votes import MOTION_OPTIONS, Mode, Vote, VoteSpec, VoteState, make_spec
from asamblea.services.deliberation.loading import (
    audit_proposal,
    load_amendment,
    load_proposal,
    membership_of,
    reload_amendment,
    reload_proposal,
)
from asamblea.services.votes import votes
from asamblea.store.deliberation_repository import CharterRepository, ProposalRepository
from asamblea.store.federation_repository import AuditRepository
from asamblea.store.votes_repository import VoteRepository

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


def amendment_to_vote(db: Session, actor: Person, amendment_id: int, terms: VoteTerms) -> Vote:
    """A facilitator sends an amendment to a yes/no vote of the assembly (drafted, linked)."""
    repo = ProposalRepository(db)
    amendment, proposal = load_amendment(db, actor, amendment_id)
    rules.check_amendment_to_vote(
        proposal, amendment, membership_of(db, proposal.assembly_id, actor)
    )
    question = f"¿Aprobamos la enmienda {amendment.id} a «{proposal.title}»?"
    vote = votes.draft_vote(db, actor, proposal.assembly_id, terms.motion(question))
    repo.set_amendment_state(amendment.id, AmendmentState.VOTING, vote.id)
    audit_proposal(
        db, actor, "amendment.to_vote", proposal, {"amendment": amendment.id, "vote": vote.id}
    )
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
    proposal = reload_proposal(repo, amendment.proposal_id, lock=True)
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
    return reload_amendment(repo, amendment.id)


def start_voting(db: Session, actor: Person, proposal_id: int, terms: VoteTerms) -> Vote:
    """A facilitator takes a debated proposal to a yes/no vote (drafted here and linked;
    open it with `votes.open_vote`, after the children have set their mandates)."""
    repo = ProposalRepository(db)
    proposal = load_proposal(db, actor, proposal_id, lock=True)
    rules.check_start_voting(
        proposal, membership_of(db, proposal.assembly_id, actor), repo.amendments(proposal.id)
    )
    charters = CharterRepository(db)
    wording = charters.wording(proposal.id, proposal.text)
    if wording is not None and charters.holder(wording[0]) == proposal.assembly_id:
        raise Conflict(N_("Here the charter is held: its wordings go to a charter vote."))
    vote = votes.draft_vote(
        db, actor, proposal.assembly_id, terms.motion(f"¿Aprobamos «{proposal.title}»?")
    )
    repo.set_state(proposal.id, P.VOTING, vote.id)
    audit_proposal(db, actor, "proposal.to_vote", proposal, {"vote": vote.id})
    return vote


def settle_proposal(db: Session, proposal_id: int) -> Proposal:
    """Once the linked yes/no vote is published, the proposal is adopted or rejected.

    Idempotent: a proposal already settled, or whose vote is not published yet, is returned
    unchanged. Competing charter wordings are settled by `services.charter`."""
    repo = ProposalRepository(db)
    proposal = reload_proposal(repo, proposal_id, lock=True)
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
    return reload_proposal(repo, proposal.id)


def motion_passed(db: Session, vote_id: int) -> bool:
    """True when a published yes/no vote passed (Sí won); False when it failed or lacked quorum."""
    repo = VoteRepository(db)
    vote = repo.get(vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        raise Conflict(N_("The vote has not been published yet."))
    result = repo.signatures(vote_id)[2] or {}
    return result.get("winners") == [MOTION_OPTIONS[0]]
