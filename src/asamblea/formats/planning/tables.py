"""Monetary input–output tables → planning models, and the real tables we test on.

A monetary table gives intermediate flows ``Z`` (row product sold to column industry), total
output ``x`` and a labour row (compensation of employees — the usual proxy when hours are not
published). Coefficients are ``A = Z / x`` column by column; labour per unit is
``labour / x``; resources (imports, emissions …) likewise. The current final demand
``x - Z 1`` is the *baseline*: with the current labour and resource totals as limits, the
baseline targets are met with fulfilment 1.

Readers for the tables kept under ``../shared/data/planning`` (each folder has a PROVENANCE
file): the UK 2015 domestic table (129 products), Chile 2008 (111 activities), Cockshott's
four-product five-year-plan example and pymrio's test MRIO (6 regions × 8 sectors).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from asamblea.core.planning.model import Economy, FloatArray, ModelError
from asamblea.formats.errors import FormatError
from asamblea.formats.planning.csv_model import read_model_csv
from asamblea.formats.planning.csvfile import Row, number, read_rows

__all__ = [
    "LoadedModel",
    "economy_from_flows",
    "load_model",
    "read_chile2008",
    "read_five_year_plan",
    "read_pymrio_test",
    "read_uk2015",
]


NOISE = 1e-9
"""Final demand below this share of output is rounding residue of a balanced table."""


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """An economy read from files, with its current final demand (``baseline``)."""

    economy: Economy
    baseline: FloatArray
    source: str


def economy_from_flows(
    products: Sequence[str],
    flows: FloatArray,
    total_output: FloatArray,
    labour: FloatArray,
    *,
    resources: Mapping[str, FloatArray] | None = None,
) -> LoadedModel:
    """Coefficients from a monetary table; current totals of labour and resources as limits."""
    flows = np.asarray(flows, dtype=np.float64)
    x = np.asarray(total_output, dtype=np.float64)
    n = len(products)
    if flows.shape != (n, n) or x.shape != (n,) or np.asarray(labour).shape != (n,):
        raise ModelError("flows must be n × n and output and labour n long")
    if np.any(flows < 0) or np.any(x < 0):
        raise ModelError("flows and output must be non-negative")
    scale = np.divide(1.0, x, out=np.zeros(n), where=x > 0)
    named = dict(resources or {})
    use = np.vstack([np.clip(v, 0, None) * scale for v in named.values()]) if named else None
    economy = Economy(
        products=tuple(products),
        technique_product=np.arange(n),
        inputs=sparse.csc_array(flows * scale[None, :]),
        labour=np.clip(labour, 0, None) * scale,
        labour_limit=float(np.clip(labour, 0, None).sum()),
        resources=tuple(named),
        resource_use=sparse.csr_array(use) if use is not None else sparse.csr_array((0, n)),
        resource_limits=np.array([float(np.clip(v, 0, None).sum()) for v in named.values()]),
    )
    baseline = x - flows.sum(axis=1)
    baseline[baseline <= NOISE * x] = 0.0  # negative (stock changes) or rounding residue
    return LoadedModel(economy=economy, baseline=baseline, source="")


def _matrix(path: Path, rows: Sequence[Row], first_col: int, width: int) -> FloatArray:
    return np.array([
        [number(c, path=path, line=line, what="flujo", empty=0.0)
         for c in cells[first_col : first_col + width]]
        for line, cells in rows
    ])


def _row(rows: Sequence[Row], label: str, path: Path) -> Row:
    for line, cells in rows:
        if cells[0].strip().lower() == label.lower():
            return line, cells
    raise FormatError(f"falta la fila {label!r}", path=path)


def read_uk2015(folder: Path) -> LoadedModel:
    """UK 2015 domestic product × product table (ONS via Cockshott's ``ukgreen``), 129 products.

    Labour: compensation of employees (£m); resource ``importaciones``: imported intermediate
    inputs (£m). Output is taken from the ``Output`` row (one row total is misaligned in the file).
    """
    path = folder / "domesticiot.csv"
    rows = read_rows(path)
    n = 129
    if len(rows) < n + 1 or len(rows[0][1]) < n + 1:
        raise FormatError("se esperaban 129 productos", path=path)
    body = rows[1 : n + 1]
    names = tuple(cells[0].strip() for _, cells in body)
    flows = _matrix(path, body, 1, n)
    vector = {label: _matrix(path, [_row(rows, label, path)], 1, n)[0]
              for label in ("labour", "Imports of goods and services", "Output")}
    imports = vector["Imports of goods and services"]
    loaded = economy_from_flows(names, np.clip(flows, 0, None), vector["Output"], vector["labour"],
                                resources={"importaciones": imports})
    return LoadedModel(loaded.economy, loaded.baseline, "UK 2015 (ONS, ukgreen)")


def read_chile2008(folder: Path) -> LoadedModel:
    """Chile 2008, 111 activities (Banco Central de Chile), millions of 2008 pesos."""
    names_rows = read_rows(folder / "activities.csv")[1:]
    names = tuple(cells[1] for _, cells in names_rows)
    n = len(names)
    flows_path = folder / "flows.csv"
    flows = _matrix(flows_path, read_rows(flows_path)[1:], 1, n)
    demand_path = folder / "final_demand_and_output.csv"
    demand_rows = read_rows(demand_path)
    col = [h.lower() for h in demand_rows[0][1]].index("total_output_basic_prices")
    output = np.array([number(c[col], path=demand_path, line=line, what="producción")
                       for line, c in demand_rows[1:]])
    va_path = folder / "inputs_and_value_added.csv"
    va = read_rows(va_path)
    labour = _matrix(va_path, [_row(va, "compensation_of_employees", va_path)], 1, n)[0]
    imports = _matrix(va_path, [_row(va, "imports_cif", va_path)], 1, n)[0]
    loaded = economy_from_flows(names, flows, output, labour, resources={"importaciones": imports})
    return LoadedModel(loaded.economy, loaded.baseline, "Chile 2008 (BCCh, 111 actividades)")


def read_five_year_plan(folder: Path, *, year: int = 1) -> LoadedModel:
    """Cockshott's example (iron, coal, corn, bread): flows, labour, output; targets of a year.

    Capital stocks and depreciation (``cap.csv``, ``dep.csv``) belong to the multi-year model
    and are not used by this single-period plan. The labour limit is the year's labour supply.
    """
    path = folder / "flows.csv"
    rows = read_rows(path)
    names = list(rows[0][1][1:])
    body = [r for r in rows[1:] if r[1][0] in names]
    flows = _matrix(path, body, 1, len(names))
    labour = _matrix(path, [_row(rows, "labour", path)], 1, len(names))[0]
    output = _matrix(path, [_row(rows, "output", path)], 1, len(names))[0]
    loaded = economy_from_flows(names, flows, output, labour)
    targets_path = folder / "labtarg.csv"
    trows = read_rows(targets_path)
    header = [h.lower() for h in trows[0][1]]
    line, cells = _row(trows, f"year{year}", targets_path)
    values = {h: number(cells[i], path=targets_path, line=line, what=h)
              for i, h in enumerate(header) if i > 0}
    economy = loaded.economy.with_limits(labour_limit=values["labour"])
    return LoadedModel(economy, np.array([values[p] for p in names]), "Cockshott 5yearplan")


def _tsv_block(path: Path, header_rows: int, label_cols: int) -> tuple[list[list[str]], FloatArray]:
    rows = read_rows(path, delimiter="\t")
    body = rows[header_rows:]
    labels = [cells[:label_cols] for _, cells in body]
    width = len(rows[0][1]) - label_cols if rows else 0
    return labels, _matrix(path, body, label_cols, width)


def read_pymrio_test(folder: Path) -> LoadedModel:
    """pymrio's test MRIO: 6 regions × 8 sectors; labour proxy value added, 2 emissions."""
    data = folder / "mrio_data" if (folder / "mrio_data").is_dir() else folder
    labels, z = _tsv_block(data / "trade_flows_Z.txt", 2, 3)
    _, y = _tsv_block(data / "finald_demand_Y.txt", 2, 3)
    _, factors = _tsv_block(data / "factor_input.txt", 2, 2)
    emission_labels, emissions = _tsv_block(data / "emissions.txt", 2, 3)
    names = tuple(f"{region}/{sector}" for region, sector, _ in labels)
    output = z.sum(axis=1) + y.sum(axis=1)
    resources = {f"{e[0]} ({e[1]})": emissions[k] for k, e in enumerate(emission_labels)}
    loaded = economy_from_flows(names, z, output, factors.sum(axis=0), resources=resources)
    return LoadedModel(loaded.economy, loaded.baseline, "pymrio test MRIO")


def load_model(path: Path) -> LoadedModel:
    """A model from a CSV file in our format, or from a folder holding one of the known tables."""
    if not path.exists():
        raise FormatError("no existe el archivo ni la carpeta", path=path)
    if path.is_file():
        economy = read_model_csv(path)
        return LoadedModel(economy, np.zeros(economy.n_products), path.name)
    readers = (
        ("domesticiot.csv", read_uk2015),
        ("activities.csv", read_chile2008),
        ("labtarg.csv", read_five_year_plan),
        ("mrio_data/trade_flows_Z.txt", read_pymrio_test),
        ("trade_flows_Z.txt", read_pymrio_test),
    )
    for marker, reader in readers:
        if (path / marker).is_file():
            try:
                return reader(path)
            except ModelError as error:
                raise FormatError(f"tabla no válida: {error}", path=path) from None
    raise FormatError("no es un modelo CSV ni una carpeta de tablas conocida", path=path)
