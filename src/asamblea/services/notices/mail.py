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
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from sqlalchemy.orm import Session, sessionmaker

from asamblea import i18n
from asamblea.core import notices
from asamblea.core.errors import N_
from asamblea.core.notices import Delivery, Event, Notice, Seat, Standing
from asamblea.core.notices.digest import DIGEST_HOUR, last_digest_time
from asamblea.formats.mail import Mail, MailLine, message_bytes, message_id
from asamblea.services.notices import unsubscribe
from asamblea.services.notices.inbox import NoticeLine, _lines, _notices
from asamblea.services.notices.smtp import Outgoing
from asamblea.store.mail_repository import Delivery as Queued
from asamblea.store.mail_repository import MailAddress, MailRepository
from asamblea.store.notices_repository import NoticesRepository

log = logging.getLogger("asamblea.mail")

LIMA = ZoneInfo("America/Lima")
#: Notices in one digest at most (the rest: "and N more in your inbox").
DIGEST_MAX = 50
#: Records of sent messages (ids and times, no text) are kept this long, then deleted.
KEEP_SENT = timedelta(days=30)

SUBJECT_DIGEST = N_("Your notices of the day: {count}")
DIGEST_INTRO = N_("What happened in your assemblies since your last digest:")
DIGEST_MORE = N_("And {count} more in your inbox.")
FOOTER = N_(
    "You get this mail because you gave this address for your notices. Your notices and "
    "your choices: {url} — To stop this kind of notice by mail, open this link:"
)


