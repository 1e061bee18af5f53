"""What page routes share: reading a POSTed form with its CSRF check, id parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from asamblea.core.errors import N_, Forbidden
from asamblea.web.context import Ctx, check_csrf
from asamblea.web.forms import read_form

#: Ids in paths: positive and within a 63-bit integer, so no database ever overflows.
Id = Annotated[int, Path(ge=1, le=2**62)]


async def posted(ctx: Ctx) -> dict[str, str]:
    """The submitted form, once its CSRF token has been checked."""
    data = await read_form(ctx.request)
    if not check_csrf(ctx, data.get("csrf_token")):
        raise Forbidden(N_("This form has expired. Reload the page and try again."))
    return data
