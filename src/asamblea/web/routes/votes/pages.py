"""Vote pages: draft, open, cast (with receipt), close, results, board, receipts, in person."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.datastructures import FormData

from asamblea.clock import utcnow
from asamblea.core import edge
from asamblea.core.errors import N_, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.ledger import BallotKind, find_receipt, normalise_receipt
from asamblea.core.votes import RULE_KINDS, THRESHOLDS, Mode, make_spec
from asamblea.formats.board import dump_board
from asamblea.i18n import translate_error
from asamblea.services.encrypted_votes import ballots, ceremony, trustees
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import closing, votes
from asamblea.services.votes.votes import VoteView
from asamblea.web.context import Ctx, CtxDep, check_csrf
from asamblea.web.forms import MAX_ID, InPersonForm, VoteForm, parse
from asamblea.web.render import finish, redirect, render
from asamblea.web.routes.common import Id, posted
from asamblea.web.routes.votes import kept_receipt

router = APIRouter()
LIMA = ZoneInfo("America/Lima")
NO_OPTION = N_("That option does not exist.")
MAX_OPTIONS = 50


@router.get("/asambleas/{assembly_id}/votaciones/nueva")
def new_vote_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The form to draft a vote (facilitators)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/votaciones/nueva")
    with ctx.reading() as db:
        federation.assembly_view(db, ctx.person, assembly_id)  # NotFound for unknown assemblies
    now = utcnow().astimezone(LIMA).replace(second=0, microsecond=0, tzinfo=None)
    values = {
        "opens_at": now.isoformat(timespec="minutes"),
        "closes_at": now.replace(hour=23, minute=59).isoformat(timespec="minutes"),
    }
    return _vote_form(ctx, assembly_id, values)


@router.post("/asambleas/{assembly_id}/votaciones")
async def draft_vote(ctx: CtxDep, assembly_id: Id) -> Response:
    """Draft a vote."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(VoteForm, data)
        spec = make_spec(
            question=form.question,
            options=form.options.splitlines()[: MAX_OPTIONS + 1],
            rule=form.rule,
            seats=form.seats,
            threshold=form.threshold,
            quorum_percent=form.quorum_percent,
            mode=_mode(form.mode),
            public=form.public,
            opens_at=_lima(form.opens_at),
            closes_at=_lima(form.closes_at),
        )
        with ctx.transaction() as db:
            vote = votes.draft_vote(db, person, assembly_id, spec)
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        return _vote_form(ctx, assembly_id, data, status=error.status, error=message)
    return redirect(ctx, f"/votaciones/{vote.id}")


@router.get("/votaciones/{vote_id}")
def vote_page(ctx: CtxDep, vote_id: Id) -> Response:
    """A vote: question, options, state; the ballot while open; results once published."""
    with ctx.reading() as db:
        try:
            view = votes.vote_view(db, ctx.person, vote_id)
        except NotFound:
            if not votes.is_members_only(db, vote_id):
                raise
            # finding 17: say it is for members, and offer to log in (docs/privacy.md)
            return render(ctx, "vote_members_only.html", status=403 if ctx.person else 401)
        encrypted = ballots.is_encrypted(db, vote_id)
        trustee = trustees.trustee_number(db, ctx.person, vote_id) if encrypted else None
        status = trustees.ceremony_status(db, vote_id) if encrypted else None
        candidates = (
            ceremony.restart_candidates(db, ctx.person, vote_id)
            if status and status.complaints and ctx.person
            else []
        )
    return render(
        ctx,
        "vote.html",
        view=view,
        encrypted=encrypted,
        trustee=trustee,
        ceremony_status=status,
        restart_candidates=candidates,
        v=view.vote,
        result=view.result,
        ranks=range(1, len(view.vote.spec.options) + 1),
    )


@router.post("/votaciones/{vote_id}/abrir")
async def open_vote(ctx: CtxDep, vote_id: Id) -> Response:
    """Open the vote now: the roll is frozen."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        votes.open_vote(db, person, vote_id, utcnow())
    return redirect(ctx, f"/votaciones/{vote_id}")


@router.post("/votaciones/{vote_id}/votar")
async def cast(ctx: CtxDep, vote_id: Id) -> Response:
    """Cast a ballot; the answer is the receipt page, after the ballot is on disk."""
    form = await ctx.request.form(max_files=0, max_fields=MAX_OPTIONS + 10)
    if not check_csrf(ctx, _single(form, "csrf_token")):
        raise Forbidden(N_("This form has expired. Reload the page and try again."))
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        view = votes.vote_view(db, person, vote_id)
    try:
        selection = selection_from_form(form, view)
    except Invalid as error:
        return _ballot_again(ctx, view, form, error)
    future = ctx.state.batcher.submit(person, vote_id, tuple(selection))
    receipt = await asyncio.wrap_future(future)
    response = redirect(ctx, kept_receipt.receipt_path(vote_id))  # reloading never re-sends
    kept_receipt.keep(ctx, response, receipt)
    return response


@router.get("/votaciones/{vote_id}/mi-recibo")
def receipt_again(ctx: CtxDep, vote_id: Id) -> Response:
    """The receipt, to its voter, as often as they like in the session they voted in."""
    receipt = kept_receipt.recall(ctx, vote_id)
    if receipt is None:
        return redirect(ctx, f"/votaciones/{vote_id}")
    with ctx.reading() as db:
        view = votes.vote_view(db, ctx.person, vote_id)
    return render(ctx, "vote_receipt.html", receipt=receipt, v=view.vote)


@router.get("/votaciones/{vote_id}/votar")
def after_cast(ctx: CtxDep, vote_id: Id) -> Response:
    """Going back to, or reloading, the address a ballot was posted to: the vote page."""
    return redirect(ctx, f"/votaciones/{vote_id}")


@router.post("/votaciones/{vote_id}/cerrar")
async def close_vote(ctx: CtxDep, vote_id: Id) -> Response:
    """Close, count, seal and publish."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        closing.close_vote(db, person, vote_id, utcnow(), ctx.state.signing_key)
    return redirect(ctx, f"/votaciones/{vote_id}")


