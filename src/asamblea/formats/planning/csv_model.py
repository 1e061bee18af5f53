"""The documented CSV model format, targets, floors and what-if changes (see docs/planning.md).

A model file is a matrix with one column per technique::

    fila,maiz,hierro,hierro:eléctrico,limite
    maiz,0.1,0,0,
    hierro,0.2,0.1,0.05,
    trabajo,1,2,1,100
    recurso:energía,0,1,3,50
    capacidad,,,10,
    # optional: a row "produccion" (gross output) means the cells are flows, not coefficients

The first column names the row: one row per product (input coefficients, or flows), the row
``trabajo`` (or ``labour``), rows ``recurso:NAME`` (or ``resource:NAME``), optionally
``capacidad`` (``capacity``) and ``produccion`` (``output``). A technique column is named by its
product, or ``product:label`` for an alternative technique. The optional last column ``limite``
(``limit``) holds the limit of labour and of each resource (blank: unlimited).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse

from asamblea.core.planning.model import Economy, FloatArray, ModelError, Targets
from asamblea.core.planning.whatif import Change, ChangeKind
from asamblea.formats.errors import FormatError
from asamblea.formats.planning.csvfile import Row, number, read_rows

__all__ = ["read_changes_csv", "read_floors_csv", "read_model_csv", "read_targets_csv"]

LABOUR = {"trabajo", "labour", "labor"}
CAPACITY = {"capacidad", "capacity"}
OUTPUT = {"produccion", "producción", "output"}
LIMIT = {"limite", "límite", "limit"}
RESOURCE_PREFIXES = ("recurso:", "resource:")


def read_model_csv(path: Path) -> Economy:
    """Read a model file in the documented CSV format."""
    rows = read_rows(path)
    if not rows:
        raise FormatError("el archivo está vacío", path=path)
    line, header = rows[0]
    has_limit = header[-1].lower() in LIMIT
    techniques = header[1 : len(header) - has_limit]
    if not techniques:
        raise FormatError("la cabecera no nombra ninguna técnica", path=path, line=line)
    width = len(header)
    table: dict[str, tuple[int, FloatArray, float]] = {}
    for line, cells in rows[1:]:
        if len(cells) > width or len(cells) < width - has_limit:
            raise FormatError(f"se esperaban {width} columnas y hay {len(cells)}", path=path,
                              line=line)
        name = cells[0]
        if name.lower() in table or name in table:
            raise FormatError(f"fila repetida: {name!r}", path=path, line=line)
        blank = np.inf if name.lower() in CAPACITY else 0.0
        values = np.array([number(c, path=path, line=line, what=name, empty=blank)
                           for c in cells[1 : 1 + len(techniques)]])
        limit = np.inf
        if has_limit and len(cells) == width:
            limit = number(cells[-1], path=path, line=line, what="límite", empty=np.inf)
        key = name.lower() if _is_special(name) else name
        table[key] = (line, values, limit)
    return _economy(path, techniques, table)


def _is_special(name: str) -> bool:
    low = name.lower()
    return low in LABOUR | CAPACITY | OUTPUT or low.startswith(RESOURCE_PREFIXES)


Entry = tuple[int, FloatArray, float]
"""A model row: its line, its values per technique, its limit."""


def _pick(table: dict[str, Entry], names: set[str]) -> Entry | None:
    found = [table[k] for k in names if k in table]
    return found[0] if found else None


def _economy(path: Path, techniques: list[str],
             table: dict[str, tuple[int, FloatArray, float]]) -> Economy:
    products = [k for k in table if not _is_special(k)]
    position = {p: i for i, p in enumerate(products)}
    made = []
    for name in techniques:
        product = name.split(":", 1)[0].strip()
        if product not in position:
            raise FormatError(f"la técnica {name!r} no produce ningún producto con fila", path=path,
                              line=1)
        made.append(position[product])
    labour_row = _pick(table, LABOUR)
    if labour_row is None:
        raise FormatError("falta la fila 'trabajo'", path=path)
    inputs = np.vstack([table[p][1] for p in products])
    labour = labour_row[1]
    resources = [k for k in table if k.startswith(RESOURCE_PREFIXES)]
    use = np.vstack([table[r][1] for r in resources]) if resources else np.zeros((0, len(made)))
    output = _pick(table, OUTPUT)
    if output is not None:
        inputs, labour, use = _per_unit(path, output, inputs, labour, use)
    capacity = _pick(table, CAPACITY)
    try:
        return Economy(
            products=tuple(products), technique_product=np.array(made),
            inputs=sparse.csc_array(inputs), labour=labour, labour_limit=labour_row[2],
            resources=tuple(r.split(":", 1)[1].strip() for r in resources),
            resource_use=sparse.csr_array(use),
            resource_limits=np.array([table[r][2] for r in resources]),
            capacity=None if capacity is None else capacity[1],
            technique_names=tuple(techniques),
        )
    except ModelError as error:
        raise FormatError(f"modelo no válido: {error}", path=path) from None


def _per_unit(path: Path, output: tuple[int, FloatArray, float], inputs: FloatArray,
              labour: FloatArray, use: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    line, gross, _ = output
    if np.any(gross <= 0):
        raise FormatError("la producción de cada técnica debe ser positiva", path=path, line=line)
    return inputs / gross, labour / gross, use / gross


def _named_values(path: Path, column: str) -> dict[str, tuple[int, float]]:
    rows = read_rows(path)
    if not rows:
        raise FormatError("el archivo está vacío", path=path)
    line, header = rows[0]
    names = [h.lower() for h in header]
    if column not in names:
        raise FormatError(f"falta la columna {column!r}", path=path, line=line)
    col = names.index(column)
    values: dict[str, tuple[int, float]] = {}
    for line, cells in rows[1:]:
        if len(cells) <= col:
            raise FormatError(f"falta la columna {column!r}", path=path, line=line)
        if cells[0] in values:
            raise FormatError(f"producto repetido: {cells[0]!r}", path=path, line=line)
        value = number(cells[col], path=path, line=line, what=column, empty=0.0)
        if value < 0:
            raise FormatError(f"{column} negativo", path=path, line=line)
        values[cells[0]] = (line, value)
    return values


def _vector(path: Path, economy: Economy, values: dict[str, tuple[int, float]]) -> FloatArray:
    vector = np.zeros(economy.n_products)
    for name, (line, value) in values.items():
        if name not in economy.products:
            raise FormatError(f"producto desconocido: {name!r}", path=path, line=line)
        vector[economy.products.index(name)] = value
    return vector


def _header(path: Path) -> list[str]:
    rows = read_rows(path)
    if not rows:
        raise FormatError("el archivo está vacío", path=path)
    return [h.lower() for h in rows[0][1]]


def read_targets_csv(path: Path, economy: Economy, floors: Path | None = None) -> Targets:
    """Targets ``producto,meta[,piso]``; floors may also come from a ``producto,piso`` file."""
    header = _header(path)
    column = "target" if "target" in header else "meta"
    levels = _vector(path, economy, _named_values(path, column))
    floor = np.zeros(economy.n_products)
    if "piso" in header or "floor" in header:
        floor = read_floors_csv(path, economy)
    if floors is not None:
        floor = np.maximum(floor, read_floors_csv(floors, economy))
    try:
        return Targets(levels=levels, floors=floor)
    except ModelError as error:
        raise FormatError(f"metas no válidas: {error}", path=path) from None


def read_floors_csv(path: Path, economy: Economy) -> FloatArray:
    """Floors ``producto,piso`` (minimum net output of essentials)."""
    column = "floor" if "floor" in _header(path) else "piso"
    return _vector(path, economy, _named_values(path, column))


KINDS: dict[str, ChangeKind] = {
    "meta": "target", "target": "target", "piso": "floor", "floor": "floor",
    "trabajo": "labour_limit", "labour_limit": "labour_limit", "labour": "labour_limit",
    "recurso": "resource_limit", "resource_limit": "resource_limit", "resource": "resource_limit",
    "capacidad": "capacity", "capacity": "capacity",
}


def read_changes_csv(path: Path) -> list[Change]:
    """What-if changes ``tipo,nombre,valor``: ``meta,Educación,+20%`` or ``trabajo,,950000``."""
    changes = []
    for line, cells in _data_rows(read_rows(path)):
        if len(cells) < 3:
            raise FormatError("se esperaban tres columnas: tipo,nombre,valor", path=path, line=line)
        kind = KINDS.get(cells[0].lower())
        if kind is None:
            raise FormatError(f"tipo de cambio desconocido: {cells[0]!r}", path=path, line=line)
        text = cells[2].strip()
        percent = text.endswith("%")
        value = number(text.rstrip("%"), path=path, line=line, what="valor")
        changes.append(Change(kind=kind, name=cells[1], value=value, percent=percent))
    return changes


def _data_rows(rows: list[Row]) -> list[Row]:
    if rows and rows[0][1][0].lower() in ("tipo", "kind"):
        return rows[1:]
    return rows
