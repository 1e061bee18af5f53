"""Peru's regions and provinces with their INEI ubigeo codes, from the tables Asamblea ships.

The tables (`asamblea/data/peru/regions.csv`, `provinces.csv`) are built from INEI's
boundaries by `tools/build_peru_map.py` (see `data/peru/PROVENANCE.md`); they are package data
read with `importlib.resources`, so an installed Asamblea never looks for a source checkout.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Region:
    """A departamento: two-digit INEI code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Province:
    """A province: four-digit INEI code (starting with its region's) and name."""

    code: str
    region: str
    name: str


def _rows(name: str) -> list[dict[str, str]]:
    text = (files("asamblea") / "data" / "peru" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def regions() -> tuple[Region, ...]:
    """The 25 regions, by code."""
    return tuple(Region(r["code"], r["name"]) for r in _rows("regions.csv"))


@cache
def provinces() -> tuple[Province, ...]:
    """The 196 provinces, by code."""
    return tuple(Province(r["code"], r["region"], r["name"]) for r in _rows("provinces.csv"))


@cache
def known_codes() -> frozenset[str]:
    """Every region and province code (what `core.mobilisation.struggles.check_place` needs)."""
    return frozenset(r.code for r in regions()) | frozenset(p.code for p in provinces())


def region_name(code: str) -> str | None:
    """The region's name, or None for an unknown code."""
    return next((r.name for r in regions() if r.code == code), None)
