"""The archive team's pages beyond reading: who is in the team (add, remove: keys re-wrapped), the
case's timeline (add, edit, remove an event), and the public copy of a photo; and the memorial's
photos.

Adding and removing members and making a public copy need the actor's unlocked key (the file keys
are unwrapped and wrapped again on the server, in that person's session), so they are pages, not
API operations. Every change is a POST with its CSRF token; the team list is shown to team members
only (`asamblea.services.archive.team.team_of`).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from nacl.public import PrivateKey
from pydantic import Field
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.edge import parse_date
from asamblea.core.errors import N_, Invalid
from asamblea.core.people import Person
from asamblea.services.archive import keys, shown, team, timeline
from asamblea.services.archive.access import case_for, team_member
from asamblea.services.archive.custody import Vault, vault_for
from asamblea.services.federation import accounts
from asamblea.web import flash
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.archive.api import parse_hour
from asamblea.web.routes.archive.paths import CaseId, EventId, ItemId, PersonId
from asamblea.web.routes.common import posted

router = APIRouter()


class MemberForm(Form):
    """Who joins the team (their username), and whether in its legal team."""

    username: str = Field(min_length=1, max_length=40)
    role: str = Field(pattern=r"^(team|legal)$")


class EventForm(Form):
    """A timeline event from the case page."""

    happened_on: str = Field(min_length=10, max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    happened_at: str | None = Field(default=None, max_length=5)
    description: str = Field(min_length=1, max_length=500)
    consent: str = Field(pattern=r"^(public|federation|team|legal)$")
    item: str | None = Field(default=None, max_length=32)


def _vault(ctx: Ctx) -> Vault:
    settings = ctx.state.settings
    return vault_for(settings.secret(), str(settings.instance_dir / "archive"))


def _unlocked(ctx: Ctx, db: Session, person: Person) -> PrivateKey:
    private = keys.session_key(db, person, ctx.session_token, now=utcnow())
    if private is None:
        raise Invalid(N_("Unlock your archive key first"))
    return private


@router.get("/archivo/casos/{case_id}/equipo")
def team_page(case_id: CaseId, ctx: CtxDep) -> Response:
    """The case's team, for its members; the legal team adds and removes members here."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        case = case_for(db, person, case_id)
        me = team_member(db, person, case)
        members = team.team_of(db, person, case_id)
        unlocked = keys.session_key(db, person, ctx.session_token, now=utcnow()) is not None
    return render(ctx, "archive_team.html", case=case, members=members, legal=me.legal,
                  me=person.id, unlocked=unlocked)


@router.post("/archivo/casos/{case_id}/equipo")
async def add_member(case_id: CaseId, ctx: CtxDep) -> Response:
    """A legal-team member adds a member of the assembly (file keys wrapped to them)."""
    form = parse(MemberForm, await posted(ctx))
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        team_member(db, person, case_for(db, person, case_id), legal=True)
        private = _unlocked(ctx, db, person)
        team.add_member_named(db, _vault(ctx).key, person, case_id, form.username,
                              legal=form.role == "legal", private=private, now=utcnow())
    return redirect(ctx, f"/archivo/casos/{case_id}/equipo")


