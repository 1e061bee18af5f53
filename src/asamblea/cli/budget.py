"""`asamblea pb`: run a participatory-budgeting rule on a Pabulib file and explain the outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from asamblea.core.budgeting import (
    BallotKind,
    Completion,
    Outcome,
    PaymentGroup,
    ProjectExplanation,
    Reason,
    Rule,
    Scoring,
    Utility,
    select,
)
from asamblea.core.errors import DomainError
from asamblea.formats.errors import FormatError
from asamblea.formats.pabulib import PabulibFile, read_pabulib
from asamblea.i18n import translate_error

RULE_NAMES = {
    Rule.GREEDY: "voraz por votos (o puntos)",
    Rule.GREEDY_PER_COST: "voraz por votos (o puntos) por sol",
    Rule.EQUAL_SHARES: "Método de Partes Iguales (MES)",
}


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command(
        name="pb", help="Presupuesto participativo: aplica una regla a un archivo Pabulib."
    )(pb_command)


def pb_command(  # noqa: PLR0917 - Typer maps each CLI option to a parameter
    file: Annotated[Path, typer.Argument(help="Archivo Pabulib (.pb).")],
    rule: Annotated[
        Rule | None,
        typer.Option(
            "--rule",
            help="Regla: greedy (por votos o puntos), greedy-per-cost o mes. Por defecto, la que"
            " nombra el archivo (META rule) si está implementada; si no, mes.",
        ),
    ] = None,
    scoring: Annotated[
        str | None,
        typer.Option(
            "--scoring",
            help="Puntos por puesto para papeletas ordenadas: 3,2,1 o borda. Por defecto, los del"
            " archivo (columna points); sin ellos, el orden se ignora (con aviso).",
        ),
    ] = None,
    completion: Annotated[
        Completion,
        typer.Option(
            "--completion",
            help="Completación de MES: none, add1 (subir la parte de cada votante) o add1-greedy.",
        ),
    ] = Completion.NONE,
    exhaustive: Annotated[
        bool,
        typer.Option(
            "--exhaustive", help="Completar al final por votos hasta que ningún proyecto quepa."
        ),
    ] = False,
    utility: Annotated[
        Utility,
        typer.Option("--utility", help="Utilidad en MES: cost (el costo) o cardinality (uno)."),
    ] = Utility.COST,
    increment: Annotated[
        str, typer.Option("--increment", help="Aumento por votante en add1, en unidades.")
    ] = "1",
    as_json: Annotated[bool, typer.Option("--json", help="Salida en JSON.")] = False,
) -> None:
    """Run a rule on a Pabulib file and print the outcome with an explanation per project."""
    err = Console(stderr=True, soft_wrap=True)
    try:
        data = read_pabulib(file)
        step = _cents(increment)
        chosen = _choose_rule(data, rule, completion)
        counting = _choose_scoring(data, scoring)
        outcome = select(
            data.instance,
            data.ballots,
            rule=chosen.rule,
            completion=chosen.completion,
            exhaustive=exhaustive,
            increment=step,
            utility=utility,
            scoring=counting,
        )
    except FormatError as error:
        err.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        err.print(f"[bold red]Error:[/] {file}: {message}", highlight=False)
        raise typer.Exit(code=2) from None
    notes = [chosen.note, *_scoring_notes(data, scoring, outcome)]
    warnings = _warnings(outcome)
    for warning in warnings:
        err.print(f"[bold yellow]Aviso:[/] {warning}", highlight=False)
    if as_json:
        report = {**outcome.as_dict(), "rule_source": chosen.source, "warnings": warnings}
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _render(Console(), data, outcome, notes)


@dataclass(frozen=True)
class ChosenRule:
    """The rule to run, where it came from (option, file, default) and a sentence saying so."""

    rule: Rule
    completion: Completion
    source: str
    note: str


def _choose_rule(data: PabulibFile, rule: Rule | None, completion: Completion) -> ChosenRule:
    """The option's rule; else the one META names when implemented; else Equal Shares."""
    named = (data.meta_value("rule") or "").strip()
    if rule is not None:
        return ChosenRule(rule, completion, "option", f"Regla elegida: {RULE_NAMES[rule]}.")
    found = data.file_rule()
    if found is not None:
        file_rule, file_completion = found
        if completion is not Completion.NONE:
            file_completion = completion
        return ChosenRule(
            file_rule,
            file_completion,
            "file",
            f"Regla del archivo (META rule={named}): {RULE_NAMES[file_rule]}.",
        )
    why = (
        f"la regla del archivo, {named}, no está implementada"
        if named
        else "el archivo no nombra regla"
    )
    return ChosenRule(
        Rule.EQUAL_SHARES,
        completion,
        "default",
        f"Regla por defecto: {RULE_NAMES[Rule.EQUAL_SHARES]} ({why}; elija otra con --rule).",
    )


def _choose_scoring(data: PabulibFile, text: str | None) -> Scoring | None:
    if text is not None:
        return Scoring.parse(text)
    return data.scoring if data.kind is BallotKind.ORDINAL else None


def _scoring_notes(data: PabulibFile, text: str | None, outcome: Outcome) -> list[str]:
    if outcome.scoring is None:
        return []
    source = "dados con --scoring" if text is not None else "los de la columna points del archivo"
    return [f"Papeletas ordenadas contadas por puntos por puesto {outcome.scoring} ({source})."]


