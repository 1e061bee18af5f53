"""CLI commands that run the server and manage its database."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

import asamblea

if TYPE_CHECKING:
    from datetime import datetime

    from asamblea.settings import Settings

db_app = typer.Typer(help="Base de datos: migraciones.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the server, demo, database and version commands."""
    app.command()(version)
    app.command()(serve)
    app.command()(worker)
    app.command()(demo)
    app.add_typer(db_app, name="db")


def version() -> None:
    """Muestra la versión de Asamblea."""
    typer.echo(asamblea.__version__)


def serve(
    host: str = typer.Option("127.0.0.1", help="Dirección en la que escuchar."),
    port: int = typer.Option(8000, help="Puerto."),
    workers: int = typer.Option(1, min=1, help="Procesos de Uvicorn (PostgreSQL para más de uno)."),
) -> None:
    """Sirve Asamblea (páginas y API) con Uvicorn."""
    import uvicorn  # noqa: PLC0415 - the server is only imported when serving

    settings = _settings_or_exit()
    typer.echo(f"Asamblea {asamblea.__version__} en http://{host}:{port} ({settings.env.value})")
    uvicorn.run(
        "asamblea.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        access_log=False,  # privacy by default: no per-request log of client addresses
        log_level="info",
    )


def worker(
    once: bool = typer.Option(False, "--once", help="Una sola pasada y salir."),
) -> None:
    """Hace lo que vence a su hora (cierra y publica votaciones, envía correos) sin servir páginas.

    Para despliegues con varios procesos o máquinas: ponga ASAMBLEA_RUNNER=off en los
    servidores web y ejecute uno o más `asamblea worker` (docs/operating.md).
    """
    import logging  # noqa: PLC0415
    import signal  # noqa: PLC0415

    from asamblea.services.archive.sweep import BlobSweep  # noqa: PLC0415
    from asamblea.services.notices.mail_setup import mail_jobs  # noqa: PLC0415
    from asamblea.services.runner import Runner, settle_backlog  # noqa: PLC0415
    from asamblea.services.votes.votes import signing_key  # noqa: PLC0415
    from asamblea.services.webhooks import webhook_job  # noqa: PLC0415
    from asamblea.store.database import make_engine, make_sessionmaker  # noqa: PLC0415

    settings = _settings_or_exit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    runner = Runner(
        sessions,
        signing_key(settings.secret()),
        interval=settings.runner_interval_seconds,
        batch=settings.runner_batch,
        jobs=(
            *mail_jobs(settings, sessions),
            webhook_job(sessions, settings).run,
            BlobSweep(sessions, settings.instance_dir / "archive"),
        ),
    )
    if once:
        settle_backlog(runner.sessions, now=runner.now)
        report = runner.run_pass()
        runner.run_jobs()
        typer.echo(f"Publicadas: {len(report.published)}; con error: {len(report.failed)}.")
        engine.dispose()
        return
    signal.signal(signal.SIGTERM, lambda *_: runner.stop(timeout=0))
    signal.signal(signal.SIGINT, lambda *_: runner.stop(timeout=0))
    typer.echo(f"Asamblea {asamblea.__version__}: ejecutor en marcha ({settings.env.value}).")
    runner.run_forever()  # returns after SIGTERM/SIGINT, once the current item is committed
    engine.dispose()


def demo() -> None:
    """Siembra una federación de demostración e imprime los accesos."""
    from asamblea.clock import utcnow  # noqa: PLC0415
    from asamblea.services.demo.federation import DEMO_PASSWORD, seed_demo  # noqa: PLC0415
    from asamblea.services.votes.votes import signing_key  # noqa: PLC0415
    from asamblea.store.database import make_engine, make_sessionmaker  # noqa: PLC0415
    from asamblea.store.migrate import upgrade  # noqa: PLC0415

    settings = _settings_or_exit()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    _quiet_solver_banner()
    now = utcnow()  # the demo's dates are relative to this moment (issue #13, finding 19)
    with make_sessionmaker(engine).begin() as db:
        logins, created = seed_demo(db, signing_key(settings.secret()), now=now)
    engine.dispose()
    typer.echo("Federación de demostración " + ("sembrada." if created else "ya estaba sembrada."))
    typer.echo(f"Accesos de demostración (contraseña para todos: {DEMO_PASSWORD}):")
    for username, what in logins:
        typer.echo(f"  {username:<22} {what}")
    _demo_archive(settings, now)


def _quiet_solver_banner() -> None:
    """HiGHS prints its name and copyright to the process's standard output when the first
    solver of the process is made, before any option (``output_flag``, which every solver
    of ours turns off) can be set. Make that first one with standard output closed, so the
    demo prints only its own lines (issue #13, finding 19)."""
    import highspy  # noqa: PLC0415

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w", encoding="utf-8") as null:
            os.dup2(null.fileno(), 1)
            solver = highspy.Highs()  # type: ignore[no-untyped-call]
            solver.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _demo_archive(settings: Settings, now: datetime) -> None:
    """The demo's archive case (issue 15) and its exported bundle."""
    from asamblea.services.archive.custody import vault_for  # noqa: PLC0415
    from asamblea.services.demo.archive import DEMO_PASSPHRASE, seed_demo_archive  # noqa: PLC0415
    from asamblea.store.database import make_engine, make_sessionmaker  # noqa: PLC0415

    bundle = settings.instance_dir / "archivo-demo.zip"
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    engine = make_engine(settings.database_url)
    with make_sessionmaker(engine).begin() as db:
        seed_demo_archive(db, vault, now=now, export_to=bundle)
    engine.dispose()
    typer.echo(
        f"Archivo de testimonios: caso ficticio de facilitadora.ves (frase de paso "
        f"{DEMO_PASSPHRASE}); verifique su paquete con: asamblea archive verify {bundle}"
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Revisión de destino.")) -> None:
    """Aplica las migraciones pendientes a la base de datos configurada."""
    from asamblea.store.migrate import upgrade  # noqa: PLC0415

    settings = _settings_or_exit()
    upgrade(settings.database_url, revision)
    typer.echo("Base de datos al día.")


def _settings_or_exit() -> Settings:
    """The settings, or a clear message and exit code 2 when they are not acceptable."""
    from pydantic import ValidationError  # noqa: PLC0415

    from asamblea.settings import get_settings  # noqa: PLC0415

    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors():
            typer.echo(f"Configuración inválida: {problem['msg']}", err=True)
        raise typer.Exit(code=2) from None
