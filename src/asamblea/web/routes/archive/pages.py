"""The archive's pages: the public memorial of a case (built only from what is consented public),
and the page where a witness without an account sends a written testimony through a one-time
intake link. The link's token is in the path: it is the link; the server keeps only its digest.
Files are sent from these pages through `asamblea.web.routes.archive.upload_pages` (a form read as
it streams, never spooled to disk in the clear) or, with JavaScript, the resumable upload API."""

from __future__ import annotations

import hashlib
import io

from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse
from pydantic import Field

from asamblea.clock import utcnow
from asamblea.core.archive import Viewer
from asamblea.core.archive.media import STRIPPABLE
from asamblea.core.errors import N_, Forbidden, Invalid, NotFound
from asamblea.formats.archive import safe_name
from asamblea.services.archive import intake, items, keys, search, timeline
from asamblea.services.archive.access import viewer_of
from asamblea.services.archive.custody import Vault, vault_for
from asamblea.services.archive.export import export_bundle
from asamblea.services.archive.items import Received
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import Form, Verbatim, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.archive import passes
from asamblea.web.routes.archive.paths import CaseId, Token
from asamblea.web.routes.common import posted

router = APIRouter()


class UnlockForm(Form):
    """A member's passphrase, and the case to go back to."""

    passphrase: Verbatim = Field(min_length=1, max_length=256)
    case_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class ExportForm(Form):
    """Who receives the export (every item the legal team may export goes in)."""

    recipient: str = Field(min_length=1, max_length=200)


class TestimonyForm(Form):
    """A witness's written testimony."""

    testimony: str = Field(min_length=1, max_length=20_000)
    title: str | None = Field(default=None, max_length=200)


@router.get("/memoria/{case_id}")
def memorial(case_id: CaseId, ctx: CtxDep) -> Response:
    """A case's public memorial: its facts, the victims the families name publicly, and the items
    consented as public — the same page for everyone, logged in or not."""
    with ctx.state.readers.begin() as db:
        view = items.case_view(db, None, case_id)
        public = items.visible_items(db, None, case_id)
        events = timeline.timeline(db, None, case_id)
    return render(ctx, "archive_memorial.html", view=view, items=public, events=events,
                  by_id={i.id: i for i in public})


RECEIPT_COOKIE = "asamblea_recibo"
RECEIPT_PATH = "/entrega"
RECEIPT_SECONDS = 60 * 60


def show_receipt(ctx: Ctx, received: Received) -> Response:
    """After an intake (a text here, a file in `upload_pages`): the receipt goes into a signed
    cookie for ``/entrega`` and the browser is sent to ``GET /entrega/recibo``, which shows it
    again on a reload for an hour and never sends anything twice (issue #13, finding 10)."""
    response = redirect(ctx, RECEIPT_PATH + "/recibo")
    passes.give(ctx, response, RECEIPT_COOKIE, {
        "receipt": received.receipt, "sha256": received.item.sha256,
        "holder": received.holder_token, "consent": received.item.consent.code,
    }, path=RECEIPT_PATH, seconds=RECEIPT_SECONDS)
    return passes.no_store(response)


@router.get(RECEIPT_PATH + "/recibo")
def receipt_page(ctx: CtxDep) -> Response:
    """The witness's signed receipt, from the cookie their intake left in this browser."""
    held = passes.read(ctx, RECEIPT_COOKIE)
    if not isinstance(held, dict) or not all(isinstance(held.get(k), str) for k in RECEIPT_KEYS):
        raise NotFound(N_("This receipt is no longer kept in this browser"))
    vault = _vault(ctx)
    return passes.no_store(render(ctx, "archive_intake.html", title=None, token=None,
                                  receipt=held, consent=held["consent"],
                                  public_key=vault.key.verify_key.encode().hex()))


RECEIPT_KEYS = ("receipt", "sha256", "holder", "consent")


def _vault(ctx: Ctx) -> Vault:
    settings = ctx.state.settings
    return vault_for(settings.secret(), str(settings.instance_dir / "archive"))


@router.get("/entrega/{token}")
def intake_page(token: Token, ctx: CtxDep) -> Response:
    """The witness's page: what the link is for, and the form."""
    with ctx.state.readers.begin() as db:
        link, title = intake.open_link(db, token, utcnow())
    vault = _vault(ctx)
    return passes.no_store(render(ctx, "archive_intake.html", title=title,
                                  consent=link.consent.code, token=token, receipt=None,
                                  case_id=link.case_id,
                                  public_key=vault.key.verify_key.encode().hex()))


@router.post("/entrega/{token}")
async def intake_submit(token: Token, ctx: CtxDep) -> Response:
    """Receive the testimony: encrypted at once; then the signed receipt (POST-redirect-GET)."""
    form = parse(TestimonyForm, await posted(ctx))
    with ctx.transaction() as db:
        received = intake.submit_text(db, _vault(ctx), token, form.testimony, title=form.title,
                                      now=utcnow())
    return show_receipt(ctx, received)


