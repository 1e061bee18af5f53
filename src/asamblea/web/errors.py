"""Every error becomes a 4xx page or JSON body in the request's language — never a 500 page
for bad input, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from asamblea import i18n
from asamblea.core.errors import N_, DomainError
from asamblea.web.body import NotUtf8
from asamblea.web.context import Ctx, load_context
from asamblea.web.forms import validation_message
from asamblea.web.render import finish, render

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("You may not do this."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    413: N_("What you sent is too large."),
    415: N_("This kind of content is not accepted here."),
}
NOT_UTF8 = N_("What you sent is not UTF-8 text. Send it again from the form.")
PROBED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SERVER_ERROR = N_("Something went wrong on the server. Nothing was saved; please try again.")


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)


def error_response(request: Request, status: int, message: str, code: str) -> Response:
    """An error as JSON (API) or as a page (everything else), already translated."""
    ctx = _ctx(request)
    if request.url.path.startswith("/api/"):
        response: Response = JSONResponse({"error": code, "message": message}, status_code=status)
        return finish(ctx, response) if ctx else response
    if ctx is None:
        return JSONResponse({"error": code, "message": message}, status_code=status)
    return render(ctx, "error.html", status=status, message=message)


async def _domain_error(request: Request, error: DomainError) -> Response:
    _ctx(request)
    message = i18n.translate_error(error.message, dict(error.params))
    return error_response(request, error.status, message, type(error).__name__)


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    _ctx(request)
    if _names_nothing(request, error.errors()):
        return error_response(request, 404, i18n.gettext(HTTP_MESSAGES[404]), "NotFound")
    return error_response(request, 422, validation_message(error.errors()), "Invalid")


def _names_nothing(request: Request, errors: Any) -> bool:
    """A page's address whose path does not parse (/votaciones/abc, a link cut short) names
    nothing there is: a person reading it gets the 404 page, as for an id that does not exist,
    not a form error about a field they never saw. The API keeps its 422, as its schema says."""
    if request.method not in {"GET", "HEAD"} or request.url.path.startswith("/api/"):
        return False
    return bool(errors) and all(tuple(e.get("loc", ()))[:1] == ("path",) for e in errors)


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    _ctx(request)
    if isinstance(error, NotUtf8):
        message = i18n.gettext(NOT_UTF8)
    else:
        message = i18n.gettext(HTTP_MESSAGES.get(error.status_code, HTTP_MESSAGES[400]))
    status = error.status_code if 400 <= error.status_code < 500 else 400
    response = error_response(request, status, message, "HTTPError")
    if status == 405:
        response.headers["allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path (for a 405's Allow header)."""
    methods: set[str] = set()
    for method in PROBED:
        probe = {**request.scope, "method": method}
        for route in request.app.router.routes:
            match, _ = route.matches(probe)
            if match is not Match.FULL:
                continue
            if isinstance(route, Mount):  # static files: read only
                methods.update(("GET", "HEAD"))
            else:
                methods.add(method)
    return sorted(methods)


async def _server_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    _ctx(request)
    return error_response(request, 500, i18n.gettext(SERVER_ERROR), "ServerError")


def _ctx(request: Request) -> Ctx | None:
    existing = getattr(request.state, "ctx", None)
    if isinstance(existing, Ctx):
        i18n.activate(existing.locale)
        return existing
    try:
        return load_context(request)
    except Exception:
        log.exception("could not load the request context for an error page")
        return None
