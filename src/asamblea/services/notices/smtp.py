"""Sending over SMTP: one connection per batch, each message's outcome reported on its own.

Security is the operator's choice (docs/operating.md, "Mail"): ``starttls`` (submission on port
587, upgraded with STARTTLS before logging in; refused if the server does not offer it),
``tls`` (implicit TLS, port 465) or ``none`` (a relay on the same host or network only).
Certificates are checked with the system's trust store. A login is made only when a user name
is configured, and never over a connection that is not encrypted unless security is ``none``.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Security(StrEnum):
    """How the connection to the SMTP server is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


@dataclass(frozen=True)
class Outgoing:
    """One message as it goes on the wire: envelope sender and recipient, and its bytes."""

    sender: str
    recipient: str
    data: bytes
    message_id: str


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand mail over."""

    host: str
    port: int = 587
    security: Security = Security.STARTTLS
    username: str = ""
    password: str = ""
    timeout: float = 10.0


class SmtpTransport:
    """Hands batches of messages to one SMTP server."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if config.security is Security.TLS:
            client = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=context
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            client.ehlo()
            if config.security is Security.STARTTLS:
                client.starttls(context=context)
                client.ehlo()
            if config.username:
                client.login(config.username, config.password)
        except BaseException:
            client.close()
            raise
        return client

    def send(self, messages: Sequence[Outgoing]) -> list[str | None]:
        """Send each message over one connection; for each, None (accepted) or why not.

        A server that cannot be reached fails every message of the batch; a message the server
        refuses fails alone; a connection lost mid-batch fails the messages not yet sent."""
        if not messages:
            return []
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            return [_reason(error)] * len(messages)
        outcomes: list[str | None] = []
        try:
            for message in messages:
                try:
                    client.sendmail(message.sender, [message.recipient], message.data)
                    outcomes.append(None)
                except smtplib.SMTPServerDisconnected as error:
                    outcomes += [_reason(error)] * (len(messages) - len(outcomes))
                    break
                except (smtplib.SMTPException, OSError) as error:
                    outcomes.append(_reason(error))
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
        return outcomes


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:200]
