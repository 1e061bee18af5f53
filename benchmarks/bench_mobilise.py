"""Mobilisation benchmark: pledging over HTTP, re-evaluating every threshold, the map's weight.

Usage: ``.venv/bin/python benchmarks/bench_mobilise.py [--members N] [--clients C]
[--seconds S] [--rate R] [--backends sqlite,postgresql] [--pledges N] [--assemblies N]``.

1. **Pledging over HTTP** (targets: ≥ 500 pledges/s, p99 ≤ 100 ms), the shape of
   bench_votes.py's casting run and with its helpers: for each database, one committed
   transaction makes a union of N members with a bearer token each and convenes an action
   with a conditional pledge (N/2 members: the trigger fires half way, once); ``asamblea
   serve`` starts on a free loopback port; wrk (Debian's package: a C load generator, so
   the client does not eat the server's CPU) sends one ``POST /api/v1/actions/{id}/pledge``
   per member — first paced (Poisson arrivals at R/s: latency at a given load), then as fast
   as it can (saturation). Beside each phase, the server's CPU per pledge (all its threads:
   a figure a busy machine disturbs far less than latency). Afterwards the database must hold
   at least one pledge per 201 answer and one trigger event.
2. **Re-evaluating every threshold** of a federation with 1,000,000 pledges over 10,000
   assemblies in 25 regions and 50 campaigns (target ≤ 1 s): `core.mobilisation.evaluation`
   from raw (campaign, assembly) pledges, the reduction included; beside it, the scalar rules
   (`pledges.standing`) on the same counts, the peer it must agree with.
3. **The struggles map page on a cold load** (target ≤ 60 KB): ``GET /luchas`` and every
   stylesheet and script it links, as transferred (gzip, as a browser asks) and uncompressed.

Writes benchmarks/results/mobilise.json, with the load average beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import func, select

from asamblea.clock import utcnow
from asamblea.core.mobilisation.actions import ActionKind
from asamblea.core.mobilisation.evaluation import CampaignTable, count_pairs, evaluate_all
from asamblea.core.mobilisation.pledges import Thresholds, standing
from asamblea.services.mobilisation import actions
from asamblea.store.database import make_engine, make_sessionmaker
from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_models import PledgeRow

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_members  # the union of N members with a token each (shared with bench_votes)
import bench_votes  # the casting benchmark's database, server and wrk helpers (reused)

RESULTS = Path(__file__).resolve().parent / "results" / "mobilise.json"
TARGET_RATE, TARGET_P99_MS, TARGET_EVAL_S, TARGET_PAGE_KB = 500.0, 100.0, 1.0, 60.0


def setup(db_url: str, members: int) -> tuple[int, int, list[str]]:
    """One transaction: a union of `members` (bulk rows, one token each) and a sit-in with a
    conditional pledge of members/2. Returns (action id, union id, tokens)."""
    engine = make_engine(db_url)
    now = utcnow()
    try:
        with make_sessionmaker(engine).begin() as db:
            made = bench_members.union_with_tokens(
                db, members=members, username="comunera%06d", name="Sindicato del paro", now=now
            )
            founder, union, tokens = made.founder, made.assembly, made.tokens
            spec = actions.Convening(
                kind=ActionKind.STRIKE_INDEFINITE,
                title="Huelga indefinida",
                region="15",
                starts_at=now + timedelta(days=7),
                places=["Puerta de la planta"],
                pledge=Thresholds(members // 2),
            )
            action = actions.convene(db, founder, union.id, spec, now=now)
    finally:
        engine.dispose()
    return action.id, union.id, tokens


def pledge_with_wrk(
    url: str,
    action_id: int,
    union_id: int,
    tokens: list[str],
    *,
    clients: int,
    seconds: int,
    rate: int,
) -> dict[str, Any]:
    """bench_votes' wrk script with the pledge's path and body: one pledge per token."""
    script = bench_votes.WRK_SCRIPT.replace(
        """'{"selection":[' .. (voter % 3) .. ']}'""", f"""'{{"assembly_id":{union_id}}}'"""
    )
    assert script != bench_votes.WRK_SCRIPT  # noqa: S101 - the body was found and replaced
    fields, load = bench_votes.run_wrk(
        script,
        f"/api/v1/actions/{action_id}/pledge",
        tokens,
        url,
        clients=clients,
        seconds=seconds,
        rate=rate,
    )
    created = int(fields["created"])
    return {
        "offered_rate": rate or "as fast as possible",
        "pledges": created,
        "refused": int(fields["refused"]),
        "seconds": seconds,
        "pledges_per_second": round(created / seconds, 1),
        "p50_ms": round(float(fields["p50"]), 1),
        "p99_ms": round(float(fields["p99"]), 1),
        "max_ms": round(float(fields["max"]), 1),
        "load_average_1min_before": round(load, 2),
    }


def check_database(db_url: str, answered: int, threshold: int) -> dict[str, Any]:
    """Pledges stored and trigger events, counted in the database. wrk stops counting at its
    deadline while the server finishes the requests in flight, so at least as many pledges as
    201 answers are stored; the trigger fired once if the threshold was reached, else never."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            pledged = int(connection.scalar(select(func.count()).select_from(PledgeRow)) or 0)
            fired = int(
                connection.scalar(
                    select(func.count())
                    .select_from(AuditRow)
                    .where(AuditRow.action == "mobilisation.pledge_triggered")
                )
                or 0
            )
    finally:
        engine.dispose()
    expected_triggers = 1 if pledged >= threshold else 0
    return {
        "stored": pledged,
        "answered_201": answered,
        "triggers": fired,
        "threshold": threshold,
        "consistent": pledged >= answered and fired == expected_triggers,
    }


