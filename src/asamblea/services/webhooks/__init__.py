"""Outbound webhooks of an assembly (issue #11 part 5): its facilitators register URLs and
kinds of notice; the runner posts the assembly's events to them, signed per Standard Webhooks,
with retries and a delivery log (docs/feeds-and-webhooks.md).

- `endpoints` — register, list, change, remove; the delivery log;
- `dispatch` — the runner's job: queue, claim, post, record;
- `transport` — one POST, refusing the server's own network;
- `sealing` — signing secrets sealed at rest.
"""

from asamblea.services.webhooks.dispatch import (
    WebhookJob,
    claim,
    queue,
    record,
    send,
    webhook_job,
)
from asamblea.services.webhooks.endpoints import (
    LOG_LENGTH,
    MAX_PER_ASSEMBLY,
    Registered,
    change,
    deliveries,
    register,
    remove,
    webhook,
    webhooks_of,
)
from asamblea.services.webhooks.sealing import Sealer
from asamblea.store.webhooks_repository import Delivery, Webhook

__all__ = [
    "LOG_LENGTH",
    "MAX_PER_ASSEMBLY",
    "Delivery",
    "Registered",
    "Sealer",
    "Webhook",
    "WebhookJob",
    "change",
    "claim",
    "deliveries",
    "queue",
    "record",
    "register",
    "remove",
    "send",
    "webhook",
    "webhook_job",
    "webhooks_of",
]
