"""The archive's JSON API: a case and its items as the person may see them, consent changes, and
resumable uploads over tus 1.0 (`asamblea.core.archive.tus`). Reading a testimony's content needs
a member's unlocked key, which only the pages hold: it is not in the API.

``GET /api/v1/archive/cases/{case}`` and ``.../items`` answer only with what the person's circle
may see (`asamblea.core.archive.consent`); an item beyond it is "not found", never "forbidden".
``POST /api/v1/archive/items/{item}/consent`` changes consent (holder token, or a team member).

``POST /api/v1/archive/cases/{case}/uploads`` starts an upload, by a team member (logged in) or
by a witness through a one-time intake link (header ``Archive-Intake-Link: <token>``); the answer's
``Location`` is ``/api/v1/archive/uploads/{id}/{secret}``: the secret is the one thing that
unlocks the held file key, so only the sender can continue. ``HEAD`` tells the offset, ``PATCH``
appends, ``DELETE`` abandons. The final ``PATCH`` answers with the item's id, the intake receipt
(``SEQ:HEAD`` of its custody entry) and the holder token (for the witness's later consent
changes) in ``Archive-*`` headers.

A ``PATCH`` body is streamed into the service in a worker thread as it arrives (constant memory,
no plaintext on disk): when the connection is cut, what arrived is kept, encrypted, and the client
resumes from the offset ``HEAD`` reports.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Iterator
from datetime import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.requests import ClientDisconnect

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.archive.case import Item, TimelineEvent
from asamblea.core.archive.media import MAX_UPLOAD
from asamblea.core.archive.search import MAX_QUERY
from asamblea.core.archive.tus import (
    EXTENSIONS,
    MAX_DIGITS,
    MAX_METADATA,
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    check_version,
    parse_length,
    parse_metadata,
)
from asamblea.core.edge import parse_date
from asamblea.core.errors import N_, Invalid
from asamblea.services.archive import intake, items, search, timeline
from asamblea.services.archive.custody import Vault, vault_for
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.routes.archive.link_pages import intake_url, make_link
from asamblea.web.routes.archive.paths import EventId, Hex32, Token
from asamblea.web.routes.archive.schemas import (
    CaseOut,
    ConsentIn,
    EventIn,
    EventOut,
    FoundItem,
    ItemOut,
    LinkIn,
    LinkOut,
    SearchOut,
    VictimOut,
)
from asamblea.web.routes.federation.api import ERRORS, api_context

router = APIRouter(prefix="/api/v1/archive", responses=ERRORS)
ApiCtx = Depends(api_context)
TUS = {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"}
LINK_HEADER = "archive-intake-link"
FEED_PAUSE = 0.005


def _header(name: str, schema: dict[str, object], *, required: bool = True) -> dict[str, object]:
    """A request header the handler reads itself (with `core.archive.tus`), as OpenAPI says it."""
    return {"name": name, "in": "header", "required": required, "schema": schema}


def _tus(*headers: dict[str, object], **responses: str) -> dict[str, object]:
    """The OpenAPI of a tus operation: its headers, and the statuses tus gives (412 when
    ``Tus-Resumable`` is not ours, and those named ``_413=…``)."""
    version = _header("Tus-Resumable", {"type": "string", "enum": [TUS_VERSION]})
    return {
        "parameters": [version, *headers],
        "responses": {"412": {"description": f"Tus-Resumable is not {TUS_VERSION}"}}
        | {status[1:]: {"description": text} for status, text in responses.items()},
    }


BYTES = {"type": "integer", "minimum": 0, "maximum": 10**MAX_DIGITS - 1}
CREATION = _tus(
    _header("Upload-Length", BYTES | {"maximum": MAX_UPLOAD}),
    _header("Upload-Metadata", {"type": "string", "maxLength": MAX_METADATA}, required=False),
    _header(LINK_HEADER, {"type": "string", "maxLength": 64}, required=False),
    _413=f"Upload-Length is above {MAX_UPLOAD} bytes",
)
APPENDING = _tus(
    _header("Upload-Offset", BYTES),
    _413="more bytes than Upload-Length",
    _415=f"the body is not {OFFSET_CONTENT_TYPE}",
) | {"requestBody": {"required": True, "content": {
    OFFSET_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}


def _vault(ctx: Ctx) -> Vault:
    settings = ctx.state.settings
    return vault_for(settings.secret(), str(settings.instance_dir / "archive"))


@router.options("/uploads", response_class=Response)
def describe() -> Response:
    """What this tus server speaks (no version header needed on OPTIONS; tus allows 200)."""
    return Response(status_code=200, headers=TUS | {
        "Tus-Version": TUS_VERSION, "Tus-Extension": ",".join(EXTENSIONS),
        "Tus-Max-Size": str(MAX_UPLOAD)})


@router.post("/cases/{case_id}/uploads", status_code=201, response_class=Response,
             openapi_extra=CREATION)
def create(case_id: Hex32, request: Request, ctx: Ctx = ApiCtx) -> Response:
    """Start an upload (tus creation); ``Location`` is where to send its bytes."""
    headers = request.headers
    check_version(headers.get("tus-resumable"))
    length = parse_length(headers.get("upload-length"), MAX_UPLOAD)
    metadata = parse_metadata(headers.get("upload-metadata"))
    consent = Consent.parse(metadata.get("consent", "team"))
    token = headers.get(LINK_HEADER)
    if token is None and ctx.person is None:
        raise Invalid(N_("Log in, or use the intake link you were given"))
    with ctx.transaction() as db:
        started = intake.start_upload(
            db, case_id=case_id, length=length, file_name=metadata.get("filename"),
            consent=consent, link_token=token, actor=None if token else ctx.person,
            title=metadata.get("title"), now=utcnow())
    location = f"/api/v1/archive/uploads/{started.upload_id}/{started.secret}"
    return Response(status_code=201, headers=TUS | {"Location": location})


@router.head("/uploads/{upload_id}/{secret}", response_class=Response, openapi_extra=_tus())
def offset(upload_id: Hex32, secret: Token, request: Request, ctx: Ctx = ApiCtx) -> Response:
    """Where the upload stands."""
    check_version(request.headers.get("tus-resumable"))
    with ctx.reading() as db:
        state = intake.upload_state(db, upload_id, secret)
    return Response(status_code=200, headers=TUS | {
        "Upload-Offset": str(state.offset), "Upload-Length": str(state.length)})


@router.patch("/uploads/{upload_id}/{secret}", status_code=204, openapi_extra=APPENDING)
async def append(upload_id: Hex32, secret: Token, request: Request) -> Response:
    """Append the body at ``Upload-Offset``, encrypted as it streams in."""
    ctx = await api_context(request)
    headers = request.headers
    check_version(headers.get("tus-resumable"))
    pieces: queue.Queue[bytes | None] = queue.Queue(maxsize=8)

    def body() -> Iterator[bytes]:
        while (piece := pieces.get()) is not None:
            yield piece

    def work() -> intake.Appended:
        with ctx.transaction() as db:
            return intake.append(db, _vault(ctx), upload_id, secret, body(),
                                 content_type=headers.get("content-type"),
                                 offset=headers.get("upload-offset"), now=utcnow())

    task = asyncio.get_running_loop().run_in_executor(None, work)
    try:
        async for chunk in request.stream():
            if chunk and not await _feed(pieces, chunk, task):
                break
    except ClientDisconnect:
        pass  # a cut: what arrived is kept; the client resumes from HEAD's offset
    finally:
        await _feed(pieces, None, task)
    done = await task
    extra = {"Upload-Offset": str(done.state.offset)}
    if done.received is not None:
        extra |= {"Archive-Item": done.received.item.id,
                  "Archive-Holder": done.received.holder_token,
                  "Archive-Receipt": done.received.receipt,
                  "Archive-Sha256": done.received.item.sha256}
    return Response(status_code=204, headers=TUS | extra)


async def _feed(pieces: queue.Queue[bytes | None], piece: bytes | None,
                task: asyncio.Future[intake.Appended]) -> bool:
    """Hand a piece to the worker; False when the worker has already finished (or failed)."""
    while not task.done():
        try:
            pieces.put_nowait(piece)
        except queue.Full:
            await asyncio.sleep(FEED_PAUSE)
        else:
            return True
    return False


@router.delete("/uploads/{upload_id}/{secret}", status_code=204, openapi_extra=_tus())
def terminate(upload_id: Hex32, secret: Token, request: Request, ctx: Ctx = ApiCtx) -> Response:
    """Abandon the upload: its encrypted segments and held key are deleted."""
    check_version(request.headers.get("tus-resumable"))
    with ctx.transaction() as db:
        intake.terminate(db, _vault(ctx), upload_id, secret)
    return Response(status_code=204, headers=TUS)


@router.get("/cases/{case_id}", response_model=CaseOut)
def case(case_id: Hex32, ctx: Ctx = ApiCtx) -> CaseOut:
    """The case's public facts and the victims this person may see."""
    with ctx.reading() as db:
        view = items.case_view(db, ctx.person, case_id)
    return CaseOut(id=view.case.id, title=view.case.title, place=view.case.place,
                   occurred_on=view.case.occurred_on,
                   victims=[VictimOut(name=v.name) for v in view.victims],
                   your_circle=view.clearance.code)


