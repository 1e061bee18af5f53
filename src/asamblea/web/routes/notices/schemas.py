"""JSON shapes of the notices API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from asamblea.core.notices import Delivery, kinds
from asamblea.web.forms import MAX_ID
from asamblea.web.routes.api.schemas import In


class NoticeOut(BaseModel):
    """One notice: its kind, its text in the request's language, the page it links to."""

    id: int
    kind: str
    text: str
    link: str
    at: datetime
    read: bool


class InboxOut(BaseModel):
    """A page of my notices (newest first), what closes within 24 hours, the unread count."""

    notices: list[NoticeOut]
    closing: list[NoticeOut]
    unread: int
    newest: int
    older_than: int | None


class ReadIn(In):
    """Everything up to this notice is read."""

    up_to: int = Field(ge=0, le=MAX_ID, strict=True)


def _known_kinds(schema: dict[str, Any]) -> None:
    """The keys are kinds of notice: read from the registry when the document is made, after
    every domain has registered its kinds."""
    schema["propertyNames"] = {"enum": list(kinds())}


class PreferencesIO(In):
    """My delivery per kind of notice (a kind left out keeps its choice)."""

    deliveries: dict[str, Delivery] = Field(max_length=64, json_schema_extra=_known_kinds)


class AddressIn(In):
    """The e-mail address to send my notices to."""

    address: str = Field(min_length=3, max_length=254, strict=True)


class AddressOut(BaseModel):
    """My address for notices (null when I gave none)."""

    address: str | None
