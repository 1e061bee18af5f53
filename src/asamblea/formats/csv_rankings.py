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
* The header row names the columns. If its first column is ``peso``, ``weight``, ``count`` or
  ``votos`` (any case), that column is the number of voters who cast the row's ballot; otherwise
  every row is one voter. The other columns are the preferences, first to last.
* A cell holds a candidate name, several names joined by ``=`` (equal preference) or nothing (an
  empty rank: trailing ones are just a shorter ballot, one followed by a marked rank is a skipped
  rank — see the profile policies). A row with no name is a blank ballot.

Identical rows are grouped before they are parsed, so a file with a million voters parses only
its distinct ballots. Problems raise `FormatError` with the line number. `write_csv` writes the
distinct ballots of a profile with their weights, in this same format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from asamblea.core.tally.aggregation import DuplicatePolicy, OvervotePolicy, SkippedPolicy
from asamblea.core.tally.profile import Profile
from asamblea.formats.errors import FormatError

__all__ = ["WEIGHT_COLUMNS", "format_csv", "parse_csv", "read_csv", "write_csv"]

WEIGHT_COLUMNS = ("peso", "weight", "count", "votos")
_DECLARE = ("candidatos:", "candidates:")

Progress = Callable[[int], None]
Groups = tuple[tuple[int, ...], ...]


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


def _ballot(cells: Sequence[str], names: _Names, line: int) -> Groups:
    groups: list[tuple[int, ...]] = []
    for cell in cells:
        members = [m.strip() for m in cell.split("=") if m.strip()]
        groups.append(tuple(names.of(m, line) for m in members))
    while groups and not groups[-1]:
        groups.pop()
    return tuple(groups)


def _group_lines(lines: Iterator[tuple[int, str]]) -> dict[str, list[int]]:
    """Distinct ballot lines → [first line number, how many times]; comments dropped."""
    seen: dict[str, list[int]] = {}
    for number, line in lines:
        if line.lstrip().startswith("#"):
            continue
        entry = seen.setdefault(line.strip(), [number, 0])
        entry[1] += 1
    return seen


def _parse_rows(
    distinct: dict[str, list[int]], weighted: bool, names: _Names
) -> tuple[list[Groups], list[int]]:
    ballots: list[Groups] = []
    weights: list[int] = []
    for line, (number, times) in distinct.items():
        cells = _cells(line, number)
        weight = 1
        if weighted:
            try:
                weight = int(cells[0])
            except ValueError:
                raise FormatError(f"peso no entero: {cells[0]!r}", line=number) from None
            if weight < 0:
                raise FormatError("peso negativo", line=number)
        ballots.append(_ballot(cells[1:] if weighted else cells, names, number))
        weights.append(weight * times)
    return ballots, weights


def parse_csv(
    text: str,
    *,
    progress: Progress | None = None,
    skipped: SkippedPolicy = "close_gap",
    duplicate: DuplicatePolicy = "keep_first",
    overvote: OvervotePolicy = "keep",
) -> Profile:
    """Parse a CSV of rankings (see the module docstring) into a profile."""
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
    weighted = header[1][0].strip().lower() in WEIGHT_COLUMNS
    names = _Names(declared)
    ballots, weights = _parse_rows(_group_lines(lines), weighted, names)
    if not names.names:
        raise FormatError("no hay ninguna candidatura en el archivo", line=header[0])
    return Profile.from_ballots(
        tuple(names.names),
        ballots,
        weights=weights,
        skipped=skipped,
        duplicate=duplicate,
        overvote=overvote,
    )


def read_csv(path: str | Path, *, progress: Progress | None = None) -> Profile:
    """Read a CSV of rankings from a UTF-8 file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"no es texto UTF-8 ({error.reason})", path=path) from None
    try:
        return parse_csv(text, progress=progress)
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
