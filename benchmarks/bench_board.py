"""Bulletin-board benchmark: build, write and verify a board of 1M generated ballots.

Usage: ``.venv/bin/python benchmarks/bench_board.py [--ballots N] [--kind approval|ranking]
[--rule RULE] [--seed S]``. Verification = read the file + ballots + chain + signatures +
counts + re-count through the counting registry, compared with the published result. Beside it:
the naive per-entry chain check (``json.dumps(..., sort_keys=True)`` + SHA-256 per ballot, measured
on a sample here) and the ~5 µs/entry of docs PERFORMANCE.md. Writes benchmarks/results/board.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from asamblea.core.ledger import (
    Ballot,
    BallotKind,
    Board,
    VoteHeader,
    close_board,
    paused_gc,
    receipt_from_bits,
    recount,
    signing_key_from_seed,
    verify_ballots,
    verify_chain,
    verify_counts,
    verify_result,
    verify_signatures,
    with_result,
)
from asamblea.formats.board import read_board, write_board

OPTIONS = tuple(f"Proyecto {i + 1}" for i in range(10))
RESULTS = Path(__file__).resolve().parent / "results" / "board.json"
DOC_BASELINE_US = 5.0
CPU: dict[str, float] = {}


def generate(n: int, kind: BallotKind, seed: int) -> list[Ballot]:
    """``n`` ballots (skewed preferences, seeded) with receipts from a seeded generator."""
    rng = np.random.default_rng(seed)
    k = len(OPTIONS)
    if kind is BallotKind.APPROVAL:
        weights = np.linspace(0.6, 0.1, k)
        masks = (rng.random((n, k)) < weights) @ (1 << np.arange(k))
        table = [tuple(j for j in range(k) if mask >> j & 1) for mask in range(1 << k)]
        selections = [table[m] for m in masks.tolist()]
    else:
        scores = rng.gumbel(size=(n, k)) + np.linspace(1.5, 0.0, k)
        order = np.argsort(-scores, axis=1)[:, :3]
        selections = [tuple(row) for row in order.tolist()]
    bits = random.Random(seed)
    return [Ballot(receipt_from_bits(bits.getrandbits(75)), s) for s in selections]


def timed(label: str, times: dict[str, float], action):  # type: ignore[no-untyped-def]
    """Run ``action()``, record and print its wall time."""
    start, cpu = time.perf_counter(), time.process_time()
    value = action()
    times[label] = time.perf_counter() - start
    CPU[label] = time.process_time() - cpu
    print(f"  {label:<28} {times[label]:8.2f} s wall {CPU[label]:8.2f} s CPU")
    return value


def naive_chain_us(board: Board, sample: int) -> float:
    """µs per entry of the naive check: json.dumps(sort_keys) of a dict + SHA-256 + compare."""
    ballots = [{"receipt": r, "selection": list(s)}
               for r, s in zip(board.receipts[:sample], board.selections[:sample], strict=True)]
    start = time.perf_counter()
    previous = bytes.fromhex(board.genesis)
    for ballot, stored in zip(ballots, board.heads, strict=False):
        encoded = json.dumps(ballot, sort_keys=True, separators=(",", ":")).encode()
        head = hashlib.sha256(previous + encoded).hexdigest()
        if head != stored:
            raise SystemExit(f"naive chain check disagrees at {stored}")
        previous = bytes.fromhex(head)
    return (time.perf_counter() - start) / len(ballots) * 1e6


def build(n: int, kind: BallotKind, rule: str, seed: int, times: dict[str, float]) -> Board:
    """Generate, chain, count and seal the board (as the server would at publication)."""
    header = VoteHeader(vote_id="bench/1", question="¿Qué proyectos financiamos?",
                        options=OPTIONS, kind=kind, rule=rule, seats=1 if kind.value == "ranking"
                        else 3, quorum=Fraction(1, 2), roll_size=n + n // 10,
                        opens_at=datetime(2026, 11, 1, 13, tzinfo=UTC))
    with paused_gc():
        ballots = timed("generate ballots", times, lambda: generate(n, kind, seed))
    key = signing_key_from_seed(hashlib.sha256(b"bench").digest())
    draft = timed("check + chain + sign", times, lambda: close_board(
        header, ballots, voters=n, closed_at="2026-11-02T01:00:00Z", seed="bench", key=key,
        result=None))
    result = timed("count (publication)", times, lambda: recount(draft))
    return with_result(draft, key, result)


def verify_steps(board: Board, times: dict[str, float]) -> float:
    """Write the board, then read and verify it step by step; returns the file size in MB."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.json"
        timed("write file", times, lambda: write_board(board, path))
        size_mb = path.stat().st_size / 1e6
        loaded = timed("verify: read file", times, lambda: read_board(path))
    with paused_gc():  # as verify_board does
        findings = timed("verify: ballots", times, lambda: verify_ballots(loaded))
        findings += timed("verify: chain", times, lambda: verify_chain(loaded))
        findings += timed("verify: signatures", times, lambda: verify_signatures(loaded))
        findings += timed("verify: counts", times, lambda: verify_counts(loaded))
        findings += timed("verify: re-count + compare", times,
                          lambda: verify_result(loaded, recount))
    if findings:
        raise SystemExit(f"the generated board does not verify: {findings[:5]}")
    return size_mb


def main() -> None:
    """Run the benchmark and write benchmarks/results/board.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=["approval", "ranking"], default="approval")
    parser.add_argument("--rule", default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    kind = BallotKind(args.kind)
    rule = args.rule or ("approval" if kind is BallotKind.APPROVAL else "irv")
    times: dict[str, float] = {}
    print(f"Board of {args.ballots:,} {kind.value} ballots, rule {rule!r}")
    board = build(args.ballots, kind, rule, args.seed, times)
    size_mb = verify_steps(board, times)
    sample = min(args.ballots, 100_000)
    naive_us = naive_chain_us(board, sample)
    report = {
        "benchmark": "bench_board", "ballots": args.ballots, "kind": kind.value, "rule": rule,
        "seed": args.seed, "file_mb": round(size_mb, 1),
        "seconds": {k: round(v, 3) for k, v in times.items()},
        "cpu_seconds": {k: round(v, 3) for k, v in CPU.items()},
        "verify_total_s": round(sum(v for k, v in times.items() if k.startswith("verify")), 3),
        "verify_total_cpu_s": round(sum(v for k, v in CPU.items() if k.startswith("verify")), 3),
        "target_verify_s": 10.0, "load_average_1min": round(os.getloadavg()[0], 2),
        "chain_us_per_entry": {
            "ours": round(times["verify: chain"] / max(args.ballots, 1) * 1e6, 3),
            "naive_measured": round(naive_us, 3), "naive_sample": sample,
            "performance_md": DOC_BASELINE_US,
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    summarise(report)


def summarise(report: dict[str, Any]) -> None:
    """Print the totals beside the baselines and write the JSON report."""
    chain = report["chain_us_per_entry"]
    print(f"  {'verify total':<28} {report['verify_total_s']:8.2f} s wall "
          f"{report['verify_total_cpu_s']:8.2f} s CPU (target ≤ 10 s for 1M; "
          f"load average {report['load_average_1min']})")
    print(f"  file size {report['file_mb']:.0f} MB")
    print(f"  chain check per entry: ours {chain['ours']:.2f} µs · naive measured "
          f"{chain['naive_measured']:.2f} µs (on {chain['naive_sample']:,}) · "
          f"PERFORMANCE.md ~{chain['performance_md']:.0f} µs")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"  written {RESULTS}")


if __name__ == "__main__":
    main()
