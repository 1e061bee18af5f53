"""From below: proposals, supports, arguments, amendments, their votes, and escalation to
the parent (the charter's pages are in `charter_pages`, the delegates' in `delegate_pages`).

Settling: a proposal (or amendment, or recall) whose linked vote is published is settled when its
page is shown. The services' ``settle_*`` functions are idempotent, so the page calls them in a
short write transaction whenever something it shows is still "voting"; nobody has to press a
button, and the outcome is the same whoever looks first.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from asamblea.clock import utcnow
from asamblea.core.deliberation import ProposalKind, Side
from asamblea.core.errors import N_, DomainError, Invalid
from asamblea.core.votes import Mode
from asamblea.i18n import translate_error
from asamblea.services import charter, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.web import flash
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, OptionalId, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted, posted_form

router = APIRouter()


class ProposalForm(Form):
    """Draft a proposal."""

    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)
    kind: ProposalKind = ProposalKind.DEMAND


class ArgumentForm(Form):
    """An argument for or against, or a reply."""

    text: str = Field(min_length=1, max_length=5_000)
    side: Side | None = None
    reply_to: OptionalId


class TextForm(Form):
    """New wording for a proposal's whole text."""

    text: str = Field(min_length=1, max_length=20_000)


class ReasonForm(Form):
    """Why a facilitator hides something."""

    reason: str = Field(min_length=1, max_length=500)


class VoteTermsForm(Form):
    """How long the vote stays open and how members vote."""

    days: int = Field(default=7, ge=1, le=60)
    mode: Mode = Mode.SECRET


class AssemblyChoiceForm(Form):
    """On behalf of which assembly."""

    assembly_id: int = Field(ge=1, le=2**31 - 1)


@router.get("/asambleas/{assembly_id}/propuestas")
def proposals_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """An assembly's proposals, and the form to draft one (active members)."""
    return _proposals_page(ctx, assembly_id, {})


def _proposals_page(
    ctx: Ctx, assembly_id: int, values: dict[str, str], status: int = 200, error: str = ""
) -> Response:
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        found = deliberation.proposals_of(db, ctx.person, assembly_id)
    return render(
        ctx,
        "proposals.html",
        status=status,
        view=view,
        a=view.assembly,
        proposals=found,
        values=values,
        error=error,
        kinds=[k.value for k in ProposalKind if k is not ProposalKind.CHARTER_AMENDMENT],
    )


