"""Notices by e-mail: the outbox expanded to recipients, the daily digest, delivery over SMTP.

Problem: a notice must reach the people who asked for it by mail even when the SMTP server is
down for an hour or the runner is killed halfway, without a message lost, without telling
anyone what the inbox would not tell them, and without mail from a transaction that rolled back.

Design (docs/operating.md, "Mail"):
1. The audit log's writer adds an outbox row in the event's own transaction
   (`AuditRepository.record`), for every event the notice registry knows.
2. `expand_outbox` (the runner) takes outbox rows (SKIP LOCKED), finds the people with an
   address whom the event concerns (the inbox's own rule, `core.notices.in_audience`) and who
   want that kind *at once*, queues one delivery each with a stable Message-ID, and deletes the
   outbox row — one transaction: expanded once, or not at all.
3. `queue_digests` (the runner, from `DIGEST_HOUR` local time) queues one digest per person and
   day for the notices they want *daily*; the Message-ID holds the day, so a second pass, or a
   second runner, queues nothing more.
4. `deliver_due` leases due deliveries in a short transaction, writes each in the recipient's
   language (plain text + minimal HTML, one-click unsubscribe), sends the batch over one SMTP
   connection, and marks each sent or failed; a failure is tried again after an exponential
   back-off (`core.notices.next_attempt`), forever: mail is delayed, never dropped.

Promise: every queued message is handed to the SMTP server at least once, always with the same
Message-ID (a crash between sending and marking sends it again, and the receiving side sees the
same id); the text of a message is written when it is sent and never stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from asamblea.core import notices
from asamblea.core.notices import Delivery, Event, Seat, Standing
from asamblea.core.notices.digest import last_digest_time
from asamblea.formats.mail import message_id
from asamblea.services.notices.mail_writer import (
    MailConfig,
    daily_notices,
    deliveries,
    write_batch,
)
from asamblea.services.notices.smtp import Outgoing
from asamblea.store.mail_repository import Delivery as Queued
from asamblea.store.mail_repository import MailAddress, MailRepository
from asamblea.store.notices_repository import NoticesRepository

__all__ = ["MailConfig", "MailReport", "Mailer", "OutboxDrain", "deliver_due"]

log = logging.getLogger("asamblea.mail")

#: Records of sent messages (ids and times, no text) are kept this long, then deleted.
KEEP_SENT = timedelta(days=30)


class Transport(Protocol):
    """What sends a batch: one outcome per message (None: accepted; else why not)."""

    def send(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send the messages."""


@dataclass
class MailReport:
    """What one pass did."""

    expanded: int = 0
    queued: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0


# 2. Expanding the outbox -------------------------------------------------------------------
def expand_outbox(
    sessions: sessionmaker[Session], config: MailConfig, now: datetime, limit: int = 200
) -> tuple[int, int]:
    """Expand up to ``limit`` outbox rows; returns (rows expanded, messages queued)."""
    with sessions.begin() as db:
        repo = MailRepository(db)
        taken = repo.take_outbox(limit)
        queued = sum(_expand(repo, event, config, now) for _, event in taken)
        repo.delete_outbox([outbox_id for outbox_id, _ in taken])
    return len(taken), queued


def _expand(repo: MailRepository, event: Event, config: MailConfig, now: datetime) -> int:
    rule = notices.rule_for(event.action, event.details)
    if rule is None:
        return 0
    candidates = repo.candidates(event)
    chosen = repo.chosen([c.person_id for c in candidates], rule.kind)
    recipients: dict[int, str] = {}
    for candidate in candidates:
        seats = (Seat(*candidate.membership),) if candidate.membership else ()
        subjects = frozenset({event.subject}) if candidate.named else frozenset()
        if not notices.in_audience(rule, event, Standing(candidate.person_id, seats, subjects)):
            continue
        wants = notices.delivery(rule.kind, deliveries(chosen[candidate.person_id]))
        if wants is not Delivery.AT_ONCE:
            continue
        key = message_id("notice", str(event.id), candidate.person_id, config.domain)
        recipients[candidate.person_id] = key
    # One insert for all: the outbox row is locked and deleted in this transaction, so an
    # event is expanded once (and the Message-IDs' unique index would refuse a second time).
    repo.add_notices(event.id, recipients, now)
    return len(recipients)


# 3. The daily digest -----------------------------------------------------------------------
def queue_digests(
    sessions: sessionmaker[Session], config: MailConfig, now: datetime, limit: int = 100
) -> int:
    """Queue today's digest for everyone due (in groups of ``limit``); returns how many."""
    since = last_digest_time(now, config.zone)
    day = since.astimezone(config.zone).date()
    queued = 0
    while True:
        with sessions.begin() as db:
            repo = MailRepository(db)
            due = repo.take_digests_due(since, limit)
            up_to = repo.last_event_id()
            for address in due:
                queued += _queue_digest(db, address, day=day, up_to=up_to, config=config, now=now)
        if len(due) < limit:
            return queued


