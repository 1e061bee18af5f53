"""From below: proposals, supports, arguments, amendments, escalation, the charter, delegates.

Settling: a proposal (or amendment, or recall) whose linked vote is published is settled when its
page is shown. The services' ``settle_*`` functions are idempotent, so the page calls them in a
short write transaction whenever something it shows is still "voting"; nobody has to press a
button, and the outcome is the same whoever looks first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy.orm import Session

from asamblea.core.delegation import DelegateState, MandateChoice
from asamblea.core.deliberation import AmendmentState, ProposalKind, ProposalState, Side
from asamblea.core.errors import N_, Conflict, DomainError, Invalid, NotFound
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState
from asamblea.i18n import translate_error
from asamblea.services import accounts, charter, delegation, deliberation, federation, votes
from asamblea.services.deliberation import VoteTerms
from asamblea.store.types import utcnow
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, OptionalId, parse
from asamblea.web.render import finish, redirect, render
from asamblea.web.routes.common import Id, posted, posted_form

router = APIRouter()
#: Article numbers and versions in paths and queries.
Number = Annotated[int, Path(ge=1, le=10_000)]
MAX_PROPOSALS_IN_VOTE = 20


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


class CharterForm(Form):
    """Found a charter: a title and its articles ("## Title" then the text)."""

    title: str = Field(min_length=1, max_length=200)
    articles: str = Field(min_length=1, max_length=20_000)


class WordingForm(Form):
    """New wording for an article (or a new article)."""

    charter_id: int = Field(ge=1, le=2**31 - 1)
    target: OptionalId
    article_title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)


class ElectionForm(Form):
    """An STV election of delegates to the parent (candidates come as ``candidato_<id>``)."""

    days: int = Field(default=7, ge=1, le=60)
    term_days: int = Field(default=365, ge=30, le=730)


class MandateForm(Form):
    """The assembly's instruction for its delegates on a parent's vote."""

    vote_id: int = Field(ge=1, le=2**31 - 1)
    choice: MandateChoice


# --- proposals -----------------------------------------------------------------------------


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
    if needs_settling(view):
        with ctx.transaction() as db:
            settle_proposal_and_amendments(db, view)
        with ctx.reading() as db:
            view = deliberation.proposal_view(db, ctx.person, proposal_id)
    with ctx.reading() as db:
        assembly = federation.assembly_view(db, ctx.person, view.proposal.assembly_id)
        escalation = (
            deliberation.escalation_view(db, view.escalation.id) if view.escalation else None
        )
    arguments = [a for a in view.arguments if a.parent_id is None]
    replies = {a.id: [r for r in view.arguments if r.parent_id == a.id] for a in arguments}
    return render(
        ctx,
        "proposal.html",
        view=view,
        p=view.proposal,
        assembly=assembly,
        arguments=arguments,
        replies=replies,
        escalation=escalation,
        is_member=bool(assembly.mine and assembly.mine.is_active),
        has_parent=assembly.assembly.parent_id is not None,
    )


def needs_settling(view: deliberation.ProposalView) -> bool:
    """Whether the proposal or one of its amendments waits on a vote."""
    return view.proposal.state is ProposalState.VOTING or any(
        a.state is AmendmentState.VOTING for a in view.amendments
    )


def settle_proposal_and_amendments(db: Session, view: deliberation.ProposalView) -> None:
    """Apply published votes to the proposal and its amendments (idempotent)."""
    for amendment in view.amendments:
        if amendment.state is AmendmentState.VOTING:
            deliberation.settle_amendment(db, amendment.id)
    p = view.proposal
    if p.state is ProposalState.VOTING and p.vote_id is not None:
        try:
            deliberation.settle_proposal(db, p.id)
        except Conflict:  # competing charter wordings: one Schulze vote settles them all
            charter.settle_charter_vote(db, p.vote_id)


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
            terms = _terms(parse(VoteTermsForm, data))
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
        terms = _terms(form)
        vote = deliberation.start_voting(db, person, proposal_id, terms)
    return redirect(ctx, f"/votaciones/{vote.id}")


def _terms(form: VoteTermsForm) -> VoteTerms:
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


# --- escalations ---------------------------------------------------------------------------


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


# --- the charter ---------------------------------------------------------------------------


@router.get("/asambleas/{assembly_id}/carta")
def charter_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The charter this assembly holds (or the nearest above it): articles in force, links to
    each article's history, the form to propose a wording; founding it (facilitators)."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        found = charter.charter_of(db, assembly_id)
        for above in reversed(view.breadcrumbs):
            if found is not None:
                break
            found = charter.charter_of(db, above.id)
        wordings = (
            [
                p
                for p in deliberation.proposals_of(db, ctx.person, found.assembly_id)
                if p.kind is ProposalKind.CHARTER_AMENDMENT and p.state is ProposalState.DEBATE
            ]
            if found
            else []
        )
        holder = (
            federation.assembly_view(db, ctx.person, found.assembly_id)
            if found and found.assembly_id != assembly_id
            else view
        )
    return render(
        ctx,
        "charter.html",
        view=view,
        a=view.assembly,
        c=found,
        holder=holder,
        wordings=wordings,
        is_member=bool(view.mine and view.mine.is_active),
    )


@router.post("/asambleas/{assembly_id}/carta")
async def create_charter(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator founds the assembly's charter."""
    person, form = await posted_form(ctx, CharterForm)
    articles = split_articles(form.articles)
    with ctx.transaction() as db:
        charter.create_charter(db, person, assembly_id, title=form.title, articles=articles)
    return redirect(ctx, f"/asambleas/{assembly_id}/carta")


