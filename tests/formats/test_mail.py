"""Notice e-mails built by formats.mail, read back with the standard library's parser."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from asamblea.formats.mail import Mail, MailLine, build_message, message_bytes, message_id

T0 = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)


def _mail(**changes: object) -> Mail:
    fields: dict[str, object] = {
        "message_id": message_id("notice", "41", 7, "asamblea.example"),
        "sender": "avisos@asamblea.example",
        "recipient": "vecina@example.org",
        "subject": "Fuiste aceptada en la Asamblea del Callao",
        "lines": [MailLine("Fuiste aceptada <b>ya</b>", "https://asamblea.example/avisos")],
        "footer": "Cambia tus avisos en tu cuenta.",
        "unsubscribe_url": "https://asamblea.example/baja/TOKEN",
        "language": "es",
        "date": T0,
    }
    fields.update(changes)
    return Mail(**fields)  # type: ignore[arg-type]


def _parsed(mail: Mail):  # type: ignore[no-untyped-def]
    return message_from_bytes(build_message(mail).as_bytes(), policy=policy.default)


def test_headers_for_one_click_unsubscribe_and_a_stable_id() -> None:
    parsed = _parsed(_mail())
    assert parsed["Message-ID"] == "<notice-41-7@asamblea.example>"
    assert parsed["List-Unsubscribe"] == "<https://asamblea.example/baja/TOKEN>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Content-Language"] == "es"
    assert parsed["Subject"] == "Fuiste aceptada en la Asamblea del Callao"
    assert parsed["To"] == "vecina@example.org"
    assert _parsed(_mail())["Message-ID"] == parsed["Message-ID"]


def test_text_and_escaped_html_alternatives() -> None:
    parsed = _parsed(_mail())
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",)).get_content()
    page = parsed.get_body(("html",)).get_content()
    assert "Fuiste aceptada <b>ya</b>" in text
    assert "https://asamblea.example/avisos" in text
    assert "&lt;b&gt;ya&lt;/b&gt;" in page
    assert '<a href="https://asamblea.example/avisos">' in page
    assert '<html lang="es">' in page
    assert "<img" not in page
    assert "http://" not in page


@pytest.mark.parametrize("bad", ["a@b\r\nBcc: x@y", "no-at-sign\n"])
def test_header_injection_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the stdlib's own error for bad headers
        build_message(_mail(recipient=bad)).as_bytes()


def test_message_id_keeps_only_safe_characters() -> None:
    assert message_id("digest", "2026-12-06", 3, "h") == "<digest-2026-12-06-3@h>"
    assert message_id("notice", "4>\r\n5", 3, "h") == "<notice-45-3@h>"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"subject": "Se abrió una votación en Sindicato: ¿Paro el lunes? " * 3},
        {"subject": "Plain ASCII subject"},
        {"language": "en", "lines": [MailLine("One", "https://a.example/1"), MailLine("Two")]},
    ],
)
def test_the_wire_form_says_what_the_message_says(changes: dict[str, object]) -> None:
    mail = _mail(**changes)
    wire = message_from_bytes(message_bytes(mail), policy=policy.default)
    built = _parsed(mail)
    for header in (
        "Message-ID",
        "Date",
        "From",
        "To",
        "Subject",
        "Auto-Submitted",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "Content-Language",
    ):
        assert wire[header] == built[header], header
    for kind in ("plain", "html"):
        assert wire.get_body((kind,)).get_content() == built.get_body((kind,)).get_content()
    raw = message_bytes(mail)
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert message_bytes(mail) == raw  # the same bytes on a retry


@pytest.mark.parametrize(
    "changes",
    [{"recipient": "a@b\r\nBcc: x@y"}, {"subject": "Hola\r\nBcc: x@y"}, {"recipient": "ñ@b.pe"}],
)
def test_the_wire_form_refuses_header_injection(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        message_bytes(_mail(**changes))
