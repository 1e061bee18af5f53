"""Publishing a vote, and applying in the same transaction everything the vote decides.

A published vote may carry decisions: a proposal or an amendment adopted (or a charter article),
delegates seated, a recall settled, a budget committee elected, planning targets counted, an
assembly's rules changed, an assembly joining a struggle or an action (`services.mobilisation`:
those who joined are told, and may pledge, from that moment). They are applied by the
transaction that publishes the vote — whoever publishes it: a facilitator closing early once
everyone on the roll has voted (`close_vote`), two facilitators confirming an in-person count
(`confirm_in_person`), or the runner at the closing time (`close_due_vote`). No page settles
anything when it is shown: a page only reads, and nothing can see the vote published with its
decisions still pending.

Every settle step is idempotent (a decision already applied is left as it is), so a runner
that publishes a vote another one just published does nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict
from asamblea.core.ledger import Ballot
from asamblea.core.people import Person
from asamblea.core.votes import Vote
from asamblea.services.votes import votes  # first: it loads delegation, then deliberation

# isort: split
from asamblea.services import charter, delegation, deliberation
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.encrypted_votes import closing as encrypted_closing
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.mobilisation import platform as mobilisation_platform
from asamblea.services.mobilisation import struggles as mobilisation
from asamblea.services.planning import adoption as planning_adoption
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from asamblea.store.runner_repository import Decisions, RunnerRepository
from asamblea.store.votes_repository import VoteRepository


def close_vote(db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey) -> Vote:
    """A facilitator closes, counts and publishes the vote; its decisions apply at once. An
    encrypted vote closes into its trustees' hands (its result comes with their shares)."""
    if EncryptedVoteRepository(db).is_encrypted(vote_id):
        return encrypted_closing.close_encrypted(db, actor, vote_id, now, key)
    vote = votes.close_vote(db, actor, vote_id, now, key)
    settle_vote(db, vote.id, now)
    return vote


def confirm_in_person(
    db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey
) -> Vote:
    """The second facilitator confirms an in-person count; its decisions apply at once."""
    vote = votes.confirm_in_person(db, actor, vote_id, now, key)
    settle_vote(db, vote.id, now)
    return vote


def close_due_vote(db: Session, vote_id: int, now: datetime, key: SigningKey) -> Vote | None:
    """The runner publishes a vote past its closing time, with its decisions; None when the
    vote is no longer due (already published by someone else)."""
    if EncryptedVoteRepository(db).is_encrypted(vote_id):
        return encrypted_closing.close_due_encrypted(db, vote_id, now, key)
    vote = votes.close_due_vote(db, vote_id, now, key)
    if vote is not None:
        settle_vote(db, vote.id, now)
    return vote


@dataclass(frozen=True)
class DueGroup:
    """What the runner reads once for a group of due votes it holds: the votes, their ballots,
    what waits on each, and which are encrypted — instead of a handful of reads per vote."""

    votes: Mapping[int, Vote]
    ballots: Mapping[int, Sequence[Ballot]]
    decisions: Mapping[int, Decisions]
    encrypted: frozenset[int]


def load_due(db: Session, vote_ids: Sequence[int]) -> DueGroup:
    """Read a group of votes the caller has taken (their rows held) in four queries."""
    runner = RunnerRepository(db)
    encrypted = frozenset(runner.encrypted_among(vote_ids))
    plain = [vote_id for vote_id in vote_ids if vote_id not in encrypted]
    repo = VoteRepository(db)
    return DueGroup(
        votes=repo.get_many(plain),
        ballots=repo.ballots_of(plain),
        decisions=runner.decisions_of(plain),
        encrypted=encrypted,
    )


def close_due_in(
    db: Session, group: DueGroup, vote_id: int, now: datetime, key: SigningKey
) -> bool:
    """`close_due_vote` for one vote of a group read by `load_due`: True when it published."""
    if vote_id in group.encrypted:
        return encrypted_closing.close_due_encrypted(db, vote_id, now, key) is not None
    vote = group.votes.get(vote_id)
    if vote is None or not votes.publish_due(db, vote, group.ballots.get(vote_id), now, key):
        return False
    settle_vote(db, vote_id, now, group.decisions.get(vote_id, Decisions()))
    return True


def settle_vote(db: Session, vote_id: int, now: datetime, waiting: Decisions | None = None) -> None:
    """Apply every decision waiting on the published vote ``vote_id`` (idempotent); ``waiting``
    when the caller read it already."""
    if waiting is None:
        waiting = RunnerRepository(db).decisions(vote_id)
    for amendment_id in waiting.amendments:
        deliberation.settle_amendment(db, amendment_id)
    for proposal_id in waiting.proposals:
        try:
            deliberation.settle_proposal(db, proposal_id)
        except Conflict:  # competing charter wordings: one Schulze vote settles them all
            charter.settle_charter_vote(db, vote_id)
    if waiting.delegate_election:
        delegation.settle_delegate_election(db, vote_id, now=now)
    if waiting.recall:
        delegation.settle_recall(db, vote_id, now=now)
    if waiting.committee_election:
        budget_committee.settle_committee_election(db, vote_id)
    for draft_id in waiting.drafts:
        planning_adoption.settle_draft(db, draft_id)
    assembly_id = waiting.rules_change_assembly
    if assembly_id is not None and assembly_rules.needs_settling(db, assembly_id):
        assembly_rules.settle_rules(db, assembly_id)
    if waiting.adhesion:
        mobilisation.settle_adhesion(db, vote_id)
    if waiting.merge:
        mobilisation_platform.settle_merge(db, vote_id, now)
    if waiting.mandates:
        delegation.record_breaches(db, vote_id)
