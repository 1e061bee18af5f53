"""The delegates' pages: who sits where, the elections (drafted here, settled when the
page is shown), the mandates for the parent's votes and the page that lists them, the roll
call upstairs, and recall petitions (settled when shown, like proposals)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core import edge
from asamblea.core.delegation import DelegateState, MandateChoice
from asamblea.core.errors import Forbidden
from asamblea.core.people import Person
from asamblea.core.votes import Mode
from asamblea.services import delegation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.web.context import CtxDep
from asamblea.web.forms import MAX_ID, Form, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted, posted_form

router = APIRouter()


class ElectionForm(Form):
    """An STV election of delegates to the parent (candidates come as ``candidato_<id>``)."""

    days: int = Field(default=7, ge=1, le=60)
    term_days: int = Field(default=365, ge=30, le=730)


class MandateForm(Form):
    """The assembly's instruction for its delegates on a parent's vote."""

    vote_id: int = Field(ge=1, le=2**31 - 1)
    choice: MandateChoice


@router.get("/asambleas/{assembly_id}/delegados")
def delegates_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """Delegates this assembly sends up and those seated in it; mandates on the parent's
    votes; links to roll calls and recall petitions. (The elected were seated when their
    election was published: services.closing.)"""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        sent = delegation.delegates_of(db, assembly_id)
        seated = delegation.delegates_in(db, assembly_id)
        names = _member_names(db, ctx.person, {assembly_id} | {d.child_id for d in seated})
        parent_id = view.assembly.parent_id
        parent_votes = votes.votes_of(db, ctx.person, parent_id) if parent_id else []
        here_votes = votes.votes_of(db, ctx.person, assembly_id)
        children = {c.id: c.name for c, _ in view.children}
        election_lines = delegation.elections_of(db, ctx.person, assembly_id)
    roll_calls = [v for v in [*parent_votes, *here_votes] if v.spec.mode is Mode.ROLL_CALL]
    mandate_votes = [
        v for v in parent_votes if v.spec.rule == "majority" and v.state.value == "draft"
    ]
    return render(
        ctx,
        "delegates.html",
        view=view,
        a=view.assembly,
        upper=next((c for c in view.breadcrumbs if c.id == view.assembly.parent_id), None),
        sent=sent,
        seated=seated,
        names=names,
        children=children,
        roll_calls=roll_calls,
        mandate_votes=mandate_votes,
        elections=election_lines,
        is_member=bool(view.mine and view.mine.is_active),
        recallable={DelegateState.SERVING, DelegateState.CONFIRMED},
    )


def _member_names(db: Session, viewer: Person | None, assembly_ids: set[int]) -> dict[int, str]:
    """Names of members of these assemblies the viewer may see (members see their own)."""
    names: dict[int, str] = {}
    for assembly_id in assembly_ids:
        members = federation.assembly_view(db, viewer, assembly_id).members or ()
        names |= {m.person_id: name for m, name in members}
    return names


@router.post("/asambleas/{assembly_id}/elecciones")
async def open_election(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator drafts the STV election of the delegates to the parent (opened from the
    vote page; the elected are seated when the delegates page is next shown)."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(ElectionForm, data)
    candidates = [
        number
        for key, value in data.items()
        if value and (number := edge.natural_suffix(key, "candidato_", maximum=MAX_ID))
    ]
    now = utcnow().replace(microsecond=0)
    with ctx.transaction() as db:
        vote = delegation.open_delegate_election(
            db,
            person,
            assembly_id,
            candidates=candidates,
            terms=VoteTerms(now, now + timedelta(days=form.days)),
            term=(now, now + timedelta(days=form.term_days)),
        )
    return redirect(ctx, f"/votaciones/{vote.id}")


@router.post("/asambleas/{assembly_id}/mandatos")
async def set_mandate(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator records the mandate on a parent's yes/no vote (while it is a draft)."""
    person, form = await posted_form(ctx, MandateForm)
    with ctx.transaction() as db:
        delegation.set_mandate(db, person, assembly_id, form.vote_id, form.choice)
    return redirect(ctx, f"/asambleas/{assembly_id}/delegados")


@router.get("/asambleas/{assembly_id}/mandatos")
def mandates_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The mandates this assembly gave its delegates (item, instruction, when): members only."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/mandatos")
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        try:
            mandates: list[delegation.MandateLine] | None = delegation.mandates_of(
                db, ctx.person, assembly_id
            )
        except Forbidden:  # the page says who may read it instead of an error page
            mandates = None
    return render(ctx, "delegates_mandates.html", view=view, a=view.assembly, mandates=mandates)


@router.get("/votaciones/{vote_id}/nominal")
def roll_call_page(ctx: CtxDep, vote_id: Id) -> Response:
    """Delegates' votes upstairs beside their mandates; breaches flagged."""
    with ctx.reading() as db:
        call = delegation.roll_call(db, ctx.person, vote_id)
    return render(ctx, "delegates_roll_call.html", call=call, v=call.vote)


@router.get("/delegados/{delegate_id}/revocatoria")
def recall_page(ctx: CtxDep, delegate_id: Id) -> Response:
    """Recall petitions against a delegate: signatures, the sign button (members only)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/delegados/{delegate_id}/revocatoria")
    with ctx.reading() as db:
        subject = delegation.recall_subject(db, ctx.person, delegate_id)
        petitions = delegation.petitions_against(db, ctx.person, delegate_id)
    return render(
        ctx,
        "delegates_recall.html",
        petitions=petitions,
        subject=subject,
        delegate=subject.delegate,
        delegate_id=delegate_id,
        can_open=not any(v.petition.state in {"gathering", "voting"} for v in petitions),
    )


@router.post("/delegados/{delegate_id}/revocatoria")
async def open_recall(ctx: CtxDep, delegate_id: Id) -> Response:
    """An active member of the delegate's assembly opens a recall petition (and signs it)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        delegation.open_recall(db, person, delegate_id, now=utcnow())
    return redirect(ctx, f"/delegados/{delegate_id}/revocatoria")


@router.post("/peticiones/{petition_id}/firmar")
async def sign_recall(ctx: CtxDep, petition_id: Id) -> Response:
    """An active member signs a recall petition."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        petition = delegation.sign_recall(db, person, petition_id, now=utcnow())
    return redirect(ctx, f"/delegados/{petition.delegate_id}/revocatoria")
