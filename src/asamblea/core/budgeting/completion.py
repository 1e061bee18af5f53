"""The add1 completion: raise every voter's share until Equal Shares spends the budget.

As in Wieliczka, Łódź and Świecie (and pabutools' ``voter_budget_increment``): run Equal Shares
with the budget divided equally; while the outcome is not exhaustive (some supported project
outside it still fits in the budget left), add ``increment`` céntimos to every voter's share and
run again. Stop at the first exhaustive outcome, or keep the previous outcome when a run would go
over the real budget.

The lever for speed: a run is abandoned as soon as what it bought passes the real budget — its
outcome can no longer become feasible, so the search has its answer (the previous outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from asamblea.core.budgeting.equal_shares import Chain, RunResult, candidates, equal_shares_run
from asamblea.core.budgeting.table import IntArray, Table
from asamblea.core.errors import Invalid


@dataclass(frozen=True)
class Add1Result:
    """The per-voter share that was kept and how many increments it took."""

    initial: Fraction
    steps: int


MAX_STEPS = 100_000
"""Refuse an add1 search longer than this (a far too small increment for the costs)."""


def add1_search(
    table: Table,
    increment: int,
    *,
    cost_utility: bool = False,
    exact: bool = False,
    resume: bool = True,
) -> Add1Result:
    """Find the per-voter share whose Equal Shares outcome add1 keeps (``exact``: reference).

    With ``resume`` each run replays the leading rounds of the previous ones that are proven to
    be decided the same way at its share (`equal_shares.Chain`); without it every run starts
    from scratch (the reference the tests compare with).
    """
    if increment <= 0:
        raise Invalid("The add1 increment must be positive.")
    share = Fraction(table.budget, table.num_voters)
    pool, _ = candidates(table, cost_utility=cost_utility)
    steps = 0
    previous: Fraction | None = None
    chain = Chain() if resume and not exact else None
    while True:
        run = equal_shares_run(
            table, share, limit=table.budget, cost_utility=cost_utility, exact=exact, chain=chain
        )
        if run.infeasible:
            if previous is None:  # cannot happen: equal shares never overspends its own budget
                return Add1Result(share, steps)
            return Add1Result(previous, steps - 1)
        if not run.open and _is_exhaustive(table, run, pool):
            return Add1Result(share, steps)
        previous = share
        share += increment
        steps += 1
        if steps > MAX_STEPS:
            raise Invalid(
                "add1 needs more than {steps} increments: use a larger one.", steps=MAX_STEPS
            )


def _is_exhaustive(table: Table, run: RunResult, pool: IntArray) -> bool:
    return table.is_exhaustive(run.selected, pool)
