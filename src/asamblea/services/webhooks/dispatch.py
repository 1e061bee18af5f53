"""Delivering webhooks: the runner's job (docs/feeds-and-webhooks.md, "Delivery").

Problem: an assembly's events must reach the URLs its facilitators registered, signed, at
least once, even when the receiver is down for a while or a runner dies mid-post, without a
slow receiver holding a database lock, and without ever carrying what a member could not read.

Design, one pass (`WebhookJob.run_pass`), three short steps:

1. **Queue.** For each enabled endpoint (locked, skipping those another runner holds), read the
   assembly's audit events after the endpoint's cursor; each whose notice rule is of a kind the
   endpoint chose — and whose audience is the assembly's members — becomes a delivery row with
   its JSON body and a message id that stays the same on every retry. The events are written in
   the same transactions as the changes they record, so the audit log is the outbox. The cursor
   only passes events older than `SETTLE` (a transaction that took a lower id may commit a
   little later); events seen twice are not queued twice (unique per endpoint and event).
2. **Claim.** Due deliveries of enabled endpoints are taken (``SKIP LOCKED``) and their next
   attempt is pushed `LEASE` ahead; the transaction commits at once.
3. **Post and record.** Each is posted outside any transaction (`transport.post`), signed per
   Standard Webhooks; then the group's outcomes are recorded in one transaction: delivered,
   or tried again after an exponential back-off (`core.notices.backoff`). An endpoint that
   fails `WEBHOOK_FAILURES_TO_DISABLE` times in a row is turned off and its assembly's
   facilitators are told (a ``webhook.disabled`` event, a notice for facilitators); its
   pending deliveries wait until a facilitator turns it on again.

Promise: each queued event is posted until a 2xx answer, with the same ``webhook-id`` (so a
receiver drops duplicates); a runner that dies between claim and record leaves the delivery
due again after its lease.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.notices import Audience, Event, next_attempt, rule_for, rules, should_disable
from asamblea.core.webhooks import headers
from asamblea.services.notices.inbox import LINKS
from asamblea.services.webhooks import transport
from asamblea.services.webhooks.sealing import Sealer
from asamblea.settings import Settings
from asamblea.store.federation_repository import AuditRepository
from asamblea.store.notices_repository import NoticesRepository
from asamblea.store.webhooks_repository import Claimed, Webhook, WebhooksRepository

log = logging.getLogger("asamblea.webhooks")

SETTLE = timedelta(seconds=60)
LEASE = timedelta(minutes=2)
ENDPOINTS_PER_PASS = 50
EVENTS_PER_ENDPOINT = 200
POSTS_PER_PASS = 20

Clock = Callable[[], datetime]


def _title(db: Session, event: Event) -> str:
    kind, _, key = event.subject.partition(":")
    if not (key.isascii() and key.isdecimal()):
        return ""
    return NoticesRepository(db).titles(kind, {int(key)}).get(int(key), "")


def payload(db: Session, event: Event, kind: str, text: str, base_url: str) -> str:
    """The JSON body for one event: what a member reads in its notice, nothing more."""
    names = NoticesRepository(db).assembly_names({event.assembly_id or 0})
    subject, _, key = event.subject.partition(":")
    link = LINKS[subject].format(key) if subject in LINKS and key.isdecimal() else ""
    link = link or f"/asambleas/{event.assembly_id}"
    title = _title(db, event)
    params = {
        "assembly": names.get(event.assembly_id or 0, ""),
        "question": title,
        "title": title,
        "phase": str(event.details.get("phase", "")),
        "state": str(event.details.get("state", "")),
    }
    body = {
        "type": kind,
        "timestamp": event.at.isoformat(),
        "data": {
            "event_id": event.id,
            "assembly_id": event.assembly_id,
            "assembly": params["assembly"],
            "text": i18n.translate_error(text, dict(params)),
            "link": base_url.rstrip("/") + link,
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _member_rule_actions(kinds: tuple[str, ...]) -> set[str]:
    return {r.action for r in rules() if r.kind in kinds and r.audience is Audience.MEMBERS}


def _queue_endpoint(db: Session, webhook: Webhook, now: datetime, base_url: str) -> int:
    repo = WebhooksRepository(db)
    actions = _member_rule_actions(webhook.kinds)
    if not actions:
        return 0
    events = repo.events_after(
        webhook.assembly_id, webhook.cursor, actions, EVENTS_PER_ENDPOINT, unqueued_for=webhook.id
    )
    done = repo.queued_events(webhook.id, [e.id for e in events])
    queued = 0
    cursor, settled = webhook.cursor, True
    for event in events:
        rule = rule_for(event.action, event.details)
        wanted = rule is not None and rule.kind in webhook.kinds
        if (
            wanted
            and rule is not None
            and rule.audience is Audience.MEMBERS
            and event.id not in done
        ):
            body = payload(db, event, rule.kind, rule.text, base_url)
            msg_id = f"msg_{webhook.id}_{event.id}"
            repo.add_delivery(
                webhook.id, event.id, msg_id=msg_id, kind=rule.kind, body=body, now=now
            )
            queued += 1
        settled = settled and event.at <= now - SETTLE
        if settled:  # the cursor passes only a run of settled events, from the start
            cursor = event.id
    if cursor != webhook.cursor:
        repo.update_webhook(webhook.id, cursor=cursor)
    return queued


def queue(db: Session, now: datetime, *, base_url: str = "") -> int:
    """Step 1: turn new events into deliveries. Returns how many were queued."""
    queued = 0
    for webhook in WebhooksRepository(db).take_enabled(ENDPOINTS_PER_PASS):
        queued += _queue_endpoint(db, webhook, now, base_url)
    return queued


def claim(db: Session, now: datetime, limit: int = POSTS_PER_PASS) -> list[Claimed]:
    """Step 2: take due deliveries under a lease."""
    return WebhooksRepository(db).claim_due(now, now + LEASE, limit)


@dataclass(frozen=True)
class Sent:
    """A claimed delivery and what its post answered."""

    claimed: Claimed
    answer: transport.Answer


def send(
    claimed: Claimed, sealer: Sealer, *, allow_private: bool, timeout: float, now: datetime
) -> Sent:
    """Step 3a: sign and post one delivery (no database)."""
    try:
        key = sealer.open(claimed.sealed_secret)
    except ValueError:  # a secret sealed under another server secret
        return Sent(claimed, transport.Answer(None, "the secret cannot be opened"))
    signed = headers(key, claimed.msg_id, int(now.timestamp()), claimed.body)
    answer = transport.post(
        claimed.url, claimed.body, signed, allow_private=allow_private, timeout=timeout
    )
    return Sent(claimed, answer)


def record(db: Session, sent: Sent, now: datetime) -> None:
    """Step 3b: the outcome: delivered, or the next attempt; the endpoint's failure streak."""
    repo = WebhooksRepository(db)
    webhook = repo.get(sent.claimed.webhook_id, lock=True)
    delivery = repo.delivery(sent.claimed.id, lock=True)
    if webhook is None or delivery is None or delivery.state != "pending":
        return  # removed meanwhile, or recorded by a runner whose lease ran out after ours
    attempts = delivery.attempts + 1
    answer = sent.answer
    if answer.ok:
        repo.set_delivery(
            delivery.id,
            state="delivered",
            attempts=attempts,
            last_status=answer.status,
            last_error="",
            delivered_at=now,
        )
        if webhook.failures:
            repo.update_webhook(webhook.id, failures=0)
        return
    error = answer.error or f"HTTP {answer.status}"
    repo.set_delivery(
        delivery.id,
        attempts=attempts,
        last_status=answer.status,
        last_error=error[:200],
        next_attempt_at=next_attempt(attempts, delivery.msg_id, now),
    )
    failures = webhook.failures + 1
    if webhook.enabled and should_disable(failures):
        repo.update_webhook(webhook.id, failures=failures, enabled=False, disabled_at=now)
        AuditRepository(db).record(
            None,
            "webhook.disabled",
            webhook.assembly_id,
            f"webhook:{webhook.id}",
            {"webhook": webhook.id, "failures": failures},
        )
    else:
        repo.update_webhook(webhook.id, failures=failures)


