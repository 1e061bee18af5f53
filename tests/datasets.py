"""Where the real public test data lives, and whether CI demands it.

Real files are shipped in ``tests/data/`` (each folder with its provenance and licence), so a
clone alone runs the oracle tests; ``../shared/data`` (beside the checkout, when present) holds
the rest. `data_file` and `data_dir` look in that order: tests/data (a file stored there as
``NAME.gz`` is unpacked once into a cache folder), then ../shared/data, then skip — or fail
under CI=true, where the shared folder is always laid beside the clone. `shared_data_dir` reads
only ../shared/data, for what is not shipped.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() == "true"
UNPACKED = Path(tempfile.gettempdir()) / f"asamblea-test-data-{os.getuid()}"


def _missing(what: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"CI=true but {what} is missing")
    pytest.skip(f"{what} is neither in tests/data nor in ../shared/data; skipped")


def shared_data_dir(*parts: str) -> Path:
    """The folder under ../shared/data, or skip (fail under CI=true) when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"CI=true but the shared data folder {path} is missing")
        pytest.skip(f"../shared/data not present ({path}); shared-data tests skipped")
    return path


def find_data(*parts: str) -> Path | None:
    """tests/data/…, else tests/data/….gz unpacked, else ../shared/data/…; None if none has it."""
    shipped = TEST_DATA.joinpath(*parts)
    if shipped.exists():
        return shipped
    packed = shipped.with_name(shipped.name + ".gz")
    if packed.is_file():
        return _unpack(packed)
    shared = SHARED_DATA.joinpath(*parts)
    return shared if shared.exists() else None


def data_file(*parts: str) -> Path:
    """A real data file (see the module docstring), or skip (fail under CI=true)."""
    found = find_data(*parts)
    if found is None:
        _missing("/".join(parts))
    return found


def data_dir(*parts: str) -> Path:
    """A folder of real data: tests/data's when shipped, else ../shared/data's, else skip."""
    return data_file(*parts)


def _unpack(packed: Path) -> Path:
    """The .gz file unpacked once into a cache folder named by its content (safe in parallel)."""
    digest = hashlib.sha256(packed.read_bytes()).hexdigest()[:16]
    target = UNPACKED / digest / packed.name.removesuffix(".gz")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        with gzip.open(packed, "rb") as source, partial.open("wb") as sink:
            shutil.copyfileobj(source, sink)
        partial.replace(target)
    return target


@pytest.fixture
def test_data() -> Path:
    """The small data files shipped with the project (see tests/data/PROVENANCE.md)."""
    return TEST_DATA
