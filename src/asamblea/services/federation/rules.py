"""An assembly's rules are its members' to change: a facilitator proposes, the members decide.

`propose_rules`: a facilitator puts new rules to the members — a yes/no vote of
`asamblea.services.votes.votes` (secret ballot, public board, the assembly's quorum, simple
majority) opens at once, linked to the change by id. One change is under vote at a time.
`settle_rules`: once that vote is published the change is adopted or rejected — idempotent,
like `asamblea.services.planning.adoption.settle_draft`; the pages and the API call it when
they show the assembly or its rules. Adopted, the rules apply in the same transaction
(`federation.apply_rules`, audited `assembly.rules_changed`), and whatever a lower share is
already met by moves on (`deliberation.reapply_thresholds`). Rejected, nothing changes.

So no single facilitator can rewrite the rules — e.g. raise the recall share while members
gather signatures against a delegate; and even an adopted change never moves the bar of a
petition under way (its share is frozen on it), nor a vote's quorum, nor a roll call's
weights, all frozen when they opened.

Locks: the assembly row first, then its pending change — in every use case, so that two
transactions never wait on each other in opposite orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core import federation as rules
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.federation import Assembly, AssemblyRules, RulesChangeState
from asamblea.core.people import Person
from asamblea.core.votes import Vote, VoteState, members_motion
from asamblea.services import deliberation
from asamblea.services.deliberation import motion_passed
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.federation_rules_repository import RulesChange, RulesChangeRepository
from asamblea.store.votes_repository import VoteRepository

VOTE_DAYS = 7
"""How long the members' vote on new rules stays open by default."""
MAX_VOTE_DAYS = 60
#: The audit action of a proposal of new rules (its details: the rules asked for, the vote).
RULES_PROPOSED = "assembly.rules_proposed"


@dataclass(frozen=True)
class RulesStatus:
    """An assembly's rules change as its pages show it: the latest one (pending or settled)
    and its vote."""

    change: RulesChange
    vote: Vote | None
    changed: dict[str, tuple[int | str, int | str]]


def propose_rules(
    db: Session,
    actor: Person,
    assembly_id: int,
    new_rules: AssemblyRules,
    *,
    now: datetime,
    days: int = VOTE_DAYS,
) -> RulesChange:
    """A facilitator puts new rules to the members: a yes/no vote (secret, public board, the
    assembly's quorum) opens now for `days` days. A change whose vote is already published is
    settled first; another change still under vote refuses this one."""
    repo = FederationRepository(db)
    assembly = _locked_assembly(repo, assembly_id)
    rules.check_change_rules(repo.membership_of(assembly_id, actor.id), assembly_id)
    if not 1 <= days <= MAX_VOTE_DAYS:
        raise Invalid(N_("The vote must last between 1 and {max} days."), max=MAX_VOTE_DAYS)
    changes = RulesChangeRepository(db)
    pending = _settle_locked(db, assembly)
    assembly = _locked_assembly(repo, assembly_id)  # the rules may have just changed
    rules.check_propose_rules(
        assembly.rules, new_rules, pending=pending is not None and pending.pending
    )
    question = rules.rules_question(assembly.rules, new_rules)
    vote = votes.draft_vote(
        db,
        actor,
        assembly.id,
        members_motion(question[:300], assembly.rules.quorum_percent, now, days),
    )
    votes.open_vote(db, actor, vote.id, now)
    change = changes.add(
        assembly.id, new_rules, assembly.rules, vote_id=vote.id, proposed_by=actor.id, at=now
    )
    AuditRepository(db).record(
        actor.id,
        RULES_PROPOSED,
        assembly.id,
        f"assembly:{assembly.id}",
        {"vote_id": vote.id, "after": rules.rules_to_dict(new_rules)},
    )
    return change


def settle_rules(db: Session, assembly_id: int) -> RulesChange | None:
    """Once the pending change's vote is published: carried, the new rules apply (and what a
    lower share is now met by moves on); failed or short of quorum, nothing changes.

    Idempotent: with nothing pending, or a vote not published yet, nothing is written. The
    pending change (or None) is returned as it stands afterwards."""
    return _settle_locked(db, _locked_assembly(FederationRepository(db), assembly_id))


def needs_settling(db: Session, assembly_id: int) -> bool:
    """Whether the assembly has a change under vote whose vote is published (read-only: the
    pages call `settle_rules` in a write transaction only then)."""
    pending = RulesChangeRepository(db).pending(assembly_id)
    if pending is None:
        return False
    vote = VoteRepository(db).get(pending.vote_id)
    return vote is not None and vote.state is VoteState.PUBLISHED


def rules_status(db: Session, assembly_id: int) -> RulesStatus | None:
    """The assembly's latest rules change and its vote (public, like the rules), or None."""
    if FederationRepository(db).assembly(assembly_id) is None:
        raise NotFound(N_("That assembly does not exist."))
    latest = RulesChangeRepository(db).latest(assembly_id)
    if latest is None:
        return None
    vote = VoteRepository(db).get(latest.vote_id)
    return RulesStatus(latest, vote, rules.changed_rules(latest.before, latest.rules))


def _settle_locked(db: Session, assembly: Assembly) -> RulesChange | None:
    """`settle_rules` once the assembly row is locked (the caller holds it)."""
    changes = RulesChangeRepository(db)
    change = changes.pending(assembly.id, lock=True)
    if change is None:
        return None
    vote = VoteRepository(db).get(change.vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return change
    state = rules.state_after_rules_vote(motion_passed(db, vote.id))
    changes.settle(change.id, state, vote.closed_at or change.proposed_at)
    AuditRepository(db).record(
        None,
        "assembly.rules_settled",
        assembly.id,
        f"assembly:{assembly.id}",
        {"vote_id": vote.id, "state": state.value},
    )
    if state is RulesChangeState.ADOPTED:
        federation.apply_rules(db, None, assembly.id, change.rules, {"vote_id": vote.id})
        deliberation.reapply_thresholds(db, None, assembly.id)  # the members decided
    return changes.get(change.id)


def _locked_assembly(repo: FederationRepository, assembly_id: int) -> Assembly:
    assembly = repo.assembly(assembly_id, lock=True)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    return assembly
