"""The `asamblea` command line. Each area registers its commands from its own module."""

import typer

from asamblea.cli import budget, server, tally, verify
from asamblea.cli import plan as plan_cli

app = typer.Typer(
    name="asamblea",
    help="Asamblea: federación de asambleas, votaciones verificables, presupuesto y planificación.",
    no_args_is_help=True,
    add_completion=False,
)



@app.callback()
def _root() -> None:
    """Asamblea: federación de asambleas, votaciones verificables, presupuesto y planificación."""


server.register(app)
tally.register(app)
budget.register(app)
plan_cli.register(app)
verify.register(app)


def main() -> None:
    """Entry point of the `asamblea` script."""
    app()
