"""Who sits in a roll call upstairs, and how much each delegate weighs beside their name.

A roll call's record must not move once it is open: a child gaining members, or the parent
changing its weight rule, later on, changes nothing in it. So when a roll-call vote opens
(`asamblea.services.votes.votes.open_vote`), `freeze_weights` stores per child the parent's weight
rule, the child's active members and its delegates sitting in the vote; `weights` reads them
back. The tally itself is one ballot per delegate; the weights are what the record shows.

Roll calls opened before migration 0009 froze nothing: theirs are reckoned as they were then
(the rule from the audit log, `federation.rules_when_vote_opened`, and today's members).

This module imports only `core` and `store`. `services.votes` imports it when a vote opens,
not at the top of its module: the delegation package's `__init__` imports `services.votes`
(delegate elections are votes), so a top-level import would close a circle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from fractions import Fraction

from sqlalchemy.orm import Session

from asamblea.core import delegation as rules
from asamblea.core.delegation import Delegate
from asamblea.core.federation import Assembly, WeightRule
from asamblea.core.votes import Mode, Vote
from asamblea.store.delegation_repository import DelegationRepository, FrozenWeight
from asamblea.store.federation_repository import FederationRepository


def sitting(db: Session, vote: Vote) -> list[Delegate]:
    """The delegates of a parent's vote: those seated now while it is a draft; once it has
    opened, those who held a seat when it opened and are on its roll (one per person)."""
    delegation = DelegationRepository(db)
    delegates = delegation.delegates(parent_id=vote.assembly_id)
    if vote.roll_size is None:  # still a draft: the delegates seated now
        return [d for d in delegates if d.is_seated]
    roll = delegation.roll_people(vote.id)
    opened = vote.spec.opens_at
    found: dict[int, Delegate] = {}
    for d in delegates:
        if d.person_id in roll and d.starts_at <= opened < d.ends_at:
            found[d.person_id] = d  # the latest row wins
    return sorted(found.values(), key=lambda d: (d.child_id, d.id))


def freeze_weights(db: Session, vote: Vote, parent: Assembly) -> None:
    """When a roll-call vote of a parent opens: store, for each child with delegates sitting in
    it, the parent's weight rule now, the child's active members now and those delegates'
    number. A vote that is not a roll call, or that nobody sits in as a delegate, stores
    nothing."""
    if vote.spec.mode is not Mode.ROLL_CALL or vote.roll_size is None:
        return
    per_child = Counter(d.child_id for d in sitting(db, vote))
    if not per_child:
        return
    counts = FederationRepository(db).active_counts()
    rule = parent.rules.delegate_weight
    DelegationRepository(db).freeze_weights(
        vote.id, {c: FrozenWeight(rule, counts.get(c, 0), n) for c, n in per_child.items()}
    )


def weights(
    db: Session, vote: Vote, seated: list[Delegate], legacy_rule: Callable[[], WeightRule]
) -> dict[int, Fraction]:
    """Each child's delegate weight in a roll call, as frozen when the vote opened. A draft
    (and a roll call opened before migration 0009) froze nothing: its weights are reckoned
    now, by ``legacy_rule()`` — the parent's rule now for a draft, the rule in force at the
    opening for an old vote — and the children's members now."""
    frozen = DelegationRepository(db).frozen_weights(vote.id)
    per_child = Counter(d.child_id for d in seated)
    if set(per_child) <= set(frozen):
        return {
            child: rules.delegate_weight(w.rule, w.members, w.delegates)
            for child, w in frozen.items()
        }
    counts, rule = FederationRepository(db).active_counts(), legacy_rule()
    return {
        child: rules.delegate_weight(rule, counts.get(child, 0), n)
        for child, n in per_child.items()
    }
