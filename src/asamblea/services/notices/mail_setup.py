"""The runner's mail job, built from the settings (none while ``ASAMBLEA_SMTP_HOST`` is empty)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from asamblea.services.notices.mail import MailConfig, Mailer, OutboxDrain
from asamblea.services.notices.smtp import Security, SmtpConfig, SmtpTransport
from asamblea.settings import Settings

#: Links in mail when ASAMBLEA_PUBLIC_URL is not set (the demo's own address).
LOOPBACK_URL = "http://127.0.0.1:8000"


def mail_config(settings: Settings) -> MailConfig:
    """Links, sender and signing key for messages (the sender defaults to
    ``avisos@<host of ASAMBLEA_PUBLIC_URL>``)."""
    public_url = settings.public_url or LOOPBACK_URL
    host = urlsplit(public_url).hostname or "localhost"
    return MailConfig(
        public_url=public_url,
        sender=settings.mail_from or f"avisos@{host}",
        secret=settings.secret(),
        default_locale=settings.default_locale,
        batch=settings.mail_batch,
    )


def smtp_config(settings: Settings) -> SmtpConfig:
    """The SMTP server's address, protection and login."""
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=Security(settings.smtp_security),
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
        timeout=settings.smtp_timeout_seconds,
    )


def mail_jobs(
    settings: Settings, sessions: sessionmaker[Session]
) -> tuple[Mailer | OutboxDrain, ...]:
    """The runner's job for mail: a `Mailer`, or, when no SMTP server is configured, an
    `OutboxDrain` that keeps the outbox empty."""
    if not settings.smtp_host:
        return (OutboxDrain(sessions),)
    transport = SmtpTransport(smtp_config(settings))
    mailer = Mailer(
        sessions, mail_config(settings), transport, connections=settings.smtp_connections
    )
    return (mailer,)
