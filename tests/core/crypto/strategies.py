"""Hypothesis strategies for the encrypted-vote tests, in one place."""

from __future__ import annotations

from hypothesis import strategies as st

from asamblea.core.crypto.group import ORDER, scalar

scalars = st.integers(min_value=1, max_value=ORDER - 1).map(scalar)
counts = st.integers(min_value=0, max_value=200)


@st.composite
def selections(draw: st.DrawFn, options: int, lo: int, hi: int) -> list[int]:
    """A 0/1 vector of ``options`` entries whose sum is within ``lo..hi``."""
    chosen = draw(st.integers(min_value=lo, max_value=hi))
    picked = draw(st.permutations(range(options)))[:chosen]
    return [1 if i in picked else 0 for i in range(options)]
