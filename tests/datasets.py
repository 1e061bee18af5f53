"""Where the real public test data lives, and whether CI demands it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_data_dir(*parts: str) -> Path:
    """The folder under ../shared/data, or skip (fail under CI=true) when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"CI=true but the shared data folder {path} is missing")
        pytest.skip(f"../shared/data not present ({path}); shared-data tests skipped")
    return path


@pytest.fixture
def test_data() -> Path:
    """The small data files shipped with the project (see tests/data/PROVENANCE.md)."""
    return TEST_DATA
