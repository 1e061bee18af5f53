"""The models a planning round plans with: the tables shipped inside the package, and model
CSVs uploaded by facilitators.

The shipped tables are package data (`asamblea/data/planning/`, see its PROVENANCE.md), read
with `importlib.resources`: an installed Asamblea carries them and never looks for a source
tree. The readers want real files, so a table packed in a zip or wheel is copied to a
temporary folder first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from asamblea.core.errors import N_, Invalid
from asamblea.core.planning import ModelError
from asamblea.formats.errors import FormatError
from asamblea.formats.planning import LoadedModel, load_model, read_model_csv

UPLOAD = "upload"
MODEL_MAX_BYTES = 200_000
"""An uploaded model CSV may have at most this many bytes (a few hundred products)."""


@dataclass(frozen=True)
class ShippedModel:
    """A model anyone may plan with: its label, its file or folder, and what its units are."""

    key: str
    label: str
    path: str
    units: str


SHIPPED = (
    ShippedModel(
        "aldea",
        N_("Village: maize and bread, two ways of baking (hand-made example)"),
        "aldea.csv",
        N_("Labour in hours; firewood as a limited resource."),
    ),
    ShippedModel(
        "five_year_plan",
        N_("Cockshott's five-year-plan example (4 products)"),
        "five_year_plan",
        N_("Labour in hours (year 1)."),
    ),
    ShippedModel(
        "uk2015",
        N_("United Kingdom 2015 input-output table (129 products)"),
        "uk2015",
        N_("Money tables: compensation of employees stands in for labour; imports are limited."),
    ),
    ShippedModel(
        "pymrio_test",
        N_("pymrio test system (6 regions x 8 sectors)"),
        "pymrio_test",
        N_("Money tables: value added stands in for labour; two emissions are limited."),
    ),
)


def models_root() -> Traversable:
    """Where the shipped tables are: the package's `data/planning` folder."""
    return files("asamblea") / "data" / "planning"


def shipped_models(root: Traversable | None = None) -> tuple[ShippedModel, ...]:
    """The shipped tables present in this installation."""
    base = root or models_root()
    return tuple(m for m in SHIPPED if (base / m.path).is_file() or (base / m.path).is_dir())


def load_shipped(key: str, root: Traversable | None = None) -> LoadedModel:
    """Read a shipped table (from `root`, the package's folder by default)."""
    for model in SHIPPED:
        if model.key == key:
            with on_disk((root or models_root()) / model.path) as path:
                return load_model(path)
    raise Invalid(N_("Unknown model."))


@lru_cache(maxsize=8)
def shipped(key: str) -> LoadedModel:
    """A shipped table, read once per process."""
    return load_shipped(key)


def products_of(key: str) -> tuple[str, ...]:
    """The products of a shipped model (for the form that opens a round); none when the key
    is unknown or the table cannot be read."""
    try:
        return shipped(key).economy.products
    except (FormatError, ModelError, Invalid):
        return ()


def model_texts(model_key: str) -> tuple[str, str]:
    """A round's model in words: its label and what its units are (message ids)."""
    if model_key == UPLOAD:
        return N_("A model uploaded by the facilitators (CSV)"), ""
    for model in SHIPPED:
        if model.key == model_key:
            return model.label, model.units
    return model_key, ""


def read_uploaded(text: str) -> LoadedModel:
    """An uploaded model in the documented CSV format (errors name the line, not the file)."""
    if len(text.encode("utf-8")) > MODEL_MAX_BYTES:
        raise Invalid(N_("The model file is too large (at most {max} bytes)."), max=MODEL_MAX_BYTES)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "modelo.csv"
        path.write_text(text, encoding="utf-8")
        try:
            economy = read_model_csv(path)
        except FormatError as error:
            where = f"{error.line}: " if error.line else ""
            raise Invalid(
                N_("The model could not be read: {reason}"), reason=where + error.message
            ) from None
        except ModelError as error:
            raise Invalid(N_("The model could not be read: {reason}"), reason=str(error)) from None
    return LoadedModel(economy, np.zeros(economy.n_products), "upload")


@contextmanager
def on_disk(resource: Traversable) -> Iterator[Path]:
    """A real path for a packaged file or folder (copied out when it lives in an archive)."""
    if isinstance(resource, Path):
        yield resource
        return
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / resource.name
        _copy(resource, target)
        yield target


def _copy(resource: Traversable, target: Path) -> None:
    if resource.is_dir():
        target.mkdir()
        for child in resource.iterdir():
            _copy(child, target / child.name)
    else:
        target.write_bytes(resource.read_bytes())
