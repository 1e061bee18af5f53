"""add1 against pabutools on the two largest instances, without running pabutools' add1.

pabutools needs ~12–20 s per Equal Shares run on Budapest 2024 and Warszawa 2026 (in floats), and
its add1 runs Equal Shares once per increment (hundreds to tens of thousands of times), so
test_oracle_pabutools.py leaves add1 out there. What add1 returns is pinned down by two facts
about the per-voter share ``s`` it ends at (see `asamblea.core.budgeting.completion`: it keeps
raising every share by one currency unit until the outcome is exhaustive, or keeps the previous
outcome when the next one would cost more than the real budget). With ``n`` voters:

(a) Equal Shares with ``s`` per voter — pabutools' plain rule on the instance with its budget
    limit raised to exactly ``s × n`` (it gives each voter ``budget_limit / n``) — selects our
    add1 selection, and that selection fits in the real budget;
(b) add1 stops at ``s``: either that outcome is exhaustive (no project Equal Shares considers
    still fits in the real budget left) and, when there was a step before, the outcome one unit
    lower was feasible and not exhaustive (add1 went on from it); or it is not exhaustive and
    the outcome one unit higher costs more than the real budget.

Every fact is computed by pabutools (floats, as test_oracle_pabutools.py does for these two
files) and by pabutools' own `is_feasible`/`is_exhaustive`; nothing expected comes from our
code except the share it claims, which the checks then confirm. Two pabutools runs per file.

Warszawa 2026 is checked with one złoty per voter per step, as add1 is used officially. Budapest
2024 (which did not use Equal Shares) is in forints: one forint (about a quarter of a euro cent)
per step takes 22,001 steps and ~45 s (~100 s before the compiled loops of issue 17); it is
checked with 100 HUF per step, the same step for both libraries, which is what the facts above
are about.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from pabutools.election import Instance

from asamblea.core.budgeting import SOL, Completion, Rule, select
from asamblea.formats.pabulib import read_pabulib
from tests.core.budgeting.oracle import Cost_Sat, float_arithmetic, load, method_of_equal_shares
from tests.datasets import data_file

pytestmark = pytest.mark.slow
UNITS_PER_STEP = {"Hungary_Budapest_2024.pb": 100, "Poland_Warszawa_2026.pb": 1}


def _pabutools_at(instance: Any, profile: Any, budget_limit: Any) -> Any:
    """pabutools' plain Equal Shares (cost utilities, floats) with this total budget."""
    raised = Instance(instance, budget_limit=budget_limit)
    with float_arithmetic(True):
        return method_of_equal_shares(raised, profile, sat_class=Cost_Sat)


@pytest.mark.parametrize("name", sorted(UNITS_PER_STEP))
def test_add1_ends_where_pabutools_says_it_should(name: str) -> None:
    path: Path = data_file("pabulib", name)
    data = read_pabulib(path)
    units = UNITS_PER_STEP[name]
    ours = select(
        data.instance,
        data.ballots,
        rule=Rule.EQUAL_SHARES,
        completion=Completion.ADD1,
        increment=100 * units,  # in hundredths of the currency unit, per voter
    )
    instance, profile, _ = load(path)
    voters = profile.num_ballots()
    assert voters == data.ballots.num_voters
    assert ours.voter_budget is not None
    # The share ours ends at, in currency units, is the file's share plus whole steps: the
    # raised limit is exact (rationals, no rounding) before pabutools divides it by n.
    steps = ours.budget_steps
    step = units * voters
    raised = instance.budget_limit + steps * step
    assert Fraction(int(raised.numerator), int(raised.denominator)) == (
        ours.voter_budget * voters / SOL
    )

    # Projects Equal Shares considers: positive cost and at least one supporter.
    supported = {p for ballot in profile for p in ballot}
    pool = [p for p in instance if p.cost > 0 and p in supported]

    at_share = _pabutools_at(instance, profile, raised)
    assert frozenset(p.name for p in at_share) == ours.selected_set  # (a)
    assert instance.is_feasible(at_share)
    if instance.is_exhaustive(at_share, available_projects=pool):  # (b), first reason
        if steps:
            before = _pabutools_at(instance, profile, raised - step)
            assert instance.is_feasible(before)
            assert not instance.is_exhaustive(before, available_projects=pool)
    else:  # (b), second reason: one more unit per voter overspends
        after = _pabutools_at(instance, profile, raised + step)
        assert not instance.is_feasible(after)
