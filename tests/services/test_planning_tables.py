"""The shipped planning tables are package data: read from the installed package (never from
tests/data), also when the package is inside an archive, and kept equal to the tests' copies."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

import asamblea
from asamblea.core.errors import Invalid
from asamblea.services.planning import tables as planning_tables
from asamblea.services.planning.tables import (
    SHIPPED,
    load_shipped,
    models_root,
    shipped,
    shipped_models,
)

PACKAGE = Path(asamblea.__file__).resolve().parent


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "PROVENANCE.md"
    }


def test_every_shipped_table_is_in_the_package() -> None:
    root = models_root()
    assert isinstance(root, Path)
    assert root.resolve() == PACKAGE / "data" / "planning"
    assert "tests" not in root.resolve().relative_to(PACKAGE).parts
    assert [m.key for m in shipped_models()] == [m.key for m in SHIPPED]
    assert (root / "PROVENANCE.md").is_file()
    for model in SHIPPED:
        assert model.path in (root / "PROVENANCE.md").read_text(encoding="utf-8")


def test_the_package_copy_equals_the_tests_copy(test_data: Path) -> None:
    packaged = _files(PACKAGE / "data" / "planning")
    ours = {k: v for k, v in _files(test_data / "planning").items() if k in packaged}
    assert set(packaged) == set(ours)
    assert packaged == ours


@pytest.mark.parametrize("key", [m.key for m in SHIPPED])
def test_tables_read_from_an_archive_equal_the_installed_ones(key: str, tmp_path: Path) -> None:
    archive = tmp_path / "asamblea.zip"
    source = PACKAGE / "data" / "planning"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in sorted(source.rglob("*")):
            packed.write(path, f"asamblea/data/planning/{path.relative_to(source)}")
    root = zipfile.Path(archive, "asamblea/data/planning/")
    assert [m.key for m in shipped_models(root)] == [m.key for m in SHIPPED]
    from_archive = load_shipped(key, root)
    installed = shipped(key)
    assert from_archive.economy.products == installed.economy.products
    assert np.array_equal(from_archive.baseline, installed.baseline)
    assert (from_archive.economy.inputs != installed.economy.inputs).nnz == 0
    assert np.array_equal(from_archive.economy.labour, installed.economy.labour)


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(Invalid):
        load_shipped("nada")
    assert planning_tables.products_of("nada") == ()