def _queue_digest(
    db: Session,
    address: MailAddress,
    *,
    day: date,
    up_to: int,
    config: MailConfig,
    now: datetime,
) -> int:
    repo = MailRepository(db)
    daily = daily_notices(NoticesRepository(db), address.person_id, address.digest_up_to, up_to)
    added = False
    if daily:
        key = message_id("digest", day.isoformat(), address.person_id, config.domain)
        added = repo.add_delivery(
            address.person_id, key, now, digest_on=day, after_id=address.digest_up_to, up_to=up_to
        )
    repo.digest_done(address.person_id, up_to, now)
    return int(added)


# 4. Writing and sending --------------------------------------------------------------------
Batch = list[tuple[Queued, Outgoing]]


def take_batch(
    sessions: sessionmaker[Session], config: MailConfig, now: datetime
) -> tuple[Batch, int]:
    """Lease up to a batch of due messages and write them (one short transaction); returns
    them and how many had nothing left to send (dropped)."""
    with sessions.begin() as db:
        repo = MailRepository(db)
        leased = repo.lease_due(now, now + config.lease, config.batch)
        ready, dropped = write_batch(db, config, leased)
        repo.drop(dropped)
    return ready, len(dropped)


def finish_batch(
    sessions: sessionmaker[Session], ready: Batch, outcomes: list[str | None], now: datetime
) -> tuple[int, int]:
    """Mark each message sent, or failed with its next attempt; returns (sent, failed)."""
    with sessions.begin() as db:
        repo = MailRepository(db)
        pairs = list(zip(ready, outcomes, strict=True))
        repo.mark_sent([q.id for (q, _), why in pairs if why is None], now)
        for (queued, _), why in pairs:
            if why is not None:
                attempts = queued.attempts + 1
                retry = notices.next_attempt(attempts, queued.message_id, now)
                repo.mark_failed(queued.id, attempts, retry, why)
                log.warning(
                    "mail %s not sent (attempt %s, again at %s): %s",
                    queued.message_id,
                    attempts,
                    retry.isoformat(),
                    why,
                )
    sent = sum(1 for why in outcomes if why is None)
    return sent, len(outcomes) - sent


def deliver_due(
    sessions: sessionmaker[Session], config: MailConfig, transport: Transport, now: datetime
) -> MailReport:
    """Send one batch of due messages; returns what happened to it."""
    ready, dropped = take_batch(sessions, config, now)
    report = MailReport(dropped=dropped)
    if ready:
        outcomes = transport.send([message for _, message in ready])
        report.sent, report.failed = finish_batch(sessions, ready, outcomes, now)
    return report


@dataclass
class Mailer:
    """The runner's mail job: expand, queue digests, send what is due (until a batch fails
    whole, which means the server is down: the back-off decides when to try again)."""

    sessions: sessionmaker[Session]
    config: MailConfig
    transport: Transport
    max_batches: int = 20
    #: SMTP connections used at once (each sends whole batches; many providers allow 2–10).
    connections: int = 2

    def __call__(self, now: datetime) -> MailReport:
        """One pass."""
        report = MailReport()
        while True:
            expanded, queued = expand_outbox(self.sessions, self.config, now)
            report.expanded += expanded
            report.queued += queued
            if expanded < 200:
                break
        report.digests = queue_digests(self.sessions, self.config, now)
        self._send(now, report)
        with self.sessions.begin() as db:
            MailRepository(db).forget_sent(now - KEEP_SENT)
        return report

    def _send(self, now: datetime, report: MailReport) -> None:
        """Rounds of up to `connections` batches: written one after the other (one short
        transaction each), then sent at the same time, each over one connection in a thread
        of its own, then marked. The threads only wait on sockets, so they overlap the SMTP
        round trips without fighting the writer for the interpreter. Stops at a round in which
        nothing was sent and something failed (the server is down: the back-off decides)."""
        with ThreadPoolExecutor(self.connections, thread_name_prefix="asamblea-smtp") as pool:
            for _ in range(0, self.max_batches, self.connections):
                batches: list[Batch] = []
                for _ in range(self.connections):
                    ready, dropped = take_batch(self.sessions, self.config, now)
                    report.dropped += dropped
                    if not ready:
                        break
                    batches.append(ready)
                if not batches:
                    return
                sends = [pool.submit(self.transport.send, [m for _, m in b]) for b in batches]
                sent_before = report.sent
                for batch, future in zip(batches, sends, strict=True):
                    sent, failed = finish_batch(self.sessions, batch, future.result(), now)
                    report.sent += sent
                    report.failed += failed
                if report.sent == sent_before:
                    return


@dataclass
class OutboxDrain:
    """The runner's job while mail is off: the outbox is emptied (its events stay in the audit
    log and the inbox), so that it does not grow with every event; mail starts from the moment
    SMTP is configured."""

    sessions: sessionmaker[Session]

    def __call__(self, now: datetime) -> int:
        """Delete what the outbox holds; returns how many rows."""
        with self.sessions.begin() as db:
            return MailRepository(db).clear_outbox()
