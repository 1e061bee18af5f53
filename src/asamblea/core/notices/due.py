"""When work is due, and when to try again after it failed: the runner's pure rules.

The runner (docs/operating.md, "The runner") finds what is due from the database's own state
and does it; these functions say what "due" means so that the SQL and the tests agree:

- a vote is due to close when it is open and its closing time has passed (`is_due`);
- a vote "closes soon" for 24 hours before it closes (`closes_soon`);
- a failed delivery (mail, webhook) is tried again after an exponential back-off with full
  jitter taken from the item's own id, so that retries of many items spread out but a given
  item's schedule is reproducible (`next_attempt`);
- a webhook endpoint is turned off after `WEBHOOK_FAILURES_TO_DISABLE` failures in a row;
  mail is never given up: a server that is down delays mail and loses none.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

CLOSES_SOON = timedelta(hours=24)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
WEBHOOK_FAILURES_TO_DISABLE = 10


def is_due(deadline: datetime | None, now: datetime) -> bool:
    """True once ``deadline`` has come (a missing deadline is never due)."""
    return deadline is not None and deadline <= now


def closes_soon(closes_at: datetime, now: datetime, window: timedelta = CLOSES_SOON) -> bool:
    """True during the ``window`` before ``closes_at`` (not after it)."""
    return now < closes_at <= now + window


def backoff(
    attempts: int,
    key: str,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
) -> timedelta:
    """How long to wait after the ``attempts``-th failure (1, 2, …) of the item ``key``.

    Between half and all of ``min(cap, base * 2 ** (attempts - 1))``: exponential, capped, with
    a jitter that depends only on ``key`` and ``attempts`` (so it can be checked).
    """
    if attempts < 1:
        return timedelta(0)
    ceiling = min(cap, base * (2 ** min(attempts - 1, 32)))
    digest = hashlib.sha256(f"{key}:{attempts}".encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32
    half: timedelta = ceiling / 2
    return half + half * fraction


def next_attempt(attempts: int, key: str, now: datetime) -> datetime:
    """When to try the item ``key`` again after its ``attempts``-th failure at ``now``."""
    return now + backoff(attempts, key)


def should_disable(failures_in_a_row: int) -> bool:
    """True when a webhook endpoint has failed often enough in a row to be turned off."""
    return failures_in_a_row >= WEBHOOK_FAILURES_TO_DISABLE