@router.post("/votaciones/{vote_id}/conteo")
async def record_in_person(ctx: CtxDep, vote_id: Id) -> Response:
    """A facilitator records the in-person count and its minutes."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(InPersonForm, data)
    counts = [
        _count(data.get(f"count_{i}", "")) for i in range(MAX_OPTIONS) if f"count_{i}" in data
    ]
    with ctx.transaction() as db:
        votes.record_in_person(
            db, person, vote_id, counts=counts, attendance=form.attendance, acta=form.acta
        )
    return redirect(ctx, f"/votaciones/{vote_id}")


@router.post("/votaciones/{vote_id}/conteo/confirmar")
async def confirm_in_person(ctx: CtxDep, vote_id: Id) -> Response:
    """A second member confirms the in-person count; it is published."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        closing.confirm_in_person(db, person, vote_id, utcnow(), ctx.state.signing_key)
    return redirect(ctx, f"/votaciones/{vote_id}")


@router.get("/votaciones/{vote_id}/tablero.json")
def board_json(ctx: CtxDep, vote_id: Id) -> Response:
    """The public bulletin board, for anyone who can see the vote (no login for public votes)."""
    with ctx.reading() as db:
        board = votes.board(db, ctx.person, vote_id, ctx.state.signing_key)
    response = Response(
        dump_board(board),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="tablero-votacion-{vote_id}.json"'},
    )
    return finish(ctx, response)


@router.get("/votaciones/{vote_id}/recibo")
def lookup_receipt(
    ctx: CtxDep, vote_id: Id, codigo: str | None = Query(default=None, max_length=40)
) -> Response:
    """Find a receipt on the published board and show the choice it carries. Without a code
    (an address typed or followed, not the form sent) the person is sent to the vote's page,
    where the form is once the board is published."""
    if codigo is None:
        return redirect(ctx, f"/votaciones/{vote_id}#codigo")
    with ctx.reading() as db:
        board = votes.board(db, ctx.person, vote_id, ctx.state.signing_key)
    try:
        code = normalise_receipt(codigo)
    except DomainError as error:
        return render(
            ctx,
            "vote_lookup.html",
            status=422,
            v=board.header,
            code=codigo,
            error=translate_error(error.message, dict(error.params)),
            found=None,
            vote_id=vote_id,
        )
    found = find_receipt(board, code)
    choice = None if found is None else [board.header.options[i] for i in board.selections[found]]
    return render(
        ctx,
        "vote_lookup.html",
        v=board.header,
        code=code,
        found=found,
        choice=choice,
        error="",
        vote_id=vote_id,
        ranked=board.header.kind is BallotKind.RANKING,
        status=200 if found is not None else 404,
    )


def _ballot_again(ctx: Ctx, view: VoteView, form: FormData, error: Invalid) -> Response:
    """A ballot the person got wrong comes back with their choices and the error beside it
    (nothing was recorded): they fix it and cast again."""
    chosen = {
        "ranks": {key: value for key, value in form.items() if key.startswith("rank_")},
        "options": [value for value in form.getlist("option") if isinstance(value, str)],
    }
    return render(
        ctx,
        "vote.html",
        status=422,
        view=view,
        v=view.vote,
        result=view.result,
        ranks=range(1, len(view.vote.spec.options) + 1),
        ballot_error=translate_error(error.message, dict(error.params)),
        chosen=chosen,
    )


def selection_from_form(form: FormData, view: VoteView) -> list[int]:
    """The ballot from the form: a radio (choice), checkboxes (approval) or ranks (ranking)."""
    options = len(view.vote.spec.options)
    kind = RULE_KINDS[view.vote.spec.rule]
    if kind is BallotKind.RANKING:
        ranked: dict[int, int] = {}
        for index in range(options):
            rank = _single(form, f"rank_{index}")
            if rank:
                position = _index(rank, options + 1)
                if position == 0 or position in ranked:
                    raise Invalid(N_("Two options have the same rank."))
                ranked[position] = index
        return [ranked[p] for p in sorted(ranked)]
    return sorted({_index(v, options) for v in form.getlist("option") if isinstance(v, str) and v})


def _single(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _index(text: str, limit: int) -> int:
    value = edge.parse_natural(text, maximum=MAX_ID, message=NO_OPTION)
    if value >= limit:
        raise Invalid(NO_OPTION)
    return value


def _count(text: str) -> int:
    return edge.parse_natural(
        text, maximum=999_999_999, message=N_("Counts must be whole numbers, zero or more.")
    )


def _mode(text: str) -> Mode:
    try:
        return Mode(text)
    except ValueError:
        raise Invalid(N_("Unknown way of voting.")) from None


def _lima(text: str) -> datetime:
    return edge.parse_moment(text, zone=LIMA)


def _vote_form(
    ctx: Ctx, assembly_id: int, values: dict[str, str], status: int = 200, error: str = ""
) -> Response:
    return render(
        ctx,
        "vote_new.html",
        status=status,
        error=error,
        values=values,
        assembly_id=assembly_id,
        rules=list(RULE_KINDS),
        thresholds=THRESHOLDS,
        modes=[m.value for m in Mode],
    )
