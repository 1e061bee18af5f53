"""The receipt, shown again to its voter in the same session (issue #13, finding 10).

Casting answers with a redirect (POST–redirect–GET), so reloading never sends the ballot
again. The receipt travels in a cookie that only the receipt page's own path receives,
signed for this vote and this login session: the server keeps no link between a person and
a receipt (a seized server learns nothing new), another session on the same device cannot
read it, and it goes when the browser closes or the person logs out.
"""

from __future__ import annotations

import hashlib

from fastapi.responses import Response
from itsdangerous import BadSignature

from asamblea.core.ledger.signature import HeadStatement
from asamblea.services.votes.votes import CastReceipt
from asamblea.web.context import Ctx

COOKIE = "asamblea_recibo"
MAX_COOKIE = 2048


def receipt_path(vote_id: int) -> str:
    """The page that shows the receipt again (the only path the cookie is sent to)."""
    return f"/votaciones/{vote_id}/mi-recibo"


def _salt(ctx: Ctx, vote_id: int) -> str:
    session = hashlib.sha256((ctx.session_token or "").encode()).hexdigest()
    return f"receipt:{vote_id}:{session}"


def keep(ctx: Ctx, response: Response, receipt: CastReceipt) -> None:
    """Put the receipt in the cookie of its page (a browser-session cookie, never stored)."""
    statement = receipt.statement
    value = ctx.state.signer.dumps(
        [
            receipt.receipt,
            statement.genesis,
            statement.length,
            statement.head,
            receipt.signature,
            receipt.public_key,
        ],
        salt=_salt(ctx, receipt.vote_id),
    )
    response.set_cookie(
        COOKIE,
        value,
        path=receipt_path(receipt.vote_id),
        httponly=True,
        samesite="strict",
        secure=ctx.state.settings.secure_cookies,
    )


def recall(ctx: Ctx, vote_id: int) -> CastReceipt | None:
    """The receipt this session was given for this vote, if its cookie is here and valid."""
    raw = ctx.request.cookies.get(COOKIE)
    if ctx.person is None or not raw or len(raw) > MAX_COOKIE:
        return None
    try:
        code, genesis, length, head, signature, public_key = ctx.state.signer.loads(
            raw, salt=_salt(ctx, vote_id)
        )
    except (BadSignature, ValueError, TypeError):
        return None
    statement = HeadStatement(str(vote_id), str(genesis), int(length), str(head))
    return CastReceipt(vote_id, str(code), statement, str(signature), str(public_key))
