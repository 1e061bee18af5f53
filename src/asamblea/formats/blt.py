"""Read and write BLT ballot files (OpenSTV, OpaVote, Droop).

The format, line by line::

    4 2                   number of candidates, number of seats
    -3                    optional: withdrawn candidates as negative numbers
    [nick a b c d]        optional Droop options: nicknames, [withdrawn …], [tie …], others kept
    3 1 2=4 0             ballots: weight, preferences (index or nickname, `=` equal rank,
    2 d - b 0               `-` a skipped rank), `0` ends the ballot; an optional `(id)` first
    0                     end of ballots
    "Ana"                 one quoted name per candidate, in index order
    "…"
    "Title"               the election title
    "Source"              optional further quoted strings (Droop: source, comment)

Anything after the last quoted string (some published files append a summary) is kept as
`BltElection.trailer` and otherwise ignored. Every problem raises `FormatError` with the 1-based
line number. Two habits of published files are read and repaired, each with a warning in
`BltElection.warnings` that says what was repaired: candidate names (or the title) written
without quotes, one per line, and quotes inside a name doubled as in CSV (`""` for one `"`).
Withdrawn candidates stay in the profile (so that indices keep their meaning); the
rules take them through their `withdrawn` parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from asamblea.core.tally.profile import Profile
from asamblea.formats.errors import FormatError, FormatWarning
from asamblea.formats.source import read_text

_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_ID_PREFIX = re.compile(r"^\(([^)]*)\)\s*")


@dataclass(frozen=True)
class BltElection:
    """An election read from (or to be written to) a BLT file."""

    title: str
    seats: int
    profile: Profile
    withdrawn: tuple[int, ...] = ()
    tie_order: tuple[int, ...] | None = None
    nicknames: tuple[str, ...] | None = None
    options: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    trailer: tuple[str, ...] = field(default=(), compare=False)
    warnings: tuple[FormatWarning, ...] = field(default=(), compare=False)  # what was repaired

    @property
    def candidates(self) -> tuple[str, ...]:
        """Candidate names in index order (withdrawn ones included)."""
        return tuple(self.profile.candidates)


@dataclass
class _State:
    """What the parser has collected so far."""

    n_candidates: int = 0
    seats: int = 0
    nicknames: list[str] | None = None
    withdrawn: list[int] = field(default_factory=list)
    tie_order: list[int] | None = None
    options: list[str] = field(default_factory=list)
    ballots: list[list[list[int]]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers, stripped."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            yield number, line


def _int(token: str, line: int, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise FormatError(f"{what}: se esperaba un entero, no {token!r}", line=line) from None


def _parse_header(line: str, number: int) -> _State:
    parts = line.split()
    if len(parts) != 2:
        raise FormatError(
            "la primera línea debe tener dos enteros: candidaturas y escaños", line=number
        )
    state = _State(_int(parts[0], number, "candidaturas"), _int(parts[1], number, "escaños"))
    if state.n_candidates < 1 or state.seats < 1:
        raise FormatError("candidaturas y escaños deben ser positivos", line=number)
    if state.n_candidates > 254:
        raise FormatError("como máximo 254 candidaturas", line=number)
    return state


def _candidate(token: str, state: _State, line: int) -> int:
    """0-based index of a candidate written as a 1-based number or a nickname."""
    if state.nicknames is not None and token in state.nicknames:
        return state.nicknames.index(token)
    if not token.lstrip("-").isdigit():
        raise FormatError(f"candidatura desconocida: {token!r}", line=line)
    index = int(token)
    if not 1 <= index <= state.n_candidates:
        raise FormatError(
            f"candidatura {index} fuera de rango (1..{state.n_candidates})", line=line
        )
    return index - 1


def _parse_option(line: str, number: int, state: _State) -> None:
    if not line.endswith("]"):
        raise FormatError("opción sin cerrar: falta ']'", line=number)
    words = line[1:-1].split()
    if not words:
        raise FormatError("opción vacía '[]'", line=number)
    name, args = words[0], words[1:]
    if name == "nick":
        if len(args) != state.n_candidates or len(set(args)) != len(args):
            raise FormatError(f"[nick] necesita {state.n_candidates} apodos distintos", line=number)
        state.nicknames = args
    elif name == "withdrawn":
        state.withdrawn.extend(_candidate(a, state, number) for a in args)
    elif name == "tie":
        order = [_candidate(a, state, number) for a in args]
        if sorted(order) != list(range(state.n_candidates)):
            raise FormatError("[tie] debe nombrar a cada candidatura una vez", line=number)
        state.tie_order = order
    else:
        state.options.append(line)


def _parse_ballot(line: str, number: int, state: _State) -> None:
    line = _ID_PREFIX.sub("", line)
    tokens = line.split()
    if len(tokens) < 2 or tokens[-1] != "0":
        raise FormatError("la papeleta debe terminar en 0", line=number)
    weight = _int(tokens[0], number, "peso de la papeleta")
    if weight < 0:
        raise FormatError("el peso de la papeleta no puede ser negativo", line=number)
    groups: list[list[int]] = []
    for item in tokens[1:-1]:
        if item == "-":
            groups.append([])
            continue
        if item == "0":
            raise FormatError("0 solo puede ir al final de la papeleta", line=number)
        groups.append([_candidate(t, state, number) for t in item.split("=")])
    state.ballots.append(groups)
    state.weights.append(weight)


def _parse_body(lines: Iterator[tuple[int, str]], state: _State) -> int:
    """Withdrawn line, options and ballots up to the `0` line; returns that line's number."""
    seen_ballot = False
    last = 1
    for number, line in lines:
        last = number
        if line == "0":
            return number
        if line.startswith("["):
            if seen_ballot:
                raise FormatError("las opciones [..] van antes de las papeletas", line=number)
            _parse_option(line, number, state)
        elif line.startswith("-") and not seen_ballot and not state.withdrawn:
            for token in line.split():
                value = _int(token, number, "candidatura retirada")
                if value >= 0:
                    raise FormatError("las retiradas se escriben como negativos", line=number)
                state.withdrawn.append(_candidate(str(-value), state, number))
        else:
            seen_ballot = True
            _parse_ballot(line, number, state)
    raise FormatError(
        "el archivo termina sin la línea '0' que cierra las papeletas (¿está cortado?)", line=last
    )


