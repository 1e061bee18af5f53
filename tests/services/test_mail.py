"""Notices by mail through a real SMTP server on the loopback (aiosmtpd), on both databases:
who gets which message, in which language, with which headers; a server that is down delays
mail and loses none; the digest goes once a day; an address removed stops everything; no mail
says what the inbox would not."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.errors import Invalid
from asamblea.core.notices import Delivery
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services import notices
from asamblea.services.federation import accounts
from asamblea.services.notices import address, unsubscribe
from asamblea.services.notices.mail import (
    MailConfig,
    Mailer,
    OutboxDrain,
    deliver_due,
    expand_outbox,
)
from asamblea.services.notices.mail_setup import mail_jobs
from asamblea.services.notices.smtp import Security, SmtpConfig, SmtpTransport
from asamblea.services.runner import Runner
from asamblea.services.votes import votes
from asamblea.settings import Settings
from asamblea.store.database import make_sessionmaker
from asamblea.store.mail_models import MailDeliveryRow, MailOutboxRow
from asamblea.store.mail_repository import MailRepository
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.services.test_deliberation import KEY, base_assembly, person

SECRET = "secreto-de-prueba-" * 3
CONFIG = MailConfig(
    public_url="https://asamblea.example", sender="avisos@asamblea.example", secret=SECRET
)


class Nested:
    """`sessionmaker`'s ``begin()`` over the test's own session: each block is a savepoint, so
    the services' transactions run for real inside the test's rolled-back one."""

    def __init__(self, db: Session) -> None:
        self.db = db

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self.db.begin_nested():
            yield self.db


@dataclass
class Inbox:
    """What the SMTP server on the loopback received; ``refuse`` answers 451 that many times."""

    received: list[EmailMessage] = field(default_factory=list)
    refused: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        if self.refuse > 0:
            self.refuse -= 1
            self.refused.append(message)
            return "451 4.3.0 try again later"
        self.received.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Inbox]:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpTransport]]:
    port = free_port()
    with smtp_server(port, Inbox()) as inbox:
        yield inbox, transport(port)


def transport(port: int) -> SmtpTransport:
    return SmtpTransport(SmtpConfig("127.0.0.1", port, Security.NONE, timeout=5))


def open_vote(db: Session, facilitator: Person, assembly_id: int, question: str) -> int:
    now = utcnow()
    spec = make_spec(
        question=question,
        options=["Sí", "No"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=False,
        opens_at=now,
        closes_at=now + timedelta(hours=3),
    )
    vote = votes.draft_vote(db, facilitator, assembly_id, spec)
    votes.open_vote(db, facilitator, vote.id, now)
    return vote.id


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def event_id(db: Session, action: str) -> int:
    from asamblea.store.federation_models import AuditRow  # noqa: PLC0415

    found = db.scalar(
        select(AuditRow.id).where(AuditRow.action == action).order_by(AuditRow.id.desc())
    )
    assert found is not None
    return int(found)


def test_a_notice_reaches_who_asked_in_their_language(
    db: Session, smtp: tuple[Inbox, SmtpTransport]
) -> None:
    inbox, sender = smtp
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    _, others = base_assembly(db, "Otra", 2)
    accounts.set_locale(db, people[1], "en")
    accounts.set_locale(db, people[3], "qu")
    for who, mail in (
        (people[0], "fac@ejemplo.pe"),
        (people[1], "Ana@Ejemplo.PE"),
        (people[2], "rosa@ejemplo.pe"),
        (people[3], "kusi@ejemplo.pe"),
        (others[1], "otra@ejemplo.pe"),
    ):
        address.set_address(db, who, mail, utcnow())
    vote_id = open_vote(db, people[0], assembly_id, "¿Olla común el sábado?")
    opened = event_id(db, "vote.opened")
    report = Mailer(Nested(db), CONFIG, sender)(utcnow())  # type: ignore[arg-type]
    assert report.sent == 3
    by_to = {str(m["To"]): m for m in inbox.received}
    assert set(by_to) == {"Ana@ejemplo.pe", "rosa@ejemplo.pe", "kusi@ejemplo.pe"}  # not the actor
    english, spanish, quechua = (
        by_to["Ana@ejemplo.pe"],
        by_to["rosa@ejemplo.pe"],
        by_to["kusi@ejemplo.pe"],
    )
    assert english["Subject"] == "A vote opened in Sindicato: ¿Olla común el sábado?"
    assert spanish["Subject"] == "Se abrió una votación en Sindicato: ¿Olla común el sábado?"
    # the Quechua draft's own words (its catalogue, not Spanish, not English)
    assert quechua["Subject"] == (
        "Sindicato nisqapi akllanakuy kicharikurqan: ¿Olla común el sábado?"
    )
    assert english["Content-Language"] == "en"
    assert quechua["Content-Language"] == "qu"
    assert english["Message-ID"] == f"<notice-{opened}-{people[1].id}@asamblea.example>"
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert english["List-Unsubscribe"].startswith("<https://asamblea.example/avisos/baja?t=")
    assert f"https://asamblea.example/votaciones/{vote_id}" in text_of(english)
    assert f'href="https://asamblea.example/votaciones/{vote_id}"' in html_of(english)
    assert "<script" not in html_of(english)
    for message in inbox.received:  # nobody's address but the recipient's own, in any mail
        raw = message.as_string()
        others_addresses = set(by_to) - {str(message["To"])} | {"fac@ejemplo.pe", "otra@ejemplo.pe"}
        assert not any(a in raw for a in others_addresses)
    # Sent once: another pass sends nothing more.
    assert Mailer(Nested(db), CONFIG, sender)(utcnow()).sent == 0
    assert len(inbox.received) == 3


def test_one_click_unsubscribe_stops_that_kind_only(
    db: Session, smtp: tuple[Inbox, SmtpTransport]
) -> None:
    inbox, sender = smtp
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    open_vote(db, people[0], assembly_id, "¿Primera?")
    Mailer(Nested(db), CONFIG, sender)(utcnow())
    (first,) = inbox.received
    link = first["List-Unsubscribe"].strip("<>")
    token = re.sub(r"^.*\?t=", "", link)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(Invalid):
        unsubscribe.unsubscribe(db, SECRET, forged)
    with pytest.raises(Invalid):  # another server's secret
        unsubscribe.unsubscribe(db, "otro-secreto-" * 4, token)
    assert unsubscribe.unsubscribe(db, SECRET, token) == "vote_opened"
    assert unsubscribe.unsubscribe(db, SECRET, token) == "vote_opened"  # twice: the same
    chosen = notices.preferences(db, people[1])
    assert chosen["vote_opened"] is Delivery.NEVER
    assert chosen["vote_published"] is Delivery.AT_ONCE
    open_vote(db, people[0], assembly_id, "¿Segunda?")
    Mailer(Nested(db), CONFIG, sender)(utcnow())
    assert len(inbox.received) == 1  # no more "a vote opened"


def test_a_server_that_is_down_delays_mail_and_loses_none(db: Session) -> None:
    port = free_port()  # nothing listens there yet
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    open_vote(db, people[0], assembly_id, "¿Paro el lunes?")
    expected_id = f"<notice-{event_id(db, 'vote.opened')}-{people[1].id}@asamblea.example>"
    sessions = Nested(db)
    now = utcnow()
    down = Mailer(sessions, CONFIG, transport(port))(now)  # type: ignore[arg-type]
    assert (down.sent, down.failed) == (0, 1)
    row = db.scalar(select(MailDeliveryRow))
    assert row is not None
    assert row.attempts == 1
    assert row.sent_at is None
    assert row.last_error
    assert now + timedelta(seconds=15) <= row.next_attempt_at <= now + timedelta(seconds=30)
    again = Mailer(sessions, CONFIG, transport(port))(now + timedelta(seconds=1))  # type: ignore[arg-type]
    assert (again.sent, again.failed) == (0, 0)  # waiting for its back-off, not hammering
    second = Mailer(sessions, CONFIG, transport(port))(now + timedelta(minutes=1))  # type: ignore[arg-type]
    assert second.failed == 1
    row = db.scalar(select(MailDeliveryRow))
    assert row is not None
    assert row.attempts == 2
    later = row.next_attempt_at
    # The server comes up, but refuses once with a temporary error, then accepts.
    with smtp_server(port, Inbox(refuse=1)) as inbox:
        refused = deliver_due(sessions, CONFIG, transport(port), later)  # type: ignore[arg-type]
        assert refused.failed == 1
        row = db.scalar(select(MailDeliveryRow))
        assert row is not None
        retry_at = row.next_attempt_at
        delivered = Mailer(sessions, CONFIG, transport(port))(retry_at)  # type: ignore[arg-type]
        assert delivered.sent == 1
        assert Mailer(sessions, CONFIG, transport(port))(retry_at + timedelta(hours=2)).sent == 0  # type: ignore[arg-type]
    assert [m["Message-ID"] for m in inbox.refused] == [expected_id]
    assert [m["Message-ID"] for m in inbox.received] == [expected_id]  # once, same id
    assert MailRepository(db).pending_count() == 0


def test_a_runner_that_dies_after_taking_mail_sends_it_again_with_the_same_id(
    db: Session, smtp: tuple[Inbox, SmtpTransport]
) -> None:
    inbox, sender = smtp
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    open_vote(db, people[0], assembly_id, "¿Asamblea el martes?")
    now = utcnow()
    sessions = Nested(db)
    expand_outbox(sessions, CONFIG, now)  # type: ignore[arg-type]
    with sessions.begin():
        (leased,) = MailRepository(db).lease_due(now, now + CONFIG.lease, 10)  # then it dies
    assert deliver_due(sessions, CONFIG, sender, now).sent == 0  # type: ignore[arg-type]  # leased
    after = now + CONFIG.lease
    assert deliver_due(sessions, CONFIG, sender, after).sent == 1  # type: ignore[arg-type]
    assert [m["Message-ID"] for m in inbox.received] == [leased.message_id]


def test_the_outbox_row_is_written_with_the_event_and_expanded_once(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    before = MailRepository(db).outbox_size()
    savepoint = db.begin_nested()
    open_vote(db, people[0], assembly_id, "¿Revertida?")
    assert MailRepository(db).outbox_size() > before
    savepoint.rollback()  # the event's transaction rolls back: its outbox row goes with it
    assert MailRepository(db).outbox_size() == before
    accounts.set_locale(db, people[1], "en")  # not a notice: no outbox row
    assert MailRepository(db).outbox_size() == before
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    open_vote(db, people[0], assembly_id, "¿Esta sí?")
    sessions = Nested(db)
    expanded, queued = expand_outbox(sessions, CONFIG, utcnow())  # type: ignore[arg-type]
    assert expanded >= 1
    assert queued == 1
    assert db.scalar(select(MailOutboxRow.id)) is None
    assert expand_outbox(sessions, CONFIG, utcnow()) == (0, 0)  # type: ignore[arg-type]


def test_the_daily_digest_goes_once_a_day(db: Session, smtp: tuple[Inbox, SmtpTransport]) -> None:
    inbox, sender = smtp
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    accounts.set_locale(db, people[1], "en")
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    notices.set_preferences(db, people[1], {"vote_opened": "daily"})
    for question in ("¿Primera?", "¿Segunda?"):
        open_vote(db, people[0], assembly_id, question)
    mailer = Mailer(Nested(db), CONFIG, sender)  # type: ignore[arg-type]
    assert mailer(utcnow()).sent == 0  # nothing at once: she chose daily
    tomorrow = datetime.combine(utcnow().date() + timedelta(days=1), datetime.min.time(), UTC)
    digest_time = tomorrow + timedelta(hours=13)  # 08:00 in Lima
    report = mailer(digest_time)
    assert (report.digests, report.sent) == (1, 1)
    (digest,) = inbox.received
    assert digest["Subject"] == "Your notices of the day: 2"
    day = (digest_time - timedelta(hours=5)).date().isoformat()
    assert digest["Message-ID"] == f"<digest-{day}-{people[1].id}@asamblea.example>"
    body = text_of(digest)
    assert body.index("¿Primera?") < body.index("¿Segunda?")
    assert "— Sindicato" in body
    assert "/avisos/baja?t=" in digest["List-Unsubscribe"]
    assert mailer(digest_time + timedelta(hours=3)).sent == 0  # once a day, whatever the passes
    assert mailer(digest_time + timedelta(days=1)).digests == 0  # nothing new: no empty digest
    token = digest["List-Unsubscribe"].strip("<>").split("?t=")[1]
    assert unsubscribe.unsubscribe(db, SECRET, token) == "digest"
    assert notices.preferences(db, people[1])["vote_opened"] is Delivery.NEVER


def test_removing_the_address_stops_mail_and_no_mail_reveals_a_choice(
    db: Session, smtp: tuple[Inbox, SmtpTransport]
) -> None:
    inbox, sender = smtp
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
    address.set_address(db, people[2], "rosa@ejemplo.pe", utcnow())
    vote_id = open_vote(db, people[0], assembly_id, "¿Huelga indefinida?")
    for voter, choice in zip(people, [0, 1, 1], strict=True):
        votes.cast(db, voter, vote_id, [choice], now=utcnow(), key=KEY)
    votes.close_vote(db, people[0], vote_id, utcnow() + timedelta(hours=4), KEY)
    sessions = Nested(db)
    expand_outbox(sessions, CONFIG, utcnow())  # type: ignore[arg-type]
    assert address.remove_address(db, people[2]) is True
    assert address.my_address(db, people[2]) is None
    Mailer(sessions, CONFIG, sender)(utcnow())  # type: ignore[arg-type]
    assert {str(m["To"]) for m in inbox.received} == {"ana@ejemplo.pe"}
    subjects = sorted(str(m["Subject"]) for m in inbox.received)
    assert subjects == [
        "Se abrió una votación en Sindicato: ¿Huelga indefinida?",
        "Se publicó el resultado de una votación de Sindicato: ¿Huelga indefinida?",
    ]
    for message in inbox.received:
        raw = message.as_string()
        for voter in people:  # no name of who voted, no option, no count
            assert voter.username not in raw
        assert not re.search(r"\bS[íi]\b|\bNo\b|\b[0-9]+ (votos|votes)\b", text_of(message))


def test_addresses_are_parsed_and_refused_without_writing(db: Session) -> None:
    who = person(db, "quien")
    for bad in ("", "sin-arroba", "a@b", "a b@c.pe", "a@@c.pe", "x" * 300 + "@c.pe", "a@1.2.3.4"):
        with pytest.raises(Invalid):
            address.set_address(db, who, bad, utcnow())
    assert address.my_address(db, who) is None
    assert address.set_address(db, who, "  Quien@Correo.PE ", utcnow()) == "Quien@correo.pe"
    assert address.set_address(db, who, "otra@correo.pe", utcnow()) == "otra@correo.pe"
    assert address.my_address(db, who) == "otra@correo.pe"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_runner_sends_mail_by_itself(backend: str, tmp_path: Path) -> None:
    """The embedded runner with the mail job from the settings, on real committed
    transactions: an event is committed, and the mail arrives with nobody calling anything."""
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    port = free_port()
    settings = Settings(
        database_url=url,
        secret_key=SecretStr(SECRET),
        public_url="https://asamblea.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
    )
    (drain,) = mail_jobs(Settings(database_url=url, secret_key=SecretStr(SECRET)), sessions)
    assert isinstance(drain, OutboxDrain)  # mail off: the outbox is kept empty
    runner = Runner(sessions, KEY, interval=0.05, jobs=mail_jobs(settings, sessions))
    try:
        with sessions.begin() as db:
            assembly_id, people = base_assembly(db, "Sindicato", 2)
            address.set_address(db, people[1], "ana@ejemplo.pe", utcnow())
        with smtp_server(port, Inbox()) as inbox:
            runner.start()
            with sessions.begin() as db:
                open_vote(db, people[0], assembly_id, "¿Sola?")
            deadline = time.monotonic() + 30
            while not inbox.received and time.monotonic() < deadline:
                time.sleep(0.05)
            runner.stop()
        assert [str(m["Subject"]) for m in inbox.received] == [
            "Se abrió una votación en Sindicato: ¿Sola?"
        ]
        with sessions.begin() as db:
            assert MailRepository(db).pending_count() == 0
            assert MailRepository(db).outbox_size() == 0
            open_vote(db, people[0], assembly_id, "¿Con el correo apagado?")
            assert MailRepository(db).outbox_size() == 1
        assert drain(utcnow()) == 1
        with sessions.begin() as db:
            assert MailRepository(db).outbox_size() == 0
            assert MailRepository(db).pending_count() == 0  # nothing queued while off
    finally:
        runner.stop()
        engine.dispose()
        drop_database(url, schema)
