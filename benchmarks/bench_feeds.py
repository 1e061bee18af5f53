"""Calendars and webhooks (issue #11 parts 4–5): how long a feed takes to build, and how fast
the runner posts webhooks to a receiver on the loopback.

1. Feeds: a member of 5 assemblies, each with V open votes and A actions (a public one and a
   members-only one in turn, some with a hidden place); time to build her private calendar
   (all her assemblies), one assembly's public calendar, and its decisions feed; p50/p99 over
   repeated builds (the query, the core rules and the iCalendar/Atom writers).
2. Webhooks: E events of one assembly for one endpoint; the runner's job queues, claims and
   posts them (signed) to a loopback receiver that answers 204; posts/s, and the peer in the
   same run: bare HTTP POSTs of the same bodies to the same receiver from one thread.

Usage: python benchmarks/bench_feeds.py [--votes 40] [--actions 20] [--events 500]
Writes benchmarks/results/feeds.json (the load average beside each figure). SQLite only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.databases import drop_database, engine_for, new_database  # noqa: E402
from tests.webhook_receiver import receiver  # noqa: E402

from asamblea.clock import utcnow  # noqa: E402
from asamblea.core.federation import AssemblyKind, MembershipState, Role  # noqa: E402
from asamblea.core.mobilisation.actions import ActionKind, Visibility  # noqa: E402
from asamblea.core.votes import Mode, make_spec  # noqa: E402
from asamblea.services import feeds, webhooks  # noqa: E402
from asamblea.services.federation import accounts  # noqa: E402
from asamblea.services.federation import assemblies as federation  # noqa: E402
from asamblea.services.mobilisation import actions  # noqa: E402
from asamblea.services.votes import votes  # noqa: E402
from asamblea.store.database import make_sessionmaker  # noqa: E402
from asamblea.store.federation_repository import FederationRepository  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "feeds.json"
SECRET = "clave-de-benchmark-" * 3
LINKS = feeds.Links("https://asamblea.example")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _timed(build: object, reads: int) -> dict[str, float]:
    times = []
    for _ in range(reads):
        started = time.perf_counter()
        build()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(_percentile(times, 0.5), 1),
        "p99_ms": round(_percentile(times, 0.99), 1),
        "load": round(os.getloadavg()[0], 1),
    }


def _world(sessions: object, n_votes: int, n_actions: int) -> tuple[object, list[int]]:
    now = utcnow()
    with sessions.begin() as db:  # type: ignore[attr-defined]
        fac = accounts.register(db, "bench_fac", "una frase larga y secreta")
        member = accounts.register(db, "bench_member", "una frase larga y secreta")
        ids = []
        for i in range(5):
            assembly = federation.create_assembly(
                db, fac, name=f"Asamblea {i}", kind=AssemblyKind.UNION, parent_id=None
            )
            FederationRepository(db).add_membership(
                assembly.id, member.id, MembershipState.ACTIVE, Role.MEMBER
            )
            ids.append(assembly.id)
            for v in range(n_votes):
                spec = make_spec(
                    question=f"¿Pregunta {v}?",
                    options=["Sí", "No"],
                    rule="plurality",
                    seats=1,
                    threshold="simple",
                    quorum_percent=0,
                    mode=Mode.SECRET,
                    public=v % 2 == 0,
                    opens_at=now,
                    closes_at=now + timedelta(days=2),
                )
                draft = votes.draft_vote(db, fac, assembly.id, spec)
                votes.open_vote(db, fac, draft.id, now)
            for a in range(n_actions):
                spec_a = actions.Convening(
                    kind=ActionKind.SIT_IN,
                    title=f"Plantón {a}",
                    region="15",
                    starts_at=now + timedelta(days=3, hours=a),
                    places=["Plaza"],
                    visibility=Visibility.MEMBERS if a % 2 else Visibility.PUBLIC,
                    reveal_at=now + timedelta(days=1) if a % 3 == 0 else None,
                )
                actions.convene(db, fac, assembly.id, spec_a, now=now)
    return member, ids


def bench_feeds(sessions: object, n_votes: int, n_actions: int) -> dict[str, object]:
    member, ids = _world(sessions, n_votes, n_actions)
    now = utcnow()
    out: dict[str, object] = {"votes_per_assembly": n_votes, "actions_per_assembly": n_actions}
    with sessions.begin() as db:  # type: ignore[attr-defined]
        out["private_calendar"] = _timed(
            lambda: feeds.person_calendar(db, member, LINKS, now),
            20,  # type: ignore[arg-type]
        )
        out["public_assembly_calendar"] = _timed(
            lambda: feeds.assembly_calendar(db, ids[0], LINKS, now), 20
        )
        out["decisions_feed"] = _timed(
            lambda: feeds.decisions_feed(db, ids[0], LINKS, now, self_url="x"), 20
        )
        out["private_calendar_bytes"] = len(feeds.person_calendar(db, member, LINKS, now))  # type: ignore[arg-type]
    return out


def bench_webhooks(sessions: object, n_events: int) -> dict[str, object]:
    sealer = webhooks.Sealer(SECRET)
    with receiver() as hook:
        with sessions.begin() as db:  # type: ignore[attr-defined]
            fac = accounts.register(db, "hook_fac", "una frase larga y secreta")
            assembly = federation.create_assembly(
                db, fac, name="Con webhook", kind=AssemblyKind.UNION, parent_id=None
            )
            made = webhooks.register(
                db,
                fac,
                assembly.id,
                url=hook.url,
                kinds=["vote_opened"],
                sealer=sealer,
                now=utcnow(),
                allow_private=True,
            )
            hook.secret = made.secret
            now = utcnow()
            for v in range(n_events):
                spec = make_spec(
                    question=f"¿Evento {v}?",
                    options=["Sí", "No"],
                    rule="plurality",
                    seats=1,
                    threshold="simple",
                    quorum_percent=0,
                    mode=Mode.SECRET,
                    public=False,
                    opens_at=now,
                    closes_at=now + timedelta(days=1),
                )
                votes.open_vote(db, fac, votes.draft_vote(db, fac, assembly.id, spec).id, now)
        job = webhooks.WebhookJob(sessions, sealer, allow_private=True, timeout=5)  # type: ignore[arg-type]
        started = time.perf_counter()
        while len(hook.received) < n_events:
            if job.run_pass() == 0 and len(hook.received) < n_events:
                break
        elapsed = time.perf_counter() - started
        delivered = len(hook.received)
        verified = all(r.verified for r in hook.received)
        body = json.dumps(hook.received[0].body).encode()
        port = int(hook.url.split(":")[2].split("/")[0])
        started = time.perf_counter()
        for _ in range(n_events):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("POST", "/peer", body=body)
            connection.getresponse().read()
            connection.close()
        peer = n_events / (time.perf_counter() - started)
    return {
        "events": n_events,
        "delivered": delivered,
        "all_signatures_verified": verified,
        "posts_per_s": round(delivered / elapsed, 1),
        "peer_bare_posts_per_s": round(peer, 1),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=40)
    parser.add_argument("--actions", type=int, default=20)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    url, schema = new_database("sqlite", folder)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        result = {
            "database": "sqlite",
            "feeds": bench_feeds(sessions, args.votes, args.actions),
            "webhooks": bench_webhooks(sessions, args.events),
        }
    finally:
        engine.dispose()
        drop_database(url, schema)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
