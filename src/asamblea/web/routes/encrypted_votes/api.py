"""JSON API for encrypted votes. The secret parts happen on trustees' and voters' devices
(`asamblea trustee`, web/static/encrypted-ballot.js); these routes carry public values only."""

from __future__ import annotations

import asyncio
import hashlib

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from asamblea.clock import utcnow
from asamblea.core.ledger import canonical_json
from asamblea.formats.encrypted_board import dump_encrypted_board
from asamblea.services.encrypted_votes import ballots, ceremony, closing, trustees
from asamblea.services.encrypted_votes.ballots import CheckedBallot
from asamblea.services.encrypted_votes.ceremony import CeremonyView
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.render import finish
from asamblea.web.routes.common import Id
from asamblea.web.routes.encrypted_votes.schemas import (
    AuditIn,
    CeremonyOut,
    ComplaintIn,
    ComplaintOut,
    DealingIn,
    DecryptionShareIn,
    ElectionOut,
    EncryptedBallotIn,
    EncryptionIn,
    EncryptionOut,
    SharesIn,
    TrackerOut,
    TrusteeOut,
)
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.votes.schemas import HeadOut

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


@router.post("/votes/{vote_id}/encryption", status_code=201, response_model=EncryptionOut)
def make_encrypted(vote_id: Id, body: EncryptionIn, ctx: Ctx = ApiCtx) -> EncryptionOut:
    """Make a draft vote encrypted and name its trustees (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        made = ceremony.make_encrypted(db, person, vote_id, list(body.trustees), body.threshold)
        return EncryptionOut(**made.__dict__ | {"ceremony": made.ceremony})


@router.post("/votes/{vote_id}/ceremony/restart", response_model=EncryptionOut)
def restart_ceremony(vote_id: Id, body: EncryptionIn, ctx: Ctx = ApiCtx) -> EncryptionOut:
    """Restart a key ceremony that a complaint stopped, with new trustees (facilitators)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        made = ceremony.restart_ceremony(db, person, vote_id, list(body.trustees), body.threshold)
        return EncryptionOut(**made.__dict__ | {"ceremony": made.ceremony})


@router.get("/votes/{vote_id}/ceremony", response_model=CeremonyOut)
def get_ceremony(vote_id: Id, ctx: Ctx = ApiCtx) -> CeremonyOut:
    """The key ceremony as one trustee sees it (trustees)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return _ceremony(ceremony.ceremony_view(db, person, vote_id))


@router.post("/votes/{vote_id}/ceremony/dealing", response_model=CeremonyOut)
def publish_dealing(vote_id: Id, body: DealingIn, ctx: Ctx = ApiCtx) -> CeremonyOut:
    """Publish my box key and dealing (trustees)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        ceremony.publish_dealing(db, person, vote_id, body.box_public_key, body.dealing)
        return _ceremony(ceremony.ceremony_view(db, person, vote_id))


@router.post("/votes/{vote_id}/ceremony/shares", response_model=CeremonyOut)
def send_shares(vote_id: Id, body: SharesIn, ctx: Ctx = ApiCtx) -> CeremonyOut:
    """Send my shares, each sealed to its trustee (trustees)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        ceremony.send_shares(db, person, vote_id, dict(body.shares))
        return _ceremony(ceremony.ceremony_view(db, person, vote_id))


@router.post("/votes/{vote_id}/ceremony/confirm", response_model=CeremonyOut)
def confirm(vote_id: Id, ctx: Ctx = ApiCtx) -> CeremonyOut:
    """Say that every share sent to me matched its sender's commitments (trustees)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        ceremony.confirm_shares(db, person, vote_id)
        return _ceremony(ceremony.ceremony_view(db, person, vote_id))


