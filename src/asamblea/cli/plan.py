"""``asamblea plan MODEL``: the best feasible plan for voted targets, with its trade-offs.

MODEL is a CSV model file (docs/planning.md) or a folder holding a known input–output table
(UK 2015, Chile 2008, the five-year-plan example, pymrio's test system). Without ``--targets``
the table's current final demand is the target. Exit status: 0 a plan was found; 1 no plan
(infeasible, unbounded, time limit); 2 unreadable input.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from asamblea.core.planning import (
    Comparison,
    ConvergenceError,
    Economy,
    ModelError,
    Plan,
    Targets,
    TradeOffs,
    compare_plans,
    solve_plan,
    trade_offs,
)
from asamblea.core.planning.plan import HANDED_OVER, PROVEN_BY_LP
from asamblea.core.planning.whatif import apply_changes
from asamblea.formats.errors import FormatError
from asamblea.formats.planning import load_model, read_changes_csv, read_targets_csv

SHOWN = 15
STATUS_ES = {
    "optimal": "óptimo", "feasible": "factible (con brecha)", "infeasible": "no factible",
    "unbounded": "sin límite", "time_limit": "tiempo agotado",
    "unknown": "sin plan factible encontrado", "error": "error",
}
NOTE_ES = {
    "infeasible": "los pisos no se pueden cumplir dentro de los límites.",
    "unbounded": "ningún límite restringe las metas: fije un límite de trabajo o de recursos.",
    "time_limit": "se agotó el tiempo antes de encontrar un plan óptimo (--time-limit).",
    "unknown": "el método iterativo no encontró un plan factible; pruebe --method lp.",
    "error": "no se pudo resolver el plan con este método.",
}
MESSAGES_ES = {
    "the fast path does not apply here (several techniques, a binding capacity or floor, or a "
    "target free to rise)": "el método leontief sólo resuelve economías con una técnica por"
    " producto, sin capacidad ni piso que limite y con metas que crecen juntas; este modelo no"
    " lo cumple: use --method auto o lp.",
    "no labour or resource limit: set one for the iterative method": "ningún límite de trabajo"
    " o de recursos: fije uno para el método iterativo.",
    "the iterative method could not meet the floors within capacities; try the LP": "el método"
    " iterativo no pudo cumplir los pisos dentro de las capacidades; pruebe --method lp.",
    "the floors alone need more than the limits allow": "sólo los pisos ya piden más de lo que"
    " permiten los límites.",
    "lexicographic refinement stopped at the time limit": "el refinamiento lexicográfico se"
    " detuvo al agotarse el tiempo.",
    HANDED_OVER: "la cota del método iterativo no cerraba la brecha (hay capacidades o pisos);"
    " el programa lineal exacto resolvió el plan y probó su optimalidad.",
    PROVEN_BY_LP: "el programa lineal exacto confirmó que la respuesta del método iterativo es"
    " óptima (brecha cerrada).",
}
"""Spanish for the reasons the planning core gives (English in the code, as every message id)."""
UNPRODUCTIVE_ES = (
    "la economía no es productiva: consume más de lo que produce (radio espectral ≥ 1);"
    " revise los coeficientes técnicos"
)
KIND_ES = {"labour": "trabajo", "resource": "recurso", "capacity": "capacidad"}
METHODS = ("auto", "leontief", "lp", "iterative")

ModelArg = Annotated[
    Path, typer.Argument(help="Modelo CSV o carpeta con una tabla insumo-producto.")
]
TargetsOpt = Annotated[Path | None, typer.Option("--targets", help="Metas: producto,meta[,piso].")]
FloorsOpt = Annotated[Path | None, typer.Option("--floors", help="Pisos: producto,piso.")]
WhatIfOpt = Annotated[Path | None, typer.Option("--what-if", help="Cambios: tipo,nombre,valor.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Resultado en JSON, para programas.")]
MethodOpt = Annotated[str, typer.Option("--method", help="auto, leontief, lp o iterative.")]
TimeOpt = Annotated[float, typer.Option("--time-limit", help="Segundos como máximo por plan.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(2)


def _silence_solver_banner() -> None:
    """HiGHS prints a banner on stdout the first time it starts; keep stdout for the report."""
    import highspy  # noqa: PLC0415 (only to create the first instance quietly)

    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _load(model: Path, targets: Path | None, floors: Path | None) -> tuple[Economy, Targets, str]:
    loaded = load_model(model)
    economy = loaded.economy
    if targets is not None:
        return economy, read_targets_csv(targets, economy, floors), loaded.source
    if not np.any(loaded.baseline > 0):
        raise FormatError("este modelo no trae demanda final: indique --targets", path=model)
    floor = np.zeros(economy.n_products)
    if floors is not None:
        from asamblea.formats.planning import read_floors_csv  # noqa: PLC0415

        floor = read_floors_csv(floors, economy)
    return economy, Targets(levels=loaded.baseline, floors=floor), loaded.source


def plan(  # noqa: PLR0917 (Typer maps each parameter to an option)
    model: ModelArg,
    targets: TargetsOpt = None,
    floors: FloorsOpt = None,
    what_if: WhatIfOpt = None,
    as_json: JsonOpt = False,
    method: MethodOpt = "auto",
    time_limit: TimeOpt = 60.0,
) -> None:
    """Calcula el plan que mejor cumple las metas dentro de los límites de trabajo y recursos."""
    if method not in METHODS:
        raise _fail(f"método desconocido: {method!r} (auto, leontief, lp, iterative)")
    _silence_solver_banner()
    console = Console(stderr=True)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                      transient=True) as progress:
            step = progress.add_task("Leyendo el modelo…")
            economy, goal, source = _load(model, targets, floors)
            changes = read_changes_csv(what_if) if what_if is not None else []
            progress.update(step, description="Resolviendo el plan…")
            result = solve_plan(economy, goal, method=method, time_limit=time_limit)  # type: ignore[arg-type]
            progress.update(step, description="Calculando límites y valores trabajo…")
            offs = trade_offs(economy, result) if result.has_plan else None
            comparison = None
            if changes:
                progress.update(step, description="Resolviendo el plan con los cambios…")
                new_economy, new_goal = apply_changes(economy, goal, changes)
                after = solve_plan(new_economy, new_goal, method=method,  # type: ignore[arg-type]
                                   time_limit=time_limit, warm_start=result)
                comparison = compare_plans(economy, result, new_economy, after)
    except FormatError as error:
        raise _fail(str(error)) from None
    except ConvergenceError:
        raise _fail(f"{model}: {UNPRODUCTIVE_ES}") from None
    except (ModelError, OSError) as error:
        raise _fail(f"{model}: {error}") from None
    if as_json:
        doc = _as_json(economy, goal, result, offs=offs, comparison=comparison, source=source)
        typer.echo(json.dumps(doc, indent=2))
    else:
        _report(Console(), economy, goal, result, offs=offs, comparison=comparison, source=source)
    if not result.has_plan:
        raise typer.Exit(1)


def reason_es(message: str) -> str:
    """A planning core's reason in Spanish (as given when it is not a known one)."""
    return MESSAGES_ES.get(message, message)