@router.get("/archivo/casos/{case_id}")
def case_page(case_id: CaseId, ctx: CtxDep, q: str = "") -> Response:
    """A case as the person's circle sees it; the team unlocks and opens items from here, and
    searches titles and tags (``q``) within what they may see."""
    person = accounts.require(ctx.person)
    with ctx.state.readers.begin() as db:
        view = items.case_view(db, person, case_id)
        found = search.search(db, person, q, case_id=case_id) if q.strip() else None
        shown = items.visible_items(db, person, case_id)
        viewer: Viewer = viewer_of(db, person, view.case)
        unlocked = viewer.case_team and keys.session_key(
            db, person, ctx.session_token, now=utcnow()) is not None
        events = timeline.timeline(db, person, case_id)
    return render(ctx, "archive_case.html", view=view, items=shown, team=viewer.case_team,
                  legal=viewer.legal_team, unlocked=unlocked, query=q, found=found,
                  events=events, by_id={i.id: i for i in shown}, photos=STRIPPABLE)


@router.post("/archivo/desbloquear")
async def unlock(ctx: CtxDep) -> Response:
    """Unlock the person's archive key for this session (never stored unsealed)."""
    form = parse(UnlockForm, await posted(ctx))
    person = accounts.require(ctx.person)
    if ctx.session_token is None:
        raise Invalid(N_("Unlocking needs a login session in this browser"))
    with ctx.transaction() as db:
        keys.unlock_session(db, person, form.passphrase, ctx.session_token, now=utcnow())
    return redirect(ctx, f"/archivo/casos/{form.case_id}")


GRANT_COOKIE = "asamblea_vista"
GRANT_SECONDS = 5 * 60


def _item_path(item_id: str) -> str:
    return f"/archivo/elementos/{item_id}"


def _session_mark(ctx: Ctx) -> str:
    """Ties a grant to this login session (a copied cookie is no use in another)."""
    return hashlib.sha256(f"grant:{ctx.session_token}".encode()).hexdigest()[:32]


@router.post("/archivo/elementos/{item_id}/abrir")
async def open_item(item_id: CaseId, ctx: CtxDep) -> Response:
    """Open an item: the view is recorded in the custody log, and this session is granted five
    minutes to read it at ``GET /archivo/elementos/{item}`` (POST-redirect-GET: a reload of that
    page writes no second entry and sends nothing again)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        private = keys.session_key(db, person, ctx.session_token, now=utcnow())
        if private is None:
            raise Invalid(N_("Unlock your archive key first"))
        items.record_view(db, _vault(ctx), person, item_id, private=private, now=utcnow())
    response = redirect(ctx, _item_path(item_id))
    passes.give(ctx, response, GRANT_COOKIE, [item_id, _session_mark(ctx)],
                path=_item_path(item_id), seconds=GRANT_SECONDS)
    return passes.no_store(response)


@router.get("/archivo/elementos/{item_id}")
def read_item(item_id: CaseId, ctx: CtxDep) -> Response:
    """An item just opened, decrypted with the session's unlocked key while its grant holds
    (never cached: ``Cache-Control: no-store``)."""
    person = accounts.require(ctx.person)
    if passes.read(ctx, GRANT_COOKIE) != [item_id, _session_mark(ctx)]:
        raise Forbidden(N_("Open this item from the case's page (each opening is recorded)"))
    with ctx.reading() as db:
        private = keys.session_key(db, person, ctx.session_token, now=utcnow())
        if private is None:
            raise Invalid(N_("Unlock your archive key first"))
        opened = items.read_viewed(db, _vault(ctx), person, item_id, private=private)
        if opened.item.media_type == "text/plain":
            text = b"".join(opened.content).decode("utf-8", errors="replace")
            return passes.no_store(render(ctx, "archive_item.html", item=opened.item,
                                          text=text))
    name = safe_name(opened.file_name or f"{opened.item.id}")  # streamed from its blob on disk
    return StreamingResponse(opened.content, media_type=opened.item.media_type, headers={
        "content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})


MAX_EXPORT = 256 * 1024 * 1024  # built in memory (never as plaintext on the server's disk)


@router.post("/archivo/casos/{case_id}/exportar")
async def export(case_id: CaseId, ctx: CtxDep) -> Response:
    """The legal team downloads the case as a bundle for a prosecutor (verifiable offline)."""
    form = parse(ExportForm, await posted(ctx))
    person = accounts.require(ctx.person)
    settings = ctx.state.settings
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    out = io.BytesIO()
    with ctx.transaction() as db:
        private = keys.session_key(db, person, ctx.session_token, now=utcnow())
        if private is None:
            raise Invalid(N_("Unlock your archive key first"))
        chosen = items.visible_items(db, person, case_id)
        if sum(i.size for i in chosen) > MAX_EXPORT:
            raise Invalid(N_("This case is too large to download here; export it from the server"))
        export_bundle(db, vault, person, case_id, out, item_ids=[i.id for i in chosen],
                      recipient=form.recipient, private=private, now=utcnow())
    return Response(out.getvalue(), media_type="application/zip", headers={
        "content-disposition": f'attachment; filename="caso-{case_id[:8]}.zip"',
        "cache-control": "no-store"})