@dataclass
class WebhookJob:
    """The runner's webhook job: one pass queues, claims, posts and records."""

    sessions: sessionmaker[Session]
    sealer: Sealer
    allow_private: bool = False
    timeout: float = 10.0
    base_url: str = ""
    now: Clock = utcnow

    def run(self, _when: datetime) -> int:
        """The runner's call (the job keeps its own clock, `now`, for its steps)."""
        return self.run_pass()

    def run_pass(self) -> int:
        """One pass; returns how many posts were made."""
        with self.sessions.begin() as db:  # one short write transaction for steps 1 and 2
            queue(db, self.now(), base_url=self.base_url)
            claimed = claim(db, self.now())
        sent = []
        for item in claimed:
            started = time.monotonic()
            result = send(
                item,
                self.sealer,
                allow_private=self.allow_private,
                timeout=self.timeout,
                now=self.now(),
            )
            sent.append(result)
            log.info(
                "webhook %s delivery %s: %s (%.0f ms)",
                item.webhook_id,
                item.id,
                result.answer.status or result.answer.error,
                1000 * (time.monotonic() - started),
            )
        if sent:  # one commit for the group's outcomes (a crash before it: posted again)
            with self.sessions.begin() as db:
                for result in sent:
                    record(db, result, self.now())
        return len(claimed)


def webhook_job(sessions: sessionmaker[Session], settings: Settings) -> WebhookJob:
    """The job as `asamblea serve` and `asamblea worker` run it, from the settings."""
    return WebhookJob(
        sessions,
        Sealer(settings.secret()),
        allow_private=settings.webhooks_allow_private,
        timeout=settings.webhook_timeout_seconds,
        base_url=settings.public_url,
    )
