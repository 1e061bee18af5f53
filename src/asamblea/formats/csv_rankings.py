"""Read and write a plain CSV of rankings (one ballot per row, or distinct ballots with weights).

The format::

    # candidatos: Ana;Beto;Carla;Dante     optional: every candidate, in ballot-paper order
    peso,1,2,3                             header row (required)
    3,Ana,Beto,
    1,Carla=Ana,,Dante
    2,,Beto,

* One record per line (no line breaks inside cells; quotes follow RFC 4180 within the line).
* Lines starting with ``#`` are comments; ``# candidatos:`` (or ``# candidates:``) declares the
  candidates, separated by ``;``. Without it the candidates are the names found, in order of
  first appearance, and a name not declared is an error.
* The header row names the columns. A column named ``peso``, ``weight``, ``count`` or ``votos``
  (any case) is the number of voters who cast the row's ballot; without one every row is one
  voter. Rank columns are recognised by their headers: a number (``1``), an ordinal (``1st
  Choice``, ``2ª preferencia``) or a word and a number (``Choice 1``, ``Rank 2 of 5``,
  ``preferencia 3``); they must be 1, 2, 3, ... once each. Any other column (precinct, ballot id,
  as cities' cast-vote records carry) is left out with a warning naming it; a file with no rank
  column is refused. A cell in a column the header does not name is refused.
* A cell holds a candidate name, several names joined by ``=`` (equal preference) or nothing (an
  empty rank: trailing ones are just a shorter ballot, one followed by a marked rank is a skipped
  rank — see the profile policies). A row with no name is a blank ballot. Cast-vote records'
  markers (any case) are read as what they are: ``undervote`` and ``skipped`` are an empty rank;
  ``overvote`` (the voter marked several candidates at that rank, not said which) ends the
  ballot there (``overvote_mark="exhaust"``, the default) or is passed over
  (``overvote_mark="skip_rank"``), always with a warning that counts them (docs/counting.md
  says which jurisdiction uses which).

Identical rows are grouped before they are parsed, so a file with a million voters parses only
its distinct ballots. Problems raise `FormatError` with the line number; what was left out or
interpreted is a `FormatWarning` given to ``warn`` (or issued with `warnings.warn`). `write_csv`
writes the distinct ballots of a profile with their weights, in this same format.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from asamblea.core.tally.aggregation import DuplicatePolicy, OvervotePolicy, SkippedPolicy
from asamblea.core.tally.profile import Profile
from asamblea.formats.errors import FormatError, FormatWarning
from asamblea.formats.source import read_text

__all__ = [
    "OVERVOTE_MARKS",
    "WEIGHT_COLUMNS",
    "MarkPolicy",
    "format_csv",
    "parse_csv",
    "read_csv",
    "write_csv",
]

WEIGHT_COLUMNS = ("peso", "weight", "count", "votos")
_DECLARE = ("candidatos:", "candidates:")

EMPTY_MARKS = ("undervote", "skipped")
OVERVOTE_MARKS = ("overvote",)
#: What an ``overvote`` marker does: the ballot ends there, or that rank is passed over.
MarkPolicy = Literal["exhaust", "skip_rank"]
_RANK_WORD = r"(?:choice|rank(?:ing)?|pref(?:erence|erencia)?|opci[oó]n|rango|lugar)"
_RANK_HEADER = re.compile(
    rf"^(?P<a>[0-9]{{1,3}})\s*(?:st|nd|rd|th|º|ª|°|\.)?\s*{_RANK_WORD}?$"
    rf"|^(?:.*[^a-zá-ú])?{_RANK_WORD}\s*#?\s*(?P<b>[0-9]{{1,3}})(?:[^0-9].*)?$",
    re.IGNORECASE,
)
#: A lone column named just so (``opción``, ``choice``) is rank 1: one choice per ballot.
_BARE_RANK = re.compile(rf"^{_RANK_WORD}$", re.IGNORECASE)

Progress = Callable[[int], None]
Warn = Callable[[FormatWarning], None]
Groups = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class _Layout:
    """Which columns hold the weight and the ranks (in rank order)."""

    weight: int | None
    ranks: tuple[int, ...]
    width: int


def _layout(header: list[str], line: int, warn: Warn) -> _Layout:
    """Read the header: the weight column, the rank columns by their names, the rest left out."""
    weight: int | None = None
    ranked: dict[int, int] = {}
    ignored: list[str] = []
    bare = [c for c, raw in enumerate(header) if _BARE_RANK.match(raw.strip())]
    for column, raw in enumerate(header):
        name = raw.strip()
        found = _RANK_HEADER.match(name)
        if name.lower() in WEIGHT_COLUMNS and weight is None:
            weight = column
        elif found is not None:
            rank = int(found["a"] or found["b"])
            if rank in ranked:
                raise FormatError(
                    f"dos columnas para el rango {rank}: {header[ranked[rank]]!r} y {raw!r} "
                    "(¿varias contiendas en un archivo?)",
                    line=line,
                )
            ranked[rank] = column
        else:
            ignored.append(raw)
    if not ranked and bare:
        ranked[1] = bare[0]
        ignored = [raw for column, raw in enumerate(header) if column not in (weight, bare[0])]
    _check_ranks(ranked, line)
    if ignored:
        names = ", ".join(repr(n) for n in ignored)
        warn(FormatWarning(f"columnas que no son rangos, no se cuentan: {names}", line=line))
    return _Layout(weight, tuple(ranked[r] for r in sorted(ranked)), len(header))


def _check_ranks(ranked: dict[int, int], line: int) -> None:
    if not ranked:
        raise FormatError(
            "ninguna columna del encabezado es un rango de preferencia "
            "(se esperan «1», «2», … o «1st Choice», «Choice 1», «preferencia 1»)",
            line=line,
        )
    missing = sorted(set(range(1, max(ranked) + 1)) - set(ranked))
    if missing:
        raise FormatError(f"falta la columna del rango {missing[0]}", line=line)


def _cells(line: str, number: int) -> list[str]:
    try:
        return next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration) as error:
        raise FormatError(f"CSV mal formado: {error}", line=number) from None


def _lines(text: str, progress: Progress | None) -> Iterator[tuple[int, str]]:
    """(line number, text) of the non-empty lines, reporting progress in characters."""
    done = 0
    for number, line in enumerate(text.splitlines(), start=1):
        done += len(line) + 1
        if progress is not None and number % 65536 == 0:
            progress(done)
        if line.strip():
            yield number, line
    if progress is not None:
        progress(done)


def _declared(comment: str) -> list[str] | None:
    body = comment.lstrip("#").strip()
    for prefix in _DECLARE:
        if body.lower().startswith(prefix):
            return [n.strip() for n in body[len(prefix) :].split(";") if n.strip()]
    return None


class _Names:
    """Candidate names → indices; fixed when declared, growing otherwise."""

    def __init__(self, declared: list[str] | None) -> None:
        self.fixed = declared is not None
        self.names: list[str] = list(declared or [])
        self.index = {n: i for i, n in enumerate(self.names)}
        if len(self.index) != len(self.names):
            raise FormatError("hay candidaturas declaradas dos veces", line=1)

    def of(self, name: str, line: int) -> int:
        if name not in self.index:
            if self.fixed:
                raise FormatError(f"candidatura no declarada: {name!r}", line=line)
            self.index[name] = len(self.names)
            self.names.append(name)
        return self.index[name]


def _ballot(
    cells: Sequence[str], names: _Names, line: int, overvote_mark: MarkPolicy
) -> tuple[Groups, bool]:
    """The rank groups of one row, and whether it carried an overvote marker."""
    groups: list[tuple[int, ...]] = []
    overvoted = False
    for cell in cells:
        mark = cell.strip().lower()
        if mark in OVERVOTE_MARKS:
            overvoted = True
            if overvote_mark == "exhaust":
                break
            continue
        if mark in EMPTY_MARKS:
            groups.append(())
            continue
        members = [m.strip() for m in cell.split("=") if m.strip()]
        groups.append(tuple(names.of(m, line) for m in members))
    while groups and not groups[-1]:
        groups.pop()
    return tuple(groups), overvoted


def _group_lines(lines: Iterator[tuple[int, str]]) -> dict[str, list[int]]:
    """Distinct ballot lines → [first line number, how many times]; comments dropped."""
    seen: dict[str, list[int]] = {}
    for number, line in lines:
        if line.lstrip().startswith("#"):
            continue
        entry = seen.setdefault(line.strip(), [number, 0])
        entry[1] += 1
    return seen


def _weight(cell: str, line: int) -> int:
    cell = cell.strip()
    if not (cell.isascii() and cell.isdigit() and len(cell) <= 18):
        if cell.startswith("-") and cell[1:].isascii() and cell[1:].isdigit():
            raise FormatError("peso negativo", line=line)
        raise FormatError(f"peso no entero: {cell!r}", line=line)
    return int(cell)


def _parse_rows(
    distinct: dict[str, list[int]], layout: _Layout, names: _Names, overvote_mark: MarkPolicy
) -> tuple[list[Groups], list[int], int]:
    """Ballots, their weights, and how many voters' ballots carried an overvote marker."""
    ballots: list[Groups] = []
    weights: list[int] = []
    overvoted = 0
    for line, (number, times) in distinct.items():
        cells = _cells(line, number)
        if any(c.strip() for c in cells[layout.width :]):
            raise FormatError(
                f"la fila tiene {len(cells)} columnas y el encabezado {layout.width}", line=number
            )
        cells += [""] * (layout.width - len(cells))
        weight = 1 if layout.weight is None else _weight(cells[layout.weight], number)
        ranks = [cells[i] for i in layout.ranks]
        groups, marked = _ballot(ranks, names, number, overvote_mark)
        ballots.append(groups)
        weights.append(weight * times)
        overvoted += weight * times if marked else 0
    return ballots, weights, overvoted


