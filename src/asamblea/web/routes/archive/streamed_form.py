"""A ``multipart/form-data`` upload read as it streams: small fields kept, one file handed on.

Why not Starlette's ``request.form()``: it spools a file over 1 MB to a temporary file *in the
clear* before the route sees it, and a seized disk (or a crash) would then hold a witness's
photo. Here the body is parsed as it arrives (python-multipart's streaming parser, the one
Starlette uses underneath): the small text fields that come before the file (the CSRF token, the
consent, the title — a browser sends fields in the form's order) are kept in memory, and the
file's bytes go straight to a consumer — the archive's intake, which encrypts them as they come,
as the tus path does — running in a worker thread, with a small queue between (constant memory).

A cut connection, or a body that ends before the file part does, makes the file's stream raise
`Incomplete`: the consumer's transaction rolls back and nothing is kept (this path does not
resume; the page's script uses the resumable tus path instead, when it can).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from asamblea.core.errors import N_, Invalid

T = TypeVar("T")
MAX_FIELDS = 10
MAX_FIELD_BYTES = 4000
FEED_PAUSE = 0.005


class Incomplete(Invalid):
    """The upload was cut before its file ended."""

    def __init__(self) -> None:
        super().__init__(N_("The upload was cut before the file arrived whole; send it again"))


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    file_name: str | None = None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class _State:
    fields: dict[str, str] = field(default_factory=dict)
    part: _Part = field(default_factory=_Part)
    header: bytes = b""
    value: bytes = b""
    file: str | None = None  # the file's name once its part began ("" when it has none)
    pieces: list[bytes] = field(default_factory=list)
    file_done: bool = False


def _callbacks(state: _State) -> dict[str, Callable[..., None]]:
    def part_begin() -> None:
        state.part = _Part()

    def header_field(data: bytes, start: int, end: int) -> None:
        state.header += data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        state.value += data[start:end]

    def header_end() -> None:
        state.part.headers[state.header.lower()] = state.value
        state.header = state.value = b""

    def headers_finished() -> None:
        _, options = parse_options_header(state.part.headers.get(b"content-disposition", b""))
        state.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if options.get(b"filename") and state.file is None:  # "": no file was chosen
            state.part.file_name = options[b"filename"].decode("utf-8", "replace")
            state.file = state.part.file_name

    def part_data(data: bytes, start: int, end: int) -> None:
        if state.part.file_name is not None:
            state.pieces.append(bytes(data[start:end]))
            return
        state.part.data += data[start:end]
        if len(state.part.data) > MAX_FIELD_BYTES:
            raise Invalid(N_("A field of this form is too long"))

    def part_end() -> None:
        if state.part.file_name is not None:
            state.file_done = True
            return
        if len(state.fields) >= MAX_FIELDS:
            raise Invalid(N_("This form has too many fields"))
        try:
            state.fields[state.part.name] = state.part.data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(N_("A field of this form is not UTF-8 text")) from None

    return {"on_part_begin": part_begin, "on_header_field": header_field,
            "on_header_value": header_value, "on_header_end": header_end,
            "on_headers_finished": headers_finished, "on_part_data": part_data,
            "on_part_end": part_end}


Consumer = Callable[[dict[str, str], str, Iterator[bytes]], T]


class _Feeder(Generic[T]):
    """The parser's side of one upload: writes chunks, starts the consumer, hands it pieces."""

    def __init__(self, boundary: bytes, consume: Consumer[T]) -> None:
        self.state = _State()
        self.parser = MultipartParser(boundary, _callbacks(self.state))  # type: ignore[arg-type]
        self.consume = consume
        self.pieces: queue.Queue[bytes | Exception | None] = queue.Queue(maxsize=8)
        self.task: asyncio.Future[T] | None = None

    def body(self) -> Iterator[bytes]:
        """The file's bytes, in the consumer's thread; raises if the upload was cut."""
        while (piece := self.pieces.get()) is not None:
            if isinstance(piece, Exception):
                raise piece
            yield piece

    async def write(self, chunk: bytes) -> bool:
        """Parse a chunk and pass on its file bytes; False once nothing more is wanted."""
        try:
            self.parser.write(chunk)
        except FormParserError as error:
            raise Invalid(N_("The form's body is malformed")) from error
        if self.task is None and self.state.file is not None:
            work = partial(self.consume, dict(self.state.fields), self.state.file, self.body())
            self.task = asyncio.get_running_loop().run_in_executor(None, work)
        if self.task is None:
            return True
        for piece in self.state.pieces:
            if not await _feed(self.pieces, piece, self.task):
                break
        self.state.pieces.clear()
        return not (self.state.file_done or self.task.done())

    async def finish(self, error: Exception | None = None) -> None:
        """Tell the consumer the file ended (or was cut, or the body was malformed)."""
        if self.task is not None:
            ended = None if self.state.file_done and error is None else error or Incomplete()
            await _feed(self.pieces, ended, self.task)


async def stream_upload(request: Request, consume: Consumer[T]) -> T:
    """Parse the body; when the file part begins, run ``consume(fields, file_name, bytes)`` in a
    worker thread (fields: those sent before the file) and feed it the file as it arrives.

    ``consume`` checks the fields (CSRF first) before it reads a byte of the file.
    """
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise Invalid(N_("Send the file with the page's form"))
    feeder = _Feeder(boundary, consume)
    ended = False
    try:
        async for chunk in request.stream():
            if not await feeder.write(chunk):
                break
        ended = True
    except ClientDisconnect:
        pass
    except Exception:  # a malformed body: the consumer's stream fails, its transaction rolls back
        await feeder.finish(Incomplete())
        if feeder.task is not None:
            with contextlib.suppress(Exception):
                await feeder.task
        raise
    await feeder.finish()
    if feeder.task is None:
        raise Invalid(N_("Choose a file to send")) if ended else Incomplete()
    return await feeder.task


async def _feed(pieces: queue.Queue[bytes | Exception | None], piece: bytes | Exception | None,
                task: asyncio.Future[T]) -> bool:
    """Hand a piece to the worker; False when it has already finished (or failed)."""
    while not task.done():
        try:
            pieces.put_nowait(piece)
        except queue.Full:
            await asyncio.sleep(FEED_PAUSE)
        else:
            return True
    return False
