"""Casting benchmark: casts per second over HTTP with durable commits, the real server.

Usage: ``.venv/bin/python benchmarks/bench_votes.py [--voters N] [--clients C]
[--backends sqlite,postgresql] [--pg-workers 1,2] [--inserts N] [--board-ballots N]``.

For each database (a SQLite file, a PostgreSQL schema at ``ASAMBLEA_BENCH_POSTGRES_URL``,
default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``): one committed transaction sets up
an assembly of N voters (one precomputed password hash, one API token each) and opens a vote;
``asamblea serve`` starts on a free loopback port (1 worker; PostgreSQL also with 2); C
concurrent asyncio + httpx clients cast one ballot per voter, each with that voter's bearer token;
casts/s and p50/p99 latency are printed. The vote is then closed through the API and its board
downloaded and verified. Beside it, in the same run and on the same database: the raw durable
insert rate (a single-row INSERT + COMMIT loop with the application's own durability settings:
SQLite WAL + synchronous=FULL, PostgreSQL synchronous_commit=on). Last, the time to verify a
board of 1M ballots (benchmarks/bench_board.py's build and verify steps).
Writes benchmarks/results/votes.json. Targets (issue 4): ≥ 500 casts/s, p99 ≤ 100 ms, 1M-ballot
board verified ≤ 10 s. The machine is shared: the load average is recorded with each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, text

from asamblea.clock import utcnow
from asamblea.core.ledger import BallotKind, recount, verify_board
from asamblea.core.votes import Mode, make_spec
from asamblea.formats.board import load_board
from asamblea.services.votes import votes
from asamblea.store.database import make_engine, make_sessionmaker
from asamblea.store.migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_board  # the sibling benchmark, reused (not duplicated)
import bench_members  # the union of N members with a token each (shared with bench_mobilise)

HOST = "127.0.0.1"
RESULTS = Path(__file__).resolve().parent / "results" / "votes.json"
POSTGRES_URL = os.environ.get(
    "ASAMBLEA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = bench_members.PASSWORD
SECRET = "clave-del-banco-de-pruebas-no-usar-en-produccion-0123456789"  # noqa: S105
STARTUP_SECONDS = 60.0
HTTP_TIMEOUT = 120.0
INSERT_SECONDS_CAP = 10.0
TARGET_CASTS = 500.0
TARGET_P99_MS = 100.0
TARGET_VERIFY_S = 10.0
WARMUP_SECONDS = 3


@dataclass(frozen=True)
class Database:
    """A freshly migrated benchmark database and how to remove it."""

    backend: str
    url: str
    schema: str | None
    folder: Path


@dataclass(frozen=True)
class Election:
    """An open vote with its voters' bearer tokens (the first one is the facilitator)."""

    vote_id: int
    tokens: list[str]


# --- databases --------------------------------------------------------------------------------


@contextmanager
def database(backend: str) -> Iterator[Database]:
    """A new SQLite file or PostgreSQL schema, migrated to head; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-votes-") as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'asamblea.sqlite3'}"
            upgrade(url)
            yield Database(backend, url, None, Path(folder))
            return
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
            upgrade(url)
            yield Database(backend, url, schema, Path(folder))
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means: not available
        return str(error).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def durability(engine: Engine) -> dict[str, str]:
    """The durability settings a connection of the application's engine really has."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            return {
                "journal_mode": str(journal),
                "synchronous": {2: "FULL", 3: "EXTRA"}.get(int(sync or 0), str(sync)),
            }
        return {
            name: str(connection.exec_driver_sql(f"SHOW {name}").scalar())
            for name in ("synchronous_commit", "fsync", "wal_sync_method")
        }


