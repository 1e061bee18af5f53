"""The public entry points: run a rule on an instance and its ballots, explain every project."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

from asamblea.core.budgeting.completion import add1_search
from asamblea.core.budgeting.equal_shares import RunResult, equal_shares_run
from asamblea.core.budgeting.explanation import (
    Completion,
    Outcome,
    ProjectExplanation,
    Reading,
    Reason,
    Rule,
    Utility,
)
from asamblea.core.budgeting.greedy import GreedyPass, greedy_fill, greedy_order
from asamblea.core.budgeting.instance import BallotKind, Ballots, Instance
from asamblea.core.budgeting.positional import Scoring, counted
from asamblea.core.budgeting.table import Table, build_table
from asamblea.core.errors import Invalid

SOL = 100
"""One sol in céntimos: the default add1 increment (one currency unit per voter)."""


def greedy(
    instance: Instance,
    ballots: Ballots,
    *,
    per_cost: bool = False,
    tie_order: Sequence[str] | None = None,
    scoring: Scoring | None = None,
) -> Outcome:
    """Greedy by votes (or by votes per sol when ``per_cost``), skipping what does not fit.

    Ranked ballots are counted by ``scoring`` (greedy by points, e.g. 3-2-1), or as approvals
    when it is None (the outcome's ``reading`` says so).
    """
    ballots, reading = counted(ballots, scoring)
    table = build_table(instance, ballots, tie_order)
    done = greedy_fill(table, greedy_order(table, per_cost=per_cost), [])
    explanations = tuple(
        _explain_greedy(table, p, done, Reason.FUNDED_GREEDY) for p in range(table.num_projects)
    )
    return _outcome(
        table,
        Rule.GREEDY_PER_COST if per_cost else Rule.GREEDY,
        Completion.NONE,
        exhaustive=True,
        chosen=done.added,
        explanations=explanations,
        reading=(reading, scoring),
    )


def equal_shares(
    instance: Instance,
    ballots: Ballots,
    *,
    completion: Completion = Completion.NONE,
    exhaustive: bool = False,
    increment: int = SOL,
    utility: Utility = Utility.COST,
    tie_order: Sequence[str] | None = None,
    scoring: Scoring | None = None,
) -> Outcome:
    """The Method of Equal Shares, with optional add1 and greedy completion.

    ``utility`` says what a supporter gets from a project: its cost (the default, as
    equalshares.net and the cities using it) or one per approval (points for cumulative ballots,
    which always use points).

    ``completion=ADD1`` raises every voter's share by ``increment`` céntimos until the outcome is
    exhaustive (or would overspend); ``ADD1_GREEDY`` then fills what is left greedily by votes.
    ``exhaustive=True`` adds that greedy fill after any completion, so that no further project
    fits in the budget left. Ranked ballots are scored by ``scoring`` (points per rank as the
    utilities, pabutools' positional satisfaction) or read as approvals when it is None.
    """
    ballots, reading = counted(ballots, scoring)
    if ballots.kind is BallotKind.CUMULATIVE and utility is Utility.COST:
        utility = Utility.CARDINALITY
    by_cost = utility is Utility.COST
    if increment <= 0:
        raise Invalid("The add1 increment must be positive.")
    table = build_table(instance, ballots, tie_order)
    if table.num_voters == 0:
        share, steps = Fraction(0), 0
    elif completion is Completion.NONE:
        share, steps = Fraction(table.budget, table.num_voters), 0
    else:
        found = add1_search(table, increment, cost_utility=by_cost)
        share, steps = found.initial, found.steps
    run = (
        equal_shares_run(table, share, record=True, cost_utility=by_cost)
        if table.num_voters
        else None
    )
    chosen = run.selected if run is not None else []
    fill: GreedyPass | None = None
    if exhaustive or completion is Completion.ADD1_GREEDY:
        fill = greedy_fill(table, greedy_order(table, per_cost=False), chosen)
        chosen = chosen + fill.added
    explanations = tuple(_explain_mes(table, p, run, fill) for p in range(table.num_projects))
    return _outcome(
        table,
        Rule.EQUAL_SHARES,
        completion,
        exhaustive=exhaustive,
        chosen=chosen,
        explanations=explanations,
        share=share if table.num_voters else None,
        steps=steps,
        utility=utility,
        reading=(reading, scoring),
    )


def select(
    instance: Instance,
    ballots: Ballots,
    *,
    rule: Rule,
    completion: Completion = Completion.NONE,
    exhaustive: bool = False,
    increment: int = SOL,
    utility: Utility = Utility.COST,
    tie_order: Sequence[str] | None = None,
    scoring: Scoring | None = None,
) -> Outcome:
    """Run the named rule (completion and exhaustiveness apply to Equal Shares only)."""
    if rule is Rule.EQUAL_SHARES:
        return equal_shares(
            instance,
            ballots,
            completion=completion,
            exhaustive=exhaustive,
            increment=increment,
            utility=utility,
            tie_order=tie_order,
            scoring=scoring,
        )
    return greedy(
        instance,
        ballots,
        per_cost=rule is Rule.GREEDY_PER_COST,
        tie_order=tie_order,
        scoring=scoring,
    )


def _outcome(
    table: Table,
    rule: Rule,
    completion: Completion,
    *,
    exhaustive: bool,
    chosen: Sequence[int],
    explanations: tuple[ProjectExplanation, ...],
    share: Fraction | None = None,
    steps: int = 0,
    utility: Utility | None = None,
    reading: tuple[Reading, Scoring | None] = (Reading.AS_CAST, None),
) -> Outcome:
    how, scoring = reading
    return Outcome(
        rule=rule,
        completion=completion,
        exhaustive=exhaustive,
        budget=table.budget,
        selected=tuple(table.ids[p] for p in chosen),
        total_cost=sum(int(table.costs[p]) for p in chosen),
        explanations=explanations,
        voter_budget=share,
        budget_steps=steps,
        utility=utility,
        reading=how,
        scoring=None if scoring is None else scoring.label,
    )


def _base(table: Table, project: int, funded: bool, reason: Reason) -> ProjectExplanation:
    return ProjectExplanation(
        project=table.ids[project],
        cost=int(table.costs[project]),
        funded=funded,
        reason=reason,
        support=int(table.support[project]),
        supporters=int(table.supporters[project]),
    )


def _explain_greedy(
    table: Table, project: int, done: GreedyPass, funded_reason: Reason
) -> ProjectExplanation:
    funded = project in done.added
    base = _base(table, project, funded, funded_reason if funded else Reason.OVER_BUDGET)
    return replace(base, round=done.turn.get(project), remaining=done.left_at_turn.get(project))


def _explain_mes(
    table: Table, project: int, run: RunResult | None, fill: GreedyPass | None
) -> ProjectExplanation:
    if run is not None and project in run.free:
        return _base(table, project, True, Reason.FUNDED_FREE)
    if run is not None and project in run.payments:
        return replace(
            _base(table, project, True, Reason.FUNDED_EQUAL_SHARES),
            round=run.bought.index(project) + 1,
            payments=run.payments[project],
        )
    short = run.short.get(project) if run is not None else None
    if fill is not None:
        return replace(
            _explain_greedy(table, project, fill, Reason.FUNDED_COMPLETION),
            available=None if short is None else short[1],
        )
    if int(table.support[project]) == 0:
        return _base(table, project, False, Reason.NO_SUPPORT)
    if int(table.costs[project]) == 0:
        return _base(table, project, False, Reason.FREE_NO_UTILITY)
    return replace(
        _base(table, project, False, Reason.SHARES_SHORT),
        round=None if short is None else short[0],
        available=None if short is None else short[1],
    )
