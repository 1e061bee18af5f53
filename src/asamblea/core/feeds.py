"""Calendars and feeds: who reads which item, and the secret of a private feed's address.

An assembly has two kinds of feed (docs/feeds-and-webhooks.md):

- the **public** feeds, which anyone may fetch: what the assembly's pages show to a visitor
  (public votes, every action that is not members-only, proposals adopted);
- the **private** feeds of one person, at an address holding their secret token: what that
  person reads as a member, at the time the feed is fetched (members-only votes and actions
  of the assemblies they are an active member of; a suspended member's private feed loses
  them at once).

A feed is read like a page by its `Reader`: the public feed as `Viewer.ANYONE`, a private feed
as `Viewer.MEMBER` — never as a coordinator, even for a facilitator, so that a hidden place
stays out of every feed until its reveal time and then appears only in private feeds.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from asamblea.core.mobilisation.actions import Viewer, Visibility, can_see_action, can_see_place

TOKEN_LENGTH = 43  # 32 random bytes, base64url without padding


class Reader(StrEnum):
    """Who a feed is for."""

    PUBLIC = "public"
    MEMBER = "member"


def _viewer(reader: Reader) -> Viewer:
    return Viewer.MEMBER if reader is Reader.MEMBER else Viewer.ANYONE


def shows_vote(public: bool, reader: Reader) -> bool:
    """A vote in a feed: public ones in every feed, the others in members' private feeds."""
    return public or reader is Reader.MEMBER


def shows_action(visibility: Visibility, reader: Reader) -> bool:
    """An action in a feed: as its page would show it to the feed's reader."""
    return can_see_action(visibility, _viewer(reader))


def shows_place(
    visibility: Visibility, reader: Reader, reveal_at: datetime | None, now: datetime
) -> bool:
    """An action's places in a feed: a hidden place only in private feeds, from its reveal."""
    return can_see_place(visibility, _viewer(reader), reveal_at, now)


def is_token_shaped(token: str) -> bool:
    """True when ``token`` could be a feed token (checked before any lookup)."""
    return (
        len(token) == TOKEN_LENGTH
        and token.isascii()
        and all(c.isalnum() or c in "-_" for c in token)
    )
