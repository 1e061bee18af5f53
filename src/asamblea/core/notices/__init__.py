"""Notices: what concerns a person, read from what the services already record. Pure.

- `kinds` — the kinds of notice, their audiences and the registry ``audit action → rule``;
- `inbox` — which events are notices for one reader (fan-out on read) and the read marker;
- `digest` — preferences per kind (at once, daily, never) and the daily digest's grouping;
- `due` — when runner work is due, and the retry back-off for mail and webhooks.
"""

from asamblea.core.notices.digest import DigestGroup, delivery, digest_due, group, split
from asamblea.core.notices.due import (
    backoff,
    closes_soon,
    is_due,
    next_attempt,
    should_disable,
)
from asamblea.core.notices.inbox import (
    Event,
    Notice,
    Seat,
    Standing,
    in_audience,
    inbox,
    notice_for,
    unread_count,
)
from asamblea.core.notices.kinds import (
    CLOSING_SOON,
    SAFE_PARAMS,
    Audience,
    Delivery,
    NoticeRule,
    actions,
    default_delivery,
    kinds,
    register,
    rule_for,
    rules,
    unregister,
)

__all__ = [
    "CLOSING_SOON",
    "SAFE_PARAMS",
    "Audience",
    "Delivery",
    "DigestGroup",
    "Event",
    "Notice",
    "NoticeRule",
    "Seat",
    "Standing",
    "actions",
    "backoff",
    "closes_soon",
    "default_delivery",
    "delivery",
    "digest_due",
    "group",
    "in_audience",
    "inbox",
    "is_due",
    "kinds",
    "next_attempt",
    "notice_for",
    "register",
    "rule_for",
    "rules",
    "should_disable",
    "split",
    "unread_count",
    "unregister",
]
