"""JSON API for votes: draft, open, cast, close, board, receipts, in-person counts."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from asamblea.clock import utcnow
from asamblea.core.ledger import find_receipt, normalise_receipt
from asamblea.core.votes import make_spec
from asamblea.formats.board import dump_board
from asamblea.services.federation import accounts
from asamblea.services.votes import closing, votes
from asamblea.services.votes.casting import CastRequest
from asamblea.services.votes.votes import VoteView
from asamblea.web.context import Ctx
from asamblea.web.render import finish
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context, writer_context
from asamblea.web.routes.votes.schemas import (
    BallotIn,
    HeadOut,
    InPersonIn,
    ReceiptLookupOut,
    ReceiptOut,
    VoteIn,
    VoteOut,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)
#: A receipt as a person types or dictates it: 16 Crockford base-32 symbols (any case; I, L and
#: O read as 1, 1 and 0), grouped by dashes or spaces or not; the last symbol checks the others.
ReceiptCode = Path(
    min_length=16,
    max_length=40,
    pattern=r"^[\s-]*(?:[0-9A-Za-z][\s-]*){16}$",
    description="A receipt, e.g. 7K3M-QX9T-2BHD-04RW (any case, dashes or spaces optional); "
    "one whose check symbol fails is answered 422.",
)


@router.get("/assemblies/{assembly_id}/votes", response_model=list[VoteOut])
def list_votes(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[VoteOut]:
    """The assembly's votes that I may see."""
    with ctx.reading() as db:
        return [
            _out(votes.vote_view(db, ctx.person, v.id))
            for v in votes.votes_of(db, ctx.person, assembly_id)
        ]


@router.post("/assemblies/{assembly_id}/votes", status_code=201, response_model=VoteOut)
def draft(assembly_id: Id, body: VoteIn, ctx: Ctx = ApiCtx) -> VoteOut:
    """Draft a vote (facilitators)."""
    person = accounts.require(ctx.person)
    spec = make_spec(
        question=body.question,
        options=body.options,
        rule=body.rule,
        seats=body.seats,
        threshold=body.threshold,
        quorum_percent=body.quorum_percent,
        mode=body.mode,
        public=body.public,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
    )
    with ctx.transaction() as db:
        vote = votes.draft_vote(db, person, assembly_id, spec)
        return _out(votes.vote_view(db, person, vote.id))


@router.get("/votes/{vote_id}", response_model=VoteOut)
def get_vote(vote_id: Id, ctx: Ctx = ApiCtx) -> VoteOut:
    """A vote; its result once published."""
    with ctx.reading() as db:
        return _out(votes.vote_view(db, ctx.person, vote_id))


@router.post("/votes/{vote_id}/open", response_model=VoteOut)
def open_vote(vote_id: Id, ctx: Ctx = ApiCtx) -> VoteOut:
    """Open the vote now; the roll is frozen (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        votes.open_vote(db, person, vote_id, utcnow())
        return _out(votes.vote_view(db, person, vote_id))


# The caster's context: an API-token cast is identified later, by the casting writer in the
# ballot's own batch (services/votes/casting.py); a cookie cast has its X-CSRF-Token checked.
CastCtx = Depends(writer_context)


@router.post("/votes/{vote_id}/ballots", status_code=201, response_model=ReceiptOut)
async def cast(vote_id: Id, body: BallotIn, ctx: Ctx = CastCtx) -> ReceiptOut:
    """Cast my ballot; answered once it is durably in the box."""
    selection = tuple(body.selection)
    token = accounts.bearer_token(ctx.request.headers.get("authorization"))
    if token is None:
        pending = CastRequest(accounts.require(ctx.person), vote_id, selection)
        ctx.state.batcher.submit_request(pending)
    else:
        pending = ctx.state.batcher.submit_with_token(token, vote_id, selection)
    try:
        receipt = await asyncio.wrap_future(pending.answer)
    finally:
        if pending.voter is not None and pending.voter.locale:
            ctx.locale = pending.voter.locale  # errors speak the voter's own language
    s = receipt.statement
    return ReceiptOut(
        receipt=receipt.receipt,
        statement=HeadOut(vote_id=s.vote_id, genesis=s.genesis, length=s.length, head=s.head),
        signature=receipt.signature,
        public_key=receipt.public_key,
    )


@router.post("/votes/{vote_id}/close", response_model=VoteOut)
def close(vote_id: Id, ctx: Ctx = ApiCtx) -> VoteOut:
    """Close, count, seal and publish (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        closing.close_vote(db, person, vote_id, utcnow(), ctx.state.signing_key)
        return _out(votes.vote_view(db, person, vote_id))


@router.get("/votes/{vote_id}/board", responses={200: {"content": {"application/json": {}}}})
def board(vote_id: Id, ctx: Ctx = ApiCtx) -> Response:
    """The public bulletin board (schema asamblea-board/1)."""
    with ctx.reading() as db:
        published = votes.board(db, ctx.person, vote_id, ctx.state.signing_key)
    return finish(ctx, Response(dump_board(published), media_type="application/json"))


@router.get("/votes/{vote_id}/receipts/{code}", response_model=ReceiptLookupOut)
def lookup(vote_id: Id, code: str = ReceiptCode, ctx: Ctx = ApiCtx) -> ReceiptLookupOut:
    """Is this receipt on the board, and with which choice?"""
    receipt = normalise_receipt(code)
    with ctx.reading() as db:
        published = votes.board(db, ctx.person, vote_id, ctx.state.signing_key)
    index = find_receipt(published, receipt)
    if index is None:
        return ReceiptLookupOut(receipt=receipt, found=False, selection=None, choice=None)
    selection = list(published.selections[index])
    choice = [published.header.options[i] for i in selection]
    return ReceiptLookupOut(receipt=receipt, found=True, selection=selection, choice=choice)


@router.post("/votes/{vote_id}/in-person", response_model=VoteOut)
def record_in_person(vote_id: Id, body: InPersonIn, ctx: Ctx = ApiCtx) -> VoteOut:
    """Record an in-person count and its minutes (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        votes.record_in_person(
            db, person, vote_id, counts=body.counts, attendance=body.attendance, acta=body.acta
        )
        return _out(votes.vote_view(db, person, vote_id))


@router.post("/votes/{vote_id}/in-person/confirm", response_model=VoteOut)
def confirm_in_person(vote_id: Id, ctx: Ctx = ApiCtx) -> VoteOut:
    """A second active member confirms the in-person count; it is published."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        closing.confirm_in_person(db, person, vote_id, utcnow(), ctx.state.signing_key)
        return _out(votes.vote_view(db, person, vote_id))


def _out(view: VoteView) -> VoteOut:
    v, s = view.vote, view.vote.spec
    return VoteOut(
        id=v.id,
        assembly_id=v.assembly_id,
        question=s.question,
        options=list(s.options),
        rule=s.rule,
        seats=s.seats,
        threshold=s.threshold,
        quorum_percent=s.quorum_percent,
        mode=s.mode,
        public=s.public,
        state=v.state,
        opens_at=s.opens_at,
        closes_at=s.closes_at,
        roll_size=v.roll_size,
        voters=v.voters,
        ballots=v.length,
        head=v.head,
        on_roll=view.on_roll,
        has_voted=view.has_voted,
        result=view.result,
    )