def parse_csv(
    text: str,
    *,
    progress: Progress | None = None,
    skipped: SkippedPolicy = "close_gap",
    duplicate: DuplicatePolicy = "keep_first",
    overvote: OvervotePolicy = "keep",
    overvote_mark: MarkPolicy = "exhaust",
    warn: Warn | None = None,
) -> Profile:
    """Parse a CSV of rankings (see the module docstring) into a profile.

    ``overvote`` is the policy for equal ranks a cell names (``Ana=Beto``); ``overvote_mark`` the
    one for ``overvote`` markers, which name no candidate. Warnings go to ``warn``."""
    say = warn if warn is not None else _warn
    lines = _lines(text.lstrip("\ufeff"), progress)
    declared: list[str] | None = None
    header: tuple[int, list[str]] | None = None
    for number, line in lines:
        if line.lstrip().startswith("#"):
            declared = _declared(line.strip()) if declared is None else declared
            continue
        header = (number, _cells(line, number))
        break
    if header is None:
        raise FormatError("falta la fila de encabezado", line=1)
    layout = _layout(header[1], header[0], say)
    names = _Names(declared)
    ballots, weights, overvoted = _parse_rows(_group_lines(lines), layout, names, overvote_mark)
    if not names.names:
        raise FormatError("no hay ninguna candidatura en el archivo", line=header[0])
    if overvoted:
        done = "la papeleta se agota ahí" if overvote_mark == "exhaust" else "ese rango se salta"
        say(FormatWarning(f"{overvoted} papeletas con «overvote» (sobrevoto): {done}"))
    return Profile.from_ballots(
        tuple(names.names),
        ballots,
        weights=weights,
        skipped=skipped,
        duplicate=duplicate,
        overvote=overvote,
    )


