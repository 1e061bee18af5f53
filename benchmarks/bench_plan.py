"""Planning benchmark: Leontief + labour values, and plans, beside SciPy on the same problems.

Usage: ``.venv/bin/python benchmarks/bench_plan.py [--quick] [--peer-time-limit S]``.

* Leontief + labour values (gross output for a random net output, labour values for random
  labour coefficients) on generated sparse economies (~10 inputs per product, cycles, spectral
  radius 0.5 and 0.9) at 10⁵ and 10⁶ products, beside ``scipy.sparse.linalg.spsolve``.
* The optimal plan for the real tables (UK 2015, Chile 2008, pymrio's test MRIO, the five-year-
  plan example), beside ``scipy.optimize.linprog(method="highs")`` on the same LP.
* Plans for generated economies of 10⁴ products (optimal) and 10⁵ (feasible, with its gap),
  10 % of products with a second technique and two resource limits, beside ``linprog``.

Smaller sizes (10³, 10⁴) are included because that is where the peers still finish. Peers run
in a child process with a time limit (and a 4 GB memory cap), so the run always ends; "did not
finish" is reported when they do not. ``--quick`` leaves out the largest size of each part.
Writes benchmarks/results/plan.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse import linalg

from asamblea.core.planning import Economy, Targets, constraint_violation, solve_plan
from asamblea.core.planning.leontief import leontief_solve
from asamblea.core.planning.synthetic import synthetic_economy, synthetic_inputs, synthetic_targets
from asamblea.formats.planning import load_model

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "plan.json"
SHARED = ROOT.parent / "shared" / "data" / "planning"
TEST_DATA = ROOT / "tests" / "data" / "planning"
PEER_MEMORY = 4 * 1024**3
GOALS = {"leontief_1e5": 1.0, "leontief_1e6": 10.0, "real_plan": 0.1, "plan_1e4": 15.0,
         "plan_1e5": 90.0}


def _child(fn: Callable[[], Any], queue: Any) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PEER_MEMORY, PEER_MEMORY))
    try:
        start = time.perf_counter()
        value = fn()
        queue.put(("done", time.perf_counter() - start, value))
    except MemoryError:
        queue.put(("out of memory (4 GB cap)", None, None))
    except Exception as error:  # the peer's failure is reported, not raised
        queue.put((f"failed: {type(error).__name__}", None, None))


def run_peer(fn: Callable[[], Any], limit: float) -> dict[str, Any]:
    """Run ``fn`` in a forked child; its time, or why it did not finish within ``limit`` s."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(fn, queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        process.join()
        return {"status": f"did not finish in {limit:g} s", "seconds": None}
    if queue.empty():
        return {"status": "crashed (memory cap?)", "seconds": None}
    status, seconds, value = queue.get()
    return {"status": status, "seconds": seconds, "value": value}


def bench_leontief(n: int, radius: float, peer_limit: float) -> dict[str, Any]:
    """Gross output + labour values by BiCGSTAB, then spsolve on the same two systems."""
    a = synthetic_inputs(n, spectral_radius=radius, seed=1)
    rng = np.random.default_rng(2)
    d, labour = rng.random(n), rng.random(n) + 0.5
    a_t = sparse.csr_array(a.T)
    start = time.perf_counter()
    x = leontief_solve(a, d)
    v = leontief_solve(a_t, labour)
    ours = time.perf_counter() - start
    residual = max(float(np.abs(x - a @ x - d).max()), float(np.abs(v - a_t @ v - labour).max()))
    identity = sparse.identity(n, format="csc")

    def peer() -> float:
        xs = linalg.spsolve(sparse.csc_array(identity - a), d)
        vs = linalg.spsolve(sparse.csc_array(identity - a_t), labour)
        return float(max(np.abs(xs - x).max(), np.abs(vs - v).max()))

    scipy_run = run_peer(peer, peer_limit)
    return {"n": n, "spectral_radius": radius, "ours_seconds": ours, "max_residual": residual,
            "spsolve": scipy_run}


def linprog_plan(economy: Economy, targets: Targets, limit: float) -> float | None:
    """The same max–min LP through ``scipy.optimize.linprog(method="highs")``."""
    n, m = economy.n_products, economy.n_techniques
    net = economy.net_matrix()
    t_col = sparse.csc_array(targets.levels[:, None])
    limits = np.concatenate([[economy.labour_limit], economy.resource_limits])
    uses = sparse.vstack([sparse.csr_array(economy.labour[None, :]), economy.resource_use])
    finite = np.flatnonzero(np.isfinite(limits))
    a_ub = sparse.vstack([
        sparse.hstack([-net, t_col]), sparse.hstack([-net, sparse.csc_array((n, 1))]),
        sparse.hstack([sparse.csr_array(uses)[finite], sparse.csc_array((finite.size, 1))]),
    ], format="csr")
    b_ub = np.concatenate([np.zeros(n), -targets.floors, limits[finite]])
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    cap = economy.capacity_array
    bounds = [(0.0, c if np.isfinite(c) else None) for c in cap] + [(0.0, None)]
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs",
                     options={"time_limit": limit})
    return float(-result.fun) if result.status == 0 else None