@router.post("/votes/{vote_id}/ceremony/complaints", response_model=CeremonyOut)
def complain(vote_id: Id, body: ComplaintIn, ctx: Ctx = ApiCtx) -> CeremonyOut:
    """Say that the share a trustee sealed to me fails their commitments (trustees)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        trustees.complain(db, person, vote_id, body.against)
        return _ceremony(ceremony.ceremony_view(db, person, vote_id))


@router.get("/votes/{vote_id}/election", response_model=ElectionOut)
def election(vote_id: Id, ctx: Ctx = ApiCtx) -> ElectionOut:
    """The frozen manifest of an open encrypted vote (whoever may see the vote)."""
    with ctx.reading() as db:
        manifest, _ = ballots.election_for(db, ctx.person, vote_id)
    return ElectionOut(
        manifest=manifest, election_hash=hashlib.sha256(canonical_json(manifest)).hexdigest()
    )


@router.post("/votes/{vote_id}/encrypted-ballots", status_code=201, response_model=TrackerOut)
async def cast(vote_id: Id, body: EncryptedBallotIn, ctx: Ctx = ApiCtx) -> TrackerOut:
    """Cast my encrypted ballot; answered once it is durably in the box.

    Its proofs are checked in a worker thread (the event loop keeps serving), then the
    group-commit writer casts it with the other ballots waiting (services/votes/casting.py).
    """
    person = accounts.require(ctx.person)
    checked = await run_in_threadpool(_checked, ctx, vote_id, body.ballot)
    pending = ctx.state.batcher.submit_encrypted(person, vote_id, checked)
    receipt = await asyncio.wrap_future(pending)
    s = receipt.statement
    return TrackerOut(
        tracker=receipt.tracker,
        statement=HeadOut(vote_id=s.vote_id, genesis=s.genesis, length=s.length, head=s.head),
        signature=receipt.signature,
        public_key=receipt.public_key,
    )


def _checked(ctx: Ctx, vote_id: int, ballot: object) -> CheckedBallot:
    """The vote's election (one short read), then the ballot's proofs, outside any transaction."""
    with ctx.reading() as db:
        election = ballots.election_to_cast(db, vote_id, utcnow())
    return ballots.checked_ballot(election, ballot)


@router.post("/votes/{vote_id}/audits", status_code=201)
def audit(vote_id: Id, body: AuditIn, ctx: Ctx = ApiCtx) -> dict[str, str]:
    """Publish a ballot I chose to audit instead of casting (voters on the roll)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        ballots.audit_ballot(
            db,
            person,
            vote_id,
            body.ballot,
            selections=list(body.selections),
            nonces=list(body.nonces),
            now=utcnow(),
        )
    return {"status": "audited"}


@router.post("/votes/{vote_id}/decryption-shares", response_model=EncryptionOut)
def decryption_share(vote_id: Id, body: DecryptionShareIn, ctx: Ctx = ApiCtx) -> EncryptionOut:
    """Send my decryption share of the tally (trustees, once the vote has closed)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        closing.submit_share(db, person, vote_id, body.share, ctx.state.signing_key)
        view = ceremony.ceremony_view(db, person, vote_id)
    return EncryptionOut(**view.encrypted.__dict__ | {"ceremony": view.encrypted.ceremony})


@router.get(
    "/votes/{vote_id}/encrypted-board", responses={200: {"content": {"application/json": {}}}}
)
def board(vote_id: Id, ctx: Ctx = ApiCtx) -> Response:
    """The encrypted board (schema asamblea-encrypted-board/1), once the vote has closed."""
    with ctx.reading() as db:
        sealed = closing.board(db, ctx.person, vote_id, ctx.state.signing_key)
    return finish(ctx, Response(dump_encrypted_board(sealed), media_type="application/json"))


def _ceremony(view: CeremonyView) -> CeremonyOut:
    return CeremonyOut(
        ceremony=view.encrypted.ceremony,
        threshold=view.encrypted.threshold,
        me=view.me.number,
        state=view.state.value,
        trustees=[
            TrusteeOut(
                number=t.number,
                box_public_key=t.box_key,
                dealing=t.dealing,
                shares_sent=t.number in view.senders,
                confirmed=t.confirmed,
            )
            for t in view.trustees
        ],
        sealed_for_me=view.sealed_for_me,
        complaints=[ComplaintOut(trustee=c, against=a) for c, a in view.complaints],
    )
