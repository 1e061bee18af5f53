"""E-mail addresses as people type them: hand-worked cases and properties of the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Invalid
from asamblea.core.notices.address import MAX_ADDRESS, parse_address


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("vecina@ejemplo.pe", "vecina@ejemplo.pe"),
        ("  Nueva.Vecina@Correo.PE\n", "Nueva.Vecina@correo.pe"),
        ("o'higgins+avisos@sub.dominio.org", "o'higgins+avisos@sub.dominio.org"),
        ("x@ñandú.pe", "x@xn--and-6ma2c.pe"),
        ("a@b.pe.", "a@b.pe"),
    ],
)
def test_addresses_kept(typed: str, kept: str) -> None:
    assert parse_address(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "sin-arroba",
        "a@b",
        "a@@b.pe",
        "a b@c.pe",
        ".a@b.pe",
        "a.@b.pe",
        "a..b@c.pe",
        '"a"@b.pe',
        "a@-b.pe",
        "a@b-.pe",
        "a@1.2.3.4",
        "a@b.pe\r\nBcc: x@y.pe",
        "a\x00@b.pe",
        "ñ@b.pe",
        "x" * 65 + "@b.pe",
        "a@" + "b" * 64 + ".pe",
        "a@" + ("b" * 60 + ".") * 5 + "pe",
    ],
)
def test_addresses_refused(typed: str) -> None:
    with pytest.raises(Invalid):
        parse_address(typed)


@settings(max_examples=200)
@given(st.text(max_size=300))
def test_any_text_is_an_address_or_refused_and_an_address_parses_to_itself(text: str) -> None:
    try:
        address = parse_address(text)
    except Invalid:
        return
    assert address.isascii()
    assert address.count("@") == 1
    assert len(address) <= MAX_ADDRESS
    assert not any(ch in address for ch in " \r\n\t\x00")
    assert parse_address(address) == address
