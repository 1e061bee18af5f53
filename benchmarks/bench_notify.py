"""Time and reach (issue #11): how late votes publish when many are due at once, and how long
a member's inbox takes to read from a large audit log.

1. Publish latency: N votes of one assembly (3 members, 2 ballots each) all close at the same
   instant; one runner (and two, on PostgreSQL) publishes them. Latency of a vote = the moment
   its transaction committed minus its closing time; p50/p99/max reported. The peer in the same
   run: the machine's raw durable INSERT+COMMIT rate on the same database (a vote's publication
   is a handful of those).
2. Inbox: an audit log of E events spread over many assemblies, a reader who is a member of 5;
   time to build her inbox page (the query and the core rules), p50/p99 over repeated reads.
3. Mail: M members with an address, one vote opens (one event, M recipients); the runner's mail
   job expands the outbox, writes each message (its language, unsubscribe token, HTML) and hands
   them to an SMTP server on the loopback (aiosmtpd, in a process of its own) in batches over one
   connection each. Messages per second, from the event to the last message accepted. The peer
   in the same run: the same number of ready-made messages sent with bare `smtplib` over one
   connection (the ceiling the server and the loopback allow).

Usage: python benchmarks/bench_notify.py [--votes 1000] [--events 1000000] [--messages 2000]
       [--backends sqlite] [--parts publish,inbox,mail]
Writes benchmarks/results/notify.json (with the load average beside each figure).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import drop_database, engine_for, new_database  # noqa: E402

from asamblea import i18n  # noqa: E402
from asamblea.clock import utcnow  # noqa: E402
from asamblea.core.federation import AssemblyKind, MembershipState, Role  # noqa: E402
from asamblea.core.votes import Mode, make_spec  # noqa: E402
from asamblea.services import notices  # noqa: E402
from asamblea.services.federation import accounts  # noqa: E402
from asamblea.services.federation import assemblies as federation  # noqa: E402
from asamblea.services.runner import Runner  # noqa: E402
from asamblea.services.votes import votes  # noqa: E402
from asamblea.store.database import make_sessionmaker  # noqa: E402
from asamblea.store.federation_models import AuditRow, MembershipRow, PersonRow  # noqa: E402
from asamblea.store.federation_repository import FederationRepository  # noqa: E402
from asamblea.store.mail_models import MailAddressRow  # noqa: E402
from asamblea.store.votes_models import VoteRow  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "notify.json"
KEY = votes.signing_key("clave-de-benchmark-" * 3)


def _load() -> float:
    return os.getloadavg()[0]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _seed_votes(sessions, count: int):  # type: ignore[no-untyped-def]
    opened = utcnow() - timedelta(minutes=5)
    with sessions.begin() as db:
        people = [accounts.register(db, f"bench{i}", "una frase larga y secreta") for i in range(3)]
        union = federation.create_assembly(
            db, people[0], name="Bench", kind=AssemblyKind.UNION, parent_id=None
        )
        repo = FederationRepository(db)
        for p in people[1:]:
            repo.add_membership(union.id, p.id, MembershipState.ACTIVE, Role.MEMBER)
    spec = make_spec(
        question="¿Bench?",
        options=["Sí", "No"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=False,
        opens_at=opened,
        closes_at=opened + timedelta(days=1),
    )
    for start in range(0, count, 200):
        with sessions.begin() as db:
            for _ in range(min(200, count - start)):
                vote = votes.draft_vote(db, people[0], union.id, spec)
                votes.open_vote(db, people[0], vote.id, opened)
                casts = [(p, [0]) for p in people[:2]]
                votes.cast_many(db, vote.id, casts, now=opened, key=KEY)


def _close_together(sessions, lead: float = 2.0):  # type: ignore[no-untyped-def]
    """Every vote now closes at the same second, ``lead`` seconds from now (set directly: a
    benchmark's shortcut)."""
    closes = (utcnow() + timedelta(seconds=lead)).replace(microsecond=0)
    with sessions.begin() as db:
        db.execute(update(VoteRow).values(closes_at=closes))
    return closes


def _raw_commits(sessions, seconds: float = 2.0) -> float:  # type: ignore[no-untyped-def]
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        with sessions.begin() as db:
            db.execute(insert(AuditRow).values(action="bench.raw", subject="", details={}))
        done += 1
    return done / (time.perf_counter() - start)


def _worker(url: str, stop, ready) -> None:  # type: ignore[no-untyped-def]
    """One runner process: passes until ``stop`` is set (``ready`` released once started)."""
    engine = engine_for(url)
    runner = Runner(make_sessionmaker(engine), KEY, interval=1.0, batch=50)
    runner.start()
    ready.release()
    stop.wait()
    runner.stop()
    engine.dispose()


def publish_latency(backend: str, count: int, runners: int) -> dict[str, object]:
    """Seed `count` votes closing together, run `runners` runners, measure lateness."""
    with tempfile.TemporaryDirectory() as folder:
        url, schema = new_database(backend, Path(folder))
        engine = engine_for(url)
        sessions = make_sessionmaker(engine)
        try:
            _seed_votes(sessions, count)
            raw = _raw_commits(sessions)
            # Several runners are several processes (`asamblea worker` on each host): threads
            # of one process would share one interpreter lock and take turns. They start (and
            # import) before the votes' closing time, as a deployed worker would have.
            context = multiprocessing.get_context("spawn")
            stop, ready = context.Event(), context.Semaphore(0)
            workers = [
                context.Process(target=_worker, args=(url, stop, ready), daemon=True)
                for _ in range(runners)
            ]
            for w in workers:
                w.start()
            for _ in workers:
                ready.acquire()
            closes = _close_together(sessions)
            while utcnow() < closes:
                time.sleep(0.01)
            started = time.perf_counter()
            while True:
                with sessions.begin() as db:
                    left = db.scalar(text("SELECT count(*) FROM vote WHERE state = 'open'"))
                if not left:
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            stop.set()
            for w in workers:
                w.join(30)
            with sessions.begin() as db:
                rows = db.execute(select(VoteRow.closed_at)).all()
            # closed_at is the publishing transaction's `now` (second precision): lateness.
            lateness = [max(0.0, (r[0] - closes).total_seconds()) for r in rows]
        finally:
            engine.dispose()
            drop_database(url, schema)
    return {
        "backend": backend,
        "votes": count,
        "runners": runners,
        "all_published_s": round(elapsed, 2),
        "votes_per_s": round(count / elapsed, 1),
        "lateness_p50_s": _percentile(lateness, 0.5),
        "lateness_p99_s": _percentile(lateness, 0.99),
        "lateness_max_s": max(lateness),
        "raw_commits_per_s": round(raw, 1),
        "load": _load(),
    }


def inbox_latency(backend: str, events: int, reads: int = 30) -> dict[str, object]:
    """A member of 5 assemblies among many; `events` audit events; time to read her inbox."""
    with tempfile.TemporaryDirectory() as folder:
        url, schema = new_database(backend, Path(folder))
        engine = engine_for(url)
        sessions = make_sessionmaker(engine)
        try:
            with sessions.begin() as db:
                me = accounts.register(db, "lectora", "una frase larga y secreta")
                founder = accounts.register(db, "fundadora", "una frase larga y secreta")
                ids = []
                for i in range(50):
                    a = federation.create_assembly(
                        db, founder, name=f"A{i}", kind=AssemblyKind.UNION, parent_id=None
                    )
                    ids.append(a.id)
                repo = FederationRepository(db)
                for a in ids[:5]:
                    repo.add_membership(a, me.id, MembershipState.ACTIVE, Role.MEMBER)
            actions = ["vote.opened", "ballot.cast", "proposal.argued", "vote.published"]
            at = utcnow() + timedelta(seconds=1)
            for start in range(0, events, 20_000):
                rows = [
                    {
                        "at": at,
                        "actor_id": founder.id,
                        "action": actions[n % 4],
                        "assembly_id": ids[n % len(ids)],
                        "subject": f"vote:{n}",
                        "details": {},
                    }
                    for n in range(start, min(events, start + 20_000))
                ]
                with sessions.begin() as db:
                    db.execute(insert(AuditRow), rows)
            # Statistics and the visibility map, as a server's autovacuum keeps them (a freshly
            # loaded table without them is planned and read as no running server's would be).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                vacuum = "ANALYZE" if backend == "sqlite" else "VACUUM ANALYZE audit_event"
                c.exec_driver_sql(vacuum)
            readers = make_sessionmaker(engine, read_only=True)
            times = []
            for _ in range(reads):
                begin = time.perf_counter()
                with readers.begin() as db:
                    box = notices.inbox(db, me, now=utcnow())
                times.append((time.perf_counter() - begin) * 1000)
        finally:
            engine.dispose()
            drop_database(url, schema)
    return {
        "backend": backend,
        "events": events,
        "memberships": 5,
        "notices_shown": len(box.lines),
        "inbox_p50_ms": round(statistics.median(times), 1),
        "inbox_p99_ms": round(_percentile(times, 0.99), 1),
        "load": _load(),
    }


@contextlib.contextmanager
def _smtp_server():  # type: ignore[no-untyped-def]
    """aiosmtpd in a process of its own, discarding what it accepts (a local MTA's place:
    in this process it would share our interpreter's lock and slow both sides)."""
    import socket  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def _seed_mail(sessions, members: int):  # type: ignore[no-untyped-def]
    """An assembly of `members` members with an address each (rows inserted directly)."""
    long_ago = utcnow() - timedelta(days=1)
    with sessions.begin() as db:
        founder = accounts.register(db, "fundadora", "una frase larga y secreta")
        union = federation.create_assembly(
            db, founder, name="Sindicato", kind=AssemblyKind.UNION, parent_id=None
        )
        people = [
            {
                "username": f"m{i}",
                "username_key": f"m{i}",
                "password_hash": "x",
                "locale": ("es", "en", "qu")[i % 3],
                "created_at": long_ago,
            }
            for i in range(members)
        ]
        db.execute(insert(PersonRow), people)
        ids = list(db.scalars(select(PersonRow.id).where(PersonRow.username_key.like("m%"))))
        db.execute(
            insert(MembershipRow),
            [
                {
                    "assembly_id": union.id,
                    "person_id": i,
                    "state": "active",
                    "role": "member",
                    "created_at": long_ago,
                }
                for i in ids
            ],
        )
        db.execute(
            insert(MailAddressRow),
            [
                {
                    "person_id": i,
                    "address": f"m{i}@ejemplo.pe",
                    "added_at": long_ago,
                    "digest_up_to": 0,
                    "digest_sent_at": utcnow(),
                }
                for i in ids
            ],
        )
    return founder, union.id


def _peer_smtplib(port: int, messages: int) -> float:
    """The peer: bare smtplib, messages already in bytes, one connection (messages per
    second): the ceiling of this server on this loopback, with nothing to write."""
    import smtplib  # noqa: PLC0415
    from email.message import EmailMessage  # noqa: PLC0415

    ready = []
    for i in range(messages):
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "a@ejemplo.pe", f"m{i}@ejemplo.pe", "Hola"
        m.set_content("Se abrió una votación en Sindicato.")
        ready.append((f"m{i}@ejemplo.pe", m.as_bytes().replace(b"\n", b"\r\n")))
    begin = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for to, data in ready:
            client.sendmail("a@ejemplo.pe", [to], data)
    return messages / (time.perf_counter() - begin)


def mail_throughput(backend: str, messages: int, connections: int = 2) -> dict[str, object]:
    """`messages` notices of one event through the outbox to a loopback SMTP server."""
    from asamblea.services.notices.mail import MailConfig, Mailer  # noqa: PLC0415
    from asamblea.services.notices.smtp import Security, SmtpConfig, SmtpTransport  # noqa: PLC0415
    from asamblea.store.mail_repository import MailRepository  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder, _smtp_server() as port:
        url, schema = new_database(backend, Path(folder))
        engine = engine_for(url)
        sessions = make_sessionmaker(engine)
        try:
            founder, union_id = _seed_mail(sessions, messages)
            for locale in i18n.LOCALES:  # a running server has its catalogs loaded already
                i18n.translations(locale)
            peer = _peer_smtplib(port, messages)
            config = MailConfig(
                "https://asamblea.example",
                "avisos@asamblea.example",
                "clave-de-benchmark-" * 3,
                batch=100,
            )
            transport = SmtpTransport(SmtpConfig("127.0.0.1", port, Security.NONE))
            mailer = Mailer(sessions, config, transport, connections=connections)
            spec = make_spec(
                question="¿Paro el lunes?",
                options=["Sí", "No"],
                rule="plurality",
                seats=1,
                threshold="simple",
                quorum_percent=0,
                mode=Mode.SECRET,
                public=False,
                opens_at=utcnow(),
                closes_at=utcnow() + timedelta(days=1),
            )
            with sessions.begin() as db:  # the event (and its outbox row) in one transaction
                vote = votes.draft_vote(db, founder, union_id, spec)
                votes.open_vote(db, founder, vote.id, utcnow())
            begin = time.perf_counter()
            passes = 0
            while True:
                mailer(utcnow())
                passes += 1
                with sessions.begin() as db:
                    left = MailRepository(db).pending_count()
                if not left:
                    break
            elapsed = time.perf_counter() - begin
            with sessions.begin() as db:
                sent = len(MailRepository(db).sent_message_ids())
        finally:
            engine.dispose()
            drop_database(url, schema)
    return {
        "backend": backend,
        "messages": messages,
        "sent": sent,
        "passes": passes,
        "all_sent_s": round(elapsed, 2),
        "messages_per_s": round(sent / elapsed, 1),
        "peer_bare_smtplib_per_s": round(peer, 1),
        "batch": config.batch,
        "connections": connections,
        "load": _load(),
    }


def main() -> None:
    """Run the parts asked for on each backend; write benchmarks/results/notify.json (a part
    not run keeps its figures from the previous run)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=1000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--parts", default="publish,inbox,mail")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    backends = args.backends.split(",")
    report: dict[str, list[dict[str, object]]] = {  # figures not measured now are kept
        part: [
            r for r in old.get(part, []) if part not in parts or r.get("backend") not in backends
        ]
        for part in ("publish", "inbox", "mail")
    }
    for backend in backends:
        for runners in (1, 2) if backend == "postgresql" and "publish" in parts else (1,):
            if "publish" in parts:
                result = publish_latency(backend, args.votes, runners)
                print(json.dumps(result))
                report["publish"].append(result)
        if "inbox" in parts:
            result = inbox_latency(backend, args.events)
            print(json.dumps(result))
            report["inbox"].append(result)
        if "mail" in parts:
            result = mail_throughput(backend, args.messages, args.connections)
            print(json.dumps(result))
            report["mail"].append(result)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