@dataclass
class _Strings:
    """The quoted strings after the ballots, each with its line, and what was repaired."""

    found: list[tuple[int, str]] = field(default_factory=list)
    trailer: list[str] = field(default_factory=list)
    unquoted: list[int] = field(default_factory=list)
    doubled: list[int] = field(default_factory=list)

    def warnings(self) -> tuple[FormatWarning, ...]:
        out = []
        if self.unquoted:
            out.append(
                FormatWarning(
                    f"{_lines_word(self.unquoted)} sin comillas: cada línea se lee entera como "
                    "un nombre (o el título)",
                    line=self.unquoted[0],
                )
            )
        if self.doubled:
            out.append(
                FormatWarning(
                    f'{_lines_word(self.doubled)} con comillas dobladas (""): se leen como una',
                    line=self.doubled[0],
                )
            )
        return tuple(out)


def _lines_word(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"nombre de la línea {numbers[0]}"
    return f"{len(numbers)} nombres (líneas {', '.join(map(str, numbers))})"


def _parse_strings(lines: Iterator[tuple[int, str]], n_names: int, end_line: int) -> _Strings:
    """Candidate names plus title, then extra quoted strings, then the unparsed trailer."""
    strings = _Strings()
    last = end_line
    for number, line in lines:
        last = number
        if strings.trailer:
            strings.trailer.append(line)
            continue
        found = _QUOTED.findall(line)
        rest = _QUOTED.sub("", line).strip()
        if rest and found:
            raise FormatError("texto fuera de las comillas", line=number)
        if not found and len(strings.found) < n_names:
            strings.unquoted.append(number)
            found = [line]
        elif not found:
            strings.trailer.append(line)
            continue
        elif any('""' in f for f in found):
            strings.doubled.append(number)
        strings.found.extend((number, f.replace('""', '"')) for f in found)
    if len(strings.found) < n_names:
        missing = n_names - len(strings.found)
        raise FormatError(
            f"faltan {missing} nombres o el título tras la línea {end_line} (¿está cortado?)",
            line=last,
        )
    return strings


def parse_blt(text: str, *, path: str | Path | None = None) -> BltElection:
    """Parse the text of a BLT file (see the module docstring for the format)."""
    try:
        election = _parse(text)
    except FormatError as error:
        raise (error.at(path) if path is not None else error) from None
    if path is None or not election.warnings:
        return election
    return replace(election, warnings=tuple(w.at(path) for w in election.warnings))


def _parse(text: str) -> BltElection:
    lines = _lines(text.lstrip("\ufeff"))
    first = next(lines, None)
    if first is None:
        raise FormatError("el archivo está vacío", line=1)
    state = _parse_header(first[1], first[0])
    end_line = _parse_body(lines, state)
    strings = _parse_strings(lines, state.n_candidates + 1, end_line)
    names = [name for _, name in strings.found[: state.n_candidates]]
    title = strings.found[state.n_candidates][1]
    _check_names(strings.found[: state.n_candidates])
    profile = Profile.from_ballots(tuple(names), state.ballots, weights=state.weights)
    return BltElection(
        title=title,
        seats=state.seats,
        profile=profile,
        withdrawn=tuple(sorted(set(state.withdrawn))),
        tie_order=None if state.tie_order is None else tuple(state.tie_order),
        nicknames=None if state.nicknames is None else tuple(state.nicknames),
        options=tuple(state.options),
        extras=tuple(name for _, name in strings.found[state.n_candidates + 1 :]),
        trailer=tuple(strings.trailer),
        warnings=strings.warnings(),
    )


def _check_names(names: list[tuple[int, str]]) -> None:
    """Refuse a name given twice, naming it and the line of its second appearance."""
    first: dict[str, int] = {}
    for number, name in names:
        if name in first:
            raise FormatError(
                f"la candidatura {name!r} aparece dos veces (líneas {first[name]} y {number})",
                line=number,
            )
        first[name] = number


def read_blt(path: str | Path) -> BltElection:
    """Read a BLT file (UTF-8)."""
    return parse_blt(read_text(path), path=path)


def _quote(text: str) -> str:
    if '"' in text or "\n" in text or "\r" in text:
        raise ValueError(f"BLT no admite comillas ni saltos de línea en {text!r}")
    return f'"{text}"'


def format_blt(election: BltElection) -> str:
    """The BLT text of an election (numbers for candidates, `=` for equal ranks)."""
    profile = election.profile
    n = len(profile.candidates)
    lines = [f"{n} {election.seats}"]
    if election.withdrawn:
        lines.append(" ".join(f"-{c + 1}" for c in election.withdrawn))
    if election.nicknames is not None:
        lines.append("[nick " + " ".join(election.nicknames) + "]")
    if election.tie_order is not None:
        lines.append("[tie " + " ".join(str(c + 1) for c in election.tie_order) + "]")
    lines.extend(election.options)
    for groups, count in profile.rank_groups():
        prefs = " ".join("=".join(str(c + 1) for c in group) for group in groups)
        lines.append(f"{count} {prefs} 0")
    lines.append("0")
    lines.extend(_quote(name) for name in profile.candidates)
    lines.append(_quote(election.title))
    lines.extend(_quote(extra) for extra in election.extras)
    return "\n".join(lines) + "\n"


def write_blt(election: BltElection, path: str | Path) -> None:
    """Write an election as a BLT file (UTF-8)."""
    Path(path).write_text(format_blt(election), encoding="utf-8")