def _warn(warning: FormatWarning) -> None:
    warnings.warn(warning, stacklevel=3)


def read_csv(
    path: str | Path,
    *,
    progress: Progress | None = None,
    overvote_mark: MarkPolicy = "exhaust",
    warn: Warn | None = None,
) -> Profile:
    """Read a CSV of rankings from a UTF-8 file (warnings carry the path)."""
    text = read_text(path)
    say = warn if warn is not None else _warn
    try:
        return parse_csv(
            text, progress=progress, overvote_mark=overvote_mark, warn=lambda w: say(w.at(path))
        )
    except FormatError as error:
        raise error.at(path) from None


def format_csv(profile: Profile) -> str:
    """The distinct ballots of `profile` as CSV text with a weight column."""
    for name in profile.candidates:
        if any(ch in name for ch in "=;\n\r") or name != name.strip() or name.startswith("#"):
            raise ValueError(f"nombre no representable en CSV: {name!r}")
    out = io.StringIO()
    out.write("# candidatos: " + ";".join(profile.candidates) + "\n")
    groups = profile.rank_groups()
    width = max([len(g) for g, _ in groups] + [1])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["peso", *[str(i) for i in range(1, width + 1)]])
    for ballot, count in groups:
        cells = ["=".join(profile.candidates[c] for c in group) for group in ballot]
        writer.writerow([count, *cells, *[""] * (width - len(cells))])
    return out.getvalue()


def write_csv(profile: Profile, path: str | Path) -> None:
    """Write `profile` to a CSV file (UTF-8)."""
    Path(path).write_text(format_csv(profile), encoding="utf-8")