class Transport(Protocol):
    """What sends a batch: one outcome per message (None: accepted; else why not)."""

    def send(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send the messages."""


@dataclass(frozen=True)
class MailConfig:
    """What every message needs: where links point, who sends, the key that signs."""

    public_url: str
    sender: str
    secret: str
    default_locale: str = i18n.DEFAULT_LOCALE
    zone: tzinfo = LIMA
    batch: int = 100
    lease: timedelta = timedelta(minutes=5)

    @property
    def domain(self) -> str:
        """The right-hand side of our Message-IDs (the sender's domain)."""
        return self.sender.rpartition("@")[2] or "asamblea.invalid"

    def url(self, path: str) -> str:
        """An absolute link to one of our pages."""
        return self.public_url.rstrip("/") + path


@dataclass
class MailReport:
    """What one pass did."""

    expanded: int = 0
    queued: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0
    dropped: int = 0


def _deliveries(chosen: Mapping[str, str]) -> dict[str, Delivery]:
    return {kind: Delivery(value) for kind, value in chosen.items()}


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
        wants = notices.delivery(rule.kind, _deliveries(chosen[candidate.person_id]))
        if wants is not Delivery.AT_ONCE:
            continue
        key = message_id("notice", str(event.id), candidate.person_id, config.domain)
        recipients[candidate.person_id] = key
    # One insert for all: the outbox row is locked and deleted in this transaction, so an
    # event is expanded once (and the Message-IDs' unique index would refuse a second time).
    repo.add_notices(event.id, recipients, now)
    return len(recipients)


# 3. The daily digest -----------------------------------------------------------------------
def _standing(repo: NoticesRepository, person_id: int) -> Standing:
    seats = repo.seats(person_id)
    subjects = {f"membership:{s.membership_id}" for s in seats}
    subjects |= {f"proposal:{p}" for p in repo.authored_proposals(person_id)}
    return Standing(
        person_id,
        tuple(Seat(s.assembly_id, s.role, s.state, s.since) for s in seats),
        frozenset(subjects),
    )


def daily_notices(
    repo: NoticesRepository, person_id: int, after_id: int, up_to: int
) -> list[Notice]:
    """The person's notices among events ``(after_id, up_to]`` that they want daily, oldest
    first, read with the inbox's own rules at this moment."""
    found = _notices(
        repo,
        _standing(repo, person_id),
        after_id=after_id,
        before_id=up_to + 1,
        limit=DIGEST_MAX * 4,
    )
    _, daily = notices.split(found, _deliveries(repo.preferences(person_id)))
    return sorted(daily, key=lambda n: n.event.id)


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
def _say(catalog: NullTranslations, message: str, **params: object) -> str:
    text = catalog.gettext(message)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def _line_text(catalog: NullTranslations, line: NoticeLine) -> str:
    return _say(catalog, line.text, **dict(line.params))


@dataclass
class _Writer:
    """Writes the messages of one batch (one database transaction). What all recipients of an
    event share (its description, each language's footer) is written once per batch."""

    db: Session
    config: MailConfig
    addresses: dict[int, MailAddress] = field(default_factory=dict)
    _footers: dict[str, str] = field(default_factory=dict)
    _described: dict[int, NoticeLine] = field(default_factory=dict)

    def _base(
        self, queued: Queued, kind: str, subject: str, lines: list[MailLine], when: datetime
    ) -> Outgoing:
        address = self.addresses[queued.person_id]
        link = self.config.url(
            "/avisos/baja?t=" + unsubscribe.token(self.config.secret, queued.person_id, kind)
        )
        locale = self.locale(queued.person_id)
        mail = Mail(
            message_id=queued.message_id,
            sender=self.config.sender,
            recipient=address.address,
            subject=subject,
            lines=lines,
            footer=self.footer(locale),
            unsubscribe_url=link,
            language=locale,
            date=when,
        )
        return Outgoing(mail.sender, mail.recipient, message_bytes(mail), mail.message_id)

    def footer(self, locale: str) -> str:
        """The footer in one language."""
        if locale not in self._footers:
            catalog = i18n.translations(locale)
            self._footers[locale] = _say(catalog, FOOTER, url=self.config.url("/avisos"))
        return self._footers[locale]

    def locale(self, person_id: int) -> str:
        """The recipient's language (their account's, else the server's default)."""
        locale = self.addresses[person_id].locale
        return locale if locale in i18n.LOCALES else self.config.default_locale

    def catalog(self, person_id: int) -> NullTranslations:
        """The recipient's catalog (Quechua and Aymara fall back to Spanish inside it)."""
        return i18n.translations(self.locale(person_id))

    def notice(self, queued: Queued, event: Event, chosen: Mapping[str, str]) -> Outgoing | None:
        """One notice to one person (None: they no longer want this kind at once)."""
        rule = notices.rule_for(event.action, event.details)
        if rule is None or notices.delivery(rule.kind, _deliveries(chosen)) is not Delivery.AT_ONCE:
            return None
        if event.id not in self._described:
            notice = Notice(event, rule, read=False)
            (self._described[event.id],) = _lines(NoticesRepository(self.db), [notice])
        line = self._described[event.id]
        text = _line_text(self.catalog(queued.person_id), line)
        url = self.config.url(line.link or "/avisos")
        return self._base(queued, rule.kind, text, [MailLine(text, url)], event.at)

    def digest(self, queued: Queued) -> Outgoing | None:
        repo = NoticesRepository(self.db)
        daily = daily_notices(repo, queued.person_id, queued.after_id, queued.up_to)
        if not daily:
            return None
        catalog = self.catalog(queued.person_id)
        shown = daily[:DIGEST_MAX]
        lines = [MailLine(_say(catalog, DIGEST_INTRO))]
        described = {line.event_id: line for line in _lines(repo, shown)}
        names = repo.assembly_names({n.event.assembly_id for n in shown if n.event.assembly_id})
        for group in notices.group(shown):
            if group.assembly_id is not None:
                lines.append(MailLine(f"— {names.get(group.assembly_id, '')}"))
            for notice in group.notices:
                line = described[notice.event.id]
                lines.append(
                    MailLine(_line_text(catalog, line), self.config.url(line.link or "/avisos"))
                )
        if len(daily) > DIGEST_MAX:
            more = _say(catalog, DIGEST_MORE, count=len(daily) - DIGEST_MAX)
            lines.append(MailLine(more, self.config.url("/avisos")))
        subject = _say(catalog, SUBJECT_DIGEST, count=len(daily))
        day = queued.digest_on or shown[-1].event.at.date()
        when = datetime.combine(day, time(DIGEST_HOUR), tzinfo=self.config.zone)
        return self._base(queued, unsubscribe.DIGEST, subject, lines, when)


def _write(
    db: Session, config: MailConfig, leased: list[Queued]
) -> tuple[list[tuple[Queued, Outgoing]], list[int]]:
    """Each leased delivery's message, and the deliveries with nothing left to send."""
    repo = MailRepository(db)
    writer = _Writer(db, config, repo.addresses({q.person_id for q in leased}))
    events = repo.events({q.event_id for q in leased if q.event_id is not None})
    chosen = repo.chosen({q.person_id for q in leased})
    ready: list[tuple[Queued, Outgoing]] = []
    dropped: list[int] = []
    for queued in leased:
        message: Outgoing | None = None
        if queued.person_id in writer.addresses:
            if queued.event_id is not None and queued.event_id in events:
                message = writer.notice(queued, events[queued.event_id], chosen[queued.person_id])
            elif queued.digest_on is not None:
                message = writer.digest(queued)
        if message is None:
            dropped.append(queued.id)
        else:
            ready.append((queued, message))
    return ready, dropped


Batch = list[tuple[Queued, Outgoing]]


def take_batch(
    sessions: sessionmaker[Session], config: MailConfig, now: datetime
) -> tuple[Batch, int]:
    """Lease up to a batch of due messages and write them (one short transaction); returns
    them and how many had nothing left to send (dropped)."""
    with sessions.begin() as db:
        repo = MailRepository(db)
        leased = repo.lease_due(now, now + config.lease, config.batch)
        ready, dropped = _write(db, config, leased)
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
