"""Writing notices as mail: one message per delivery, in the recipient's language.

The text of a message is never stored: it is written here, from the audit event (a notice) or
from the person's daily notices read with the inbox's own rules (a digest), each time it is
sent, so that a retry writes the same message (same Message-ID, same bytes but the date of a
digest) and a person who lost access in between is not told (their digest comes out empty and
is dropped). What all recipients of an event share is written once per batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from sqlalchemy.orm import Session

from asamblea import i18n
from asamblea.core import notices
from asamblea.core.errors import N_
from asamblea.core.notices import Delivery, Event, Notice, Seat, Standing
from asamblea.core.notices.digest import DIGEST_HOUR
from asamblea.formats.mail import Mail, MailLine, message_bytes
from asamblea.services.notices import unsubscribe
from asamblea.services.notices.inbox import NoticeLine, _lines, _notices
from asamblea.services.notices.smtp import Outgoing
from asamblea.store.mail_repository import Delivery as Queued
from asamblea.store.mail_repository import MailAddress, MailRepository
from asamblea.store.notices_repository import NoticesRepository

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


def deliveries(chosen: Mapping[str, str]) -> dict[str, Delivery]:
    """A person's stored choices as deliveries."""
    return {kind: Delivery(value) for kind, value in chosen.items()}


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
        repo.read_up_to(person_id),
        after_id=after_id,
        before_id=up_to + 1,
        limit=DIGEST_MAX * 4,
    )
    _, daily = notices.split(found, deliveries(repo.preferences(person_id)))
    return sorted(daily, key=lambda n: n.event.id)


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
        if rule is None or notices.delivery(rule.kind, deliveries(chosen)) is not Delivery.AT_ONCE:
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


def write_batch(
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
