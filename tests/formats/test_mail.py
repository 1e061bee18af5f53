"""Notice e-mails built by formats.mail, read back with the standard library's parser."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from asamblea.formats.mail import Mail, MailLine, build_message, message_id

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
