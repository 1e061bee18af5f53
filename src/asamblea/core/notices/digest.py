"""Preferences per kind, and the daily digest: which notices leave at once, which wait.

A person chooses, per kind, `Delivery.AT_ONCE`, `Delivery.DAILY` or `Delivery.NEVER` (the
default comes from the kind's rule). The digest goes once a day at `DIGEST_HOUR` local time
(America/Lima by default: the caller passes the zone) and holds the daily notices recorded
since the last digest, grouped by assembly, oldest first within each group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from asamblea.core.notices.inbox import Notice
from asamblea.core.notices.kinds import Delivery, default_delivery

DIGEST_HOUR = 7


def delivery(kind: str, chosen: Mapping[str, Delivery]) -> Delivery:
    """The delivery of ``kind`` for a person who chose ``chosen`` (their other kinds: default)."""
    return chosen.get(kind, default_delivery(kind))


def split(
    notices: Iterable[Notice], chosen: Mapping[str, Delivery]
) -> tuple[list[Notice], list[Notice]]:
    """(notices to mail at once, notices for the digest); the rest are for the inbox only."""
    at_once: list[Notice] = []
    daily: list[Notice] = []
    for notice in notices:
        how = delivery(notice.kind, chosen)
        if how is Delivery.AT_ONCE:
            at_once.append(notice)
        elif how is Delivery.DAILY:
            daily.append(notice)
    return at_once, daily


def last_digest_time(now: datetime, zone: tzinfo, hour: int = DIGEST_HOUR) -> datetime:
    """The most recent digest time at or before ``now`` (aware, in UTC's instant)."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), time(hour), tzinfo=zone)
    return today if today <= local else today - timedelta(days=1)


def digest_due(
    last_sent: datetime | None, now: datetime, zone: tzinfo, hour: int = DIGEST_HOUR
) -> bool:
    """True when a digest time has passed since ``last_sent`` (never sent: due)."""
    return last_sent is None or last_sent < last_digest_time(now, zone, hour)


@dataclass(frozen=True)
class DigestGroup:
    """The digest's notices of one assembly (``None``: notices about the person alone)."""

    assembly_id: int | None
    notices: tuple[Notice, ...]


def group(notices: Iterable[Notice]) -> list[DigestGroup]:
    """Notices grouped by assembly: groups in order of their first notice, oldest first inside."""
    groups: dict[int | None, list[Notice]] = {}
    for notice in sorted(notices, key=lambda n: n.event.id):
        groups.setdefault(notice.event.assembly_id, []).append(notice)
    return [DigestGroup(key, tuple(items)) for key, items in groups.items()]
