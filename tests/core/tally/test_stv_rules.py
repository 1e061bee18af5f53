"""Hand-worked cases of the STV rules: policies, tie-breaks, lots, the registry, speed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from asamblea.core.tally import registry
from asamblea.core.tally.lot import Lot
from asamblea.core.tally.profile import Profile
from asamblea.core.tally.stv_meek import meek_stv
from asamblea.core.tally.stv_scottish import scottish_stv

D = Decimal


def test_transfer_values_are_truncated_to_five_places() -> None:
    # 7 papers A>B, 2 seats: quota 7 // 3 + 1 = 3; A's surplus 4 moves at 4/7 = 0.571428… → 0.57142
    profile = Profile.from_ballots(["A", "B", "C"], [[[0], [1]], [[2]]], weights=[7, 1])
    outcome = scottish_stv(profile, seats=2)
    first, second = outcome.rounds[:2]
    assert first.quota == D("3.00000")
    assert first.elected == ("A",)
    assert second.tallies["B"] == D("3.99994")  # 7 × 0.57142
    assert second.tallies["A"] == D("3.00000")
    assert outcome.details["stages"][1]["transfer_value"] == D("0.57142")
    assert outcome.details["stages"][1]["loss"] == D("0.00006")
    assert outcome.winners == ("A", "B")


def test_equal_first_preference_is_invalid_and_later_one_ends_the_ballot() -> None:
    ballots = [[[0, 1]], [[2], [0, 1]], [[2]], [[0]]]
    profile = Profile.from_ballots(["A", "B", "C"], ballots, weights=[5, 3, 1, 2])
    outcome = scottish_stv(profile, seats=1)
    assert outcome.invalid == 5
    assert outcome.valid == 6
    assert outcome.rounds[0].tallies == {"A": D("2.00000"), "B": D("0.00000"), "C": D("4.00000")}


def test_withdrawn_candidates_are_skipped() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [[[1], [0]], [[2]]], weights=[3, 2])
    outcome = scottish_stv(profile, seats=1, withdrawn=["B"])
    assert outcome.candidates == ("A", "C")
    assert outcome.rounds[0].tallies == {"A": D("3.00000"), "C": D("2.00000")}
    assert outcome.winners == ("A",)


def test_last_vacancies_are_filled_without_transfers() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [[[0], [1]], [[1]], [[2]]], weights=[9, 2, 1])
    outcome = scottish_stv(profile, seats=2)
    # quota 5: A elected; A's surplus 4 to B (6) elects B; C never gets a transfer
    assert set(outcome.winners) == {"A", "B"}
    few = scottish_stv(profile, seats=3)
    assert set(few.winners) == {"A", "B", "C"}
    assert few.rounds[-1].note.startswith("Últimas vacantes")


def test_tie_broken_by_earlier_stage() -> None:
    # C and D tie at 4 after B's exclusion; at the first stage C had 4 and D 3 → D is excluded
    ballots = [[[0]], [[1], [3]], [[2]], [[3]]]
    profile = Profile.from_ballots(["A", "B", "C", "D"], ballots, weights=[5, 1, 4, 3])
    outcome = scottish_stv(profile, seats=1)
    ties = [t for t in outcome.tie_breaks if t.purpose == "exclusion"]
    assert ties[0].method == "earlier_rounds"
    assert ties[0].chosen == "D"


def test_lot_is_drawn_from_the_seed_and_recorded() -> None:
    profile = Profile.from_ballots(["A", "B"], [[[0]], [[1]]], weights=[3, 3])
    outcome = scottish_stv(profile, seats=1, seed="acta-7")
    (tie,) = outcome.tie_breaks
    assert tie.method == "lot"
    expected = Lot("acta-7").choose(["A", "B"], "exclusion")
    assert tie.chosen == expected
    assert outcome.details["draws"][0]["chosen"] == expected
    assert outcome.seed == "acta-7"
    loser = expected
    assert outcome.winners == tuple(c for c in ("A", "B") if c != loser)
    again = scottish_stv(profile, seats=1, seed="acta-7")
    assert again.to_json() == outcome.to_json()


def test_tie_order_replaces_the_lot() -> None:
    profile = Profile.from_ballots(["A", "B"], [[[0]], [[1]]], weights=[3, 3])
    for order, winner in ((("A", "B"), "B"), (("B", "A"), "A")):
        outcome = scottish_stv(profile, seats=1, tie_order=order)
        assert outcome.winners == (winner,)
        assert outcome.tie_breaks[0].method == "tie_order"
        meek = meek_stv(profile, seats=1, tie_order=order)
        assert meek.winners == (winner,)


def test_meek_skips_a_rank_whose_candidates_are_out() -> None:
    # "b a=d c" with B defeated: the ballot goes on to a=d (Droop would drop it, docs/stv.md)
    ballots = [[[1], [0, 3], [2]]]
    profile = Profile.from_ballots(["A", "B", "C", "D"], ballots, weights=[2])
    outcome = meek_stv(profile, seats=2, withdrawn=["B"])
    assert outcome.rounds[0].tallies == {"A": D(1), "C": D(0), "D": D(1)}


def test_meek_counts_equal_preferences_by_halves() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [[[0, 1], [2]]], weights=[4])
    first = meek_stv(profile, seats=1).rounds[0]
    assert first.tallies == {"A": D(2), "B": D(2), "C": D(0)}


@pytest.mark.parametrize("name", ["stv", "meek"])
def test_registered(name: str) -> None:
    profile = Profile.from_rankings(["A", "B", "C"], [[0, 1], [0, 2], [1], [2, 1]])
    outcome = registry.count(name, profile, seats=2, seed="s")
    assert len(outcome.winners) == 2
    assert outcome.rule == name
    info = registry.get(name)
    assert info.multi_winner
    assert info.ballot == "ranking"


def test_bad_parameters() -> None:
    profile = Profile.from_rankings(["A"], [[0]])
    with pytest.raises(ValueError, match="escaños"):
        scottish_stv(profile, seats=0)
    with pytest.raises(ValueError, match="convención"):
        meek_stv(profile, convention="nz")  # type: ignore[arg-type]