@router.post("/asambleas/{assembly_id}/propuestas")
async def draft_proposal(ctx: CtxDep, assembly_id: Id) -> Response:
    """Draft a proposal; the author publishes it from its page."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(ProposalForm, data)
        if form.kind is ProposalKind.CHARTER_AMENDMENT:
            raise Invalid(N_("Charter wordings are proposed from the charter page."))
        with ctx.transaction() as db:
            proposal = deliberation.draft_proposal(
                db, person, assembly_id, title=form.title, text=form.text, kind=form.kind
            )
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        return _proposals_page(ctx, assembly_id, data, status=error.status, error=message)
    return redirect(ctx, f"/propuestas/{proposal.id}")


@router.get("/propuestas/{proposal_id}")
def proposal_page(ctx: CtxDep, proposal_id: Id) -> Response:
    """A proposal: state, supports, arguments with replies, amendments, its vote, escalation."""
    with ctx.reading() as db:
        view = deliberation.proposal_view(db, ctx.person, proposal_id)
        assembly = federation.assembly_view(db, ctx.person, view.proposal.assembly_id)
        escalation = (
            deliberation.escalation_view(db, view.escalation.id) if view.escalation else None
        )
    arguments = [a for a in view.arguments if a.parent_id is None]
    replies = {a.id: [r for r in view.arguments if r.parent_id == a.id] for a in arguments}
    return render(
        ctx,
        "proposal.html",
        amendment_diffs=_amendment_diffs(view),
        has_children=bool(assembly.children),
        view=view,
        p=view.proposal,
        assembly=assembly,
        arguments=arguments,
        replies=replies,
        escalation=escalation,
        is_member=bool(assembly.mine and assembly.mine.is_active),
        has_parent=assembly.assembly.parent_id is not None,
    )


def _amendment_diffs(view: deliberation.ProposalView) -> dict[int, str]:
    """Each visible amendment's word diff against the version it amends, as escaped HTML
    (the bounded, cached diff the charter pages use)."""
    texts = dict(view.texts)
    diffs: dict[int, str] = {}
    for amendment in view.amendments:
        base = texts.get(amendment.base_version)
        if base is not None and not amendment.hidden_reason:
            diffs[amendment.id] = charter.word_diff(base, amendment.text)[1]
    return diffs


async def _proposal_action(ctx: Ctx, proposal_id: int, action: str) -> Response:
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        if action == "publish":
            deliberation.publish(db, person, proposal_id)
        elif action == "support":
            deliberation.support(db, person, proposal_id)
        elif action == "unsupport":
            deliberation.unsupport(db, person, proposal_id)
        else:
            deliberation.withdraw(db, person, proposal_id)
    return redirect(ctx, f"/propuestas/{proposal_id}")


@router.post("/propuestas/{proposal_id}/publicar")
async def publish(ctx: CtxDep, proposal_id: Id) -> Response:
    """The author opens a draft for support."""
    return await _proposal_action(ctx, proposal_id, "publish")


@router.post("/propuestas/{proposal_id}/apoyar")
async def support(ctx: CtxDep, proposal_id: Id) -> Response:
    """An active member supports an open proposal."""
    return await _proposal_action(ctx, proposal_id, "support")


@router.post("/propuestas/{proposal_id}/quitar-apoyo")
async def unsupport(ctx: CtxDep, proposal_id: Id) -> Response:
    """A supporter takes the support back."""
    return await _proposal_action(ctx, proposal_id, "unsupport")


@router.post("/propuestas/{proposal_id}/retirar")
async def withdraw(ctx: CtxDep, proposal_id: Id) -> Response:
    """The author withdraws the proposal."""
    return await _proposal_action(ctx, proposal_id, "withdraw")


@router.post("/propuestas/{proposal_id}/argumentos")
async def argue(ctx: CtxDep, proposal_id: Id) -> Response:
    """An argument for or against, or a reply to one."""
    person, form = await posted_form(ctx, ArgumentForm)
    with ctx.transaction() as db:
        argument = deliberation.argue(
            db, person, proposal_id, text=form.text, side=form.side, reply_to=form.reply_to
        )
    flash.say(ctx, "argued", f"argumento-{argument.id}")
    return redirect(ctx, f"/propuestas/{proposal_id}#argumento-{argument.id}")


@router.post("/argumentos/{argument_id}/ocultar")
async def hide_argument(ctx: CtxDep, argument_id: Id) -> Response:
    """A facilitator hides an argument, with a reason."""
    person, form = await posted_form(ctx, ReasonForm)
    with ctx.transaction() as db:
        argument = deliberation.hide_argument(db, person, argument_id, form.reason)
    return redirect(ctx, f"/propuestas/{argument.proposal_id}#argumento-{argument.id}")


@router.post("/propuestas/{proposal_id}/enmiendas")
async def propose_amendment(ctx: CtxDep, proposal_id: Id) -> Response:
    """Another member proposes new wording."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(TextForm, data)
    with ctx.transaction() as db:
        amendment = deliberation.propose_amendment(db, person, proposal_id, form.text)
    return redirect(ctx, f"/propuestas/{proposal_id}#enmienda-{amendment.id}")


async def _amendment_action(ctx: Ctx, amendment_id: int, action: str) -> Response:
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        if action == "accept":
            proposal_id = deliberation.accept_amendment(db, person, amendment_id).id
        elif action == "decline":
            proposal_id = deliberation.decline_amendment(db, person, amendment_id).proposal_id
        elif action == "hide":
            reason = parse(ReasonForm, data).reason
            proposal_id = deliberation.hide_amendment(db, person, amendment_id, reason).proposal_id
        else:
            terms = vote_terms(parse(VoteTermsForm, data))
            vote = deliberation.amendment_to_vote(db, person, amendment_id, terms)
            return redirect(ctx, f"/votaciones/{vote.id}")
    return redirect(ctx, f"/propuestas/{proposal_id}#enmienda-{amendment_id}")


