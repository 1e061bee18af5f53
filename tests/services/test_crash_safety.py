"""Crash safety of casting, on both databases: the real server is killed mid-stream.

The server (`asamblea serve`) runs as a subprocess. Several clients cast over HTTP; once a good
share of receipts has come back the server gets SIGKILL while casts are in flight. It is
restarted on the same database, the voters whose request died with it try again, everybody
else votes, the vote is closed and the board is downloaded. Then: every receipt a client got
back is on the board exactly once, no receipt is there twice, the board holds as many ballots as
voters were marked, the chain verifies, and each voter whose first request died either had that
ballot recorded (the retry is refused with 409) or not (the retry is accepted) — never both.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from asamblea.clock import utcnow
from asamblea.core import ledger
from asamblea.formats.board import load_board
from asamblea.store.database import make_sessionmaker
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.factories import union_with_open_vote

HOST = "127.0.0.1"
VOTERS = 90
CLIENTS = 6
#: SIGKILL once this many receipts have come back (the clients keep casting meanwhile).
KILL_AFTER = 30
PASSWORD = "una frase larga y secreta"
SECRET = "clave-de-prueba-para-el-servidor-" * 2
STARTUP_SECONDS = 90.0  # a loaded CI machine imports slowly
HTTP_TIMEOUT = 20.0
OPTIONS = 3


@dataclass
class Server:
    """One run of the real server on a free port; its output goes to a log file."""

    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    url: str = ""

    def start(self) -> None:
        port = free_port()
        self.url = f"http://{HOST}:{port}"
        command = [
            str(Path(sys.executable).with_name("asamblea")),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
        ]
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"--- starting on port {port}\n")
            log.flush()
            self.process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_healthy()

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed on the way out."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Terminate, then kill; always reap the process."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        with httpx.Client(base_url=self.url, timeout=1.0) as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"the server exited ({self.process.returncode}):\n{self.tail()}")
                try:
                    if probe.get("/salud").status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.05)  # not yet listening: nothing to wait on but the port
        pytest.fail(f"the server did not answer /salud in {STARTUP_SECONDS:.0f} s:\n{self.tail()}")


@dataclass
class Election:
    """A vote opened in-process (committed) before the server starts."""

    url: str
    vote_id: int
    usernames: list[str]
    facilitator: str


@dataclass
class Tally:
    """What the clients saw, per voter index."""

    receipts: dict[int, str] = field(default_factory=dict)
    died: set[int] = field(default_factory=set)  # sent, no answer: the server went away
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(params=BACKENDS)
def election(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Election]:
    url, schema = new_database(str(request.param), tmp_path)
    engine = engine_for(url)
    now = utcnow()
    try:
        with make_sessionmaker(engine).begin() as db:
            # Hashed in-process with the test suite's cheap argon2 profile: the server verifies
            # them with the parameters each stored hash carries.
            people, vote_id = union_with_open_vote(
                db, VOTERS, now=now, closes_in=timedelta(hours=2)
            )
        engine.dispose()
        yield Election(url, vote_id, [p.username for p in people], people[0].username)
    finally:
        engine.dispose()
        drop_database(url, schema)


@pytest.fixture
def server_env(election: Election, tmp_path: Path) -> dict[str, str]:
    return server_environment(election.url, tmp_path)


def server_environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The server's environment: this database, a fresh instance directory, unbuffered logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASAMBLEA_")}
    return env | {
        "ASAMBLEA_INSTANCE_DIR": str(tmp_path / "instance"),
        "ASAMBLEA_DATABASE_URL": database_url,
        "ASAMBLEA_SECRET_KEY": SECRET,
        "ASAMBLEA_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }


def test_receipts_survive_sigkill(
    election: Election, server_env: dict[str, str], tmp_path: Path
) -> None:
    server = Server(server_env, tmp_path / "server.log")
    try:
        server.start()
        tokens = log_in(server.url, election.usernames)
        tally = cast_until_killed(
            server,
            Casting(f"/api/v1/votes/{election.vote_id}/ballots", _ballot, "receipt", VOTERS),
            tokens,
        )
        assert not tally.errors, tally.errors
        assert len(tally.receipts) >= KILL_AFTER
        assert tally.died, "no cast was in flight when the server was killed"

        server.start()  # the same database, a new process
        retried = cast_rest(
            server.url,
            Casting(f"/api/v1/votes/{election.vote_id}/ballots", _ballot, "receipt", VOTERS),
            tokens,
            tally,
        )
        board = _close_and_download(server.url, election, tokens)
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- server log ---\n{server.tail()}") from error
    finally:
        server.stop()

    # Every acknowledged receipt is on the board, exactly once; nothing appears twice.
    on_board = list(board.receipts)
    assert len(set(on_board)) == len(on_board), "a receipt appears twice on the board"
    received = list(tally.receipts.values())
    assert len(set(received)) == len(received)
    assert set(received) <= set(on_board), "an acknowledged receipt is missing from the board"
    # A died request either made it into the box (its retry is refused) or it did not (the retry
    # is accepted): never both, so the box holds exactly one ballot per voter.
    first_recorded = {i for i, status in retried.items() if status == 409}
    assert set(retried.values()) <= {201, 409}, retried
    assert len(on_board) == board.voters == VOTERS == len(received) + len(first_recorded)
    unseen = set(on_board) - set(received)
    assert len(unseen) == len(first_recorded)  # the receipts lost with the dead connections
    assert ledger.verify_board(board, recount=ledger.recount) == []


def log_in(url: str, usernames: list[str]) -> list[str]:
    """A bearer token per voter, through the API."""

    def one(names: list[str]) -> list[str]:
        with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as client:
            out = []
            for name in names:
                answer = client.post(
                    "/api/v1/tokens", json={"username": name, "password": PASSWORD}
                )
                assert answer.status_code == 201, answer.text
                out.append(answer.json()["token"])
            return out

    chunks = [usernames[i::CLIENTS] for i in range(CLIENTS)]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        per_chunk = list(pool.map(one, chunks))
    tokens = [""] * len(usernames)
    for start, chunk in enumerate(per_chunk):
        tokens[start::CLIENTS] = chunk
    return tokens


def _ballot(voter: int) -> dict[str, Any]:
    return {"selection": [voter % OPTIONS]}


@dataclass(frozen=True)
class Casting:
    """What the clients post: where, each voter's body, the answer's receipt field, how many."""

    path: str
    body: Callable[[int], dict[str, Any]]
    field: str
    voters: int


def cast_until_killed(server: Server, casting: Casting, tokens: list[str]) -> Tally:
    """Each client casts its voters one after another until the server dies under it."""
    tally = Tally()
    path = casting.path

    def client(voters: list[int]) -> None:
        with httpx.Client(base_url=server.url, timeout=HTTP_TIMEOUT) as http:
            for voter in voters:
                headers = {"authorization": f"Bearer {tokens[voter]}"}
                try:
                    answer = http.post(path, json=casting.body(voter), headers=headers)
                except httpx.TransportError:
                    with tally.lock:
                        tally.died.add(voter)
                    return  # the server is gone: this client stops
                with tally.lock:
                    if answer.status_code != 201:
                        tally.errors.append(f"voter {voter}: {answer.status_code} {answer.text}")
                        tally.enough.set()
                        return
                    tally.receipts[voter] = answer.json()[casting.field]
                    if len(tally.receipts) >= KILL_AFTER:
                        tally.enough.set()

    threads = [
        threading.Thread(
            target=client, args=(list(range(c, casting.voters, CLIENTS)),), daemon=True
        )
        for c in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    reached = tally.enough.wait(timeout=30)
    server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert reached, f"only {len(tally.receipts)} receipts before the time ran out"
    assert not any(t.is_alive() for t in threads), "a client did not notice the server died"
    return tally


def cast_rest(url: str, casting: Casting, tokens: list[str], tally: Tally) -> dict[int, int]:
    """After the restart: the died requests are retried, the voters not yet tried cast."""
    path = casting.path
    retried: dict[int, int] = {}
    pending = [v for v in range(casting.voters) if v not in tally.receipts]

    def client(voters: list[int]) -> None:
        with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as http:
            for voter in voters:
                headers = {"authorization": f"Bearer {tokens[voter]}"}
                answer = http.post(path, json=casting.body(voter), headers=headers)
                with tally.lock:
                    if voter in tally.died:
                        retried[voter] = answer.status_code
                    elif answer.status_code != 201:
                        tally.errors.append(f"voter {voter}: {answer.status_code} {answer.text}")
                    if answer.status_code == 201:
                        tally.receipts[voter] = answer.json()[casting.field]

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client, [pending[c::CLIENTS] for c in range(CLIENTS)]))
    assert not tally.errors, tally.errors
    assert set(retried) == tally.died
    return retried


def _close_and_download(url: str, election: Election, tokens: list[str]) -> ledger.Board:
    facilitator = {"authorization": f"Bearer {tokens[0]}"}
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as http:
        closed = http.post(f"/api/v1/votes/{election.vote_id}/close", headers=facilitator)
        assert closed.status_code == 200, closed.text
        assert closed.json()["state"] == "published"
        answer = http.get(f"/api/v1/votes/{election.vote_id}/board", headers=facilitator)
        assert answer.status_code == 200, answer.text
    return load_board(answer.content)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port
