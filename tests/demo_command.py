"""`asamblea demo`, the real command, run as a person runs it: in its own process, on a SQLite
database in an instance folder of its own, with none of the caller's ASAMBLEA_ settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def demo_environment(instance: Path) -> dict[str, str]:
    """The environment of a server or command on `instance` (its database inside it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASAMBLEA_")}
    return env | {
        "ASAMBLEA_INSTANCE_DIR": str(instance),
        "ASAMBLEA_DATABASE_URL": demo_database(instance),
        "ASAMBLEA_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }


def demo_database(instance: Path) -> str:
    """The URL of the database `asamblea demo` seeds in `instance`."""
    return f"sqlite:///{instance / 'asamblea.sqlite3'}"


def run_demo(instance: Path, *, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run `asamblea demo` (the console script beside this interpreter) on `instance`."""
    return subprocess.run(  # noqa: S603 - the project's own command, no shell
        [str(Path(sys.executable).with_name("asamblea")), "demo"],
        env=demo_environment(instance),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
