"""Peru's places: the shipped tables, the shipped map, and the build that makes both."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from asamblea.formats import places
from tests.datasets import ROOT, shared_data_dir

SVG = ROOT / "src/asamblea/web/static/map/peru-regions.svg"


def test_tables_hold_every_region_and_province() -> None:
    regions = places.regions()
    assert len(regions) == 25
    assert [r.code for r in regions] == [f"{i:02d}" for i in range(1, 26)]
    assert places.region_name("15") == "Lima"
    assert places.region_name("02") == "Áncash"
    provinces = places.provinces()
    assert len(provinces) == 196
    assert len({p.code for p in provinces}) == 196
    assert all(p.code.startswith(p.region) for p in provinces)
    assert {p.region for p in provinces} == {r.code for r in regions}
    assert "1501" in places.known_codes()
    assert "1608" in places.known_codes()  # Putumayo, added after the 2007 boundaries


def test_map_has_every_region_as_a_link_and_nothing_from_elsewhere() -> None:
    text = SVG.read_text(encoding="utf-8")
    ids = re.findall(r'<path id="r(\d\d)"', text)
    assert ids == [r.code for r in places.regions()]
    for code in ids:
        assert f'href="?region={code}"' in text
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")
    assert len(text.encode()) < 16_000


def _tool() -> object:
    spec = importlib.util.spec_from_file_location(
        "build_peru_map", ROOT / "tools/build_peru_map.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared_data
def test_shipped_map_is_what_the_build_makes() -> None:
    """The SVG in the package is reproducible from ../shared/data/geo by tools/build_peru_map."""
    geo: Path = shared_data_dir("geo")
    tool = _tool()
    features = json.loads((geo / "peru_departamental_simple.geojson").read_text("utf-8"))
    assert tool.build_svg(features["features"]) == SVG.read_text(encoding="utf-8")  # type: ignore[attr-defined]
