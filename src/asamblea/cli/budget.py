"""`asamblea pb`: run a participatory-budgeting rule on a Pabulib file and explain the outcome."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from asamblea.core.budgeting import (
    Completion,
    Outcome,
    PaymentGroup,
    ProjectExplanation,
    Reason,
    Rule,
    Utility,
    select,
)
from asamblea.core.errors import DomainError
from asamblea.formats.errors import FormatError
from asamblea.formats.pabulib import PabulibFile, read_pabulib

RULE_NAMES = {
    Rule.GREEDY: "voraz por votos",
    Rule.GREEDY_PER_COST: "voraz por votos por sol",
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
        Rule, typer.Option("--rule", help="Regla: greedy (por votos), greedy-per-cost o mes.")
    ] = Rule.EQUAL_SHARES,
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
        outcome = select(
            data.instance,
            data.ballots,
            rule=rule,
            completion=completion,
            exhaustive=exhaustive,
            increment=step,
            utility=utility,
        )
    except (FormatError, DomainError) as error:
        err.print(f"[bold red]Error:[/] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
        return
    _render(Console(), data, outcome)


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


def _render(console: Console, data: PabulibFile, outcome: Outcome) -> None:
    currency = data.meta_value("currency", "") or ""
    names = {p.id: p.name for p in data.instance.projects}
    console.print(f"[bold]{data.meta_value('description', file_label(data))}[/]")
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
    for column in ("Proyecto", "Nombre", "Costo", "Votos", "Estado", "Explicación"):
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
