"""Delegates: seats upstairs, terms, imperative mandates, roll-call weights and recall.

Pure rules. A *delegate* is a person elected by a child assembly to sit in its parent; they
carry the child's *mandate* on each item and can be recalled at any time by the child's
members. The order of calls for each use case:

- **elect delegates**: `open_seats(active_members, parent_rules, seated)` → an STV vote with
  that many seats; for each elected person: `check_term(starts_at, ends_at)` → store a
  `Delegate` in ``SERVING`` (and their delegate membership in the parent).
- **mandate** on a parent's item: `check_mandate(actor, child_id, parent_vote_state)` →
  store or replace the child's `MandateChoice` for that vote (fixed once the vote opens).
- **roll call** upstairs: for each delegate's ballot, `choice_from_option(label)` →
  `mandate_breach(mandate, choice)` and `delegate_weight(parent_rules.delegate_weight,
  members, delegates)` (the rule in force when the vote opened);
  `weighted_totals` sums a roll call.
- **recall**: `check_open_petition` → store the petition, the opener's signature, and the
  delegate in ``PETITIONED``; `check_sign` → store a signature → `is_recall_reached(
  count_signatures(...), active_members, rules)`; when True, state ``RECALL_VOTE`` and open a
  motion vote (`RECALL_THRESHOLD`); when counted, `state_after_recall_vote(passed)`: if
  ``RECALLED``, vacate the seat (remove the parent membership) and open an election for
  `seats_after_recall()` seat(s), the winner serving `successor_term(...)`.
- **term ends**: `check_transition(state, TERM_ENDED)`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from asamblea.core.errors import N_, Conflict, Forbidden, Invalid
from asamblea.core.federation import AssemblyRules, Membership, WeightRule, delegate_seats
from asamblea.core.votes import MOTION_OPTIONS, VoteState

MAX_TERM = timedelta(days=731)  # two years at most; an assembly may always recall earlier
#: A recall vote is a yes/no motion; it passes with more Sí than No among those cast.
RECALL_THRESHOLD = "majority_of_cast"


def open_seats(active_members: int, parent_rules: AssemblyRules, seated: int) -> int:
    """Seats the child may still fill: the parent's rule for its size, minus those seated."""
    return max(0, delegate_seats(active_members, parent_rules) - seated)


class DelegateState(StrEnum):
    """A delegate's seat: serving, under a recall petition or vote, or over."""

    SERVING = "serving"
    PETITIONED = "petitioned"
    RECALL_VOTE = "recall_vote"
    CONFIRMED = "confirmed"  # a recall vote failed: serving, and may be petitioned again
    RECALLED = "recalled"
    TERM_ENDED = "term_ended"


D = DelegateState
TRANSITIONS: Mapping[DelegateState, frozenset[DelegateState]] = {
    D.SERVING: frozenset({D.PETITIONED, D.TERM_ENDED}),
    D.PETITIONED: frozenset({D.RECALL_VOTE, D.SERVING, D.TERM_ENDED}),  # SERVING: lapsed
    D.RECALL_VOTE: frozenset({D.RECALLED, D.CONFIRMED, D.TERM_ENDED}),
    D.CONFIRMED: frozenset({D.PETITIONED, D.TERM_ENDED}),
    D.RECALLED: frozenset(),
    D.TERM_ENDED: frozenset(),
}
TERMINAL = frozenset(s for s, after in TRANSITIONS.items() if not after)


@dataclass(frozen=True)
class Delegate:
    """A person sent by ``child_id`` to sit in ``parent_id`` for a term."""

    id: int
    person_id: int
    child_id: int
    parent_id: int
    starts_at: datetime
    ends_at: datetime
    state: DelegateState = D.SERVING

    @property
    def is_seated(self) -> bool:
        """True while the delegate holds the seat (votes upstairs, can be recalled)."""
        return self.state not in TERMINAL


def check_transition(current: DelegateState, target: DelegateState) -> None:
    """Refuse a change the delegate state machine does not allow."""
    if target not in TRANSITIONS[current]:
        raise Conflict(
            N_("A delegate cannot go from {current} to {target}."),
            current=current.value,
            target=target.value,
        )


def check_term(starts_at: datetime, ends_at: datetime) -> None:
    """A term has time zones, ends after it starts, and lasts at most `MAX_TERM`."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise Invalid(N_("Times need a time zone."))
    if not starts_at < ends_at <= starts_at + MAX_TERM:
        raise Invalid(N_("A term must end after it starts, and within two years."))


def is_term_over(delegate: Delegate, now: datetime) -> bool:
    """True when a seated delegate's term has run out (move them to ``TERM_ENDED``)."""
    return delegate.is_seated and now >= delegate.ends_at


# --- mandates and the roll call ------------------------------------------------------------


class MandateChoice(StrEnum):
    """The child's instruction on one item of the parent's agenda."""

    FOR = "for"
    AGAINST = "against"
    FREE = "free"


