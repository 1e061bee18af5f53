"""pabutools as a test oracle: the same rule settings as ours, on the same file.

Our ballots are merged before pabutools sees them (`as_multiprofile`), which pabutools supports
and which changes nothing in its outcomes (MES gives each distinct ballot its multiplicity).
Ordinal files are handed over as approval of the ranked projects, as our rules read them.

For the greedy rules on the largest files, pabutools' greedy (which re-sums the welfare of every
voter for every candidate in every step) gets an *unbundled* approval profile: each approval
becomes a one-project ballot. The utilitarian welfare of every set of projects is unchanged
(it is additive: votes × cost, or votes), so pabutools' greedy outcome is by definition the same.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from asamblea.core.budgeting import Completion, Rule, Utility

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import pabutools.fractions as pb_fractions
    from pabutools.election import (
        Additive_Cardinal_Sat,
        AdditiveSatisfaction,
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
        parse_pabulib,
    )
    from pabutools.election.profile import CumulativeProfile, OrdinalProfile
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares


def _points_times_cost(_inst: Any, _prof: Any, ballot: Any, project: Any, _pre: Any) -> Any:
    return ballot.get(project, 0) * project.cost


class PointsTimesCostSat(AdditiveSatisfaction):  # type: ignore[misc]
    """Greedy by points for cumulative ballots: marginal welfare per cost = points."""

    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_times_cost)


def unbundled(instance: Any, profile: Any) -> Any:
    """One single-project ballot per approval (same additive welfare for every allocation)."""
    from pabutools.election import ApprovalMultiProfile  # noqa: PLC0415

    single = ApprovalMultiProfile(instance=instance)
    for ballot, count in profile.items():
        for project in ballot:
            key = ApprovalBallot([project]).frozen()
            single[key] = single.get(key, 0) + count
    return single


@functools.lru_cache(maxsize=1)
def load(path: Path) -> tuple[Any, Any, bool]:
    """pabutools' instance and merged profile for a file, and whether ballots are cumulative."""
    instance, profile = parse_pabulib(str(path))
    if isinstance(profile, OrdinalProfile):
        profile = ApprovalProfile([ApprovalBallot(b) for b in profile], instance=instance)
    cumulative = isinstance(profile, CumulativeProfile)
    return instance, profile.as_multiprofile(), cumulative


@contextlib.contextmanager
def float_arithmetic(enabled: bool) -> Iterator[None]:
    """Switch pabutools to float arithmetic for the block (it is a module-level setting)."""
    previous = pb_fractions.FRACTION
    pb_fractions.FRACTION = pb_fractions.FLOAT_FRAC if enabled else pb_fractions.GMPY_FRAC
    try:
        yield
    finally:
        pb_fractions.FRACTION = previous


def pabutools_selection(
    path: Path,
    rule: Rule,
    completion: Completion = Completion.NONE,
    *,
    utility: Utility = Utility.COST,
    increment_units: int = 1,
    floats: bool = False,
    unbundle: bool = False,
) -> frozenset[str]:
    """What pabutools selects on ``path`` with the settings matching ours."""
    instance, profile, cumulative = load(path)
    if unbundle and rule is not Rule.EQUAL_SHARES and not cumulative:
        profile = unbundled(instance, profile)
    votes_sat = PointsTimesCostSat if cumulative else Cost_Sat
    per_cost_sat = Additive_Cardinal_Sat if cumulative else Cardinality_Sat
    with float_arithmetic(floats):
        if rule is Rule.GREEDY:
            outcome = greedy_utilitarian_welfare(instance, profile, sat_class=votes_sat)
        elif rule is Rule.GREEDY_PER_COST:
            outcome = greedy_utilitarian_welfare(instance, profile, sat_class=per_cost_sat)
        else:
            mes_sat = per_cost_sat if cumulative or utility is Utility.CARDINALITY else Cost_Sat
            params: dict[str, Any] = {"sat_class": mes_sat}
            if completion is not Completion.NONE:
                params["voter_budget_increment"] = increment_units
            key = (path, mes_sat, increment_units if completion is not Completion.NONE else None)
            outcome = _MES_CACHE.get(key)
            if outcome is None:
                outcome = _MES_CACHE[key] = method_of_equal_shares(instance, profile, **params)
            if completion is Completion.ADD1_GREEDY and not instance.is_exhaustive(outcome):
                # what completion_by_rule_combination does after its first rule, reusing it
                outcome = greedy_utilitarian_welfare(
                    instance, profile, sat_class=votes_sat, initial_budget_allocation=outcome
                )
    return frozenset(p.name for p in outcome)


_MES_CACHE: dict[tuple[Path, Any, int | None], Any] = {}