def _warnings(outcome: Outcome) -> list[str]:
    """What the rule left out of the ballots, in plain words."""
    if not outcome.ignores_ranks:
        return []
    return [
        "las papeletas ordenan los proyectos y esta cuenta las lee como aprobaciones: se ignora"
        " el orden. Para contarlas como se emitieron, use --scoring 3,2,1 (o los puntos que usó"
        " la ciudad) o --scoring borda."
    ]


def _cents(text: str) -> int:
    try:
        value = Decimal(text.replace(",", ".")) * 100
    except InvalidOperation:
        raise DomainError("El incremento no es un número: {text}", text=text) from None
    if value <= 0 or value != value.to_integral_value():
        raise DomainError("El incremento debe ser positivo, con a lo más dos decimales.")
    return int(value)


def money(cents: int | float, currency: str = "") -> str:
    """Céntimos as units with two decimals and thousands separators (e.g. ``1 234,50 PEN``)."""
    text = f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} {currency}".strip()


def _render(console: Console, data: PabulibFile, outcome: Outcome, notes: list[str]) -> None:
    currency = data.meta_value("currency", "") or ""
    names = {p.id: p.name for p in data.instance.projects}
    console.print(f"[bold]{data.meta_value('description', file_label(data))}[/]")
    for note in notes:
        console.print(note, highlight=False)
    console.print(
        f"Regla: {RULE_NAMES[outcome.rule]} · completación: {outcome.completion}"
        f"{' · exhaustiva' if outcome.exhaustive else ''}"
    )
    console.print(
        f"Presupuesto: {money(outcome.budget, currency)} · votantes: {data.ballots.num_voters}"
        f" · financiado: {money(outcome.total_cost, currency)} en {len(outcome.selected)} proyectos"
    )
    if outcome.voter_budget is not None:
        console.print(
            f"Parte de cada votante: {money(float(outcome.voter_budget), currency)}"
            f" (aumentos add1: {outcome.budget_steps})"
        )
    table = Table(title="Proyectos")
    votes = (
        "Puntos" if outcome.scoring is not None or data.kind is BallotKind.CUMULATIVE else "Votos"
    )
    for column in ("Proyecto", "Nombre", "Costo", votes, "Estado", "Explicación"):
        table.add_column(column, overflow="fold")
    order = {pid: k for k, pid in enumerate(outcome.selected)}
    items = sorted(outcome.explanations, key=lambda e: (not e.funded, order.get(e.project, 0)))
    for item in items:
        table.add_row(
            item.project,
            names.get(item.project, ""),
            money(item.cost, currency),
            str(item.support),
            "[green]Financiado[/]" if item.funded else "[red]No financiado[/]",
            explain_es(item, currency),
        )
    console.print(table)


def file_label(data: PabulibFile) -> str:
    """A title for a file without a description."""
    return data.meta_value("instance", "Presupuesto participativo") or "Presupuesto participativo"


def _payments_es(groups: tuple[PaymentGroup, ...], currency: str) -> str:
    parts = []
    for group in groups:
        points = "" if group.points == 1 else f" (con {group.points} puntos)"
        if group.paid_everything:
            parts.append(
                f"{group.voters} votantes{points} pagaron todo lo que les quedaba"
                f" ({money(group.share, currency)} en promedio)"
            )
        else:
            parts.append(
                f"{group.voters} votantes{points} pagaron {money(group.share, currency)} cada uno"
            )
    return "; ".join(parts)


def explain_es(item: ProjectExplanation, currency: str = "") -> str:  # noqa: PLR0911 - one per reason
    """One explanation as a sentence in Spanish."""
    cost = money(item.cost, currency)
    left = None if item.remaining is None else money(item.remaining, currency)
    available = None if item.available is None else money(item.available, currency)
    if item.reason is Reason.FUNDED_EQUAL_SHARES:
        return f"Comprado en la ronda {item.round}: {_payments_es(item.payments, currency)}."
    if item.reason is Reason.FUNDED_FREE:
        return "Financiado: no cuesta nada y tiene apoyo."
    if item.reason is Reason.FUNDED_GREEDY:
        return f"Financiado en su turno {item.round}: quedaban {left} y cuesta {cost}."
    if item.reason is Reason.FUNDED_COMPLETION:
        return f"Financiado por la completación por votos (turno {item.round}): quedaban {left}."
    if item.reason is Reason.NO_SUPPORT:
        return "No financiado: nadie votó por él."
    if item.reason is Reason.FREE_NO_UTILITY:
        return "No financiado por MES: no cuesta nada, así que con utilidad por costo no suma."
    if item.reason is Reason.SHARES_SHORT:
        when = f"en la ronda {item.round}" if item.round is not None else "al final"
        return (
            f"No financiado: {when} a sus {item.supporters} partidarios les quedaban {available},"
            f" menos que su costo {cost}."
        )
    short = "" if available is None else f" (en MES a sus partidarios les quedaban {available})"
    return (
        f"No financiado: en su turno {item.round} quedaban {left} del presupuesto,"
        f" menos que su costo {cost}{short}."
    )