class DelegateChoice(StrEnum):
    """How a delegate voted on a motion upstairs."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


_BY_OPTION = dict(zip(MOTION_OPTIONS, DelegateChoice, strict=True))


def choice_from_option(label: str | None) -> DelegateChoice | None:
    """Sí / No / Abstención (or a blank ballot: ABSTAIN); None when the delegate did not vote."""
    if label is None:
        return None
    if label == "":
        return DelegateChoice.ABSTAIN
    if label not in _BY_OPTION:
        raise Invalid(N_("Mandates apply to yes/no motions only."))
    return _BY_OPTION[label]


def check_mandate(actor: Membership | None, child_id: int, parent_vote: VoteState) -> None:
    """A facilitator records the child's adopted mandate while the parent's vote is a draft."""
    if actor is None or actor.assembly_id != child_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))
    if parent_vote is not VoteState.DRAFT:
        raise Conflict(N_("A mandate is set before the vote upstairs opens."))


def can_see_mandate(*, vote_published: bool, member_of_giver: bool) -> bool:
    """The one rule for who reads a mandate, held by the pages, the API and the docs alike:
    the active members of the assembly that gave it, always; anyone else who may read the roll
    call, only once the vote upstairs is closed and published, beside how each delegate voted."""
    return member_of_giver or vote_published


def mandate_breach(mandate: MandateChoice | None, choice: DelegateChoice | None) -> bool:
    """True when a delegate did not carry a for/against mandate.

    A free mandate (or none) never breaches. Against a for/against mandate, voting the other
    way, abstaining and not voting (``None``) are all breaches: the mandate asked for a side."""
    if mandate is None or mandate is MandateChoice.FREE:
        return False
    return choice is None or choice.value != mandate.value


def delegate_weight(rule: WeightRule, members_represented: int, child_delegates: int) -> Fraction:
    """1, or the child's active members divided by its seated delegates (exact); ``rule`` is
    the parent's `AssemblyRules.delegate_weight` (``WeightRule`` lives with the rules)."""
    if rule is WeightRule.ONE_EACH:
        return Fraction(1)
    if child_delegates < 1 or members_represented < 0:
        raise Invalid(N_("A weight needs at least one delegate and no negative membership."))
    return Fraction(members_represented, child_delegates)


def weighted_totals(
    votes: Iterable[tuple[DelegateChoice | None, Fraction]],
) -> dict[DelegateChoice, Fraction]:
    """Sum of weights per choice in a roll call (those who did not vote count nowhere)."""
    totals = dict.fromkeys(DelegateChoice, Fraction(0))
    for choice, weight in votes:
        if choice is not None:
            totals[choice] += weight
    return totals


# --- recall --------------------------------------------------------------------------------


def recall_threshold(active_members: int, rules: AssemblyRules) -> int:
    """Signatures that open a recall vote: ``ceil(recall_percent × active members)``, at least 1."""
    return max(1, math.ceil(Fraction(max(0, active_members) * rules.recall_percent, 100)))


def count_signatures(signers: Collection[int], active: Collection[int]) -> int:
    """Signatures that count: one per person who is still an active member of the child."""
    return len(set(signers) & set(active))


def is_recall_reached(signatures: int, active_members: int, rules: AssemblyRules) -> bool:
    """True when the petition has enough signatures: open the recall vote."""
    return signatures >= recall_threshold(active_members, rules)


def _check_child_member(delegate: Delegate, actor: Membership | None) -> Membership:
    if actor is None or actor.assembly_id != delegate.child_id or not actor.is_active:
        raise Forbidden(N_("Only active members of the delegate's assembly can do this."))
    return actor


def check_open_petition(delegate: Delegate, actor: Membership | None) -> None:
    """Any active member of the child opens a petition (and signs it first); one at a time."""
    _check_child_member(delegate, actor)
    if delegate.state in {D.PETITIONED, D.RECALL_VOTE}:
        raise Conflict(N_("A recall of this delegate is already under way."))
    check_transition(delegate.state, D.PETITIONED)


def check_sign(delegate: Delegate, actor: Membership | None, signers: Collection[int]) -> None:
    """One signature per active member of the child, while the petition gathers them."""
    member = _check_child_member(delegate, actor)
    if delegate.state is not D.PETITIONED:
        raise Conflict(N_("There is no recall petition gathering signatures."))
    if member.person_id in signers:
        raise Conflict(N_("You have already signed this petition."))


def state_after_recall_vote(delegate: Delegate, passed: bool) -> DelegateState:
    """``RECALLED`` (vacate the seat at once) or ``CONFIRMED``, once the recall vote is counted."""
    target = D.RECALLED if passed else D.CONFIRMED
    check_transition(delegate.state, target)
    return target


def seats_after_recall() -> int:
    """A recall vacates one seat, and the election that follows fills that one seat."""
    return 1


def successor_term(recalled: Delegate, now: datetime) -> tuple[datetime, datetime]:
    """The person elected to a vacated seat serves the rest of the recalled delegate's term."""
    if recalled.state is not D.RECALLED:
        raise Conflict(N_("Only a recalled delegate's seat is filled by a by-election."))
    if now >= recalled.ends_at:
        raise Conflict(N_("The vacated term has already ended."))
    return now, recalled.ends_at
