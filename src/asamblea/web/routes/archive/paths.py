"""The archive's path parameters, defined once for its pages and its API: an address that does
not match is refused before the route runs (a case or item id is 32 lowercase hex digits, a
link's or an upload's token 43 URL-safe base64 characters, a row id a positive 32-bit integer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from asamblea.web.forms import MAX_ID

Hex32 = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{43}$")]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

CaseId = Hex32
ItemId = Hex32
PersonId = RowId
EventId = RowId