def _pct(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{100 * value:.2f} %"


def _report(console: Console, economy: Economy, goal: Targets, result: Plan, *,
            offs: TradeOffs | None, comparison: Comparison | None, source: str) -> None:
    console.print(f"[bold]Plan[/bold] — {source or 'modelo'}: {economy.n_products} productos, "
                  f"{economy.n_techniques} técnicas")
    console.print(f"Estado: [bold]{STATUS_ES[result.status.value]}[/bold] · método {result.method}"
                  f" · {result.seconds:.3f} s")
    reason = reason_es(result.message)
    if not result.has_plan:
        note = NOTE_ES.get(result.status.value, "")
        if result.status.value == "error" and reason:
            note = f"no se pudo resolver el plan con este método: {reason}"
        elif reason:
            note = f"{note} {reason}".strip()
        console.print(f"Nota: {note}")
        return
    if result.message in (HANDED_OVER, PROVEN_BY_LP):
        console.print(f"Nota: {reason}")
    if not result.lexicographic_complete:
        console.print("Nota: sólo se maximizó el cumplimiento mínimo; el refinamiento "
                      "lexicográfico (subir las demás metas) no se completó.")
    console.print(f"Cumplimiento mínimo de las metas: [bold]{_pct(result.fulfilment)}[/bold]"
                  f" (cota superior {_pct(result.bound)}, brecha {_pct(result.gap)})")
    console.print(_targets_table(economy, goal, result, offs))
    if offs is not None:
        console.print(_limits_table(offs))
    if comparison is not None:
        _report_comparison(console, economy, comparison)


def _targets_table(economy: Economy, goal: Targets, result: Plan,
                   offs: TradeOffs | None) -> Table:
    table = Table(title=f"Metas menos cumplidas (hasta {SHOWN})")
    for header in ("Producto", "Meta", "Producción neta", "Cumplimiento", "Horas por unidad"):
        table.add_column(header, justify="left" if header == "Producto" else "right")
    wanted = np.flatnonzero(goal.levels > 0)
    order = wanted[np.argsort(result.target_fulfilment[wanted], kind="stable")][:SHOWN]
    for i in order:
        hours = f"{offs.labour_values[i]:.4g}" if offs is not None else "—"
        table.add_row(economy.products[i][:50], f"{goal.levels[i]:.6g}",
                      f"{result.net_output[i]:.6g}", _pct(result.target_fulfilment[i]), hours)
    return table


def _limits_table(offs: TradeOffs) -> Table:
    table = Table(title="Límites (los que limitan el plan, marcados)")
    for header in ("Límite", "Tipo", "Usado", "Disponible", "Precio sombra", "¿Limita?"):
        table.add_column(header, justify="left" if header in ("Límite", "Tipo") else "right")
    shown = sorted(offs.limits, key=lambda x: (not x.binding, -x.shadow_price))[:SHOWN]
    for limit in shown:
        name = "trabajo" if limit.kind == "labour" else limit.name[:40]
        table.add_row(name, KIND_ES[limit.kind], f"{limit.used:.6g}", f"{limit.available:.6g}",
                      f"{limit.shadow_price:.4g}", "sí" if limit.binding else "")
    return table


def _report_comparison(console: Console, economy: Economy, comparison: Comparison) -> None:
    after = comparison.after
    console.print(f"\n[bold]Qué pasa si[/bold]: estado {STATUS_ES[after.status.value]}")
    if not after.has_plan:
        return
    console.print(f"Cumplimiento mínimo: {_pct(comparison.before.fulfilment)} → "
                  f"{_pct(after.fulfilment)} ({100 * comparison.fulfilment_change:+.2f} puntos)")
    console.print(f"Límites que limitan antes: {', '.join(_es(comparison.binding_before)) or '—'}")
    console.print(f"Límites que limitan después: {', '.join(_es(comparison.binding_after)) or '—'}")
    console.print(f"Trabajo usado: {comparison.labour_change:+.6g}")
    table = Table(title="Mayores cambios de producción neta")
    for header in ("Producto", "Antes", "Después", "Cambio"):
        table.add_column(header, justify="left" if header == "Producto" else "right")
    change = comparison.net_output_change
    for i in np.argsort(-np.abs(change))[:SHOWN]:
        table.add_row(economy.products[i][:50], f"{comparison.before.net_output[i]:.6g}",
                      f"{after.net_output[i]:.6g}", f"{change[i]:+.6g}")
    console.print(table)


def _es(names: tuple[str, ...]) -> list[str]:
    return ["trabajo" if name == "labour" else name for name in names]


def _plan_json(economy: Economy, goal: Targets, result: Plan) -> dict[str, Any]:
    return {
        "status": result.status.value, "method": result.method, "message": result.message,
        "message_es": reason_es(result.message),
        "fulfilment": _num(result.fulfilment), "bound": _num(result.bound),
        "gap": _num(result.gap), "seconds": result.seconds, "rounds": result.rounds,
        "lexicographic_complete": result.lexicographic_complete,
        "labour_used": result.labour_used,
        "resource_used": dict(zip(economy.resources, result.resource_used.tolist(), strict=True)),
        "products": [
            {"name": name, "target": float(goal.levels[i]), "floor": float(goal.floors[i]),
             "net_output": float(result.net_output[i]),
             "gross_output": float(result.gross_output[i]),
             "fulfilment": _num(float(result.target_fulfilment[i]))}
            for i, name in enumerate(economy.products)
        ],
    }


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _as_json(economy: Economy, goal: Targets, result: Plan, *, offs: TradeOffs | None,
             comparison: Comparison | None, source: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"model": source, "plan": _plan_json(economy, goal, result)}
    if offs is not None:
        doc["limits"] = [
            {"kind": x.kind, "name": x.name, "used": x.used, "available": x.available,
             "shadow_price": x.shadow_price, "binding": x.binding} for x in offs.limits
        ]
        doc["binding"] = [x.name for x in offs.binding]
        doc["labour_values"] = dict(zip(economy.products, offs.labour_values.tolist(), strict=True))
    if comparison is not None:
        doc["what_if"] = {
            "status": comparison.after.status.value,
            "fulfilment_before": _num(comparison.before.fulfilment),
            "fulfilment_after": _num(comparison.after.fulfilment),
            "fulfilment_change": _num(comparison.fulfilment_change),
            "binding_before": list(comparison.binding_before),
            "binding_after": list(comparison.binding_after),
            "labour_change": comparison.labour_change,
            "net_output_change": dict(zip(economy.products,
                                          comparison.net_output_change.tolist(), strict=True)),
        }
    return doc


def register(app: typer.Typer) -> None:
    """Add ``asamblea plan`` to the main app."""
    app.command("plan")(plan)
