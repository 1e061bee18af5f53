"""A notice as an e-mail message (RFC 5322 through the standard library's `email.message`).

What every message has:
- a stable ``Message-ID`` made from what it is about (``<notice-<event>-<person>@host>``, or
  ``<digest-<date>-<person>@host>``): the outbox may send a message twice after a crash (at
  least once), and the receiving side recognises the copy by its id;
- plain text, and a minimal HTML alternative built from the same escaped lines (no images, no
  remote content, no tracking);
- ``List-Unsubscribe`` with an HTTPS URL holding a signed token, and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058): a mail client unsubscribes
  with one POST, without logging in; the token names the person and the kind, nothing more;
- ``Auto-Submitted: auto-generated`` (RFC 3834) so that auto-replies are not sent back.
The strings arrive already translated into the recipient's language; this module only builds.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class MailLine:
    """One line of a message: its text and, when there is one, the page it links to."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class Mail:
    """Everything a message says, in the recipient's language."""

    message_id: str
    sender: str
    recipient: str
    subject: str
    lines: Sequence[MailLine]
    footer: str
    unsubscribe_url: str
    language: str
    date: datetime


def message_id(kind: str, key: str, person_id: int, domain: str) -> str:
    """A Message-ID stable for one (thing, recipient): ``<notice-41-7@asamblea.example>``."""
    safe = "".join(ch for ch in f"{kind}-{key}-{person_id}" if ch.isalnum() or ch in "-.")
    return f"<{safe}@{domain}>"


def _text(mail: Mail) -> str:
    body: list[str] = []
    for line in mail.lines:
        body.append(line.text)
        if line.url:
            body.append(f"  {line.url}")
    body += ["", "-- ", mail.footer, mail.unsubscribe_url]
    return "\n".join(body) + "\n"


def _html(mail: Mail) -> str:
    items = []
    for line in mail.lines:
        text = html.escape(line.text)
        if line.url:
            text = f'<a href="{html.escape(line.url, quote=True)}">{text}</a>'
        items.append(f"<p>{text}</p>")
    footer = (
        f'<p><small>{html.escape(mail.footer)} <a href="'
        f'{html.escape(mail.unsubscribe_url, quote=True)}">{html.escape(mail.unsubscribe_url)}'
        "</a></small></p>"
    )
    return (
        f'<!doctype html><html lang="{html.escape(mail.language, quote=True)}"><head>'
        f'<meta charset="utf-8"><title>{html.escape(mail.subject)}</title></head><body>'
        + "".join(items)
        + footer
        + "</body></html>\n"
    )


def build_message(mail: Mail) -> EmailMessage:
    """The message, ready for `smtplib.SMTP.send_message`."""
    message = EmailMessage()
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.date)
    message["From"] = Address(addr_spec=mail.sender)
    message["To"] = Address(addr_spec=mail.recipient)
    message["Subject"] = mail.subject
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(_text(mail))
    message.add_alternative(_html(mail), subtype="html")
    message["Content-Language"] = mail.language  # after the body: set_content drops Content-*
    return message