@router.post("/enmiendas/{amendment_id}/aceptar")
async def accept_amendment(ctx: CtxDep, amendment_id: Id) -> Response:
    """The author accepts an amendment."""
    return await _amendment_action(ctx, amendment_id, "accept")


@router.post("/enmiendas/{amendment_id}/rechazar")
async def decline_amendment(ctx: CtxDep, amendment_id: Id) -> Response:
    """The author declines an amendment."""
    return await _amendment_action(ctx, amendment_id, "decline")


@router.post("/enmiendas/{amendment_id}/ocultar")
async def hide_amendment(ctx: CtxDep, amendment_id: Id) -> Response:
    """A facilitator hides an amendment, with a reason."""
    return await _amendment_action(ctx, amendment_id, "hide")


@router.post("/enmiendas/{amendment_id}/votacion")
async def amendment_to_vote(ctx: CtxDep, amendment_id: Id) -> Response:
    """A facilitator sends an amendment to a vote (drafted; opened from the vote page)."""
    return await _amendment_action(ctx, amendment_id, "vote")


@router.post("/propuestas/{proposal_id}/votacion")
async def start_voting(ctx: CtxDep, proposal_id: Id) -> Response:
    """A facilitator takes a debated proposal to a yes/no vote (drafted; opened from its page)."""
    person, form = await posted_form(ctx, VoteTermsForm)
    with ctx.transaction() as db:
        terms = vote_terms(form)
        vote = deliberation.start_voting(db, person, proposal_id, terms)
    return redirect(ctx, f"/votaciones/{vote.id}")


def vote_terms(form: VoteTermsForm) -> VoteTerms:
    """Opens now (the facilitator opens it from the vote page), closes in `days`."""
    now = utcnow().replace(microsecond=0)
    return VoteTerms(now, now + timedelta(days=form.days), mode=form.mode)


@router.post("/propuestas/{proposal_id}/escalar")
async def escalate(ctx: CtxDep, proposal_id: Id) -> Response:
    """A facilitator sends an adopted proposal up to the parent assembly."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        view = deliberation.escalate(db, person, proposal_id)
    return redirect(ctx, f"/asambleas/{view.escalation.parent_id}/escalamientos")


@router.get("/asambleas/{assembly_id}/escalamientos")
def escalations_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """Proposals sent up to this assembly, with who adopted them; siblings adopt here."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        sent = deliberation.escalations_to(db, assembly_id)
        mine = (
            [
                a
                for a, m in federation.my_assemblies(db, ctx.person)
                if a.parent_id == assembly_id and m.is_active and m.is_facilitator
            ]
            if ctx.person
            else []
        )
    return render(
        ctx, "proposal_escalations.html", view=view, a=view.assembly, sent=sent, mine=mine
    )


@router.post("/escalamientos/{escalation_id}/adoptar")
async def adopt_escalation(ctx: CtxDep, escalation_id: Id) -> Response:
    """A facilitator of a sibling assembly records its adoption."""
    return await _adoption(ctx, escalation_id, withdraw=False)


@router.post("/escalamientos/{escalation_id}/retirar")
async def withdraw_adoption(ctx: CtxDep, escalation_id: Id) -> Response:
    """A facilitator withdraws their assembly's adoption."""
    return await _adoption(ctx, escalation_id, withdraw=True)


async def _adoption(ctx: Ctx, escalation_id: int, *, withdraw: bool) -> Response:
    person, form = await posted_form(ctx, AssemblyChoiceForm)
    with ctx.transaction() as db:
        act = deliberation.withdraw_adoption if withdraw else deliberation.adopt_escalation
        view = act(db, person, escalation_id, form.assembly_id)
    return redirect(ctx, f"/asambleas/{view.escalation.parent_id}/escalamientos")
