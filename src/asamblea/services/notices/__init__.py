"""Notices (issue #11): a person's inbox read from the audit log, read markers, preferences.

See docs/notices.md for why notices are read, not written, per person.
"""

from asamblea.services.notices.inbox import (
    Inbox,
    NoticeLine,
    inbox,
    mark_read,
    preferences,
    set_preferences,
    unread_count,
)

__all__ = [
    "Inbox",
    "NoticeLine",
    "inbox",
    "mark_read",
    "preferences",
    "set_preferences",
    "unread_count",
]
