"""The `strike` fixture: the world of the pledge race and batch tests, on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import BACKENDS
from tests.services.mobilisation.strike import Strike, make_strike


@pytest.fixture(params=BACKENDS)
def strike(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Strike]:
    """A union of forty members and a strike with a pledge of 25, on a fresh database."""
    yield from make_strike(request, tmp_path)
