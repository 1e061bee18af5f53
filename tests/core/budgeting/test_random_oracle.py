"""On random small budgets (many exact ties), every rule selects what exact pabutools selects."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.budgeting import BallotKind, Completion, Rule, Utility, select
from tests.core.budgeting.oracle import PointsTimesCostSat
from tests.core.budgeting.strategies import Election, elections

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from pabutools.election import (
        Additive_Cardinal_Sat,
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
        CumulativeBallot,
        CumulativeProfile,
        Instance,
        Project,
    )
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )


def _pabutools(election: Election) -> tuple[Any, Any]:
    projects = [Project(p.id, p.cost) for p in election.instance.projects]
    instance = Instance(projects, budget_limit=election.instance.budget)
    if election.kind is BallotKind.CUMULATIVE:
        profile: Any = CumulativeProfile(
            [
                CumulativeBallot({projects[k]: v for k, v in voter.items()})
                for voter in election.voters
            ],
            instance=instance,
        )
    else:
        profile = ApprovalProfile(
            [ApprovalBallot([projects[k] for k in voter]) for voter in election.voters],
            instance=instance,
        )
    return instance, profile


CASES = [
    (Rule.GREEDY, Completion.NONE, Utility.COST),
    (Rule.GREEDY_PER_COST, Completion.NONE, Utility.COST),
    (Rule.EQUAL_SHARES, Completion.NONE, Utility.COST),
    (Rule.EQUAL_SHARES, Completion.NONE, Utility.CARDINALITY),
    (Rule.EQUAL_SHARES, Completion.ADD1, Utility.COST),
    (Rule.EQUAL_SHARES, Completion.ADD1, Utility.CARDINALITY),
    (Rule.EQUAL_SHARES, Completion.ADD1_GREEDY, Utility.COST),
]


def _expected(election: Election, rule: Rule, completion: Completion, utility: Utility) -> set[str]:
    instance, profile = _pabutools(election)
    cumulative = election.kind is BallotKind.CUMULATIVE
    votes_sat = PointsTimesCostSat if cumulative else Cost_Sat
    count_sat = Additive_Cardinal_Sat if cumulative else Cardinality_Sat
    if rule is Rule.GREEDY:
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=votes_sat)
    elif rule is Rule.GREEDY_PER_COST:
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=count_sat)
    else:
        mes_sat = Cost_Sat if utility is Utility.COST and not cumulative else count_sat
        params: dict[str, Any] = {"sat_class": mes_sat}
        if completion is not Completion.NONE:
            params["voter_budget_increment"] = 100
        if completion is Completion.ADD1_GREEDY:
            outcome = completion_by_rule_combination(
                instance,
                profile,
                [method_of_equal_shares, greedy_utilitarian_welfare],
                [params, {"sat_class": votes_sat}],
            )
        else:
            outcome = method_of_equal_shares(instance, profile, **params)
    return {p.name for p in outcome}


@settings(max_examples=300, deadline=None)
@given(elections(), st.sampled_from(CASES))
def test_random_budgets_match_pabutools(
    election: Election, case: tuple[Rule, Completion, Utility]
) -> None:
    rule, completion, utility = case
    ours = select(
        election.instance,
        election.ballots(),
        rule=rule,
        completion=completion,
        utility=utility,
        increment=100,
    )
    assert set(ours.selected) == _expected(election, rule, completion, utility)