@router.get("/cases/{case_id}/items", response_model=list[ItemOut])
def case_items(case_id: Hex32, ctx: Ctx = ApiCtx) -> list[ItemOut]:
    """The items this person may see (withdrawn ones never)."""
    with ctx.reading() as db:
        found = items.visible_items(db, ctx.person, case_id)
    return [_item(i) for i in found]


@router.get("/search", response_model=SearchOut)
def search_items(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY)],
                 case: Annotated[str | None, Query(pattern=r"^[0-9a-f]{32}$")] = None,
                 ctx: Ctx = ApiCtx) -> SearchOut:
    """Items whose title and tags hold every word of ``q``, among those this person may see
    (in one case, or in every case); only titles and tags are searched."""
    with ctx.reading() as db:
        found = search.search(db, ctx.person, q, case_id=case)
    return SearchOut(results=[FoundItem(case_id=i.case_id, **_item(i).model_dump())
                              for i in found.items], more=found.more)


@router.post("/items/{item_id}/consent", response_model=ItemOut)
def change_consent(item_id: Hex32, body: ConsentIn, ctx: Ctx = ApiCtx) -> ItemOut:
    """Change an item's consent or withdraw it (recorded in the custody log)."""
    new = None if body.consent == "withdrawn" else Consent.parse(body.consent)
    if body.holder_token is None and ctx.person is None:
        raise Invalid(N_("Log in, or send the holder token you were given"))
    with ctx.transaction() as db:
        item = items.change_consent(db, _vault(ctx), item_id, new,
                                    holder_token=body.holder_token,
                                    actor=None if body.holder_token else ctx.person,
                                    now=utcnow())
    return _item(item)