def split_articles(text: str) -> list[tuple[str, str]]:
    """Articles written as "## Title" lines, each followed by its text."""
    articles: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            articles.append((line[3:].strip(), []))
        elif articles:
            articles[-1][1].append(line)
        elif line.strip():
            raise Invalid(N_('Start each article with a line "## Title".'))
    if not articles:
        raise Invalid(N_('Start each article with a line "## Title".'))
    return [(title, "\n".join(lines).strip()) for title, lines in articles]


@router.post("/asambleas/{assembly_id}/redacciones")
async def propose_wording(ctx: CtxDep, assembly_id: Id) -> Response:
    """An active member drafts new wording for an article (a charter-amendment proposal)."""
    person, form = await posted_form(ctx, WordingForm)
    with ctx.transaction() as db:
        proposal = charter.propose_wording(
            db,
            person,
            assembly_id,
            form.charter_id,
            target=form.target,
            article_title=form.article_title,
            text=form.text,
        )
    return redirect(ctx, f"/propuestas/{proposal.id}")


@router.post("/cartas/{charter_id}/votacion")
async def charter_vote(ctx: CtxDep, charter_id: Id) -> Response:
    """A facilitator of the holder puts competing wordings of one article to one vote."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(VoteTermsForm, data)
    chosen = sorted(
        int(key.removeprefix("propuesta_"))
        for key, value in data.items()
        if key.startswith("propuesta_") and key[10:].isdigit() and len(key) < 22 and value
    )
    if not chosen or len(chosen) > MAX_PROPOSALS_IN_VOTE:
        raise Invalid(N_("Choose the wordings that compete in this vote."))
    with ctx.transaction() as db:
        held = charter.charter_view(db, charter_id)
        terms = _terms(form)
        vote = charter.start_charter_vote(db, person, chosen, terms)
        if vote.assembly_id != held.assembly_id:
            raise Invalid(N_("Only wordings of the same article compete in one vote."))
    return redirect(ctx, f"/votaciones/{vote.id}")


@router.get("/cartas/{charter_id}/articulos/{number}")
def article_page(ctx: CtxDep, charter_id: Id, number: Number) -> Response:
    """Every version of an article, with who proposed it and who backed it."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
        history = charter.article_history(db, charter_id, number)
        names = _assembly_names(db, {a for v in history for a in v.backed_by})
    return render(ctx, "charter_article.html", c=held, number=number, history=history, names=names)


