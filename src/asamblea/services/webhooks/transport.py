"""One POST to a webhook's URL, refusing the server's own network (server-side request
forgery, `asamblea.core.webhooks.target`).

The host name is resolved here, every address it resolves to is checked, and the connection
is made to the checked address (TLS still verifies the certificate for the host name): a name
that resolves to a public address when checked and to 127.0.0.1 when connecting (DNS
rebinding) cannot slip through. Redirects are not followed; the answer's body is read up to
4 KiB and dropped.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from asamblea.core.webhooks import is_public_address

USER_AGENT = "Asamblea-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What came back: the HTTP status, or None and why nothing did."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        """A 2xx answer: delivered."""
        return self.status is not None and 200 <= self.status < 300


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _addresses(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float
) -> Answer:
    """POST ``body`` to ``url``; never raises for network trouble (it is in the answer)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    tls = parts.scheme == "https"
    try:
        port = parts.port or (443 if tls else 80)
        addresses = _addresses(host, port)
    except (OSError, ValueError) as error:
        return Answer(None, f"address: {type(error).__name__}")
    if not addresses:
        return Answer(None, "address: none")
    if not allow_private and not all(is_public_address(a) for a in addresses):
        return Answer(None, "refused: the address is in a private network")
    kind = _PinnedTLS if tls else _Pinned
    connection = kind(host, port, addresses[0], timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers={**headers, "user-agent": USER_AGENT})
        response = connection.getresponse()
        response.read(4096)
        return Answer(response.status)
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, f"{type(error).__name__}: {str(error)[:120]}")
    finally:
        connection.close()
