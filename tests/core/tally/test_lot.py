"""The public lot: reproducible from the seed by anyone, uniform, every draw recorded."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from asamblea.core.tally import Lot
from asamblea.core.tally.lot import draw_index


def by_hand(seed: str, purpose: str, counter: int, n: int) -> int | None:
    """The documented draw, recomputed independently with hashlib."""
    x = int(hashlib.sha256(f"{seed}|{purpose}|{counter}".encode()).hexdigest(), 16)
    limit = 2**256 - (2**256 % n)
    return x % n if x < limit else None


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10])
@pytest.mark.parametrize("counter", [0, 1, 5])
def test_draw_index_is_the_documented_formula(n: int, counter: int) -> None:
    assert draw_index("semilla pública", "eliminate round 2", counter, n) == by_hand(
        "semilla pública", "eliminate round 2", counter, n
    )


def test_rejection_sampling_rejects_the_top_of_the_range() -> None:
    """With n just above 2**255 about half the hashes fall in the rejected top of the range."""
    n = 2**255 + 1
    outcomes = [draw_index("s", "p", k, n) for k in range(40)]
    assert any(o is None for o in outcomes)
    assert any(o is not None for o in outcomes)
    assert outcomes == [by_hand("s", "p", k, n) for k in range(40)]


def test_same_seed_same_draws_and_they_are_recorded() -> None:
    a, b = Lot("2026-11-27 acta 14"), Lot("2026-11-27 acta 14")
    first = [a.choose(["Ana", "Beto", "Carla"], "desempate") for _ in range(5)]
    second = [b.choose(["Ana", "Beto", "Carla"], "desempate") for _ in range(5)]
    assert first == second
    assert [d.chosen for d in a.draws] == first
    assert a.draws[0].among == ("Ana", "Beto", "Carla")
    assert a.draws[0].counter == 0
    assert a.draws_json()[0]["purpose"] == "desempate"


def test_single_option_needs_no_draw() -> None:
    lot = Lot("x")
    assert lot.choose(["Ana"], "p") == "Ana"
    assert lot.draws == ()


def test_order_is_a_permutation() -> None:
    lot = Lot("x")
    order = lot.order(["A", "B", "C", "D"], "tbrc")
    assert sorted(order) == ["A", "B", "C", "D"]
    assert len(lot.draws) == 3


def test_draws_are_roughly_uniform() -> None:
    tally = Counter(Lot(f"seed {i}").choose("ABC", "u") for i in range(3000))
    assert all(900 < tally[c] < 1100 for c in "ABC")