def setup(db_url: str, voters: int) -> tuple[Election, float]:
    """One committed transaction: N accounts (bulk insert, one precomputed hash), an assembly
    founded through the service, the others bulk-added as active members, a vote drafted and
    opened through the services, and a bearer token per voter (only its SHA-256 is stored, as
    `accounts.issue_token` does). Returns the election and the seconds it took."""
    start = time.perf_counter()
    engine = make_engine(db_url)
    now = utcnow()
    try:
        with make_sessionmaker(engine).begin() as db:
            made = bench_members.union_with_tokens(
                db, members=voters, username="votante%05d", name="Sindicato de prueba", now=now
            )
            founder, union, tokens = made.founder, made.assembly, made.tokens
            spec = make_spec(
                question="¿Aprobamos el plan de lucha?",
                options=["Sí", "No", "Abstención"],
                rule="plurality",
                seats=1,
                threshold="simple",
                quorum_percent=50,
                mode=Mode.SECRET,
                public=False,
                opens_at=now,
                closes_at=now + timedelta(hours=6),
            )
            vote = votes.draft_vote(db, founder, union.id, spec)
            opened = votes.open_vote(db, founder, vote.id, now)
        if opened.roll_size != voters:
            raise SystemExit(f"the roll has {opened.roll_size} voters, not {voters}")
    finally:
        engine.dispose()
    return Election(vote.id, tokens), time.perf_counter() - start


