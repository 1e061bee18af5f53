"""Home, language switch, about (licence and source), health."""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

import asamblea
from asamblea.core.errors import N_, Invalid
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.web.context import LANG_COOKIE, CtxDep
from asamblea.web.forms import LanguageForm, parse
from asamblea.web.render import redirect, render, safe_next
from asamblea.web.routes.common import posted

router = APIRouter()
PACKAGE = Path(asamblea.__file__).resolve().parent


@router.get("/")
def home(ctx: CtxDep) -> Response:
    """My assemblies, or a welcome for visitors."""
    mine = []
    if ctx.person is not None:
        with ctx.reading() as db:
            mine = federation.my_assemblies(db, ctx.person)
    return render(ctx, "home.html", mine=mine)


@router.post("/idioma")
async def switch_language(ctx: CtxDep) -> Response:
    """Switch language: remembered on the account, or in a cookie for visitors."""
    form = parse(LanguageForm, await posted(ctx))
    if form.lang not in accounts.LOCALES:
        raise Invalid(N_("Unknown language."))
    ctx.cookies_to_set[LANG_COOKIE] = form.lang
    if ctx.person is not None:
        with ctx.transaction() as db:
            accounts.set_locale(db, ctx.person, form.lang)
    return redirect(ctx, safe_next(form.next))


@router.get("/acerca")
def about(ctx: CtxDep) -> Response:
    """Licence, source code and what the server keeps about people."""
    return render(ctx, "about.html", source_url=ctx.state.settings.source_url)


@router.get("/fuente.zip")
def source_code() -> Response:
    """The running program's source (AGPL-3.0-or-later §13: users of a network service get it)."""
    return Response(
        _source_zip(),
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="asamblea-fuente.zip"'},
    )


@router.get("/salud")
def health() -> Response:
    """For operators' monitoring: the process answers."""
    return PlainTextResponse("ok")


@lru_cache(maxsize=1)
def _source_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo":
                archive.write(path, Path("asamblea") / path.relative_to(PACKAGE))
        licence = PACKAGE.parent.parent / "LICENSE"
        if licence.exists():
            archive.write(licence, "LICENSE")
    return buffer.getvalue()
