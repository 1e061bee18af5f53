"""What page routes share: reading a POSTed form with its CSRF check, id parameters."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Path
from pydantic import BaseModel

from asamblea import i18n
from asamblea.core.errors import N_, Forbidden
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx, check_csrf
from asamblea.web.forms import MAX_ID, parse, read_form

M = TypeVar("M", bound=BaseModel)

#: Ids in paths: positive and within the database's INTEGER columns, so none overflows.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


async def posted(ctx: Ctx) -> dict[str, str]:
    """The submitted form, once its CSRF token has been checked.

    Also makes the request's language current in the route's own task: `load_context` runs
    as a dependency in a worker thread, whose language does not carry over to async routes.
    """
    i18n.activate(ctx.locale)
    data = await read_form(ctx.request)
    if not check_csrf(ctx, data.get("csrf_token")):
        raise Forbidden(N_("This form has expired. Reload the page and try again."))
    return data


async def posted_form(ctx: Ctx, model: type[M]) -> tuple[Person, M]:
    """A logged-in person's form: CSRF checked first, then the login, then the fields."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    return person, parse(model, data)