def run_http(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Phase 1 on one database."""
    with bench_votes.database(backend) as db:
        action_id, union_id, tokens = setup(db.url, args.members)
        paced_n = min(len(tokens) // 2, args.rate * args.seconds)
        with bench_votes.server(db, 1) as (url, pid):
            cpu = bench_votes.tree_cpu_seconds(pid)
            paced = pledge_with_wrk(
                url,
                action_id,
                union_id,
                tokens[:paced_n],
                clients=args.clients,
                seconds=args.seconds,
                rate=args.rate,
            )
            paced["server_cpu_ms_per_pledge"] = bench_votes.cpu_per_cast(pid, cpu, paced["pledges"])
            cpu = bench_votes.tree_cpu_seconds(pid)
            burst = pledge_with_wrk(
                url,
                action_id,
                union_id,
                tokens[paced_n:],
                clients=args.clients,
                seconds=args.seconds,
                rate=0,
            )
            burst["server_cpu_ms_per_pledge"] = bench_votes.cpu_per_cast(pid, cpu, burst["pledges"])
        answered = paced["pledges"] + burst["pledges"]
        stored = check_database(db.url, answered, args.members // 2)
    return {"backend": backend, "paced": paced, "saturation": burst, "database": stored}


def run_evaluation(pledges: int, assemblies: int) -> dict[str, Any]:
    """Phase 2: every campaign's thresholds from raw pledges, and the scalar peer."""
    rng = np.random.default_rng(12)
    campaigns, regions = 50, 25
    pc = rng.integers(0, campaigns, pledges)
    pa = rng.integers(0, assemblies, pledges)
    region = rng.integers(0, regions, assemblies)
    table = CampaignTable(
        members=rng.integers(1, 6, campaigns),
        assemblies=rng.integers(0, 12, campaigns),
        people=np.where(rng.random(campaigns) < 0.3, 0, rng.integers(5, 25_000, campaigns)),
    )
    load = os.getloadavg()[0]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        got = evaluate_all(table, count_pairs(pc, pa, assemblies), region, regions)
        best = min(best, time.perf_counter() - start)
    pairs = count_pairs(pc, pa, assemblies)
    start = time.perf_counter()
    region_of = {a: int(r) for a, r in enumerate(region)}
    agree = True
    for c in range(campaigns):
        mask = pairs.campaign == c
        counts = dict(zip(pairs.assembly[mask].tolist(), pairs.count[mask].tolist(), strict=True))
        rule = Thresholds(
            int(table.members[c]), int(table.assemblies[c]) or None, int(table.people[c]) or None
        )
        one = standing(rule, counts, region_of)
        agree &= (
            bool(got.triggered[c]) == one.triggered and got.people_counted[c] == one.people_counted
        )
    scalar = time.perf_counter() - start
    return {
        "pledges": pledges,
        "assemblies": assemblies,
        "campaigns": campaigns,
        "regions": regions,
        "vectorised_best_of_3_s": round(best, 4),
        "scalar_rules_on_counts_s": round(scalar, 3),
        "agree": bool(agree),
        "triggered": int(got.triggered.sum()),
        "load_average_1min_before": round(load, 2),
    }


def run_page_weight() -> dict[str, Any]:
    """Phase 3: /luchas and what it links, gzip as a browser asks, and uncompressed."""
    with (
        bench_votes.database("sqlite") as db,
        bench_votes.server(db, 1) as (url, _pid),
        httpx.Client(base_url=url, headers={"accept-encoding": "gzip"}) as http,
    ):
        page = http.get("/luchas")
        links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
        parts = [("/luchas", page)] + [(link, http.get(link)) for link in links]
        wire = sum(_wire_bytes(http, path) for path, _ in parts)
        raw = sum(len(r.content) for _, r in parts)
    return {
        "page": "/luchas",
        "files": [p for p, _ in parts],
        "transferred_bytes": wire,
        "uncompressed_bytes": raw,
        "transferred_kb": round(wire / 1024, 1),
    }


def _wire_bytes(http: httpx.Client, path: str) -> int:
    with http.stream("GET", path) as response:
        return sum(len(chunk) for chunk in response.iter_raw())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=12_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pledges", type=int, default=1_000_000)
    parser.add_argument("--assemblies", type=int, default=10_000)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}
    }
    results["evaluation"] = run_evaluation(args.pledges, args.assemblies)
    print(json.dumps(results["evaluation"]))
    results["map_page"] = run_page_weight()
    print(json.dumps(results["map_page"]))
    results["pledging"] = []
    for backend in args.backends.split(","):
        if backend == "postgresql" and (problem := bench_votes.postgres_problem()):
            print(f"PostgreSQL skipped: {problem}")
            continue
        one = run_http(backend, args)
        results["pledging"].append(one)
        print(json.dumps(one))
    results["targets"] = {
        "pledges_per_second": TARGET_RATE,
        "p99_ms": TARGET_P99_MS,
        "evaluation_s": TARGET_EVAL_S,
        "map_page_kb": TARGET_PAGE_KB,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
