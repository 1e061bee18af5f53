"""Request bodies: refused when too large (before they are read) or not UTF-8.

The problem. One anonymous `POST /api/v1/accounts` with a 200 MB username was read whole before
its 422 (the server grew by half a gigabyte); a form sent as Latin-1 (`Perú` raw) was stored as
`PerÃº`, and `%ff%fe` as `��`, because Starlette reads form bytes it cannot decode as Latin-1.

The design. An ASGI middleware between the server and the app:
- a declared `Content-Length` over the limit (or not a number) is refused before a byte is read;
- a body without a length (chunked) is counted as it arrives, and refused as soon as it passes
  the limit — the rest is never read, and the server closes the connection;
- a URL-encoded form (what every page sends) is read in full (it is under the limit) and
  refused unless its bytes are ASCII and every percent-escaped field decodes as UTF-8.
A refusal is raised as an HTTP error when the app first reads the body, so the app's own error
handlers answer it: in the person's language, as a page or as JSON, with the usual headers.
Routes that never read a body are not affected.

One kind of route takes more: a resumable upload (`PATCH` of the archive's tus 1.0 uploads) streams
its body into the service in constant memory, chunk by chunk, and the service checks it against the
length declared at creation and the limit of its kind. Such routes are named in `streamed`, each
with its own bound (the largest file the archive takes); everything else keeps the small limit.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asamblea.core import edge
from asamblea.core.errors import Invalid

#: The default limit on a request body (settings: ``ASAMBLEA_MAX_BODY_BYTES``).
DEFAULT_LIMIT = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


class BodyTooLarge(HTTPException):
    """A body over the limit (HTTP 413)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class NotUtf8(HTTPException):
    """A form whose text is not UTF-8 (HTTP 400)."""

    def __init__(self) -> None:
        super().__init__(status_code=400, detail="not-utf-8")


class BodyLimit:
    """ASGI middleware applying the rules of this module to every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int = DEFAULT_LIMIT,
        streamed: tuple[tuple[str, str, int], ...] = (),
    ) -> None:
        self.app = app
        self.limit = limit
        self.streamed = streamed
        """(method, path prefix, bound) of routes that stream their body into a service."""

    def limit_for(self, scope: Scope) -> int:
        """The bound on this request's body: a streamed route's own, or the general limit."""
        method, path = scope.get("method", ""), scope.get("path", "")
        for streamed_method, prefix, bound in self.streamed:
            if method == streamed_method and path.startswith(prefix):
                return bound
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a receive channel that enforces the rules."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(scope)
        declared = headers.get("content-length")
        if declared is not None and not _within(declared, limit):
            await self.app(scope, _refusing(BodyTooLarge(), receive), send)
            return
        counted = _Counted(receive, limit)
        if headers.get("content-type", "").split(";")[0].strip().lower() == FORM:
            try:
                body = await counted.read_all()
            except BodyTooLarge as error:
                await self.app(scope, _refusing(error, receive), send)
                return
            if not is_utf8_form(body):
                await self.app(scope, _refusing(NotUtf8(), receive), send)
                return
            await self.app(scope, _replaying(body, receive), send)
            return
        await self.app(scope, counted, send)


def is_utf8_form(body: bytes) -> bool:
    """Whether a URL-encoded body is ASCII and each of its fields decodes as UTF-8."""
    if not body.isascii():
        return False
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def _within(declared: str, limit: int) -> bool:
    try:
        edge.parse_natural(declared, maximum=limit)
    except Invalid:
        return False
    return True


class _Counted:
    """A receive channel that counts body bytes and raises past the limit."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.seen = 0

    async def __call__(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                raise BodyTooLarge
        return message

    async def read_all(self) -> bytes:
        parts: list[bytes] = []
        while True:
            message = await self()
            if message["type"] != "http.request":  # the client went away
                return b"".join(parts)
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(parts)


def _refusing(error: HTTPException, receive: Receive) -> Receive:
    """Raises `error` when the app first reads the body; later calls (a response listening for
    the client to go away) get the server's own messages."""
    raised = False

    async def refuse() -> Message:
        nonlocal raised
        if not raised:
            raised = True
            raise error
        return await receive()

    return refuse


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the client to disconnect

    return replay
