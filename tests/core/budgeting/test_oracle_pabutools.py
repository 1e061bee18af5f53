"""Our rules select exactly what pabutools selects, on every instance in ../shared/data/pabulib.

One test per instance runs every setting (greedy by votes, greedy per cost, Equal Shares with cost
and with cardinality utilities, add1, add1 then greedy), so each file is parsed once by each
library. Settings and why (the whole budgeting suite must stay under 4 minutes on a shared
2-core machine; pabutools' exact Equal Shares alone takes minutes on the largest files):
- pabutools gets merged ballots (a multiprofile); its outcomes do not depend on that, and it cuts
  its time several-fold.
- Exact (gmpy2 fractions) pabutools is the oracle everywhere except Equal Shares on the two largest
  instances (Budapest 2024: 28,943 voters / 20,132 distinct ballots; Warszawa 2026: 61,668 /
  51,202), where pabutools runs in floats (one utility only) — still ~20–40 s each. Our runs are
  exact at near-ties whatever pabutools does; any mismatch fails the test.
- Greedy on the three largest files gets an unbundled profile (one ballot per approval; same
  additive welfare, hence by definition the same greedy outcome — see oracle.py), because
  pabutools' greedy re-sums every voter's welfare for every candidate at every step (60–95 s).
- add1 runs Equal Shares once per increment (30–500 runs with one currency unit per voter) and
  pabutools needs ~20 s per run on the two largest instances, so add1 is checked on all the
  others: with one unit per voter where pabutools finishes in seconds, and with a coarser
  increment (1/10 of the initial share, the same for both libraries) on the medium-sized ones.
  The official add1 results (one unit per voter) are checked in test_official.py.
No expected selection here comes from our code: every one is computed by pabutools in the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from asamblea.core.budgeting import Completion, Rule, Utility, select
from asamblea.formats.pabulib import PabulibFile, read_pabulib
from tests.core.budgeting.oracle import pabutools_selection
from tests.datasets import data_file

pytestmark = pytest.mark.slow

INSTANCES = [
    "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb",
    "Hungary_Budapest_2022_VIII_Jozsefvaros.pb",
    "Hungary_Budapest_2024.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Gdansk_2020_Piecki_Migowo.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Warszawa_2018_Praga-Poludnie.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Poland_Wroclaw_2015_150_-_500.pb",
    "Switzerland_Zurich_D10.pb",
    "Switzerland_Zurich_S5R.pb",
    "Worldwide_Mechanical_Turk_Knapsack_3.pb",
    "poland_lodz_2020_mileszki.pb",
    "poland_lodz_2020_nad-nerem.pb",
    "poland_lodz_2020_nowosolna.pb",
]
LARGEST = {"Hungary_Budapest_2024.pb", "Poland_Warszawa_2026.pb"}
UNBUNDLE = LARGEST | {"Poland_Wroclaw_2015_150_-_500.pb"}
COARSE_ADD1 = {
    "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb",
    "Hungary_Budapest_2022_VIII_Jozsefvaros.pb",
    "Poland_Gdansk_2020_Piecki_Migowo.pb",
    "Poland_Warszawa_2018_Praga-Poludnie.pb",
    "Poland_Wroclaw_2015_150_-_500.pb",
    "Worldwide_Mechanical_Turk_Knapsack_3.pb",
}


def _increment_units(name: str, data: PabulibFile) -> int:
    if name not in COARSE_ADD1:
        return 1
    share_units = data.instance.budget // (100 * data.ballots.num_voters)
    return max(1, share_units // 10)


def _settings(name: str) -> list[tuple[Rule, Completion, Utility]]:
    plain = [
        (Rule.GREEDY, Completion.NONE, Utility.COST),
        (Rule.GREEDY_PER_COST, Completion.NONE, Utility.COST),
        (Rule.EQUAL_SHARES, Completion.NONE, Utility.COST),
    ]
    if name in LARGEST:
        return plain
    return [
        *plain,
        (Rule.EQUAL_SHARES, Completion.NONE, Utility.CARDINALITY),
        (Rule.EQUAL_SHARES, Completion.ADD1, Utility.COST),
        (Rule.EQUAL_SHARES, Completion.ADD1_GREEDY, Utility.COST),
    ]


@pytest.mark.parametrize("name", INSTANCES)
def test_every_rule_matches_pabutools(name: str) -> None:
    path: Path = data_file("pabulib", name)
    data = read_pabulib(path)
    units = _increment_units(name, data)
    mismatches = []
    for rule, completion, utility in _settings(name):
        ours = select(
            data.instance,
            data.ballots,
            rule=rule,
            completion=completion,
            utility=utility,
            increment=100 * units,
        )
        assert ours.total_cost <= data.instance.budget
        expected = pabutools_selection(
            path,
            rule,
            completion,
            utility=utility,
            increment_units=units,
            floats=name in LARGEST and rule is Rule.EQUAL_SHARES,
            unbundle=name in UNBUNDLE,
        )
        if ours.selected_set != expected:
            mismatches.append((rule, completion, utility, sorted(ours.selected_set ^ expected)))
    assert not mismatches
