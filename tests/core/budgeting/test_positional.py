"""Ranked ballots counted as cast: points per rank, against the cities' results and pabutools.

- Kraków 2021 and 2022 (ordinal, three ranks, META rule greedy, points 3-2-1 in the file): greedy
  by points reproduces the official ``selected`` column; reading the ranks as approvals does not
  (the outcome says it ignored them).
- pabutools as the oracle on every ordinal file we hold: greedy by points and by points per cost
  with a scoring vector (pabutools gets the points from its own ordinal ballots, per position, as
  one-project points ballots: the utilitarian welfare of every set is unchanged, so its greedy
  outcome is the same), and Equal Shares with pabutools' own Borda satisfaction
  (`Additive_Borda_Sat`), ours with `Scoring(borda=True)`.
The Kraków copies in tests/data are gzip-compressed; pabutools reads a decompressed copy.
"""

from __future__ import annotations

import functools
import gzip
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest

from asamblea.core.budgeting import (
    BallotKind,
    Ballots,
    Completion,
    Instance,
    Project,
    Reading,
    Rule,
    Scoring,
    select,
)
from asamblea.core.errors import Invalid
from asamblea.formats.pabulib import read_pabulib
from tests.core.budgeting.oracle import PointsTimesCostSat

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from pabutools.election import (
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        CumulativeBallot,
        CumulativeMultiProfile,
        parse_pabulib,
    )
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

KRAKOW = ["Poland_Krakow_2021.pb.gz", "Poland_Krakow_2022.pb.gz"]
ORACLE = ["Switzerland_Zurich_S5R.pb", "Poland_Krakow_2022.pb.gz"]
"""pabutools needs ~10 s to parse a Kraków file on a shared machine: one of them is enough for
the oracle (both official results are checked above with our reader alone)."""


@pytest.mark.parametrize("name", KRAKOW)
def test_krakow_official_winners_by_3_2_1_points(test_data: Path, name: str) -> None:
    data = read_pabulib(test_data / "pabulib" / name)
    assert data.kind is BallotKind.ORDINAL
    assert data.scoring == Scoring(vector=(3, 2, 1))
    assert data.file_rule() == (Rule.GREEDY, Completion.NONE)
    official = data.selected()
    outcome = select(data.instance, data.ballots, rule=Rule.GREEDY, scoring=data.scoring)
    assert outcome.reading is Reading.POSITIONAL
    assert outcome.scoring == "3-2-1"
    assert outcome.selected_set == official
    score_at = data.project_columns.index("score")
    published = {row[0]: int(row[score_at]) for row in data.projects}
    assert {e.project: e.support for e in outcome.explanations} == published
    as_approvals = select(data.instance, data.ballots, rule=Rule.GREEDY)
    assert as_approvals.ignores_ranks
    assert as_approvals.selected_set != official


def _scored_profile(instance: Any, profile: Any, vector: tuple[int, ...]) -> Any:
    """pabutools' ordinal ballots as one-project points ballots, points by position."""
    single = CumulativeMultiProfile(instance=instance)
    for ballot in profile:
        for position, project in enumerate(ballot):
            points = vector[position] if position < len(vector) else 0
            if points:
                key = CumulativeBallot({project: points}).frozen()
                single[key] = single.get(key, 0) + 1
    return single


@functools.cache
def _pabutools_file(path: Path) -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if path.name.endswith(".gz"):
            with tempfile.TemporaryDirectory() as folder:
                plain = Path(folder) / path.name.removesuffix(".gz")
                plain.write_bytes(gzip.decompress(path.read_bytes()))
                return parse_pabulib(str(plain))  # type: ignore[no-any-return]
        return parse_pabulib(str(path))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ORACLE)
def test_greedy_by_points_matches_pabutools(test_data: Path, name: str) -> None:
    vector = (3, 2, 1)
    instance, profile = _pabutools_file(test_data / "pabulib" / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scored = _scored_profile(instance, profile, vector)
        by_points = greedy_utilitarian_welfare(instance, scored, sat_class=PointsTimesCostSat)
        per_cost = greedy_utilitarian_welfare(instance, scored, sat_class=Additive_Cardinal_Sat)
    data = read_pabulib(test_data / "pabulib" / name)
    scoring = Scoring(vector=vector)
    ours = select(data.instance, data.ballots, rule=Rule.GREEDY, scoring=scoring)
    ours_per_cost = select(data.instance, data.ballots, rule=Rule.GREEDY_PER_COST, scoring=scoring)
    assert ours.selected_set == {p.name for p in by_points}
    assert ours_per_cost.selected_set == {p.name for p in per_cost}


@pytest.mark.parametrize("name", ORACLE)
def test_equal_shares_with_borda_matches_pabutools(test_data: Path, name: str) -> None:
    instance, profile = _pabutools_file(test_data / "pabulib" / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = method_of_equal_shares(
            instance, profile.as_multiprofile(), sat_class=Additive_Borda_Sat
        )
    data = read_pabulib(test_data / "pabulib" / name)
    ours = select(data.instance, data.ballots, rule=Rule.EQUAL_SHARES, scoring=Scoring(borda=True))
    assert ours.scoring == "borda"
    assert ours.selected_set == {p.name for p in expected}


def test_scoring_turns_ranks_into_points() -> None:
    ballots = Ballots.merge(
        BallotKind.ORDINAL, 4, [{2: 1, 0: 2, 3: 3}, {0: 1}, {1: 1, 2: 2}], [2, 1, 1]
    )
    instance = Instance(100, tuple(Project(f"p{k}", 10) for k in range(4)))
    outcome = select(instance, ballots, rule=Rule.GREEDY, scoring=Scoring.parse("3-2-1"))
    assert [e.support for e in outcome.explanations] == [2 * 2 + 3, 3, 2 * 3 + 2, 2 * 1]
    borda = select(instance, ballots, rule=Rule.GREEDY, scoring=Scoring.parse("borda"))
    assert [e.support for e in borda.explanations] == [2 * 1 + 0, 1, 2 * 2 + 0, 0]
    assert [e.supporters for e in borda.explanations] == [2, 1, 2, 0]


@pytest.mark.parametrize("text", ["", "3,,1", "1,2,3", "0,0", "x", "3;2", "²,1", "1" * 9])
def test_bad_scorings_are_refused(text: str) -> None:
    with pytest.raises(Invalid):
        Scoring.parse(text)


def test_a_scoring_for_approval_ballots_is_refused() -> None:
    ballots = Ballots.merge(BallotKind.APPROVAL, 1, [{0: 1}])
    instance = Instance(10, (Project("a", 5),))
    with pytest.raises(Invalid, match="ranked ballots only"):
        select(instance, ballots, rule=Rule.GREEDY, scoring=Scoring(vector=(1,)))


def test_a_ranking_with_gaps_is_refused() -> None:
    with pytest.raises(Invalid, match="without gaps"):
        Ballots.merge(BallotKind.ORDINAL, 3, [{0: 1, 1: 3}])
