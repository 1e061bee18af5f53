"""The `asamblea` command line.

The server commands are always loaded; each area's commands (counting, budgets, planning,
verification) are imported only when asked for, so `asamblea serve` starts without loading the
numerical libraries, and a problem in one area cannot stop the others.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

import typer
from typer.core import TyperGroup

from asamblea.cli import server

#: Command name → the module whose ``register(app)`` defines it.
AREAS = {
    "tally": "asamblea.cli.tally",
    "verify": "asamblea.cli.verify",
    "pb": "asamblea.cli.budget",
    "plan": "asamblea.cli.plan",
    "archive": "asamblea.cli.archive",
    "trustee": "asamblea.cli.trustee",
}


@cache
def area_command(name: str) -> Any:  # a Click command (Typer may vendor its own Click)
    """Import an area's module and build its command (an area defines exactly one, or one group)."""
    area = typer.Typer(add_completion=False)
    importlib.import_module(AREAS[name]).register(area)
    if len(area.registered_commands) + len(area.registered_groups) != 1:
        msg = f"{AREAS[name]} must define exactly the command {name!r}"
        raise LookupError(msg)
    command = typer.main.get_command(area)
    return command.commands[name] if area.registered_groups else command  # type: ignore[attr-defined]


class LazyAreas(TyperGroup):
    """The main group: the server's commands, plus the areas' commands loaded on demand."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        """Every command name, without importing the areas."""
        return sorted({*super().list_commands(ctx), *AREAS})

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        """An area's command is imported the first time it is used or listed."""
        if cmd_name in AREAS:
            return area_command(cmd_name)
        return super().get_command(ctx, cmd_name)


app = typer.Typer(
    name="asamblea",
    cls=LazyAreas,
    help="Asamblea: federación de asambleas, votaciones verificables, presupuesto y planificación.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Asamblea: federación de asambleas, votaciones verificables, presupuesto y planificación."""


server.register(app)


def main() -> None:
    """Entry point of the `asamblea` script."""
    app()
