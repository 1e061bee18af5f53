"""An assembly's published decisions as an Atom feed (RFC 4287), through `feedgen`.

The feed's ``id`` and each entry's ``id`` are stable URLs (a decision keeps its id when the feed
is fetched again); ``updated`` is when the decision was published. An Atom feed must name an
author: it is the assembly itself, never a person. Entries carry the decision's question and
where to read its result; no choice of anyone and no member's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator


@dataclass(frozen=True)
class FeedEntry:
    """One published decision: a stable id (a URL), its title, when, where to read it."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def dump_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    entries: Iterable[FeedEntry],
    language: str = "es",
    now: datetime,
) -> bytes:
    """The Atom document (UTF-8 bytes). ``now`` is the feed's ``updated`` when it is empty."""
    items = sorted(entries, key=lambda e: e.updated, reverse=True)
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.author({"name": title})
    feed.link(href=self_url, rel="self")
    feed.link(href=page_url, rel="alternate")
    feed.language(language)
    feed.updated(_utc(items[0].updated) if items else _utc(now))
    for item in reversed(items):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(item.id)
        entry.title(item.title)
        entry.updated(_utc(item.updated))
        entry.link(href=item.link, rel="alternate")
        if item.summary:
            entry.summary(item.summary)
    data: bytes = feed.atom_str(pretty=True)
    return data
