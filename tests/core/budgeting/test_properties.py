"""Properties of the rules on random small budgets (hypothesis)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.budgeting import (
    BallotKind,
    Ballots,
    Completion,
    Reason,
    Rule,
    Utility,
    select,
)
from asamblea.core.budgeting.exact import ExactReplay
from asamblea.core.budgeting.table import build_table
from tests.core.budgeting.strategies import Election, elections

SETTINGS = [
    (Rule.GREEDY, Completion.NONE, False),
    (Rule.GREEDY_PER_COST, Completion.NONE, False),
    (Rule.EQUAL_SHARES, Completion.NONE, False),
    (Rule.EQUAL_SHARES, Completion.NONE, True),
    (Rule.EQUAL_SHARES, Completion.ADD1, False),
    (Rule.EQUAL_SHARES, Completion.ADD1_GREEDY, False),
]
setting = st.sampled_from(SETTINGS)
utilities = st.sampled_from(list(Utility))


def _run(
    election: Election, ballots: Ballots, chosen: tuple[Rule, Completion, bool], utility: Utility
):  # type: ignore[no-untyped-def]
    rule, completion, exhaustive = chosen
    return select(
        election.instance,
        ballots,
        rule=rule,
        completion=completion,
        exhaustive=exhaustive,
        utility=utility,
    )


@settings(max_examples=150, deadline=None)
@given(elections(), setting, utilities)
def test_never_over_budget_and_explains_every_project(
    election: Election, chosen: tuple[Rule, Completion, bool], utility: Utility
) -> None:
    outcome = _run(election, election.ballots(), chosen, utility)
    assert outcome.total_cost <= election.instance.budget
    assert outcome.total_cost == sum(
        p.cost for p in election.instance.projects if p.id in outcome.selected_set
    )
    assert len(set(outcome.selected)) == len(outcome.selected)
    assert [e.project for e in outcome.explanations] == list(election.instance.ids)
    for item in outcome.explanations:
        assert item.funded == (item.project in outcome.selected_set)


@settings(max_examples=100, deadline=None)
@given(elections(), setting, utilities)
def test_rules_are_deterministic(
    election: Election, chosen: tuple[Rule, Completion, bool], utility: Utility
) -> None:
    first = _run(election, election.ballots(), chosen, utility)
    second = _run(election, election.ballots(), chosen, utility)
    assert first == second


@settings(max_examples=150, deadline=None)
@given(elections(), st.randoms(use_true_random=False), st.sampled_from(list(Completion)), utilities)
def test_equal_shares_ignores_voter_labels(
    election: Election,
    random,
    completion: Completion,
    utility: Utility,  # type: ignore[no-untyped-def]
) -> None:
    voters = list(election.voters)
    random.shuffle(voters)
    shuffled = Ballots.merge(election.kind, len(election.instance.projects), voters)
    chosen = (Rule.EQUAL_SHARES, completion, False)
    assert (
        _run(election, shuffled, chosen, utility).selected
        == _run(election, election.ballots(), chosen, utility).selected
    )


@settings(max_examples=150, deadline=None)
@given(elections(), st.sampled_from(list(Completion)), utilities)
def test_equal_shares_never_funds_a_project_nobody_supports(
    election: Election, completion: Completion, utility: Utility
) -> None:
    outcome = _run(election, election.ballots(), (Rule.EQUAL_SHARES, completion, False), utility)
    if completion is Completion.ADD1_GREEDY:
        return  # the greedy completion may spend what is left on anything that fits
    support = election.ballots().supporters().tolist()
    for k, project in enumerate(election.instance.projects):
        if support[k] == 0:
            assert project.id not in outcome.selected_set
            assert outcome.explanation(project.id).reason is Reason.NO_SUPPORT


@settings(max_examples=100, deadline=None)
@given(elections(kinds=(BallotKind.APPROVAL, BallotKind.CUMULATIVE)))
def test_payments_cover_each_cost_exactly_enough(election: Election) -> None:
    """Every project bought by Equal Shares is paid in full by its supporters' shares."""
    outcome = select(election.instance, election.ballots(), rule=Rule.EQUAL_SHARES)
    for item in outcome.explanations:
        if item.reason is Reason.FUNDED_EQUAL_SHARES:
            paid = sum(group.total for group in item.payments)
            assert abs(paid - item.cost) <= 1e-6 * max(item.cost, 1)


def test_exact_replay_agrees_with_a_hand_computation() -> None:
    """Three voters with 100/3 céntimos each; budgets stay exact fractions."""
    from asamblea.core.budgeting import Instance, Project  # noqa: PLC0415

    instance = Instance(100, (Project("a", 50), Project("b", 50)))
    ballots = Ballots.merge(BallotKind.APPROVAL, 2, [{0: 1, 1: 1}, {0: 1}, {1: 1}])
    table = build_table(instance, ballots)
    replay = ExactReplay(table, Fraction(100, 3))
    assert replay.affordability(0, 0) == Fraction(50, 2)
    replay.push(0, None)
    assert replay.budget(0, 1) == Fraction(100, 3) - 25
    assert replay.available(1, 1) == Fraction(125, 3)  # < 50: b can no longer be bought
    assert replay.affordability(1, 1) is None
