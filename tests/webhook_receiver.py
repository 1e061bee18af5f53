"""A real webhook receiver on the loopback, in a thread: it checks each delivery's signature
with its own reading of the Standard Webhooks specification (not the server's code), answers
with the statuses a test queues, and keeps what it received."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE = 5 * 60  # seconds, as the specification's reference libraries allow


def verify(secret: str, msg_id: str, timestamp: str, body: bytes, header: str) -> bool:
    """The specification's check: base64 key after ``whsec_``; HMAC-SHA256 over
    ``{id}.{timestamp}.{body}``; any of the space-separated ``v1,<base64>`` signatures; a
    timestamp within the tolerance."""
    if not secret.startswith("whsec_"):
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    if abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    content = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for part in header.split(" "):
        version, _, signature = part.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


@dataclass
class Received:
    """One request the receiver got."""

    msg_id: str
    path: str
    body: dict[str, Any]
    verified: bool
    headers: dict[str, str]


@dataclass
class Receiver:
    """The receiver's state (its address is set once it listens)."""

    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        with self.lock:
            return self.statuses.pop(0) if self.statuses else 204


@contextmanager
def receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 (a free port) until the block ends."""
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            msg_id = self.headers.get("webhook-id", "")
            ok = verify(
                state.secret,
                msg_id,
                self.headers.get("webhook-timestamp", "0"),
                body,
                self.headers.get("webhook-signature", ""),
            )
            with state.lock:
                state.received.append(
                    Received(msg_id, self.path, json.loads(body), ok, dict(self.headers))
                )
            self.send_response(state.answer())
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook?grupo=1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
