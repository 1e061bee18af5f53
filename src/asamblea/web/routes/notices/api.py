"""JSON API for notices: my inbox, marking read, my preferences per kind."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from asamblea.clock import utcnow
from asamblea.i18n import translate_error
from asamblea.services import notices
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.notices.schemas import InboxOut, NoticeOut, PreferencesIO, ReadIn

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


def _out(line: notices.NoticeLine) -> NoticeOut:
    return NoticeOut(
        id=line.event_id,
        kind=line.kind,
        text=translate_error(line.text, dict(line.params)),
        link=line.link,
        at=line.at,
        read=line.read,
    )


@router.get("/notices", response_model=InboxOut)
def inbox(ctx: Ctx = ApiCtx, before: int | None = Query(default=None, ge=1, le=MAX_ID)) -> InboxOut:
    """My notices, newest first (`before`: older than that notice)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        box = notices.inbox(db, person, now=utcnow(), before=before)
    return InboxOut(
        notices=[_out(line) for line in box.lines],
        closing=[_out(line) for line in box.closing],
        unread=box.unread,
        newest=box.newest,
        older_than=box.older_than,
    )


@router.post("/notices/read", status_code=204)
def mark_read(body: ReadIn, ctx: Ctx = ApiCtx) -> None:
    """Everything up to `up_to` is read (the marker never moves back)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        notices.mark_read(db, person, body.up_to)


@router.get("/notices/preferences", response_model=PreferencesIO)
def get_preferences(ctx: Ctx = ApiCtx) -> PreferencesIO:
    """My delivery for every kind (my choice or the kind's default)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return PreferencesIO(deliveries=notices.preferences(db, person))


@router.put("/notices/preferences", response_model=PreferencesIO)
def put_preferences(body: PreferencesIO, ctx: Ctx = ApiCtx) -> PreferencesIO:
    """Set my delivery for the kinds given; unknown kinds refused (422), nothing saved."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        notices.set_preferences(db, person, {k: v.value for k, v in body.deliveries.items()})
        return PreferencesIO(deliveries=notices.preferences(db, person))
