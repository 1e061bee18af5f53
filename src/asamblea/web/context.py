"""Per-request context: the database transaction, who is asking, their language and CSRF token."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeSerializer
from nacl.signing import SigningKey
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from asamblea import i18n
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.services.federation.accounts import LoginPolicy
from asamblea.services.mobilisation.pledge_writer import PledgeBatcher
from asamblea.services.votes.casting import CastBatcher
from asamblea.settings import Settings

SESSION_COOKIE = "asamblea_sesion"
CSRF_COOKIE = "asamblea_csrf"
LANG_COOKIE = "asamblea_idioma"


@dataclass
class WebState:
    """What the app keeps for its whole life: settings, sessions factory, signer, login policy."""

    settings: Settings
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    signer: URLSafeSerializer
    policy: LoginPolicy
    signing_key: SigningKey
    batcher: CastBatcher
    pledger: PledgeBatcher


@dataclass
class Ctx:
    """One request as the routes see it."""

    request: Request
    state: WebState
    person: Person | None = None
    session_token: str | None = None
    via_token: bool = False
    locale: str = i18n.DEFAULT_LOCALE
    csrf: str = ""
    new_csrf_cookie: str | None = None
    cookies_to_set: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.state.sessions.begin() as db:
            yield db

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (pages that only show): never blocks the writers."""
        with self.state.readers.begin() as db:
            yield db

    def address(self) -> str:
        """The client's address, used only as a keyed hash for login rate limits."""
        return self.request.client.host if self.request.client else "unknown"


def web_state(request: Request) -> WebState:
    """The app-wide state set by the app factory."""
    state: WebState = request.app.state.web
    return state


def load_context(request: Request) -> Ctx:
    """Identify the person (session cookie or bearer token), the language and the CSRF token."""
    state = web_state(request)
    ctx = Ctx(request=request, state=state)
    _identify(ctx)
    chosen = (
        ctx.person.locale if ctx.person and ctx.person.locale else request.cookies.get(LANG_COOKIE)
    )
    ctx.locale = i18n.negotiate(chosen, request.headers.get("accept-language"))
    i18n.activate(ctx.locale)
    if not ctx.csrf:
        ctx.csrf = _anonymous_csrf(ctx)
    request.state.ctx = ctx
    return ctx


def token_context(request: Request) -> Ctx:
    """The context of an API-token request whose owner is identified later, by the casting
    writer, in the same transaction as the ballot (services/votes/casting.py): no read here. The
    language comes from the request until the owner, and their own choice, is known."""
    ctx = Ctx(request=request, state=web_state(request), via_token=True)
    ctx.locale = i18n.negotiate(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )
    i18n.activate(ctx.locale)
    request.state.ctx = ctx
    return ctx


def _identify(ctx: Ctx) -> None:
    request, state = ctx.request, ctx.state
    bearer = accounts.bearer_token(request.headers.get("authorization"))
    with state.readers.begin() as db:
        if bearer is not None:
            ctx.person = accounts.token_person(db, bearer)
            ctx.via_token = ctx.person is not None
            return
        raw = request.cookies.get(SESSION_COOKIE)
        token = _unsign(state.signer, raw, "session")
        found = accounts.session_person(db, token) if token else None
        if found is not None:
            ctx.person, ctx.csrf = found
            ctx.session_token = token


def _anonymous_csrf(ctx: Ctx) -> str:
    """Double-submit token for visitors without a session (login, register, language)."""
    token = _unsign(ctx.state.signer, ctx.request.cookies.get(CSRF_COOKIE), "csrf")
    if token:
        return token
    token = secrets.token_urlsafe(32)
    ctx.new_csrf_cookie = ctx.state.signer.dumps(token, salt="csrf")
    return token


def _unsign(signer: URLSafeSerializer, raw: str | None, salt: str) -> str | None:
    if not raw or len(raw) > 512:
        return None
    try:
        value = signer.loads(raw, salt=salt)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def check_csrf(ctx: Ctx, submitted: str | None) -> bool:
    """True when the submitted token matches this visitor's (token-authenticated API is exempt)."""
    if ctx.via_token:
        return True
    return bool(submitted) and secrets.compare_digest(str(submitted), ctx.csrf)


async def context_dependency(request: Request) -> Ctx:
    """`load_context` as a dependency that runs on the event loop, not in a worker thread.

    Its one short read (the session or token) costs less than two thread hand-offs, and the
    language it activates is then seen by the route in the same context.
    """
    return load_context(request)


CtxDep = Annotated[Ctx, Depends(context_dependency)]


class ReleaseContext:
    """ASGI middleware: drop the request's `Ctx` from its scope once the answer is sent.

    The `Ctx` points at its `Request` and the request's state points back at the `Ctx`: a
    reference cycle that only the cycle collector frees, with the whole request (headers, body,
    the server's connection cycle) hanging from it. Under load those cycles piled up into a full
    collection every second or two that held every request for 40-85 ms
    (benchmarks/bench_votes.py, p99); without the cycle, reference counting frees a request as
    soon as it is answered.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve, then forget the context."""
        try:
            await self.app(scope, receive, send)
        finally:
            state = scope.get("state")
            if isinstance(state, dict):
                state.pop("ctx", None)
