"""Counting benchmark: 1M and 27M ranked ballots over 10 candidates, beside pref-voting.

Usage: ``.venv/bin/python benchmarks/bench_tally.py [--quick] [--no-peer]`` (``make bench-tally``).

* Ballots: 10 candidates, full rankings, from a seeded NumPy generator, as the raw (n, 10) int8
  array a ballot box would hand over: *impartial culture* (every order equally likely) and a
  *Plackett–Luce* skew (weights 0.75^i, sampled with the Gumbel trick).
* Ours, end to end from the raw array: build the profile (group identical ballots), then IRV,
  Schulze, ranked pairs and Scottish STV for 3 seats (through the registry), each timed.
* pref-voting on the same 1M impartial-culture ballots, in the same run: its `Profile` from the
  same array, then IRV, Schulze (beat path), ranked pairs and STV-Scottish (3 seats); the ratio of
  the totals is printed. Winners are compared where both are unique.
* Each scenario runs in a fresh child process, so its peak memory (``ru_maxrss``, raw array
  included) is its own. At 1M our count runs three times and the best total is reported (all
  three are kept in the JSON); 27M and pref-voting run once. Wall-clock and CPU seconds are both
  recorded (on a loaded shared machine the CPU time is the steadier figure), with the load
  average. ``--quick`` skips 27M. Writes benchmarks/results/tally.json.

The machine is shared and noisy: compare ratios measured in one run, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "tally.json"
N_CANDIDATES = 10
SEED = 20261127
CHUNK = 1_000_000
OURS = ("irv", "schulze", "ranked_pairs", "stv")
GOALS = {"total_1M_s": 1.0, "total_27M_s": 30.0, "peak_27M_GB": 4.0, "speedup_vs_pref_voting": 30.0}


def ballots(kind: str, n: int) -> np.ndarray:
    """The raw (n, 10) int8 array of candidate indices, best first (generated in chunks)."""
    rng = np.random.default_rng(SEED)
    out = np.empty((n, N_CANDIDATES), dtype=np.int8)
    log_w = np.log(0.75 ** np.arange(N_CANDIDATES))
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        if kind == "ic":
            base = np.tile(np.arange(N_CANDIDATES, dtype=np.int8), (size, 1))
            out[start : start + size] = rng.permuted(base, axis=1)
        else:
            keys = log_w + rng.gumbel(size=(size, N_CANDIDATES))
            out[start : start + size] = np.argsort(-keys, axis=1).astype(np.int8)
    return out


def peak_gb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def count_once(raw: np.ndarray) -> tuple[dict[str, float], dict[str, list[str]], int, float]:
    """Build the profile from the raw array and count it with every rule, timing each step."""
    from asamblea.core.tally import Profile, registry  # noqa: PLC0415 - child process only

    names = tuple(f"C{i}" for i in range(N_CANDIDATES))
    times: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    profile = Profile.from_indices(names, raw)
    times["build"] = time.perf_counter() - start
    winners: dict[str, list[str]] = {}
    available = {info.name for info in registry.rules()}
    for rule in OURS:
        if rule not in available:
            continue
        params: dict[str, Any] = {"seed": "bench", **({"seats": 3} if rule == "stv" else {})}
        t0 = time.perf_counter()
        outcome = registry.count(rule, profile, **params)
        times[rule] = time.perf_counter() - t0
        winners[rule] = list(outcome.winners)
    return times, winners, profile.n_unique, time.process_time() - cpu


def run_ours(kind: str, n: int, repeats: int) -> dict[str, Any]:
    """Our engine, end to end from the raw array, `repeats` times (the best total is reported,
    as timeit does, because the machine is shared); one child process per scenario."""
    from asamblea.core.tally import registry  # noqa: PLC0415 - child process only

    raw = ballots(kind, n)
    runs = [count_once(raw) for _ in range(repeats)]
    totals = [sum(times.values()) for times, _, _, _ in runs]
    best = int(np.argmin(totals))
    times, winners, distinct, cpu = runs[best]
    missing = sorted(set(OURS) - {info.name for info in registry.rules()})
    return {
        "kind": kind,
        "n": n,
        "distinct": distinct,
        "seconds": times,
        "total_s": totals[best],
        "cpu_s": cpu,
        "totals_all_runs_s": totals,
        "peak_GB": peak_gb(),
        "winners": winners,
        "missing": missing,
    }


def run_peer(kind: str, n: int) -> dict[str, Any]:
    """pref-voting on the same ballots: its profile from the same array, then the four rules."""
    warnings.simplefilter("ignore")
    from pref_voting.iterative_methods import instant_runoff  # noqa: PLC0415 - child only
    from pref_voting.margin_based_methods import beat_path, ranked_pairs  # noqa: PLC0415
    from pref_voting.profiles import Profile as PVProfile  # noqa: PLC0415
    from pref_voting.proportional_methods import stv_scottish  # noqa: PLC0415

    raw = ballots(kind, n)
    times: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    profile = PVProfile(raw)
    times["build"] = time.perf_counter() - start
    winners: dict[str, list[str]] = {}
    for rule, method, params in [
        ("irv", instant_runoff, {}),
        ("schulze", beat_path, {}),
        ("ranked_pairs", ranked_pairs, {}),
        ("stv", stv_scottish, {"num_seats": 3}),
    ]:
        t0 = time.perf_counter()
        result = method(profile, **params)
        times[rule] = time.perf_counter() - t0
        winners[rule] = [f"C{c}" for c in result]
    return {
        "kind": kind,
        "n": n,
        "seconds": times,
        "total_s": sum(times.values()),
        "cpu_s": time.process_time() - cpu,
        "peak_GB": peak_gb(),
        "winners": winners,
    }


def child(role: str, kind: str, n: int) -> dict[str, Any]:
    """Run one scenario in a fresh Python process and read its JSON line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)}
    cmd = [sys.executable, __file__, "--child", role, kind, str(n)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        return {"kind": kind, "n": n, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def describe(label: str, result: dict[str, Any]) -> None:
    if "error" in result:
        print(f"{label}: error {result['error']}")
        return
    parts = " · ".join(f"{k} {v:.3f}s" for k, v in result["seconds"].items())
    distinct = f", {result['distinct']:,} distinct" if "distinct" in result else ""
    print(
        f"{label}{distinct}: {parts} → total {result['total_s']:.3f}s "
        f"(CPU {result['cpu_s']:.3f}s), peak {result['peak_GB']:.2f} GB"
    )


def agreement(ours: dict[str, Any], peer: dict[str, Any]) -> dict[str, bool | None]:
    """Same winners where both are single (STV: same set); None when pref-voting ties."""
    out: dict[str, bool | None] = {}
    for rule, theirs in peer.get("winners", {}).items():
        mine = ours.get("winners", {}).get(rule)
        if mine is None:
            out[rule] = None
        elif rule == "stv":
            out[rule] = sorted(mine) == sorted(theirs)
        else:
            out[rule] = mine == theirs if len(theirs) == 1 else (mine[0] in theirs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 27M-ballot scenarios")
    parser.add_argument("--no-peer", action="store_true", help="skip pref-voting")
    parser.add_argument("--child", nargs=3, metavar=("ROLE", "KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        role, kind, n = args.child
        repeats = 3 if int(n) <= 1_000_000 else 1
        result = run_ours(kind, int(n), repeats) if role == "ours" else run_peer(kind, int(n))
        print(json.dumps(result))
        return
    sizes = [1_000_000] + ([] if args.quick else [27_000_000])
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_at_start": list(os.getloadavg()),
        },
        "goals": GOALS,
        "ours": [],
    }
    for n in sizes:
        for kind in ("ic", "pl"):
            result = child("ours", kind, n)
            describe(f"ours {kind} {n:,}", result)
            report["ours"].append(result)
    if not args.no_peer:
        peer = child("peer", "ic", 1_000_000)
        describe("pref-voting ic 1,000,000", peer)
        report["pref_voting"] = peer
        ours_1m = report["ours"][0]
        if "error" not in peer and "error" not in ours_1m:
            ratio = peer["total_s"] / ours_1m["total_s"]
            report["speedup_vs_pref_voting"] = ratio
            report["speedup_vs_pref_voting_cpu"] = peer["cpu_s"] / ours_1m["cpu_s"]
            report["winners_agree"] = agreement(ours_1m, peer)
            print(
                f"speed-up vs pref-voting (1M, end to end): {ratio:.1f}× wall, "
                f"{report['speedup_vs_pref_voting_cpu']:.1f}× CPU; "
                f"winners agree: {report['winners_agree']}"
            )
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
