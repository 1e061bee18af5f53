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

Two writers of the same message: `build_message` (an `email.message.EmailMessage`, for reading
and testing) and `message_bytes` (the wire form, CRLF lines, ready for `smtplib.SMTP.sendmail`).
The second exists for speed: the standard library's header registry parses every header it is
given and re-folds it when writing, about 10 ms a message on our machine, which alone held
sending under 100 messages per second; writing the few fixed headers directly takes
microseconds. A test parses both back and checks they say the same.
"""

from __future__ import annotations

import base64
import hashlib
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


def _header_value(value: str) -> str:
    if any(ch in value for ch in "\r\n\0"):
        msg = f"a header value may not hold a line break: {value!r}"
        raise ValueError(msg)
    return value


def _ascii_header(name: str, value: str) -> str:
    value = _header_value(value)
    if not value.isascii():
        msg = f"{name} must be ASCII: {value!r}"
        raise ValueError(msg)
    return f"{name}: {value}"


#: Bytes of text per RFC 2047 encoded word: 4 × 45 / 3 = 60 base64 characters, 72 with the
#: ``=?utf-8?b?…?=`` around them, so each folded line stays under 78.
WORD_BYTES = 45


def _subject(subject: str) -> str:
    """The Subject line: plain when short ASCII, else RFC 2047 base64 words, never splitting
    a character (the standard library's `email.header` does the same, 100× slower)."""
    subject = _header_value(subject)
    if subject.isascii() and len(subject) < 70:
        return f"Subject: {subject}"
    words: list[bytes] = []
    chunk = b""
    for char in subject:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "Subject: " + "\r\n ".join(
        f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words
    )


def _part(content_type: str, text: str) -> list[str]:
    body = base64.encodebytes(text.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
    return [
        f'Content-Type: {content_type}; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
        body.rstrip("\r\n"),
    ]


def message_bytes(mail: Mail) -> bytes:
    """The message as sent on the wire (CRLF lines; base64 parts; the boundary derived from
    the Message-ID, so a retry sends the same bytes). Refuses header injection (ValueError)."""
    boundary = "=_" + hashlib.sha256(mail.message_id.encode("utf-8")).hexdigest()[:40]
    lines = [
        _ascii_header("Message-ID", mail.message_id),
        _ascii_header("Date", format_datetime(mail.date)),
        _ascii_header("From", mail.sender),
        _ascii_header("To", mail.recipient),
        _subject(mail.subject),
        "Auto-Submitted: auto-generated",
        _ascii_header("List-Unsubscribe", f"<{mail.unsubscribe_url}>"),
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        _ascii_header("Content-Language", mail.language),
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        *_part("text/plain", _text(mail)),
        f"--{boundary}",
        *_part("text/html", _html(mail)),
        f"--{boundary}--",
        "",
    ]
    if "@" not in mail.recipient or "@" not in mail.sender:
        msg = "sender and recipient must be addresses"
        raise ValueError(msg)
    return "\r\n".join(lines).encode("ascii")
