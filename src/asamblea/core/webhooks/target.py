"""Where a webhook may go, and what it may carry.

A webhook's URL is given by a facilitator, so it is untrusted: a server that posts wherever it
is told can be turned against its own network (server-side request forgery). So:

- only ``http`` and ``https``, no user name or password in the URL, no fragment, at most
  `MAX_URL` characters;
- every address the host name resolves to must be a public unicast address
  (`is_public_address`): loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata at
  169.254.169.254), carrier-grade NAT, multicast, reserved and unspecified addresses are refused
  unless the operator allows them (the tests do, to reach a receiver on the loopback). The
  check is made again at each delivery on the address actually connected to, so a name that
  later resolves elsewhere (DNS rebinding) gains nothing;
- redirects are not followed.

A webhook carries only notices every member of its assembly may read (`webhook_kinds`: the
kinds whose audience is the members), never one meant for facilitators or one person.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from asamblea.core.errors import N_, Invalid
from asamblea.core.notices import CLOSING_SOON, Audience, rules

MAX_URL = 500
MAX_KINDS = 64
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def is_public_address(address: str) -> bool:
    """True for a global unicast address a webhook may reach without the operator's leave."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _literal_host(parts: SplitResult) -> str | None:
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return host


def check_url(url: str, *, allow_private: bool = False) -> str:
    """The URL, when a webhook may be registered to it; Invalid otherwise.

    Host names are resolved only when delivering (a registration makes no network request);
    what can be refused from the URL alone is refused here."""
    if not url or len(url) > MAX_URL or any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise Invalid(
            N_("Give the webhook's address: http(s)://…, at most {most} characters."), most=MAX_URL
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Invalid(N_("That web address is not valid.")) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid(N_("A webhook's address starts with http:// or https://."))
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise Invalid(N_("A webhook's address carries no user name, password or #fragment."))
    if port == 0:
        raise Invalid(N_("That web address is not valid."))
    literal = _literal_host(parts)
    host = parts.hostname.lower().rstrip(".")
    local_name = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    if not allow_private and (local_name or (literal and not is_public_address(literal))):
        raise Invalid(N_("Webhooks may not reach this server's own network."))
    return url


def webhook_kinds() -> tuple[str, ...]:
    """The kinds of notice a webhook may carry: those every member of the assembly reads."""
    members = (r for r in rules() if r.audience is Audience.MEMBERS and r is not CLOSING_SOON)
    return tuple(dict.fromkeys(r.kind for r in members))


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The chosen kinds, each once and in the registry's order; Invalid when none or unknown."""
    chosen = set(kinds)
    allowed = webhook_kinds()
    if not chosen or len(chosen) > MAX_KINDS:
        raise Invalid(N_("Choose at least one kind of notice."))
    if chosen - set(allowed):
        raise Invalid(N_("Unknown kind of notice."))
    return tuple(k for k in allowed if k in chosen)
