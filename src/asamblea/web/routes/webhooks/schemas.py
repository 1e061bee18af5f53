"""JSON shapes of the webhooks API (limits declared: the URL's length and scheme, the kinds
from the notice registry)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from asamblea.core.webhooks import MAX_KINDS, MAX_URL, webhook_kinds
from asamblea.web.routes.api.schemas import In


def _kinds_enum(schema: dict[str, Any]) -> None:
    """The kinds a webhook may carry, read from the registry when the schema is built."""
    schema["enum"] = list(webhook_kinds())


Kind = Annotated[str, Field(max_length=48, json_schema_extra=_kinds_enum)]
Url = Annotated[
    str,
    Field(
        min_length=10,
        max_length=MAX_URL,
        pattern=r"^https?://[^\s/?#@]+(?:[/?][^\s#]*)?$",
        description="http(s) URL; addresses in this server's own network (loopback, private, "
        "link-local) are refused with 422 unless the operator allows them.",
    ),
]


class WebhookIn(In):
    """Register a webhook: where to post, and which kinds of the assembly's notices."""

    url: Url
    kinds: list[Kind] = Field(min_length=1, max_length=MAX_KINDS)


class WebhookPatch(In):
    """Change a webhook; a field left out keeps its value. `enabled: true` turns a webhook
    turned off after failures on again (its failure count starts over)."""

    url: Url | None = None
    kinds: list[Kind] | None = Field(default=None, min_length=1, max_length=MAX_KINDS)
    enabled: bool | None = None


class WebhookOut(BaseModel):
    """A webhook (its secret is never shown again after it is made)."""

    id: int
    assembly_id: int
    url: str
    kinds: list[str]
    enabled: bool
    failures: int
    created_at: datetime
    disabled_at: datetime | None


class WebhookCreatedOut(WebhookOut):
    """A new webhook and its signing secret (``whsec_…``), shown this once: receivers check
    the ``webhook-signature`` header with it (Standard Webhooks)."""

    secret: str


class DeliveryOut(BaseModel):
    """One line of the delivery log."""

    id: int
    event_id: int
    msg_id: str
    kind: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