def raw_insert_rate(db_url: str, inserts: int) -> dict[str, Any]:
    """Single-row INSERT + COMMIT, one after another, through the application's engine (so with
    its durability settings), on a scratch table of the same database."""
    engine = make_engine(db_url)
    try:
        settings = durability(engine)
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET synchronous_commit = on")
            connection.exec_driver_sql(
                "CREATE TABLE bench_insert (id INTEGER PRIMARY KEY, receipt VARCHAR(40), "
                "selection VARCHAR(40), head VARCHAR(64))"
            )
        done = 0
        start = time.perf_counter()
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET synchronous_commit = on")
                connection.commit()
            for i in range(inserts):
                connection.execute(
                    text("INSERT INTO bench_insert VALUES (:i, :r, :s, :h)"),
                    {"i": i, "r": f"R{i:019d}", "s": "[1]", "h": f"{i:064x}"},
                )
                connection.commit()
                done += 1
                if time.perf_counter() - start > INSERT_SECONDS_CAP:
                    break
        seconds = time.perf_counter() - start
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE bench_insert")
    finally:
        engine.dispose()
    return {
        "inserts": done,
        "seconds": round(seconds, 3),
        "per_second": round(done / seconds, 1),
        "durability": settings,
    }


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    """A free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(db: Database, workers: int) -> Iterator[tuple[str, int]]:
    """`asamblea serve` on a free loopback port; always stopped (and reaped) at the end."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASAMBLEA_")}
    env |= {
        "ASAMBLEA_INSTANCE_DIR": str(db.folder / "instance"),
        "ASAMBLEA_DATABASE_URL": db.url,
        "ASAMBLEA_SECRET_KEY": SECRET,
        "ASAMBLEA_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        str(Path(sys.executable).with_name("asamblea")),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log_path = db.folder / f"server-{workers}.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(url, process, workers, log_path)
        yield url, process.pid
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def wait_until_healthy(
    url: str, process: subprocess.Popen[bytes], workers: int, log_path: Path
) -> None:
    """Until every worker answers /salud (a few probes on fresh connections), or give up."""
    deadline = time.monotonic() + STARTUP_SECONDS
    healthy = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}):\n{tail(log_path)}")
        try:
            with httpx.Client(timeout=2.0) as probe:
                healthy = healthy + 1 if probe.get(f"{url}/salud").status_code == 200 else 0
        except httpx.TransportError:
            healthy = 0
            time.sleep(0.1)  # not listening yet: there is nothing else to wait on
        if healthy >= 4 * workers:
            return
    raise SystemExit(f"the server did not answer within {STARTUP_SECONDS:.0f} s:\n{tail(log_path)}")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its live descendants, from /proc (Linux)."""
    total, pending = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    for _ in range(1000):  # bounded walk of the server's process tree
        if not pending:
            break
        current = pending.pop()
        proc = Path(f"/proc/{current}")
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in (proc / "task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue  # gone meanwhile
    return total


def tail(path: Path, lines: int = 30) -> str:
    """The end of a log file."""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# --- the load ---------------------------------------------------------------------------------


async def cast_all(url: str, election: Election, clients: int) -> dict[str, Any]:
    """`clients` concurrent clients, each with its own connection, cast one ballot per voter."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for voter in range(len(election.tokens)):
        queue.put_nowait(voter)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    receipts: list[str] = []
    path = f"/api/v1/votes/{election.vote_id}/ballots"

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=HTTP_TIMEOUT) as http:
            await http.get("/salud")  # connect before the clock starts
            await ready.wait()
            while True:
                try:
                    voter = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                headers = {"authorization": f"Bearer {election.tokens[voter]}"}
                sent = time.perf_counter()
                answer = await http.post(path, json={"selection": [voter % 3]}, headers=headers)
                latencies.append(time.perf_counter() - sent)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                if answer.status_code == 201:
                    receipts.append(answer.json()["receipt"])

    ready = asyncio.Event()
    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    await asyncio.sleep(0)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - start
    latencies.sort()
    ok = statuses.get(201, 0)
    return {
        "casts": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(seconds, 3),
        "casts_per_second": round(ok / seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "load_average_1min_before": round(load, 2),
        "receipts": receipts,
    }


WRK_SCRIPT = """
-- One ballot per voter: each wrk thread takes every Nth bearer token from the file.
local tokens, threads, counter = {}, {}, 0
for line in io.lines(os.getenv("ASAMBLEA_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local path = os.getenv("ASAMBLEA_BENCH_PATH")
local gap = tonumber(os.getenv("ASAMBLEA_BENCH_GAP_MS") or "0")
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  thread:set("stride", tonumber(os.getenv("ASAMBLEA_BENCH_THREADS")))
  table.insert(threads, thread)
end
function init(args)
  next_voter, created, refused, spare, opened = id, 0, 0, 0, 0
  connections = tonumber(os.getenv("ASAMBLEA_BENCH_CONNECTIONS"))
end
function request()
  if gap > 0 and opened < connections then
    -- wrk sends each connection's first request the moment it connects, with no delay():
    -- in a paced run those are health checks, so that casts arrive only at Poisson times.
    opened = opened + 1
    return wrk.format("GET", "/salud")
  end
  local voter = next_voter
  next_voter = next_voter + stride
  if voter > #tokens then
    spare = spare + 1
    return wrk.format("GET", "/salud")
  end
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[voter],
    ["Content-Type"] = "application/json"}, '{"selection":[' .. (voter % 3) .. ']}')
end
-- Paced runs: each wrk thread sends at Poisson times (mean gap ASAMBLEA_BENCH_GAP_MS), on
-- whichever of its connections is free: an open-loop load like wrk2's, not 100 clients that
-- wait for their answer and then fire together.
if gap > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_usec; } asamblea_timeval;
    int gettimeofday(asamblea_timeval *tv, void *tz);
  ]]
  local tv = ffi.new("asamblea_timeval")
  local function now_ms()
    ffi.C.gettimeofday(tv, nil)
    return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
  end
  local next_at = nil
  function delay()
    local now = now_ms()
    if next_at == nil then
      math.randomseed(id * 7919)
      next_at = now
    end
    next_at = math.max(next_at, now - 1000) + -math.log(1 - math.random()) * gap
    return math.max(0, math.floor(next_at - now))
  end
end
function response(status, headers, body)
  if status == 201 then created = created + 1 elseif status ~= 200 then refused = refused + 1 end
end
function done(summary, latency, requests)
  local c, r, s = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); r = r + t:get("refused"); s = s + t:get("spare")
  end
  io.write(string.format("ASAMBLEA created=%d refused=%d spare=%d p50=%f p99=%f max=%f\\n",
    c, r, s, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def run_wrk(
    script: str,
    api_path: str,
    tokens: list[str],
    url: str,
    *,
    clients: int,
    seconds: int,
    rate: int,
    missing: str = "wrk is not installed: apt-get install wrk",
) -> tuple[dict[str, str], float]:
    """Run wrk with a Lua ``script`` of WRK_SCRIPT's shape, one POST to ``api_path`` per token:
    the figures its script prints (created, refused, spare, p50, p99, max) and the 1-minute load
    average before the run."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        script_file, token_file = Path(folder) / "load.lua", Path(folder) / "tokens.txt"
        script_file.write_text(script, encoding="utf-8")
        token_file.write_text("\n".join(tokens) + "\n", encoding="ascii")
        threads = 2
        env = {
            **os.environ,
            "ASAMBLEA_BENCH_TOKENS": str(token_file),
            "ASAMBLEA_BENCH_PATH": api_path,
            "ASAMBLEA_BENCH_THREADS": str(threads),
            "ASAMBLEA_BENCH_GAP_MS": str(1000 * threads / rate if rate else 0),
            "ASAMBLEA_BENCH_CONNECTIONS": str(clients // threads),
        }
        load = os.getloadavg()[0]
        wrk = shutil.which("wrk")
        if wrk is None:
            raise SystemExit(missing)
        done = subprocess.run(  # noqa: S603 - a fixed command line on loopback
            [
                wrk,
                "-t",
                str(threads),
                "-c",
                str(clients),
                "-d",
                f"{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(script_file),
                url,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
        )
    line = next(row for row in done.stdout.splitlines() if row.startswith("ASAMBLEA "))
    return dict(part.split("=") for part in line.split()[1:]), load


def cast_with_wrk(
    url: str, vote_id: int, tokens: list[str], *, clients: int, seconds: int, rate: int = 0
) -> dict[str, Any]:
    """Casts from wrk (a C load generator, Debian's package), one per token: the server's figure.

    Python's HTTP clients spend as much CPU per request as the server; on 2 shared cores they
    halve what the server can do. wrk needs a fraction of that. Every voter casts at most once;
    if the tokens run out before the time is up, the remaining requests are `GET /salud` and are
    not counted as casts. With ``rate`` > 0 requests leave at Poisson times at that mean rate
    over the C connections (latency at a given load: an assembly's members do not all press the
    button in the same millisecond); with 0 each connection sends as soon as its answer comes
    back (the saturation throughput, where latency is mostly queueing).
    """
    fields, load = run_wrk(
        WRK_SCRIPT,
        f"/api/v1/votes/{vote_id}/ballots",
        tokens,
        url,
        clients=clients,
        seconds=seconds,
        rate=rate,
        missing="wrk is not installed: apt-get install wrk (or use --generator httpx)",
    )
    created, spare = int(fields["created"]), int(fields["spare"])
    elapsed = float(seconds)
    return {
        "generator": "wrk",
        "offered_rate": rate or "as fast as possible",
        "casts": created,
        "statuses": {"201": created, "other": int(fields["refused"])},
        "spare_requests": spare,
        "seconds": elapsed,
        "casts_per_second": round(created / elapsed, 1),
        "p50_ms": round(float(fields["p50"]), 1),
        "p99_ms": round(float(fields["p99"]), 1),
        "max_ms": round(float(fields["max"]), 1),
        "load_average_1min_before": round(load, 2),
    }


def end_voting_now(db_url: str, vote_id: int) -> None:
    """Move the closing time to the past (a benchmark shortcut: the load run is over)."""
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE vote SET closes_at = :at WHERE id = :id"),
            {
                "at": (utcnow() - timedelta(seconds=1)).replace(tzinfo=None)
                if db_url.startswith("sqlite")
                else utcnow() - timedelta(seconds=1),
                "id": vote_id,
            },
        )
    engine.dispose()


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of a sorted list."""
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def close_and_verify(url: str, election: Election, receipts: list[str] | None) -> dict[str, Any]:
    """Close the vote through the API, download the board, check and verify it."""
    facilitator = {"authorization": f"Bearer {election.tokens[0]}"}
    with httpx.Client(base_url=url, timeout=HTTP_TIMEOUT) as http:
        closed = http.post(f"/api/v1/votes/{election.vote_id}/close", headers=facilitator)
        if closed.status_code != 200:
            raise SystemExit(f"closing the vote failed: {closed.status_code} {closed.text}")
        answer = http.get(f"/api/v1/votes/{election.vote_id}/board", headers=facilitator)
    board = load_board(answer.content)
    findings = verify_board(board, recount=recount)
    all_there = receipts is None or sorted(board.receipts) == sorted(receipts)
    return {
        "ballots": len(board.receipts),
        "voters": board.voters,
        "all_receipts_on_board": all_there,
        "verifies": not findings and all_there,
    }


def run_one(backend: str, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One configuration: database, setup, raw insert rate, server, the paced and the saturating
    load (wrk; the first voters for the first, the others for the second), close and verify."""
    label = f"{backend}, {workers} worker{'s' if workers > 1 else ''}"
    print(f"{label}: {args.voters:,} voters, {args.clients} concurrent clients")
    with database(backend) as db:
        election, setup_s = setup(db.url, args.voters)
        print(f"  setup (accounts, roll, tokens) {setup_s:8.2f} s")
        raw = raw_insert_rate(db.url, args.inserts)
        print(
            f"  raw durable INSERT+COMMIT    {raw['per_second']:8.1f} /s "
            f"({raw['inserts']} in {raw['seconds']:.2f} s; {raw['durability']})"
        )
        loads: dict[str, dict[str, Any]] = {}
        with server(db, workers) as (url, pid):
            if args.generator == "wrk":
                warm = 1 + int(args.rate * WARMUP_SECONDS * 1.3)
                split = warm + int(args.rate * args.seconds * 1.3)
                phases = {
                    "warm-up": (election.tokens[1:warm], args.rate, WARMUP_SECONDS),
                    "paced": (election.tokens[warm:split], args.rate, args.seconds),
                    "saturation": (election.tokens[split:], 0, args.seconds),
                }
                for phase, (tokens, rate, seconds) in phases.items():
                    cpu = tree_cpu_seconds(pid)
                    load = cast_with_wrk(
                        url,
                        election.vote_id,
                        tokens,
                        clients=args.clients,
                        seconds=seconds,
                        rate=rate,
                    )
                    load["server_cpu_ms_per_cast"] = cpu_per_cast(pid, cpu, load["casts"])
                    if phase != "warm-up":  # first casts compile queries, fill caches
                        loads[phase] = load
                end_voting_now(db.url, election.vote_id)  # wrk left voters who did not vote
                receipts = None
            else:
                cpu = tree_cpu_seconds(pid)
                load = asyncio.run(cast_all(url, election, args.clients))
                load["server_cpu_ms_per_cast"] = cpu_per_cast(pid, cpu, load["casts"])
                receipts = load.pop("receipts")
                loads["saturation"] = load
            board = close_and_verify(url, election, receipts)
    for phase, load in loads.items():
        print(
            f"  {phase:10s} casts/s {load['casts_per_second']:7.1f} (offered: "
            f"{load['offered_rate']}; {load['casts']:,} in {load['seconds']:.0f} s, statuses "
            f"{load['statuses']}); p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, "
            f"max {load['max_ms']:.1f} ms; server CPU {load['server_cpu_ms_per_cast']:.2f} ms/cast;"
            f" load average {load['load_average_1min_before']}"
        )
    saturation = loads["saturation"]["casts_per_second"]
    print(
        f"  saturation = {saturation / raw['per_second']:.2f}× the raw insert rate; "
        f"board of {board['ballots']:,} verifies: {board['verifies']}"
    )
    paced = loads.get("paced")
    meets = (
        saturation >= TARGET_CASTS
        and paced is not None
        and paced["casts_per_second"] >= 0.97 * TARGET_CASTS
        and paced["p99_ms"] <= TARGET_P99_MS
    )
    print(
        f"  targets (≥ {TARGET_CASTS:.0f}/s at saturation; at an offered {TARGET_CASTS:.0f}/s, "
        f"p99 ≤ {TARGET_P99_MS:.0f} ms): {'met' if meets else 'NOT met'}"
    )
    return {
        "backend": backend,
        "workers": workers,
        "voters": args.voters,
        "clients": args.clients,
        "setup_s": round(setup_s, 2),
        "http": loads,
        "raw_insert": raw,
        "ratio_to_raw": round(saturation / raw["per_second"], 2),
        "board": board,
        "targets_met": meets,
    }


def cpu_per_cast(pid: int, cpu_before: float, casts: int) -> float:
    """Milliseconds of the server's CPU (all its processes) per cast since `cpu_before`."""
    return round((tree_cpu_seconds(pid) - cpu_before) / max(casts, 1) * 1000, 2)


def verify_big_board(ballots: int) -> dict[str, Any]:
    """bench_board's build and step-by-step verification of an approval board."""
    print(f"board of {ballots:,} approval ballots (benchmarks/bench_board.py steps)")
    times: dict[str, float] = {}
    board = bench_board.build(ballots, BallotKind.APPROVAL, "approval", 2026, times)
    size_mb = bench_board.verify_steps(board, times)
    total = sum(v for k, v in times.items() if k.startswith("verify"))
    print(
        f"  verify total {total:8.2f} s (target ≤ {TARGET_VERIFY_S:.0f} s for 1M; "
        f"{size_mb:.0f} MB; load average {os.getloadavg()[0]:.2f})"
    )
    return {
        "ballots": ballots,
        "file_mb": round(size_mb, 1),
        "verify_total_s": round(total, 3),
        "seconds": {k: round(v, 3) for k, v in times.items()},
    }


def main() -> None:
    """Run the configurations asked for and write benchmarks/results/votes.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--voters", type=int, default=0, help="0: enough for both phases (paced, saturation)"
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-workers", default="1,2")
    parser.add_argument("--inserts", type=int, default=2000)
    parser.add_argument("--board-ballots", type=int, default=1_000_000)
    parser.add_argument(
        "--generator",
        choices=("wrk", "httpx"),
        default="wrk",
        help="load generator: wrk (C, Debian package) or Python's httpx",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk: how long to cast")
    parser.add_argument(
        "--rate", type=int, default=500, help="wrk: offered casts per second in the paced phase"
    )
    args = parser.parse_args()
    if args.voters <= 0:
        paced = args.rate * (args.seconds + WARMUP_SECONDS)
        args.voters = 1 + int(paced * 1.3) + 2500 * args.seconds
    runs: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for backend in args.backends.split(","):
        if backend == "postgresql" and (problem := postgres_problem()) is not None:
            print(f"PostgreSQL not reachable at {POSTGRES_URL}: {problem} — skipped")
            skipped[backend] = problem
            continue
        for workers in [int(w) for w in args.pg_workers.split(",")] if backend != "sqlite" else [1]:
            runs.append(run_one(backend, workers, args))
    big = verify_big_board(args.board_ballots) if args.board_ballots > 0 else None
    report = {
        "benchmark": "bench_votes",
        "runs": runs,
        "skipped": skipped,
        "board_verify": big,
        "targets": {
            "casts_per_second": TARGET_CASTS,
            "p99_ms": TARGET_P99_MS,
            "verify_1m_s": TARGET_VERIFY_S,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min_end": round(os.getloadavg()[0], 2),
        },
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
