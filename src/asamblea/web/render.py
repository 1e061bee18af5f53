"""Rendering: Jinja2 templates in the request's language, redirects, cookies."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from asamblea import __version__, i18n
from asamblea.services import notices
from asamblea.web import flash
from asamblea.web.context import CSRF_COOKIE, Ctx

TEMPLATES = Path(__file__).resolve().parent / "templates"
LIMA = ZoneInfo("America/Lima")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True
)


def lima_time(value: datetime) -> str:
    """Show a UTC timestamp in Peru's time."""
    return value.astimezone(LIMA).strftime("%d/%m/%Y %H:%M")


def exact_float(value: object) -> float:
    """An exact number as the engine writes it ("7", "7/3", "12.34567"), for drawing only."""
    text = str(value)
    try:
        return float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        return 0.0


@pass_context
def figure(context: Context, value: object) -> str:
    """An exact number ("18", "18.00000", "7/3") in plain figures of the page's language: whole
    numbers without decimals, others with at most two (Babel, so 1 234,5 or 1,234.5)."""
    text = str(value)
    try:
        number = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return text
    locale = i18n.format_locale(str(context.get("locale", i18n.DEFAULT_LOCALE)))
    if number.denominator == 1:
        return format_decimal(number.numerator, locale=locale)
    return format_decimal(round(float(number), 2), format="#,##0.##", locale=locale)


@pass_context
def day(context: Context, value: object) -> str:
    """A calendar day (a date or its ISO text) as dd/mm/yyyy, like the other pages, through
    Babel in the page's language (issue 13, finding 14)."""
    try:
        when = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    locale = i18n.format_locale(str(context.get("locale", i18n.DEFAULT_LOCALE)))
    return format_date(when, "dd/MM/yyyy", locale=locale)


@pass_context
def quantity(context: Context, value: object, places: int = 2, signed: bool = False) -> str:
    """A measured amount (a float target, a level, a share) the same way on every page: grouped
    and with at most `places` decimals through Babel in the page's language (130.5, never
    130.50 in one place and 130.5 in another); tiny amounts keep three significant figures."""
    if value is None:
        return "—"
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    locale = i18n.format_locale(str(context.get("locale", i18n.DEFAULT_LOCALE)))
    shown = round(number, places) if abs(number) >= 1 or number == 0 else float(f"{number:.3g}")
    pattern = "#,##0." + "#" * max(places, 12 if abs(number) < 1 else places)
    text = format_decimal(shown, format=pattern.rstrip("."), locale=locale)
    return "+" + text if signed and number > 0 else text


environment.filters["lima"] = lima_time
environment.filters["quantity"] = quantity
environment.filters["day"] = day
environment.filters["figure"] = figure
environment.filters["exact_float"] = exact_float
environment.globals["version"] = __version__
environment.globals["languages"] = i18n.LANGUAGE_NAMES


def render(ctx: Ctx, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page in the request's language, with what every page needs (person, CSRF, locale)."""
    i18n.activate(ctx.locale)  # sync routes run in worker threads: the language goes with them
    unread = values.pop("unread_notices", None)  # a page that counted them already (/avisos)
    html = environment.get_template(template).render(
        ctx=ctx,
        person=ctx.person,
        csrf=ctx.csrf,
        locale=ctx.locale,
        path=ctx.request.url.path,
        unread_notices=_unread_notices(ctx) if unread is None else unread,
        flash=flash.take(ctx),
        **values,
    )
    response = HTMLResponse(html, status_code=status)
    finish(ctx, response)
    return response


def _unread_notices(ctx: Ctx) -> int:
    """The header's count of unread notices (issue #11): one short read, logged-in only."""
    if ctx.person is None:
        return 0
    with ctx.reading() as db:
        return notices.unread_count(db, ctx.person)


def redirect(ctx: Ctx, url: str) -> RedirectResponse:
    """After a successful POST: see the result (303 so the browser GETs it)."""
    response = RedirectResponse(url, status_code=303)
    finish(ctx, response)
    return response


def finish(ctx: Ctx, response: Response) -> Response:
    """Set the cookies this request decided on."""
    secure = ctx.state.settings.secure_cookies
    if ctx.new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE, ctx.new_csrf_cookie, httponly=True, samesite="lax", secure=secure
        )
    for name, value in ctx.cookies_to_set.items():
        if value:
            response.set_cookie(
                name,
                value,
                httponly=True,
                samesite="lax",
                secure=secure,
                max_age=ctx.state.settings.session_days * 86400,
            )
        else:
            response.delete_cookie(name, httponly=True, samesite="lax", secure=secure)
    return response


def safe_next(url: str | None, default: str = "/") -> str:
    """Only local paths may be redirected to (no open redirects)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url[:500]
