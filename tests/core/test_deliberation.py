"""Deliberation rules: the proposal state machine, supports, arguments, amendments,
moderation, and escalation counts (hand-worked tables and properties)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asamblea.core import deliberation as d
from asamblea.core.deliberation import (
    Adoption,
    Amendment,
    Argument,
    Escalation,
    EscalationState,
    Mover,
    Proposal,
    ProposalKind,
    Side,
)
from asamblea.core.deliberation import (
    AmendmentState as A,
)
from asamblea.core.deliberation import (
    ProposalState as P,
)
from asamblea.core.errors import Conflict, DomainError, Forbidden, Invalid
from asamblea.core.federation import Membership, MembershipState, Role

AUTHOR, OTHER, FACIL = 1, 2, 3


def member(
    pid: int,
    role: Role = Role.MEMBER,
    assembly: int = 10,
    state: MembershipState = MembershipState.ACTIVE,
) -> Membership:
    return Membership(id=100 + pid, assembly_id=assembly, person_id=pid, state=state, role=role)


def proposal(state: P = P.OPEN, version: int = 1) -> Proposal:
    return Proposal(
        id=7,
        assembly_id=10,
        author_id=AUTHOR,
        kind=ProposalKind.DEMAND,
        title="Agua para el barrio",
        text="Exigimos agua potable.",
        state=state,
        version=version,
    )


def amendment(state: A = A.PROPOSED, base: int = 1, hidden: str | None = None) -> Amendment:
    return Amendment(
        id=5,
        proposal_id=7,
        author_id=OTHER,
        text="Exigimos agua potable las 24 horas.",
        base_version=base,
        state=state,
        hidden_reason=hidden,
    )


# --- the state machine ---------------------------------------------------------------------

ALLOWED = {
    (P.DRAFT, P.OPEN, Mover.AUTHOR),
    (P.DRAFT, P.WITHDRAWN, Mover.AUTHOR),
    (P.OPEN, P.DEBATE, Mover.SYSTEM),
    (P.OPEN, P.WITHDRAWN, Mover.AUTHOR),
    (P.DEBATE, P.VOTING, Mover.FACILITATOR),
    (P.DEBATE, P.WITHDRAWN, Mover.AUTHOR),
    (P.VOTING, P.ADOPTED, Mover.SYSTEM),
    (P.VOTING, P.REJECTED, Mover.SYSTEM),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(P, P)))
def test_transition_table(current: P, target: P) -> None:
    movers = {m for c, t, m in ALLOWED if (c, t) == (current, target)}
    if movers:
        assert d.check_transition(current, target) in movers
    else:
        with pytest.raises(Conflict):
            d.check_transition(current, target)


@given(st.sampled_from(sorted(d.TERMINAL)), st.sampled_from(list(P)))
def test_no_transition_out_of_a_terminal_state(current: P, target: P) -> None:
    with pytest.raises(Conflict):
        d.check_transition(current, target)


@given(st.lists(st.sampled_from(list(P)), max_size=30))
def test_random_walks_end_where_they_stop(targets: list[P]) -> None:
    state = P.DRAFT
    for target in targets:
        try:
            d.check_transition(state, target)
        except Conflict:
            continue
        assert state not in d.TERMINAL
        state = target
    # the walk only ever moves forward along the table
    assert state in {P.DRAFT, *(t for _, t in d.TRANSITIONS)}


def test_who_moves_a_proposal() -> None:
    d.check_publish(proposal(P.DRAFT), member(AUTHOR))
    with pytest.raises(Forbidden):
        d.check_publish(proposal(P.DRAFT), member(OTHER))
    with pytest.raises(Forbidden):  # an author who has been suspended
        d.check_publish(proposal(P.DRAFT), member(AUTHOR, state=MembershipState.SUSPENDED))
    for state in (P.DRAFT, P.OPEN, P.DEBATE):
        d.check_withdraw(proposal(state), member(AUTHOR))
    with pytest.raises(Conflict):  # too late once voting
        d.check_withdraw(proposal(P.VOTING), member(AUTHOR))
    with pytest.raises(Forbidden):
        d.check_withdraw(proposal(P.OPEN), member(FACIL, Role.FACILITATOR))
    d.check_start_voting(proposal(P.DEBATE), member(FACIL, Role.FACILITATOR), [])
    with pytest.raises(Forbidden):
        d.check_start_voting(proposal(P.DEBATE), member(AUTHOR), [])
    with pytest.raises(Forbidden):  # a facilitator of another assembly
        d.check_start_voting(proposal(P.DEBATE), member(FACIL, Role.FACILITATOR, 11), [])
    with pytest.raises(Conflict):
        d.check_start_voting(proposal(P.OPEN), member(FACIL, Role.FACILITATOR), [])
    with pytest.raises(Conflict):  # an amendment is still being voted
        d.check_start_voting(
            proposal(P.DEBATE), member(FACIL, Role.FACILITATOR), [amendment(A.VOTING)]
        )
    assert d.state_after_vote(proposal(P.VOTING), passed=True) is P.ADOPTED
    assert d.state_after_vote(proposal(P.VOTING), passed=False) is P.REJECTED
    with pytest.raises(Conflict):
        d.state_after_vote(proposal(P.DEBATE), passed=True)


def test_only_drafts_are_edited() -> None:
    d.check_edit_draft(proposal(P.DRAFT), member(AUTHOR))
    with pytest.raises(Conflict):
        d.check_edit_draft(proposal(P.OPEN), member(AUTHOR))
    assert d.clean_title("  Agua \n para   todos ") == "Agua para todos"
    with pytest.raises(Invalid):
        d.clean_title("ab")
    with pytest.raises(Invalid):
        d.clean_text("   ")


# --- supports ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "percent", "threshold"),
    [
        (0, 10, 0),  # nobody could support: publishing moves it to debate
        (1, 10, 0),  # only the author
        (2, 10, 1),
        (10, 10, 1),
        (11, 10, 2),  # ceil(1.1)
        (100, 10, 10),
        (101, 10, 11),
        (3, 50, 2),
        (5, 100, 4),  # everyone but the author
        (1000, 1, 10),
    ],
)
def test_support_threshold(active: int, percent: int, threshold: int) -> None:
    assert d.support_threshold(active, percent) == threshold
    assert d.is_supported_enough(threshold, active, percent)
    assert threshold == 0 or not d.is_supported_enough(threshold - 1, active, percent)


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(1, 100))
def test_support_threshold_is_monotone_and_bounded(a: int, b: int, percent: int) -> None:
    small, large = sorted((a, b))
    assert d.support_threshold(small, percent) <= d.support_threshold(large, percent)
    threshold = d.support_threshold(large, percent)
    assert threshold <= max(0, large - 1)
    assert large < 2 or threshold >= 1


def test_supports() -> None:
    d.check_support(proposal(), member(OTHER), supporters=set())
    with pytest.raises(Conflict):
        d.check_support(proposal(), member(AUTHOR), supporters=set())
    with pytest.raises(Conflict):
        d.check_support(proposal(), member(OTHER), supporters={OTHER})
    with pytest.raises(Conflict):  # counted only while open
        d.check_support(proposal(P.DEBATE), member(OTHER), supporters=set())
    with pytest.raises(Forbidden):
        d.check_support(proposal(), member(OTHER, assembly=11), supporters=set())
    d.check_unsupport(proposal(), member(OTHER), supporters={OTHER})
    with pytest.raises(Conflict):
        d.check_unsupport(proposal(), member(OTHER), supporters=set())
    assert d.count_supports([2, 2, 4, 5], active={2, 5, 9}) == 2
    with pytest.raises(Invalid):
        d.support_threshold(10, 0)


# --- arguments and moderation --------------------------------------------------------------


def argument(parent: int | None = None, hidden: str | None = None) -> Argument:
    side = Side.FOR if parent is None else None
    return Argument(40, 7, OTHER, side, "Porque sí.", parent_id=parent, hidden_reason=hidden)


@pytest.mark.parametrize(
    ("state", "side", "parent", "error"),
    [
        (P.OPEN, Side.FOR, None, None),
        (P.DEBATE, Side.AGAINST, None, None),
        (P.VOTING, Side.FOR, None, None),
        (P.DEBATE, None, argument(), None),  # a reply
        (P.DRAFT, Side.FOR, None, Conflict),
        (P.ADOPTED, Side.FOR, None, Conflict),
        (P.DEBATE, None, None, Invalid),  # a top-level argument takes a side
        (P.DEBATE, Side.FOR, argument(), Invalid),  # a reply does not
        (P.DEBATE, None, argument(parent=40), Conflict),  # no reply to a reply
        (P.DEBATE, None, argument(hidden="insultos"), Conflict),
    ],
)
def test_arguments(
    state: P, side: Side | None, parent: Argument | None, error: type[DomainError] | None
) -> None:
    if error is None:
        d.check_argue(proposal(state), member(OTHER), side, parent)
    else:
        with pytest.raises(error):
            d.check_argue(proposal(state), member(OTHER), side, parent)


def test_reply_to_another_proposal_is_refused() -> None:
    other = Argument(41, 8, OTHER, Side.FOR, "x")
    with pytest.raises(Invalid):
        d.check_argue(proposal(), member(OTHER), None, other)


def test_moderation_keeps_the_item_and_states_a_reason() -> None:
    facil = member(FACIL, Role.FACILITATOR)
    assert d.check_hide(facil, 10, hidden=False, reason="  insultos \n personales ") == (
        "insultos personales"
    )
    with pytest.raises(Invalid):
        d.check_hide(facil, 10, hidden=False, reason="  ")
    with pytest.raises(Forbidden):
        d.check_hide(member(OTHER), 10, hidden=False, reason="insultos")
    with pytest.raises(Conflict):
        d.check_hide(facil, 10, hidden=True, reason="insultos")
    assert d.visible_text("texto", None) == "texto"
    assert d.visible_text("texto", "insultos") is None


# --- amendments ----------------------------------------------------------------------------


def test_amendment_accepted_by_the_author_makes_a_new_version() -> None:
    text = d.check_propose_amendment(proposal(), member(OTHER), " Otro texto. ")
    assert text == "Otro texto."
    with pytest.raises(Conflict):
        d.check_propose_amendment(proposal(), member(AUTHOR), "Otro texto.")
    with pytest.raises(Invalid):
        d.check_propose_amendment(proposal(), member(OTHER), "Exigimos agua potable.")
    with pytest.raises(Conflict):
        d.check_propose_amendment(proposal(P.VOTING), member(OTHER), "Otro texto.")
    d.check_accept_amendment(proposal(), amendment(), member(AUTHOR))
    with pytest.raises(Forbidden):
        d.check_accept_amendment(proposal(), amendment(), member(OTHER))
    with pytest.raises(Conflict):  # made against an older text
        d.check_accept_amendment(proposal(version=2), amendment(base=1), member(AUTHOR))
    with pytest.raises(Conflict):
        d.check_accept_amendment(proposal(), amendment(hidden="spam"), member(AUTHOR))
    amended = d.accept_amendment(proposal(), amendment())
    assert (amended.text, amended.version) == (amendment().text, 2)


def test_declined_amendment_can_go_to_a_vote() -> None:
    facil = member(FACIL, Role.FACILITATOR)
    d.check_decline_amendment(proposal(), amendment(), member(AUTHOR))
    d.check_amendment_to_vote(proposal(), amendment(A.DECLINED), facil)
    d.check_amendment_to_vote(proposal(P.DEBATE), amendment(), facil)
    with pytest.raises(Forbidden):
        d.check_amendment_to_vote(proposal(), amendment(A.DECLINED), member(AUTHOR))
    with pytest.raises(Conflict):
        d.check_amendment_to_vote(proposal(), amendment(A.ACCEPTED), facil)
    with pytest.raises(Conflict):
        d.check_amendment_to_vote(proposal(), amendment(hidden="spam"), facil)
    assert d.amendment_vote_result(passed=True) is A.ADOPTED
    assert d.amendment_vote_result(passed=False) is A.REJECTED


@given(st.sampled_from(sorted(d.AMENDMENT_TERMINAL)), st.sampled_from(list(A)))
def test_no_amendment_leaves_a_terminal_state(current: A, target: A) -> None:
    with pytest.raises(Conflict):
        d.check_amendment_transition(current, target)


# --- escalation ----------------------------------------------------------------------------

CHILDREN = (21, 22, 23, 24)
MEMBERS = {21: 40, 22: 15, 23: 100, 24: 7, 99: 1000}


@pytest.mark.parametrize(
    ("adoptions", "adopters", "members", "reached"),
    [
        ([Adoption(21)], (21,), 40, False),
        ([Adoption(21), Adoption(22)], (21, 22), 55, True),  # 2 of 4 reach a half
        ([Adoption(21), Adoption(21), Adoption(21)], (21,), 40, False),  # counted once
        ([Adoption(21), Adoption(99)], (21,), 40, False),  # 99 is not a child
        ([Adoption(21), Adoption(22), Adoption(22, withdrawn=True)], (21,), 40, False),
        ([Adoption(22, withdrawn=True), Adoption(22)], (22,), 15, False),  # adopted again
        ([Adoption(a) for a in CHILDREN], CHILDREN, 162, True),
    ],
)
def test_escalation_status(
    adoptions: list[Adoption], adopters: tuple[int, ...], members: int, reached: bool
) -> None:
    status = d.escalation_status(adoptions, CHILDREN, MEMBERS, Fraction(1, 2))
    assert (status.adopters, status.members, status.reached) == (adopters, members, reached)
    assert (status.assemblies, status.children, status.needed) == (len(adopters), 4, 2)


@pytest.mark.parametrize(
    ("children", "share", "needed"),
    [(4, Fraction(1, 2), 2), (5, Fraction(1, 2), 3), (3, Fraction(1, 3), 1), (1, Fraction(1), 1)],
)
def test_escalation_needed(children: int, share: Fraction, needed: int) -> None:
    assert d.escalation_status([], range(children), {}, share).needed == needed
    with pytest.raises(Invalid):
        d.escalation_status([], range(children), {}, Fraction(0))


adoption_lists = st.lists(st.builds(Adoption, st.integers(1, 12), st.booleans()), max_size=40)


@given(adoption_lists, st.sets(st.integers(1, 10), max_size=8), st.fractions(0, 1))
def test_escalation_never_double_counts(
    adoptions: list[Adoption], children: set[int], share: Fraction
) -> None:
    share = share or Fraction(1, 3)
    members = {a: 10 * a for a in range(1, 13)}
    status = d.escalation_status(adoptions, children, members, share)
    standing = {
        a
        for a in children
        if [x.withdrawn for x in adoptions if x.assembly_id == a][-1:] == [False]
    }
    assert set(status.adopters) == standing
    assert len(status.adopters) == len(set(status.adopters)) <= len(children)
    assert status.members == sum(members[a] for a in standing)
    assert status.reached == (bool(children) and len(standing) >= status.needed)
    doubled = [x for a in adoptions for x in (a, a)]  # recording twice changes nothing
    assert d.escalation_status(doubled, children, members, share) == status


@given(adoption_lists, st.sets(st.integers(1, 10), max_size=8), st.integers(1, 12))
def test_adopting_never_lowers_and_withdrawing_never_raises(
    adoptions: list[Adoption], children: set[int], extra: int
) -> None:
    before = d.escalation_status(adoptions, children, {}, Fraction(1, 2)).assemblies
    adopted = d.escalation_status([*adoptions, Adoption(extra)], children, {}, Fraction(1, 2))
    withdrawn = d.escalation_status(
        [*adoptions, Adoption(extra, withdrawn=True)], children, {}, Fraction(1, 2)
    )
    assert before <= adopted.assemblies <= before + 1
    assert before - 1 <= withdrawn.assemblies <= before
    assert extra not in withdrawn.adopters


def test_escalation_permissions_and_agenda() -> None:
    facil = member(FACIL, Role.FACILITATOR)
    d.check_escalate(proposal(P.ADOPTED), 20, facil, already=False)
    with pytest.raises(Conflict):
        d.check_escalate(proposal(P.DEBATE), 20, facil, already=False)
    with pytest.raises(Conflict):
        d.check_escalate(proposal(P.ADOPTED), None, facil, already=False)
    with pytest.raises(Conflict):
        d.check_escalate(proposal(P.ADOPTED), 20, facil, already=True)
    with pytest.raises(Forbidden):
        d.check_escalate(proposal(P.ADOPTED), 20, member(AUTHOR), already=False)
    esc = Escalation(1, 7, from_assembly_id=10, parent_id=20)
    sibling = member(FACIL, Role.FACILITATOR, assembly=11)
    d.check_adopt_escalation(esc, 20, sibling, adopters={10})
    with pytest.raises(Forbidden):  # a child of another parent
        d.check_adopt_escalation(esc, 30, sibling, adopters={10})
    with pytest.raises(Conflict):
        d.check_adopt_escalation(esc, 20, sibling, adopters={10, 11})
    with pytest.raises(Forbidden):
        d.check_adopt_escalation(esc, 20, member(OTHER, assembly=11), adopters={10})
    d.check_withdraw_adoption(sibling, adopters={10, 11})
    with pytest.raises(Conflict):
        d.check_withdraw_adoption(sibling, adopters={10})
    reached = d.escalation_status([Adoption(10), Adoption(11)], {10, 11, 12}, {}, Fraction(1, 2))
    assert d.enters_agenda(esc, reached)
    on_agenda = Escalation(1, 7, 10, 20, EscalationState.ON_AGENDA)
    assert not d.enters_agenda(on_agenda, reached)  # only once
    half = Fraction(1, 2)
    assert not d.enters_agenda(esc, d.escalation_status([Adoption(10)], {10, 11, 12}, {}, half))
