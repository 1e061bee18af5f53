"""The inbox (/avisos): a person's notices, marking them read, and their preferences per kind.

Works without JavaScript: plain links and forms. The unread count in the header comes from
`asamblea.web.render` (the same service call).
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.errors import N_, DomainError, Invalid
from asamblea.core.notices import Delivery, kinds
from asamblea.i18n import translate_error
from asamblea.services import notices
from asamblea.web import flash
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import MAX_ID
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import posted

router = APIRouter()

#: Each kind's name on the preferences page (message ids, translated in the template).
KIND_NAMES = {
    "vote_opened": N_("A vote opened in my assembly"),
    "vote_closing": N_("A vote closes within 24 hours"),
    "vote_published": N_("A vote's result was published"),
    "vouch_waiting": N_("Someone asks to join and waits for vouches"),
    "vouched": N_("Someone vouched for me"),
    "accepted": N_("I was accepted as a member"),
    "suspended": N_("My membership was suspended"),
    "proposal_supported": N_("My proposal got a support"),
    "proposal_adopted": N_("My proposal was adopted"),
    "proposal_escalated": N_("My proposal was sent up"),
    "recall_opened": N_("A recall petition opened in my assembly"),
    "delegate_against_mandate": N_("Our delegate voted against our mandate"),
    "budget_phase": N_("A participatory budget changed phase"),
    "planning_opened": N_("A planning round opened"),
    "pledge_met": N_("A pledge I made was met"),
    "action_confirmed": N_("An action I take part in is confirmed"),
    "action_postponed": N_("An action I take part in was postponed"),
    "action_cancelled": N_("An action I take part in was cancelled"),
    "webhook_disabled": N_("A webhook of my assembly was turned off"),
}
DELIVERY_NAMES = {
    Delivery.AT_ONCE: N_("At once"),
    Delivery.DAILY: N_("Daily digest"),
    Delivery.NEVER: N_("Never"),
}


def _text(line: notices.NoticeLine) -> str:
    return translate_error(line.text, dict(line.params))


@router.get("/avisos")
def inbox_page(ctx: CtxDep, antes: int | None = Query(default=None, ge=1, le=MAX_ID)) -> Response:
    """My notices, newest first, with what closes within 24 hours on top."""
    if ctx.person is None:
        return redirect(ctx, "/entrar?next=/avisos")
    with ctx.reading() as db:
        box = notices.inbox(db, ctx.person, now=utcnow(), before=antes)
    return render(ctx, "notices.html", box=box, text=_text, unread_notices=box.unread)


@router.post("/avisos/leidos")
async def mark_read(ctx: CtxDep) -> Response:
    """Everything shown up to the given notice is read."""
    data = await posted(ctx)
    person = ctx.person
    if person is None:
        return redirect(ctx, "/entrar?next=/avisos")
    raw = data.get("up_to", "")
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 10):
        raise Invalid(N_("That notice does not exist."))
    with ctx.transaction() as db:
        notices.mark_read(db, person, int(raw))
    return redirect(ctx, "/avisos")


@router.get("/avisos/preferencias")
def preferences_page(ctx: CtxDep) -> Response:
    """How I want each kind of notice by mail."""
    if ctx.person is None:
        return redirect(ctx, "/entrar?next=/avisos/preferencias")
    with ctx.reading() as db:
        chosen = notices.preferences(db, ctx.person)
    return _preferences(ctx, chosen, done=False)


@router.post("/avisos/preferencias")
async def save_preferences(ctx: CtxDep) -> Response:
    """Save my choices (every kind on the form; unknown values refused, nothing saved)."""
    data = await posted(ctx)
    person = ctx.person
    if person is None:
        return redirect(ctx, "/entrar?next=/avisos/preferencias")
    choices = {kind: data[kind] for kind in kinds() if kind in data}
    try:
        with ctx.transaction() as db:
            notices.set_preferences(db, person, choices)
    except DomainError as error:
        with ctx.reading() as db:
            chosen = notices.preferences(db, person)
        message = translate_error(error.message, dict(error.params))
        return _preferences(ctx, chosen, done=False, status=error.status, error=message)
    flash.say(ctx, "preferences")  # POST–redirect–GET: reloading does not post the form again
    return redirect(ctx, "/avisos/preferencias")


def _preferences(
    ctx: Ctx, chosen: dict[str, Delivery], *, done: bool, status: int = 200, error: str = ""
) -> Response:
    return render(
        ctx,
        "notices_preferences.html",
        status=status,
        chosen=chosen,
        kind_names=KIND_NAMES,
        deliveries=DELIVERY_NAMES,
        done=done,
        error=error,
    )
