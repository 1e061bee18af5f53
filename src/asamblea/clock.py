"""The clock: now, in UTC. Every layer that needs the time asks here (tests can read it too)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
