"""Calendars and feeds of assemblies (issue #11 part 4, issue #12 part 5).

- `tokens` — a person's secret private-feed address: see, rotate, revoke;
- `calendars` — iCalendar files: an assembly's votes, budget phases and actions; a person's
  own calendar; the federation's actions by region and kind;
- `decisions` — the Atom feed of an assembly's published decisions.

What each feed shows, and to whom, is `asamblea.core.feeds`; docs/feeds-and-webhooks.md says
what a feed exposes.
"""

from asamblea.services.feeds.calendars import (
    Links,
    actions_calendar,
    assembly_calendar,
    person_calendar,
)
from asamblea.services.feeds.decisions import decisions_feed
from asamblea.services.feeds.tokens import (
    FeedAddress,
    feed_address,
    feed_assemblies,
    feed_key,
    person_for_token,
    private_assembly,
    revoke,
    rotate,
)

__all__ = [
    "FeedAddress",
    "Links",
    "actions_calendar",
    "assembly_calendar",
    "decisions_feed",
    "feed_address",
    "feed_assemblies",
    "feed_key",
    "person_calendar",
    "person_for_token",
    "private_assembly",
    "revoke",
    "rotate",
]
