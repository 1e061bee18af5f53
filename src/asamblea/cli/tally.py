"""``asamblea tally FILE --rule R``: count a file of ballots and show every round.

FILE is a BLT file (OpenSTV/OpaVote/Droop), a PrefLib ordinal file (``.soc/.soi/.toc/.toi``) or a
CSV of rankings (docs/counting.md); the format comes from ``--format`` or the extension. The
table shows each candidate's votes round by round, the exhausted ballots, who was elected or
eliminated, and every tie broken (with the seed). ``--json`` prints the whole outcome instead.
Exit status: 0 counted; 2 unreadable file or parameters the rule does not accept.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from asamblea.core.tally import Outcome, Profile, registry
from asamblea.formats.errors import FormatError, FormatWarning
from asamblea.formats.source import check_file

FORMATS = ("blt", "preflib", "csv")
EXTENSIONS = {
    ".blt": "blt",
    ".soc": "preflib",
    ".soi": "preflib",
    ".toc": "preflib",
    ".toi": "preflib",
    ".csv": "csv",
}
BIG_FILE = 1 << 20

FileArg = Annotated[
    Path | None,
    typer.Argument(help="Archivo de papeletas: BLT, PrefLib (.soc/.soi/.toc/.toi) o CSV."),
]
RuleOpt = Annotated[str, typer.Option("--rule", "-r", help="Regla de conteo (ver --rules).")]
SeatsOpt = Annotated[
    int | None,
    typer.Option("--seats", "-s", help="Puestos a cubrir (por defecto, los del BLT o 1)."),
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Formato: blt, preflib o csv (por defecto, la extensión)."),
]
SeedOpt = Annotated[
    str, typer.Option("--seed", help="Semilla pública para los sorteos de desempate.")
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Resultado completo en JSON, para programas.")
]
RulesOpt = Annotated[bool, typer.Option("--rules", help="Lista las reglas disponibles y termina.")]
OvervoteOpt = Annotated[
    str,
    typer.Option(
        "--overvote-mark",
        help="CSV: qué hace la marca «overvote» — exhaust (la papeleta se agota ahí) o "
        "skip_rank (se salta ese rango). Ver docs/counting.md.",
    ),
]
MARK_POLICIES = ("exhaust", "skip_rank")


@dataclass(frozen=True)
class Election:
    """What the CLI counts: the profile and what the file says about the election."""

    profile: Profile
    title: str = ""
    seats: int | None = None
    tie_order: tuple[str, ...] | None = None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr while a large file is read (characters ≈ bytes)."""
    size = path.stat().st_size
    if size < BIG_FILE:
        yield None
        return
    columns = (TextColumn("Leyendo {task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(path.name, total=size)
        yield lambda done: bar.update(task, completed=done)


def _say(warning: FormatWarning) -> None:
    """A repaired or left-out part of the file, on stderr (the count goes on)."""
    typer.echo(f"Aviso: {warning}", err=True)


def _read_blt(path: Path) -> Election:
    from asamblea.formats.blt import read_blt  # noqa: PLC0415 - only when used

    election = read_blt(path)
    for warning in election.warnings:
        _say(warning)
    names = election.profile.candidates
    profile = election.profile.without(names[i] for i in election.withdrawn)
    order = None
    if election.tie_order is not None:
        order = tuple(names[i] for i in election.tie_order if i not in election.withdrawn)
    return Election(profile, election.title, election.seats, order)


def load(path: Path, fmt: str | None, overvote_mark: str = "exhaust") -> Election:
    """Read `path` in format `fmt` (or by its extension), with a progress bar if it is large."""
    check_file(path)
    if overvote_mark not in MARK_POLICIES:
        raise FormatError("--overvote-mark debe ser exhaust o skip_rank")
    fmt = fmt or EXTENSIONS.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise FormatError("no reconozco el formato: use --format blt, preflib o csv", path=path)
    if fmt == "blt":
        return _read_blt(path)
    with _progress(path) as progress:
        if fmt == "preflib":
            from asamblea.formats.preflib import read_preflib  # noqa: PLC0415 - only when used

            read = read_preflib(path, progress=progress)
            return Election(read.profile, read.title)
        from asamblea.formats.csv_rankings import read_csv  # noqa: PLC0415 - only when used

        mark: Any = overvote_mark  # checked above against MARK_POLICIES
        return Election(read_csv(path, progress=progress, overvote_mark=mark, warn=_say))


def count_election(election: Election, rule: str, seats: int | None, seed: str) -> Outcome:
    """Count with the named rule, passing only the parameters it takes."""
    info = registry.get(rule)
    function = info.function()
    accepted = inspect.signature(function).parameters
    params: dict[str, Any] = {"seed": seed}
    wanted = seats if seats is not None else (election.seats if info.multi_winner else None)
    if wanted is not None:
        params["seats"] = wanted
    if election.tie_order is not None and "tie_order" in accepted:
        params["tie_order"] = election.tie_order
    return function(election.profile, **params)


def _number(value: Any) -> str:
    return str(value)


def _rounds_per_table(outcome: Outcome, width: int) -> int:
    """How many round columns fit beside the candidate names in `width` characters."""
    names = max([len(n) for n in outcome.candidates] + [len("Agotadas / intransferibles")])
    cells = [len(_number(v)) for r in outcome.rounds for v in r.tallies.values()]
    cell = max([*cells, len(_number(outcome.rounds[-1].exhausted)), 4]) + 3
    return max(1, (width - min(names, 40) - 4) // cell)


def rounds_tables(outcome: Outcome, width: int) -> list[Table]:
    """Candidates down, rounds across (split into several tables when they do not fit)."""
    per_table = _rounds_per_table(outcome, width)
    tables = []
    for start in range(0, len(outcome.rounds), per_table):
        chunk = outcome.rounds[start : start + per_table]
        span = f"rondas {chunk[0].number}–{chunk[-1].number}"
        title = f"Regla {outcome.rule}: " + (span if len(chunk) > 1 else f"ronda {chunk[0].number}")
        table = Table(title=title)
        table.add_column("Candidatura", max_width=40)
        for rnd in chunk:
            table.add_column(f"R{rnd.number}", justify="right", no_wrap=True)
        for name in outcome.candidates:
            cells = [_number(r.tallies[name]) if name in r.tallies else "" for r in chunk]
            table.add_row(name + (" ✔" if name in outcome.winners else ""), *cells)
        table.add_row("Agotadas / intransferibles", *[_number(r.exhausted) for r in chunk])
        tables.append(table)
    return tables


def decisions(outcome: Outcome) -> list[str]:
    """One line per round that elected or eliminated someone."""
    lines = []
    for rnd in outcome.rounds:
        parts = [f"elegida {n}" for n in rnd.elected] + [f"eliminada {n}" for n in rnd.eliminated]
        if parts:
            note = f" ({rnd.note})" if rnd.note else ""
            lines.append(f"Ronda {rnd.number}{note}: {'; '.join(parts)}")
    return lines


def ranking_table(outcome: Outcome) -> Table:
    """For rules without rounds: the ranking as positions with their tie groups."""
    table = Table(title=f"Regla {outcome.rule}: orden completo")
    table.add_column("Puesto", justify="right")
    table.add_column("Candidatura(s)")
    for position, group in enumerate(outcome.ranking or (), start=1):
        table.add_row(str(position), " = ".join(group))
    return table


def show(outcome: Outcome, title: str, console: Console) -> None:
    """The human report: table, ballots, tie-breaks and winners."""
    if title:
        console.print(f"[bold]{title}[/bold]")
    if outcome.rounds and (len(outcome.rounds) > 1 or outcome.ranking is None):
        for table in rounds_tables(outcome, console.width):
            console.print(table)
        for line in decisions(outcome):
            console.print(line, highlight=False)
    if outcome.ranking is not None:
        console.print(ranking_table(outcome))
    console.print(
        f"Papeletas válidas: {outcome.valid} · en blanco: {outcome.blank} · "
        f"inválidas: {outcome.invalid}"
    )
    for tie in outcome.tie_breaks:
        where = f" (ronda {tie.round})" if tie.round is not None else ""
        console.print(
            f"Desempate{where}: {tie.purpose} entre {', '.join(tie.among)} → {tie.chosen} "
            f"[{tie.method}]"
        )
    if outcome.tie_breaks:
        console.print(f"Semilla pública: {outcome.seed!r}")
    console.print(f"[bold]Ganadores: {', '.join(outcome.winners) or '(ninguno)'}[/bold]")


def list_rules() -> None:
    """One line per rule (tab-separated, never wrapped): name, ballot kind, description."""
    for info in registry.rules():
        seats = "varios puestos" if info.multi_winner else "un puesto"
        typer.echo(f"{info.name}\t{info.ballot}, {seats}\t{info.es}")


def register(app: typer.Typer) -> None:
    """Add ``asamblea tally`` to the main app."""

    @app.command("tally")
    def tally(  # noqa: PLR0917 - Typer maps each CLI option to one parameter
        file: FileArg = None,
        rule: RuleOpt = "irv",
        seats: SeatsOpt = None,
        fmt: FormatOpt = None,
        seed: SeedOpt = "",
        as_json: JsonOpt = False,
        rules: RulesOpt = False,
        overvote_mark: OvervoteOpt = "exhaust",
    ) -> None:
        """Cuenta un archivo de papeletas con una regla y muestra cada ronda y los ganadores."""
        if rules:
            list_rules()
            return
        if file is None:
            raise _fail("indique el archivo de papeletas (o --rules para ver las reglas)")
        try:
            election = load(file, fmt, overvote_mark)
            outcome = count_election(election, rule, seats, seed)
        except (FormatError, registry.UnknownRule, ValueError, OSError) as error:
            raise _fail(str(error)) from None
        if as_json:
            typer.echo(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
            return
        show(outcome, election.title, Console())