def bench_plan(name: str, economy: Economy, targets: Targets, peer_limit: float, *,
               repeat: int = 1, time_limit: float = 80.0) -> dict[str, Any]:
    """Our plan (best of ``repeat``) beside linprog on the same LP."""
    times, plan = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        plan = solve_plan(economy, targets, time_limit=time_limit)
        times.append(time.perf_counter() - start)
    if plan is None:
        raise ValueError("repeat must be at least 1")
    peer = run_peer(lambda: linprog_plan(economy, targets, peer_limit), peer_limit + 30)
    if peer.get("value") is None and peer["status"] == "done":
        peer["status"] = f"no optimum in its {peer_limit:g} s limit"
        peer["seconds"] = None
    return {
        "name": name, "products": economy.n_products, "techniques": economy.n_techniques,
        "ours_seconds": min(times), "ours_median_seconds": float(np.median(times)),
        "status": plan.status.value, "method": plan.method, "fulfilment": plan.fulfilment,
        "bound": plan.bound, "gap": plan.gap,
        "violation": constraint_violation(economy, targets, plan),
        "linprog": {"status": peer["status"], "seconds": peer["seconds"],
                    "fulfilment": peer.get("value")},
    }


def real_tables() -> list[tuple[str, Path]]:
    """The real tables: the shared folder when present, else the copies under tests/data."""
    shared = [("UK 2015", SHARED / "uk2015_cockshott_ukgreen"),
              ("Chile 2008", SHARED / "chile2008_bcch_111"),
              ("pymrio test", SHARED / "pymrio_test_mrio"),
              ("five-year plan", SHARED / "cockshott_5yearplan_example")]
    local = [("UK 2015", TEST_DATA / "uk2015"), ("pymrio test", TEST_DATA / "pymrio_test"),
             ("five-year plan", TEST_DATA / "five_year_plan")]
    return [t for t in shared if t[1].exists()] or local


def _print_row(label: str, ours: float, peer: dict[str, Any], extra: str = "") -> None:
    peer_text = (f"{peer['seconds']:.3f} s" if peer.get("seconds") is not None
                 else peer["status"])
    print(f"  {label:<34} ours {ours:8.3f} s   scipy {peer_text:<28} {extra}")


def main() -> None:
    """Run the benchmark and write benchmarks/results/plan.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="leave out the largest sizes")
    parser.add_argument("--peer-time-limit", type=float, default=None)
    args = parser.parse_args()
    peer_limit = args.peer_time_limit or (10.0 if args.quick else 60.0)
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
        "machine": {"python": platform.python_version(), "cpus": mp.cpu_count(),
                    "platform": platform.platform()},
        "goals_seconds": GOALS, "leontief": [], "plans": [],
    }
    print("Leontief + labour values (BiCGSTAB) beside scipy.sparse.linalg.spsolve")
    sizes = (10**3, 10**4, 10**5) if args.quick else (10**3, 10**4, 10**5, 10**6)
    for n in sizes:  # the small sizes are where spsolve still finishes
        for radius in (0.5, 0.9):
            row = bench_leontief(n, radius, peer_limit)
            report["leontief"].append(row)
            _print_row(f"n={n:,} radius={radius}", row["ours_seconds"], row["spsolve"],
                       f"residual {row['max_residual']:.1e}")
    print("Plans beside scipy.optimize.linprog(method='highs')")
    for name, folder in real_tables():
        loaded = load_model(folder)
        goal = Targets(levels=loaded.baseline, floors=np.zeros(loaded.economy.n_products))
        row = bench_plan(name, loaded.economy, goal, peer_limit, repeat=5)
        report["plans"].append(row)
        _print_row(f"{name} ({row['method']})", row["ours_seconds"], row["linprog"],
                   f"t={row['fulfilment']:.6f} {row['status']}")
    for n in (10**3, 10**4) if args.quick else (10**3, 10**4, 10**5):
        for radius in (0.5, 0.9):
            economy = synthetic_economy(n, spectral_radius=radius, alternatives=0.1,
                                        resources=2, seed=3)
            row = bench_plan(f"generated n={n:,} radius={radius}", economy,
                             synthetic_targets(n, seed=3), peer_limit)
            report["plans"].append(row)
            _print_row(f"n={n:,} radius={radius} ({row['method']})", row["ours_seconds"],
                       row["linprog"], f"t={row['fulfilment']:.6f} gap {row['gap']:.1e}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
