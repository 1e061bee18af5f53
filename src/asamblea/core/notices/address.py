"""An e-mail address as a person types it, parsed once at the edge (no library guesses).

Only the common form ``local@domain`` is accepted: a dot-atom local part of printable ASCII
(RFC 5322 §3.2.3, without quoted strings or comments), a domain of at least two labels of
letters, digits and hyphens (an internationalised domain is turned into its ASCII ``xn--``
form, which is what mail servers see), 254 characters at most (RFC 5321's forward path).
Blanks around it are removed; the domain is lower-cased, the local part kept as written.
Anything else is `Invalid` with a message the edge translates.
"""

from __future__ import annotations

import re

from asamblea.core.errors import N_, Invalid

MAX_ADDRESS = 254
MAX_LOCAL = 64
NOT_AN_ADDRESS = N_("Write an e-mail address like nombre@ejemplo.pe.")

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _ascii_domain(domain: str) -> str:
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid(NOT_AN_ADDRESS) from None
    return ascii_domain.lower()


def parse_address(text: str) -> str:
    """The address in ``text`` (trimmed, domain in lower-case ASCII), or `Invalid`."""
    raw = text.strip(" \t\r\n")
    if not raw or len(raw) > MAX_ADDRESS * 2 or raw.count("@") != 1:
        raise Invalid(NOT_AN_ADDRESS)
    local, domain = raw.split("@")
    if not local or len(local) > MAX_LOCAL or not _LOCAL.fullmatch(local):
        raise Invalid(NOT_AN_ADDRESS)
    domain = _ascii_domain(domain.rstrip(".")) if domain else ""
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise Invalid(NOT_AN_ADDRESS)
    if labels[-1].isdecimal():  # an IP address is no mail domain for people
        raise Invalid(NOT_AN_ADDRESS)
    address = f"{local}@{domain}"
    if len(address) > MAX_ADDRESS:
        raise Invalid(NOT_AN_ADDRESS)
    return address

