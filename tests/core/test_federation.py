"""Federation rules: parents and cycles, the membership state machine, vouching, suspension."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from asamblea.core import federation as f
from asamblea.core.errors import Conflict, Forbidden, Invalid
from asamblea.core.federation import AssemblyKind as K
from asamblea.core.federation import AssemblyRules, Membership, MembershipState, Role, WeightRule

S = MembershipState


def member(
    pid: int, state: S = S.ACTIVE, role: Role = Role.MEMBER, assembly: int = 1
) -> Membership:
    return Membership(id=100 + pid, assembly_id=assembly, person_id=pid, state=state, role=role)


@pytest.mark.parametrize(
    ("child", "parent", "ok"),
    [
        (K.UNION, K.DISTRICT, True),
        (K.PEASANT_COMMUNITY, K.REGION, True),
        (K.STUDENT, K.NATIONAL, True),
        (K.DISTRICT, K.PROVINCE, True),
        (K.PROVINCE, K.REGION, True),
        (K.REGION, K.NATIONAL, True),
        (K.UNION, None, True),
        (K.NATIONAL, None, True),
        (K.UNION, K.WORKPLACE, False),  # base assemblies hold people, not assemblies
        (K.DISTRICT, K.NEIGHBOURHOOD, False),
        (K.REGION, K.DISTRICT, False),  # a parent stands higher
        (K.DISTRICT, K.DISTRICT, False),
        (K.NATIONAL, K.NATIONAL, False),
    ],
)
def test_parent_kinds(child: K, parent: K | None, ok: bool) -> None:
    if ok:
        f.check_parent(child, parent)
    else:
        with pytest.raises(Invalid):
            f.check_parent(child, parent)


def test_cycles_are_refused() -> None:
    parents = {1: None, 2: 1, 3: 2, 4: 3}
    with pytest.raises(Invalid):
        f.check_no_cycle(2, 4, parents)  # 4 is below 2
    with pytest.raises(Invalid):
        f.check_no_cycle(3, 3, parents)  # itself
    f.check_no_cycle(4, 1, parents)  # moving a leaf up is fine
    f.check_no_cycle(5, 4, parents)  # a new assembly cannot close a cycle


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30), st.data())
def test_accepted_reparenting_never_makes_a_cycle(
    raw_parents: list[int], data: st.DataObject
) -> None:
    # a random forest: node i's parent is some earlier node (or none)
    parents: dict[int, int | None] = {
        i: (raw_parents[i] % i if i and raw_parents[i] % 3 else None)
        for i in range(len(raw_parents))
    }
    node = data.draw(st.sampled_from(sorted(parents)))
    new_parent = data.draw(st.sampled_from([None, *sorted(parents)]))
    try:
        f.check_no_cycle(node, new_parent, parents)
    except Invalid:
        assert new_parent == node or node in [*f.ancestors(new_parent, parents), new_parent]
        return
    parents[node] = new_parent
    for start in parents:  # walking up from anywhere ends at a root
        seen, current = set(), start
        while current is not None:
            assert current not in seen
            seen.add(current)
            current = parents[current]


def test_ancestors_from_root_down() -> None:
    assert f.ancestors(4, {1: None, 2: 1, 3: 2, 4: 3}) == [1, 2, 3]
    assert f.ancestors(1, {1: None}) == []


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        (S.PENDING, S.ACTIVE, True),
        (S.PENDING, S.LEFT, True),
        (S.ACTIVE, S.SUSPENDED, True),
        (S.SUSPENDED, S.ACTIVE, True),
        (S.ACTIVE, S.LEFT, True),
        (S.LEFT, S.PENDING, True),
        (S.PENDING, S.SUSPENDED, False),
        (S.LEFT, S.ACTIVE, False),
        (S.SUSPENDED, S.PENDING, False),
        (S.ACTIVE, S.PENDING, False),
    ],
)
def test_membership_transitions(current: S, target: S, ok: bool) -> None:
    if ok:
        f.check_transition(current, target)
    else:
        with pytest.raises(Conflict):
            f.check_transition(current, target)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_transition_table_is_the_only_way(current: S, target: S) -> None:
    allowed = target in f.TRANSITIONS[current]
    try:
        f.check_transition(current, target)
    except Conflict:
        assert not allowed
    else:
        assert allowed


@pytest.mark.parametrize(
    ("needed", "active", "vouches", "enough"),
    [
        (2, 10, 1, False),
        (2, 10, 2, True),
        (3, 10, 2, False),
        (3, 2, 2, True),
        (2, 1, 1, True),
        (1, 5, 1, True),
    ],
)
def test_vouching_threshold(needed: int, active: int, vouches: int, enough: bool) -> None:
    rules = AssemblyRules(vouches_needed=needed)
    assert f.is_vouched_enough(vouches, rules, active) is enough


@given(st.integers(1, 20), st.integers(0, 500), st.integers(0, 40))
def test_vouching_is_monotone_and_capped(needed: int, active: int, vouches: int) -> None:
    rules = AssemblyRules(vouches_needed=needed)
    required = f.vouches_required(rules, active)
    assert 1 <= required <= needed
    assert f.is_vouched_enough(vouches, rules, active) == (vouches >= required)
    if f.is_vouched_enough(vouches, rules, active):
        assert f.is_vouched_enough(vouches + 1, rules, active)


def test_who_may_vouch() -> None:
    target = member(1, S.PENDING)
    f.check_vouch(target, member(2), set())
    with pytest.raises(Forbidden):
        f.check_vouch(target, None, set())  # not a member
    with pytest.raises(Forbidden):
        f.check_vouch(target, member(2, S.PENDING), set())  # pending members do not vouch
    with pytest.raises(Forbidden):
        f.check_vouch(target, member(2, S.SUSPENDED), set())
    with pytest.raises(Forbidden):
        f.check_vouch(target, member(2, assembly=9), set())  # another assembly's member
    with pytest.raises(Forbidden):
        f.check_vouch(target, member(1), set())  # oneself (as active elsewhere in same id)
    with pytest.raises(Conflict):
        f.check_vouch(target, member(2), {2})  # twice
    with pytest.raises(Conflict):
        f.check_vouch(member(1, S.ACTIVE), member(2), set())  # already active


def test_suspension_rules() -> None:
    facilitator = member(1, role=Role.FACILITATOR)
    f.check_suspend(facilitator, member(2), facilitators=1)
    with pytest.raises(Forbidden):
        f.check_suspend(member(3), member(2), facilitators=1)  # a plain member cannot
    with pytest.raises(Forbidden):
        f.check_suspend(member(1, S.SUSPENDED, Role.FACILITATOR), member(2), facilitators=1)
    with pytest.raises(Forbidden):
        f.check_suspend(facilitator, facilitator, facilitators=2)  # not oneself
    with pytest.raises(Conflict):
        f.check_suspend(facilitator, member(2, S.PENDING), facilitators=1)
    with pytest.raises(Conflict):
        f.check_suspend(facilitator, member(2, role=Role.FACILITATOR), facilitators=1)
    f.check_suspend(facilitator, member(2, role=Role.FACILITATOR), facilitators=2)
    f.check_reinstate(facilitator, member(2, S.SUSPENDED))
    with pytest.raises(Conflict):
        f.check_reinstate(facilitator, member(2))


def test_leaving_and_facilitators() -> None:
    last = member(1, role=Role.FACILITATOR)
    with pytest.raises(Conflict):
        f.check_leave(last, facilitators=1, active_members=5)
    f.check_leave(last, facilitators=1, active_members=1)  # alone: may close the door
    f.check_leave(last, facilitators=2, active_members=5)
    f.check_leave(member(2, S.PENDING), facilitators=1, active_members=5)
    with pytest.raises(Conflict):
        f.check_leave(member(2, S.LEFT), facilitators=1, active_members=5)
    f.check_make_facilitator(last, member(2))
    with pytest.raises(Conflict):
        f.check_make_facilitator(last, member(2, S.PENDING))


def test_joining() -> None:
    f.can_request_to_join(K.UNION, None)
    f.can_request_to_join(K.UNION, member(1, S.LEFT))
    with pytest.raises(Invalid):
        f.can_request_to_join(K.REGION, None)
    for state in (S.PENDING, S.ACTIVE, S.SUSPENDED):
        with pytest.raises(Conflict):
            f.can_request_to_join(K.UNION, member(1, state))


@pytest.mark.parametrize(
    ("active", "ratio", "seats"),
    [(0, 50, 1), (49, 50, 1), (50, 50, 1), (100, 50, 2), (149, 50, 2), (7, 1, 7)],
)
def test_delegate_seats(active: int, ratio: int, seats: int) -> None:
    assert f.delegate_seats(active, AssemblyRules(delegate_ratio=ratio)) == seats


@pytest.mark.parametrize(
    ("roll", "percent", "needed"), [(10, 50, 5), (11, 50, 6), (3, 67, 3), (0, 50, 0)]
)
def test_quorum(roll: int, percent: int, needed: int) -> None:
    assert f.quorum(roll, AssemblyRules(quorum_percent=percent)) == needed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"vouches_needed": 0},
        {"vouches_needed": 21},
        {"quorum_percent": 0},
        {"quorum_percent": 101},
        {"delegate_ratio": 0},
        {"recall_percent": 0},
        {"recall_percent": 101},
        {"support_percent": 0},
        {"support_percent": 101},
        {"escalation_percent": 0},
        {"escalation_percent": 101},
        {"delegate_weight": "one_each"},  # a plain string is not a weight rule
    ],
)
def test_rules_refuse_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(Invalid):
        AssemblyRules(**kwargs)  # type: ignore[arg-type]


def test_the_defaults_a_new_assembly_starts_from() -> None:
    rules = AssemblyRules()
    assert (rules.support_percent, rules.escalation_percent, rules.delegate_weight) == (
        10,
        50,
        WeightRule.ONE_EACH,
    )
    assert rules.escalation_share == Fraction(1, 2)
    assert AssemblyRules(escalation_percent=60).escalation_share == Fraction(3, 5)


rule_sets = st.builds(
    AssemblyRules,
    vouches_needed=st.integers(1, 20),
    quorum_percent=st.integers(1, 100),
    delegate_ratio=st.integers(1, 100_000),
    recall_percent=st.integers(1, 100),
    support_percent=st.integers(1, 100),
    escalation_percent=st.integers(1, 100),
    delegate_weight=st.sampled_from(WeightRule),
)


@given(rule_sets, rule_sets)
def test_rules_survive_the_audit_log(rules: AssemblyRules, fallback: AssemblyRules) -> None:
    """What the audit log keeps of the rules reads back as the same rules."""
    assert f.rules_from_dict(f.rules_to_dict(rules), fallback) == rules


def test_malformed_rules_in_the_log_keep_the_fallback() -> None:
    fallback = AssemblyRules(support_percent=30, delegate_weight=WeightRule.MEMBERS_REPRESENTED)
    read = f.rules_from_dict(
        {"support_percent": "40", "quorum_percent": True, "delegate_weight": "by_lot"}, fallback
    )
    assert read == fallback


def test_only_a_facilitator_proposes_new_rules() -> None:
    f.check_change_rules(member(1, role=Role.FACILITATOR), 1)
    for actor in (
        None,
        member(1),
        member(1, S.SUSPENDED, Role.FACILITATOR),
        member(1, role=Role.FACILITATOR, assembly=2),
        member(1, role=Role.DELEGATE),
    ):
        with pytest.raises(Forbidden):
            f.check_change_rules(actor, 1)


def test_new_rules_go_to_the_members_one_change_at_a_time() -> None:
    now = AssemblyRules()
    f.check_propose_rules(now, AssemblyRules(quorum_percent=60), pending=False)
    with pytest.raises(Conflict):
        f.check_propose_rules(now, AssemblyRules(quorum_percent=60), pending=True)
    with pytest.raises(Invalid):
        f.check_propose_rules(now, AssemblyRules(), pending=False)
    assert f.state_after_rules_vote(True) is f.RulesChangeState.ADOPTED
    assert f.state_after_rules_vote(False) is f.RulesChangeState.REJECTED


def test_the_question_names_every_rule_that_changes() -> None:
    before = AssemblyRules()
    after = AssemblyRules(recall_percent=100, delegate_weight=WeightRule.MEMBERS_REPRESENTED)
    assert f.changed_rules(before, after) == {
        "recall_percent": (20, 100),
        "delegate_weight": ("one_each", "members_represented"),
    }
    assert f.rules_question(before, after) == (
        "¿Cambiamos las reglas de la asamblea? firmas para revocatoria 20 % → 100 %; "
        "peso de delegados/as uno cada uno → miembros representados"
    )


RULE_VALUES = st.builds(
    AssemblyRules,
    vouches_needed=st.integers(1, 20),
    quorum_percent=st.integers(1, 100),
    delegate_ratio=st.integers(1, 100_000),
    recall_percent=st.integers(1, 100),
    support_percent=st.integers(1, 100),
    escalation_percent=st.integers(1, 100),
    delegate_weight=st.sampled_from(list(WeightRule)),
)


@given(RULE_VALUES, RULE_VALUES)
@example(  # the longest: every rule changes, each between its widest values
    AssemblyRules(20, 100, 100_000, 100, 100, 100, WeightRule.MEMBERS_REPRESENTED),
    AssemblyRules(19, 99, 99_999, 99, 99, 99, WeightRule.ONE_EACH),
)
def test_every_question_fits_a_vote(before: AssemblyRules, after: AssemblyRules) -> None:
    question = f.rules_question(before, after)
    assert len(question) <= 300  # a vote's question is at most 300 characters
    assert question.count("→") == len(f.changed_rules(before, after))
