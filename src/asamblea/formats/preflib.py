"""Read PrefLib ordinal files: ``.soc``, ``.soi``, ``.toc``, ``.toi``.

Both layouts are read:

* the current one (2022 on): ``# KEY: value`` metadata lines — ``DATA TYPE``, ``NUMBER
  ALTERNATIVES``, ``NUMBER VOTERS``, ``ALTERNATIVE NAME i`` … — then one line per distinct order,
  ``count: 1,{2,3},4``;
* the legacy one: the number of alternatives, ``i,Name`` lines, ``voters,sum,unique``, then
  ``count,1,{2,3},4``.

Alternatives are numbered from 1 in the file and from 0 in the profile. Braces group equal ranks
(only in ``toc``/``toi``). The data type is checked: ``soc`` strict and complete, ``soi`` strict,
``toc`` complete with ties allowed, ``toi`` anything; a line that breaks it, an unknown
alternative, a repeated alternative or a total that disagrees with the header raises
`FormatError` with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from asamblea.core.tally.profile import Profile
from asamblea.formats.errors import FormatError
from asamblea.formats.source import read_text

__all__ = ["DATA_TYPES", "PreflibFile", "parse_preflib", "read_preflib"]

DATA_TYPES = ("soc", "soi", "toc", "toi")
_TOKEN = re.compile(r"\{[^{}]*\}|[^,{}]+")

Groups = tuple[tuple[int, ...], ...]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class PreflibFile:
    """A PrefLib ordinal file: its data type, title, metadata and ballots."""

    data_type: str
    title: str
    profile: Profile
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class _Header:
    data_type: str = ""
    n_alternatives: int = 0
    n_voters: int | None = None
    names: dict[int, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


def _int(text: str, line: int, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise FormatError(f"{what} no es un número entero: {text.strip()!r}", line=line) from None


def _order(text: str, line: int, header: _Header) -> Groups:
    """``1,{2,3},4`` → ((0,), (1, 2), (3,)), with the data-type checks."""
    groups: list[tuple[int, ...]] = []
    seen: set[int] = set()
    stripped = text.strip()
    if _TOKEN.sub("", stripped).replace(",", "").strip():
        raise FormatError(f"orden mal formado: {stripped!r}", line=line)
    for token in _TOKEN.findall(stripped):
        inner = token.strip().strip("{}")
        members = [_int(t, line, "alternativa") for t in inner.split(",") if t.strip()]
        if not members:
            continue
        if (
            token.strip().startswith("{")
            and header.data_type in ("soc", "soi")
            and len(members) > 1
        ):
            raise FormatError(f"empates en un archivo {header.data_type}", line=line)
        for m in members:
            if not 1 <= m <= header.n_alternatives:
                raise FormatError(f"alternativa desconocida: {m}", line=line)
            if m in seen:
                raise FormatError(f"la alternativa {m} aparece dos veces", line=line)
            seen.add(m)
        groups.append(tuple(m - 1 for m in members))
    if header.data_type in ("soc", "toc") and len(seen) != header.n_alternatives:
        raise FormatError(f"orden incompleto en un archivo {header.data_type}", line=line)
    return tuple(groups)


def _meta_line(text: str, number: int, header: _Header) -> None:
    key, sep, value = text.lstrip("#").partition(":")
    if not sep:
        return
    key, value = key.strip().upper(), value.strip()
    header.metadata[key] = value
    if key == "DATA TYPE":
        header.data_type = value.lower()
    elif key == "NUMBER ALTERNATIVES":
        header.n_alternatives = _int(value, number, "NUMBER ALTERNATIVES")
    elif key == "NUMBER VOTERS":
        header.n_voters = _int(value, number, "NUMBER VOTERS")
    elif key.startswith("ALTERNATIVE NAME"):
        header.names[_int(key.removeprefix("ALTERNATIVE NAME"), number, "alternativa")] = value


def _next(lines: Iterator[tuple[int, str]], last: int, what: str) -> tuple[int, str]:
    found = next(lines, None)
    if found is None:
        raise FormatError(f"el archivo termina antes de {what}", line=last + 1)
    return found


def _legacy_header(lines: Iterator[tuple[int, str]], first: tuple[int, str]) -> _Header:
    header = _Header(n_alternatives=_int(first[1], first[0], "número de alternativas"))
    number = first[0]
    for _ in range(header.n_alternatives):
        number, text = _next(lines, number, "los nombres de las alternativas")
        index, sep, name = text.partition(",")
        if not sep:
            raise FormatError("se esperaba «número,nombre» de una alternativa", line=number)
        header.names[_int(index, number, "alternativa")] = name.strip()
    number, text = _next(lines, number, "la línea «votantes,suma,órdenes únicos»")
    totals = text.split(",")
    if len(totals) != 3:
        raise FormatError("se esperaba «votantes,suma,órdenes únicos»", line=number)
    header.n_voters = _int(totals[0], number, "número de votantes")
    return header


def _names(header: _Header) -> tuple[str, ...]:
    names = [header.names.get(i, f"Alternativa {i}") for i in range(1, header.n_alternatives + 1)]
    if len(set(names)) != len(names):  # PrefLib does not promise unique names: make them unique
        names = [f"{n} ({i})" for i, n in enumerate(names, start=1)]
    return tuple(names)


def _read_orders(
    lines: Iterable[tuple[int, str]], header: _Header, separator: str
) -> tuple[list[Groups], list[int], int]:
    ballots: list[Groups] = []
    weights: list[int] = []
    last = 0
    for number, text in lines:
        last = number
        count, sep, order = text.partition(separator)
        if not sep:
            raise FormatError(f"se esperaba «cantidad{separator} orden»", line=number)
        weight = _int(count, number, "la cantidad de votantes")
        if weight < 0:
            raise FormatError("cantidad de votantes negativa", line=number)
        ballots.append(_order(order, number, header))
        weights.append(weight)
    return ballots, weights, last


def _numbered(text: str, progress: Progress | None) -> Iterator[tuple[int, str]]:
    done = 0
    for number, line in enumerate(text.splitlines(), start=1):
        done += len(line) + 1
        if progress is not None and number % 4096 == 0:
            progress(done)
        if line.strip():
            yield number, line
    if progress is not None:
        progress(done)


def parse_preflib(
    text: str, *, data_type: str | None = None, progress: Progress | None = None
) -> PreflibFile:
    """Parse the text of a PrefLib ordinal file. `data_type` (``"soc"`` …) is used when the file
    does not say it (legacy layout); `progress` is called with the characters read so far."""
    lines = _numbered(text.lstrip("\ufeff"), progress)
    first = next(lines, None)
    if first is None:
        raise FormatError("el archivo está vacío", line=1)
    if first[1].startswith("#"):
        header = _Header()
        _meta_line(first[1], first[0], header)
        pending = None
        for number, line in lines:
            if not line.startswith("#"):
                pending = (number, line)
                break
            _meta_line(line, number, header)
        body: Iterable[tuple[int, str]] = [] if pending is None else _chain(pending, lines)
        separator = ":"
    else:
        header = _legacy_header(lines, first)
        body, separator = lines, ","
    header.data_type = header.data_type or (data_type or "toi")
    if header.data_type not in DATA_TYPES:
        raise FormatError(f"tipo de datos no ordinal: {header.data_type!r}", line=first[0])
    if header.n_alternatives < 1:
        raise FormatError("falta NUMBER ALTERNATIVES", line=first[0])
    ballots, weights, last = _read_orders(body, header, separator)
    if header.n_voters is not None and sum(weights) != header.n_voters:
        raise FormatError(
            f"NUMBER VOTERS dice {header.n_voters} y las líneas suman {sum(weights)}", line=last
        )
    profile = Profile.from_ballots(_names(header), ballots, weights=weights)
    title = header.metadata.get("TITLE", "")
    return PreflibFile(header.data_type, title, profile, header.metadata)


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def read_preflib(path: str | Path, *, progress: Progress | None = None) -> PreflibFile:
    """Read a PrefLib ordinal file; the data type defaults to the file's extension."""
    path = Path(path)
    text = read_text(path)
    suffix = path.suffix.lower().lstrip(".")
    try:
        return parse_preflib(
            text, data_type=suffix if suffix in DATA_TYPES else None, progress=progress
        )
    except FormatError as error:
        raise error.at(path) from None
