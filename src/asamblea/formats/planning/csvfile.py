"""Shared CSV reading for the planning formats: rows with their line numbers, numbers with
errors that name the file and the line."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from asamblea.formats.errors import FormatError

__all__ = ["Row", "number", "read_rows"]

Row = tuple[int, list[str]]


def read_rows(path: Path, *, delimiter: str = ",", encodings: tuple[str, ...] = ("utf-8-sig",
              "latin-1")) -> list[Row]:
    """Non-empty, non-comment rows of a CSV file with their 1-based line numbers."""
    if not path.is_file():
        raise FormatError("no existe el archivo", path=path)
    for encoding in encodings:
        try:
            text = path.read_text(encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - latin-1 decodes any byte string
        raise FormatError("codificación desconocida", path=path)
    return list(_rows(text, delimiter))


def _rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    for cells in reader:
        line = reader.line_num
        stripped = [c.strip() for c in cells]
        if not any(stripped) or stripped[0].startswith("#"):
            continue
        yield line, stripped


def number(cell: str, *, path: Path, line: int, what: str, empty: float | None = None) -> float:
    """A cell as a float (``,`` accepted as decimal mark); ``empty`` when blank, if given."""
    text = cell.strip().replace(" ", "")
    if not text:
        if empty is not None:
            return empty
        raise FormatError(f"falta un número ({what})", path=path, line=line)
    try:
        return float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise FormatError(f"no es un número: {cell!r} ({what})", path=path, line=line) from None
