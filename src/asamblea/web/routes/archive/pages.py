"""The archive's pages: the public memorial of a case (built only from what is consented public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from asamblea.services.archive import items
from asamblea.web.context import CtxDep
from asamblea.web.render import render

router = APIRouter()
CaseId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


@router.get("/memoria/{case_id}")
def memorial(case_id: CaseId, ctx: CtxDep) -> Response:
    """A case's public memorial: its facts, the victims the families name publicly, and the items
    consented as public — the same page for everyone, logged in or not."""
    with ctx.state.readers.begin() as db:
        view = items.case_view(db, None, case_id)
        public = items.visible_items(db, None, case_id)
    return render(ctx, "archive_memorial.html", view=view, items=public)
