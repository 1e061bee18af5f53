"""Short-lived signed cookies that carry what a redirect must not put in an address.

The archive's pages keep secrets out of URLs (which end up in logs, histories and ``Referer``):
the holder's code on the consent page, the witness's receipt after an intake, and the grant to
read an item a team member has just opened (POST-redirect-GET, issue #13 finding 10). Each is a
value signed with the app's secret and a purpose (``salt``), with its own expiry inside the
signature, set ``HttpOnly``, ``SameSite=Strict`` and only for the path that reads it.
"""

from __future__ import annotations

import time

from fastapi.responses import Response
from itsdangerous import BadSignature

from asamblea.core.ledger import JsonValue
from asamblea.web.context import Ctx

MAX_COOKIE = 1024


def give(
    ctx: Ctx, response: Response, name: str, value: JsonValue, *, path: str, seconds: int
) -> None:
    """Set cookie ``name`` to ``value``, signed for this purpose, valid ``seconds`` from now."""
    signed = ctx.state.signer.dumps([value, int(time.time()) + seconds], salt=name)
    response.set_cookie(
        name,
        signed,
        max_age=seconds,
        path=path,
        httponly=True,
        samesite="strict",
        secure=ctx.state.settings.secure_cookies,
    )


def read(ctx: Ctx, name: str) -> JsonValue | None:
    """The value of cookie ``name`` while its signature holds and it has not expired."""
    raw = ctx.request.cookies.get(name)
    if not raw or len(raw) > MAX_COOKIE:
        return None
    try:
        loaded = ctx.state.signer.loads(raw, salt=name)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(loaded, list) or len(loaded) != 2 or not isinstance(loaded[1], int):
        return None
    value, expires = loaded
    return value if time.time() < expires else None


def take_back(ctx: Ctx, response: Response, name: str, *, path: str) -> None:
    """Remove cookie ``name`` from this browser."""
    response.delete_cookie(
        name, path=path, httponly=True, samesite="strict", secure=ctx.state.settings.secure_cookies
    )


def no_store(response: Response) -> Response:
    """Mark a page that shows a secret or decrypted content as never to be cached (every page
    already says ``Referrer-Policy: no-referrer``: `asamblea.web.security`)."""
    response.headers["cache-control"] = "no-store"
    return response
