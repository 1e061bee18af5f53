"""CLI commands that run the server and manage its database."""

import typer

import asamblea


def register(app: typer.Typer) -> None:
    """Add the server, demo, database and version commands."""

    @app.command()
    def version() -> None:
        """Muestra la versión de Asamblea."""
        typer.echo(asamblea.__version__)
