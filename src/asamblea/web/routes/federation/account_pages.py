"""Register, log in, log out, change password."""

from __future__ import annotations

import anyio
from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from asamblea.core.errors import N_, DomainError, Invalid
from asamblea.core.people import Person
from asamblea.i18n import translate_error
from asamblea.services.federation import accounts
from asamblea.web import flash
from asamblea.web.context import SESSION_COOKIE, Ctx, CtxDep
from asamblea.web.forms import LoginForm, PasswordForm, RegisterForm, parse
from asamblea.web.render import redirect, render, safe_next
from asamblea.web.routes.common import posted

router = APIRouter()


@router.get("/registro")
def register_page(ctx: CtxDep) -> Response:
    """The registration form."""
    return render(ctx, "register.html", values={})


@router.post("/registro")
async def register(ctx: CtxDep) -> Response:
    """Create an account and log in."""
    data = await posted(ctx)
    try:
        form = parse(RegisterForm, data)
        with ctx.transaction() as db:
            person = accounts.register(db, form.username, form.password, ctx.locale)
            _start_session(ctx, db, person)
    except DomainError as error:
        return _form_error(ctx, "register.html", error, {"username": data.get("username", "")})
    return redirect(ctx, "/federacion")


@router.get("/entrar")
def login_page(ctx: CtxDep, next: str = "/") -> Response:
    """The login form."""
    return render(ctx, "login.html", values={}, next=safe_next(next))


@router.post("/entrar")
async def login(ctx: CtxDep) -> Response:
    """Log in, throttled per (account, address) and per address, slowed per account."""
    data = await posted(ctx)
    values = {"username": data.get("username", "")}
    try:
        form = parse(LoginForm, data)
        with ctx.reading() as db:
            delay = accounts.login_delay(db, form.username, ctx.address(), ctx.state.policy)
        await anyio.sleep(delay)  # an account others failed on is slowed, never locked
        with ctx.transaction() as db:
            person = accounts.authenticate(
                db, form.username, form.password, ctx.address(), ctx.state.policy
            )
        if person is None:
            raise Invalid(N_("Wrong username or password."))
        with ctx.transaction() as db:
            _start_session(ctx, db, person)
    except DomainError as error:
        return _form_error(ctx, "login.html", error, values, next=data.get("next", "/"))
    return redirect(ctx, safe_next(data.get("next")))


@router.post("/salir")
async def logout(ctx: CtxDep) -> Response:
    """Log out of this browser."""
    await posted(ctx)
    if ctx.person is not None and ctx.session_token:
        with ctx.transaction() as db:
            accounts.close_session(db, ctx.session_token, ctx.person)
    ctx.cookies_to_set[SESSION_COOKIE] = ""
    return redirect(ctx, "/")


@router.get("/cuenta")
def account_page(ctx: CtxDep) -> Response:
    """Account settings: password."""
    if ctx.person is None:
        return redirect(ctx, "/entrar?next=/cuenta")
    return render(ctx, "account.html", done=False)


@router.post("/cuenta/clave")
async def change_password(ctx: CtxDep) -> Response:
    """Change the password; other sessions end."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(PasswordForm, data)
        with ctx.transaction() as db:
            accounts.change_password(
                db, person, form.current_password, form.new_password, ctx.session_token
            )
    except DomainError as error:
        return _form_error(ctx, "account.html", error, {}, done=False)
    flash.say(ctx, "password")  # POST–redirect–GET: reloading does not post the form again
    return redirect(ctx, "/cuenta")


def _start_session(ctx: Ctx, db: Session, person: Person) -> None:
    new = accounts.open_session(db, person, ctx.state.settings.session_days)
    ctx.cookies_to_set[SESSION_COOKIE] = ctx.state.signer.dumps(new.token, salt="session")
    ctx.person, ctx.csrf = person, new.csrf


def _form_error(
    ctx: Ctx, template: str, error: DomainError, values: dict[str, str], **extra: object
) -> Response:
    message = translate_error(error.message, dict(error.params))
    return render(ctx, template, status=error.status, error=message, values=values, **extra)