@router.get("/cartas/{charter_id}/articulos/{number}/comparar")
def compare_page(
    ctx: CtxDep,
    charter_id: Id,
    number: Number,
    de: int = Query(default=1, ge=1, le=10_000),
    a: int = Query(default=2, ge=1, le=10_000),
) -> Response:
    """The word diff between two versions of an article."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
        history = charter.article_history(db, charter_id, number)
        diff = charter.compare_versions(db, charter_id, number, de, a)
    return render(
        ctx, "charter_diff.html", c=held, number=number, diff=diff, history=history, de=de, a=a
    )


@router.get("/cartas/{charter_id}/carta.md")
def charter_markdown(ctx: CtxDep, charter_id: Id) -> Response:
    """The text in force as a Markdown download."""
    with ctx.reading() as db:
        text = charter.export_markdown(db, charter_id)
    response = Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="carta-{charter_id}.md"'},
    )
    return finish(ctx, response)


@router.get("/cartas/{charter_id}/imprimir")
def charter_print(ctx: CtxDep, charter_id: Id) -> Response:
    """The text in force as a printable page."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
    return render(ctx, "charter_print.html", c=held)


def _assembly_names(db: Session, ids: set[int]) -> dict[int, str]:
    return {a.id: a.name for a in federation.all_assemblies(db) if a.id in ids}


# --- delegates -----------------------------------------------------------------------------


@router.get("/asambleas/{assembly_id}/delegados")
def delegates_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """Delegates this assembly sends up and those seated in it; mandates on the parent's
    votes; links to roll calls and recall petitions. Published elections are settled here
    (seating the elected is idempotent)."""
    with ctx.reading() as db:
        elections = [
            v.id
            for v in votes.votes_of(db, ctx.person, assembly_id)
            if v.spec.rule == "stv" and v.state is VoteState.PUBLISHED
        ]
    if elections:
        with ctx.transaction() as db:
            for vote_id in elections:
                try:
                    delegation.settle_delegate_election(db, vote_id, now=utcnow())
                except NotFound:  # an STV vote that is not a delegate election
                    continue
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        sent = delegation.delegates_of(db, assembly_id)
        seated = delegation.delegates_in(db, assembly_id)
        names = _member_names(db, ctx.person, {assembly_id} | {d.child_id for d in seated})
        parent_id = view.assembly.parent_id
        parent_votes = votes.votes_of(db, ctx.person, parent_id) if parent_id else []
        here_votes = votes.votes_of(db, ctx.person, assembly_id)
        children = {c.id: c.name for c, _ in view.children}
    roll_calls = [v for v in [*parent_votes, *here_votes] if v.spec.mode is Mode.ROLL_CALL]
    mandate_votes = [
        v for v in parent_votes if v.spec.rule == "majority" and v.state.value == "draft"
    ]
    return render(
        ctx,
        "delegates.html",
        view=view,
        a=view.assembly,
        sent=sent,
        seated=seated,
        names=names,
        children=children,
        roll_calls=roll_calls,
        mandate_votes=mandate_votes,
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
        int(key.removeprefix("candidato_"))
        for key, value in data.items()
        if key.startswith("candidato_") and key[10:].isdigit() and len(key) < 22 and value
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
        petitions = delegation.petitions_against(db, ctx.person, delegate_id)
    if any(v.petition.state == "voting" and v.petition.vote_id for v in petitions):
        with ctx.transaction() as db:
            for v in petitions:
                if v.petition.state == "voting" and v.petition.vote_id is not None:
                    delegation.settle_recall(db, v.petition.vote_id, now=utcnow())
        with ctx.reading() as db:
            petitions = delegation.petitions_against(db, ctx.person, delegate_id)
    return render(
        ctx,
        "delegates_recall.html",
        petitions=petitions,
        delegate=petitions[0].delegate if petitions else None,
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