@router.post("/cases/{case_id}/intake-links", status_code=201, response_model=LinkOut)
def create_intake_link(case_id: Hex32, body: LinkIn, response: Response,
                       ctx: Ctx = ApiCtx) -> LinkOut:
    """A team member makes a one-time intake link for a witness without an account; the token
    is in this answer only (the server keeps its digest)."""
    token, expires = make_link(ctx, case_id, Consent.parse(body.consent))
    response.headers["cache-control"] = "no-store"
    return LinkOut(token=token, url=intake_url(ctx, token), consent=body.consent,
                   expires_at=expires)


@router.get("/cases/{case_id}/timeline", response_model=list[EventOut])
def case_timeline(case_id: Hex32, ctx: Ctx = ApiCtx) -> list[EventOut]:
    """The case's timeline as this person may see it, in the order things happened."""
    with ctx.reading() as db:
        found = timeline.timeline(db, ctx.person, case_id)
    return [_event(e) for e in found]


@router.post("/cases/{case_id}/timeline", status_code=201, response_model=EventOut)
def add_event(case_id: Hex32, body: EventIn, ctx: Ctx = ApiCtx) -> EventOut:
    """A team member adds an event to the case's timeline."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        event = timeline.add_event(
            db, person, case_id, happened_on=parse_date(body.happened_on),
            happened_at=parse_hour(body.happened_at), description=body.description,
            consent=Consent.parse(body.consent), item_ids=body.items)
    return _event(event)


@router.put("/timeline/{event_id}", response_model=EventOut)
def edit_event(event_id: EventId, body: EventIn, ctx: Ctx = ApiCtx) -> EventOut:
    """A team member who may see the event changes it (``items`` replaces the links they see);
    the custody log records which fields changed, not their text."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        event = timeline.edit_event(
            db, _vault(ctx), person, event_id, happened_on=parse_date(body.happened_on),
            happened_at=parse_hour(body.happened_at), description=body.description,
            consent=Consent.parse(body.consent), item_ids=body.items, now=utcnow())
    return _event(event)


@router.delete("/timeline/{event_id}", status_code=204)
def remove_event(event_id: EventId, ctx: Ctx = ApiCtx) -> Response:
    """A team member who may see the event removes it (recorded in the custody log)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        timeline.remove_event(db, _vault(ctx), person, event_id, now=utcnow())
    return Response(status_code=204)


def parse_hour(text: str | None) -> time | None:
    """``HH:MM`` (already matched by the schema's pattern) as a time, or None."""
    return None if not text else time(int(text[:2]), int(text[3:5]))


def _event(event: TimelineEvent) -> EventOut:
    return EventOut(id=event.id, happened_on=event.happened_on,
                    happened_at=None if event.happened_at is None
                    else event.happened_at.strftime("%H:%M"),
                    description=event.description, consent=event.consent.code,
                    items=list(event.items))


def _item(item: Item) -> ItemOut:
    return ItemOut(id=item.id, kind=item.kind.value, media_type=item.media_type, size=item.size,
                   sha256=item.sha256, consent=item.consent.code, withdrawn=item.withdrawn,
                   title=item.title, tags=item.tags, received_at=item.created_at)
