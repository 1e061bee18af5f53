"""A word after an action (issue #13, finding 2): the action's redirect carries a short,
signed cookie naming what happened; the next page shows it once, at the top of the page,
with role="status" and a link to the part that changed, and the cookie goes.

Only keys of `MESSAGES` travel (never free text), so the message is always one the
application wrote, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature

from asamblea.core.errors import N_
from asamblea.i18n import gettext
from asamblea.web.context import Ctx

COOKIE = "asamblea_aviso"
ANCHOR_MAX = 60

#: What each action says once it is done.
MESSAGES = {
    "vouched": N_("Your vouch is recorded."),
    "argued": N_("Your argument is published."),
    "targets": N_("The targets are drafted, and the members' vote on them is open."),
    "password": N_("Password changed. Your other sessions have been closed."),
    "preferences": N_("Preferences saved."),
    "consent": N_("Saved: from now on only the people you chose can see it."),
    "withdrawn": N_("Withdrawn. Nobody can see it or export it any more."),
    "event_edited": N_("The event is changed; the custody log records what changed."),
}


@dataclass(frozen=True)
class Flash:
    """A message to show once, and where on the page the change is (an element id)."""

    message: str
    anchor: str


def say(ctx: Ctx, key: str, anchor: str = "") -> None:
    """Show the message of ``key`` on the next page this browser loads."""
    if key not in MESSAGES:
        raise KeyError(key)
    ctx.cookies_to_set[COOKIE] = ctx.state.signer.dumps([key, anchor[:ANCHOR_MAX]], salt="flash")


def take(ctx: Ctx) -> Flash | None:
    """The message waiting for this page, if any; it is shown once (the cookie is removed)."""
    raw = ctx.request.cookies.get(COOKIE)
    if not raw or COOKIE in ctx.cookies_to_set:
        return None
    ctx.cookies_to_set[COOKIE] = ""
    if len(raw) > 512:
        return None
    try:
        key, anchor = ctx.state.signer.loads(raw, salt="flash")
    except (BadSignature, ValueError, TypeError):
        return None
    if key not in MESSAGES or not isinstance(anchor, str):
        return None
    return Flash(gettext(MESSAGES[key]), anchor)