@router.post("/archivo/casos/{case_id}/equipo/{person_id}/quitar")
async def remove_member(case_id: CaseId, person_id: PersonId, ctx: CtxDep) -> Response:
    """A legal-team member removes a member: every file key is re-wrapped without them."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        team_member(db, person, case_for(db, person, case_id), legal=True)
        private = _unlocked(ctx, db, person)
        team.remove_member(db, _vault(ctx).key, person, case_id, person_id, private=private,
                           now=utcnow())
    left = person_id == person.id
    return redirect(ctx, f"/archivo/casos/{case_id}" if left
                    else f"/archivo/casos/{case_id}/equipo")


@router.post("/archivo/casos/{case_id}/cronologia")
async def add_event(case_id: CaseId, ctx: CtxDep) -> Response:
    """A team member adds an event to the timeline."""
    form = parse(EventForm, await posted(ctx))
    person = accounts.require(ctx.person)
    hour = _hour(form.happened_at)
    with ctx.transaction() as db:
        timeline.add_event(db, person, case_id, happened_on=parse_date(form.happened_on),
                           happened_at=parse_hour(hour), description=form.description,
                           consent=Consent.parse(form.consent),
                           item_ids=[form.item] if form.item else [])
    return redirect(ctx, f"/archivo/casos/{case_id}#cronologia")


def _hour(text: str | None) -> str | None:
    """The hour given (``18:30``), or None when left blank; `Invalid` when it is no hour."""
    if not text:
        return None
    if not _is_hour(text):
        raise Invalid(N_("Give the hour like 18:30."))
    return text


def _is_hour(text: str) -> bool:
    return (len(text) == 5 and text[2] == ":" and text[:2].isascii() and text[:2].isdigit()
            and text[3:].isascii() and text[3:].isdigit() and int(text[:2]) < 24
            and int(text[3:]) < 60)


@router.post("/archivo/cronologia/{event_id}/quitar")
async def remove_event(event_id: EventId, ctx: CtxDep) -> Response:
    """A team member removes an event (recorded in the custody log)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        case_id = timeline.remove_event(db, _vault(ctx), person, event_id, now=utcnow())
    return redirect(ctx, f"/archivo/casos/{case_id}#cronologia")


@router.get("/archivo/cronologia/{event_id}/editar")
def edit_event_page(event_id: EventId, ctx: CtxDep) -> Response:
    """The form to change an event (its links stay; the API changes them)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        event = timeline.editable_event(db, person, event_id)
    return render(ctx, "archive_event_edit.html", event=event)


class EventEditForm(Form):
    """An event's new day, hour, description and consent level."""

    happened_on: str = Field(min_length=10, max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    happened_at: str | None = Field(default=None, max_length=5)
    description: str = Field(min_length=1, max_length=500)
    consent: str = Field(pattern=r"^(public|federation|team|legal)$")


@router.post("/archivo/cronologia/{event_id}/editar")
async def edit_event(event_id: EventId, ctx: CtxDep) -> Response:
    """A team member changes an event (which fields changed goes to the custody log)."""
    form = parse(EventEditForm, await posted(ctx))
    person = accounts.require(ctx.person)
    hour = _hour(form.happened_at)
    with ctx.transaction() as db:
        event = timeline.edit_event(db, _vault(ctx), person, event_id,
                                    happened_on=parse_date(form.happened_on),
                                    happened_at=parse_hour(hour), description=form.description,
                                    consent=Consent.parse(form.consent), now=utcnow())
    flash.say(ctx, "event_edited", f"evento-{event.id}")
    return redirect(ctx, f"/archivo/casos/{event.case_id}#evento-{event.id}")


@router.post("/archivo/elementos/{item_id}/copia-publica")
async def make_public_copy(item_id: ItemId, ctx: CtxDep) -> Response:
    """A team member makes the memorial's copy of a public photo (metadata stripped)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        private = _unlocked(ctx, db, person)
        shown.make_shown_copy(db, _vault(ctx), person, item_id, private=private, now=utcnow())
        case_id = shown.case_of(db, item_id)
    return redirect(ctx, f"/archivo/casos/{case_id}")


@router.get("/memoria/{case_id}/fotos/{item_id}")
def memorial_photo(case_id: CaseId, item_id: ItemId, ctx: CtxDep) -> Response:
    """A public photo's shown copy (no metadata); the original is never served here."""
    with ctx.reading() as db:
        copy = shown.public_copy(db, _vault(ctx), case_id, item_id)
    return Response(copy.content, media_type=copy.media_type,
                    headers={"cache-control": "no-cache", "content-disposition": "inline"})
