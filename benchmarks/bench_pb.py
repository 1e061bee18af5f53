"""Benchmark: Equal Shares with add1 completion, ours against pabutools (`make bench-pb`).

1. Ours on the largest instance in ../shared/data/pabulib (by voters: Wrocław 2015, 131,778
   voters × 197 projects, one approval each) and on the largest with several approvals per voter
   (Warszawa 2026, 61,668 × 83).
2. Ours on a generated instance of 500,000 voters × 300 projects (seeded).
3. pabutools 1.2.3 on the same real instance in the same run — exact fractions and floats, on
   its own (unmerged) profile as users call it — each in a subprocess with a time limit; where
   exact pabutools exceeds it, both libraries are also timed on a smaller instance (Świecie 2023).
   Wrocław's ballots approve one project each, which makes Equal Shares easy for us; so plain
   Equal Shares (one run, no completion) is also compared on Warszawa 2026, where pabutools' add1
   would take hours (about 180 runs of ~1 minute).
4. A generated tie-heavy instance (`core.budgeting.synthetic.tie_heavy`: 200 projects, 10,000
   voters, supports and costs from a few levels, so projects tie exactly round after round): ours
   MES + add1 against pabutools on the same instance (written to a temporary .pb), in floats and
   exact, each within the time limit (`--tie-only` runs this part alone).
Outcomes are compared (identical selections are required for a ratio to count).
Writes benchmarks/results/pb.json. Figures on a shared machine are noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from asamblea.core.budgeting import (
    BallotKind,
    Ballots,
    Completion,
    Instance,
    Project,
    Rule,
    select,
)
from asamblea.core.budgeting.synthetic import tie_heavy
from asamblea.formats.pabulib import read_pabulib, save_pabulib, to_pabulib

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "pabulib"
RESULTS = ROOT / "benchmarks" / "results" / "pb.json"
TIE_RESULTS = ROOT / "benchmarks" / "results" / "pb_tie_heavy.json"
LARGEST = "Poland_Wroclaw_2015_150_-_500.pb"
MULTI = "Poland_Warszawa_2026.pb"
SMALLER = "Poland_Swiecie_2023.pb"


def _best_of(runs: int, func: Any) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def ours_on_file(path: Path, runs: int = 3) -> dict[str, Any]:
    """Read once, then time MES + add1 (one currency unit per voter), best of ``runs``."""
    start = time.perf_counter()
    data = read_pabulib(path)
    read_s = time.perf_counter() - start
    seconds, outcome = _best_of(
        runs,
        lambda: select(
            data.instance, data.ballots, rule=Rule.EQUAL_SHARES, completion=Completion.ADD1
        ),
    )
    return {
        "instance": path.name,
        "voters": data.ballots.num_voters,
        "distinct_ballots": data.ballots.num_groups,
        "projects": len(data.instance.projects),
        "read_seconds": round(read_s, 3),
        "mes_add1_seconds": round(seconds, 4),
        "add1_steps": outcome.budget_steps,
        "selected": sorted(outcome.selected),
    }


def generated(voters: int, projects: int, seed: int = 2026) -> tuple[Instance, Ballots]:
    """Skewed approvals (1–5 per voter, Zipf-like popularity), costs 10k–1M soles."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, projects + 1) ** 0.8
    popularity /= popularity.sum()
    lengths = rng.integers(1, 6, size=voters)
    picks = rng.choice(projects, size=(voters, 5), p=popularity)
    picks = np.where(np.arange(5)[None, :] < lengths[:, None], picks, projects)
    picks.sort(axis=1)
    dup = np.zeros_like(picks, dtype=bool)
    dup[:, 1:] = picks[:, 1:] == picks[:, :-1]
    picks[dup] = projects
    picks.sort(axis=1)
    rows, counts = np.unique(picks, axis=0, return_counts=True)
    groups = [tuple((int(p), 1) for p in row if p < projects) for row in rows]
    ballots = Ballots.from_groups(BallotKind.APPROVAL, projects, groups, counts.tolist())
    costs = rng.integers(10_000, 1_000_001, size=projects) * 100
    budget = int(costs.sum() * 0.3)
    instance = Instance(budget, tuple(Project(f"g{k}", int(c)) for k, c in enumerate(costs)))
    return instance, ballots


def ours_mes(path: Path, runs: int) -> dict[str, Any]:
    """Time plain Equal Shares (no completion) on a file."""
    data = read_pabulib(path)
    seconds, outcome = _best_of(
        runs, lambda: select(data.instance, data.ballots, rule=Rule.EQUAL_SHARES)
    )
    return {"mes_seconds": round(seconds, 4), "selected": sorted(outcome.selected)}


def ours_generated(voters: int, projects: int, runs: int) -> dict[str, Any]:
    """Time MES + add1 on a generated instance (generation timed apart)."""
    start = time.perf_counter()
    instance, ballots = generated(voters, projects)
    gen_s = time.perf_counter() - start
    seconds, outcome = _best_of(
        runs,
        lambda: select(instance, ballots, rule=Rule.EQUAL_SHARES, completion=Completion.ADD1),
    )
    return {
        "instance": f"generated {voters} x {projects} (seed 2026)",
        "voters": voters,
        "distinct_ballots": ballots.num_groups,
        "projects": projects,
        "generate_seconds": round(gen_s, 3),
        "mes_add1_seconds": round(seconds, 4),
        "add1_steps": outcome.budget_steps,
        "selected_count": len(outcome.selected),
    }


def _pabutools_worker(path: str, floats: bool, add1: bool, queue: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pabutools import fractions  # noqa: PLC0415
        from pabutools.election import Cost_Sat, parse_pabulib  # noqa: PLC0415
        from pabutools.rules import method_of_equal_shares  # noqa: PLC0415

        fractions.FRACTION = fractions.FLOAT_FRAC if floats else fractions.GMPY_FRAC
        instance, profile = parse_pabulib(path)
        start, cpu = time.perf_counter(), time.process_time()
        outcome = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1 if add1 else None
        )
        wall = time.perf_counter() - start
        queue.put((wall, sorted(p.name for p in outcome), time.process_time() - cpu))


def pabutools_timed(
    path: Path, *, floats: bool, timeout: float, add1: bool = True
) -> dict[str, Any]:
    """pabutools MES (+ add1) in a subprocess; stops it after ``timeout`` seconds."""
    queue: Any = mp.Queue()
    process = mp.Process(target=_pabutools_worker, args=(str(path), floats, add1, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.terminate()
        process.join()
        return {"seconds": None, "timed_out_after": timeout, "selected": None}
    seconds, selected, cpu = queue.get()
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "timed_out_after": None,
        "selected": selected,
    }


def compare(
    path: Path, ours: dict[str, Any], timeout: float, *, add1: bool = True
) -> dict[str, Any]:
    """pabutools exact and float against our figure on one file."""
    key = "mes_add1_seconds" if add1 else "mes_seconds"
    out: dict[str, Any] = {
        "instance": path.name,
        "rule": "MES + add1" if add1 else "MES",
        "ours_seconds": ours[key],
    }
    for label, floats in (("exact", False), ("floats", True)):
        result = pabutools_timed(path, floats=floats, timeout=timeout, add1=add1)
        same = result["selected"] == ours["selected"] if result["selected"] else None
        ratio: float | str
        if result["seconds"] is not None:
            ratio = round(result["seconds"] / ours[key], 1)
        else:
            ratio = f"> {round(timeout / ours[key], 1)}"
        out[f"pabutools_{label}"] = {**result, "same_selection": same, "ratio": ratio}
        print(
            f"  pabutools {label}: {result['seconds']} s (limit {timeout} s),"
            f" same selection: {same}, ratio: {ratio}"
        )
    return out


def tie_heavy_section(timeout: float, runs: int, folder: Path) -> dict[str, Any]:
    """Ours and pabutools on the generated tie-heavy instance (200 × 10,000)."""
    instance, ballots = tie_heavy(200, 10_000)
    path = folder / "tie_heavy_200x10000.pb"
    save_pabulib(to_pabulib(instance, ballots), path)
    cpu = time.process_time()
    seconds, outcome = _best_of(
        runs,
        lambda: select(instance, ballots, rule=Rule.EQUAL_SHARES, completion=Completion.ADD1),
    )
    cpu = (time.process_time() - cpu) / runs
    ours = {
        "instance": "tie_heavy(200, 10000, seed=2026)",
        "mes_add1_cpu_seconds_mean": round(cpu, 3),
        "voters": ballots.num_voters,
        "distinct_ballots": ballots.num_groups,
        "projects": len(instance.projects),
        "distinct_supports": len(set(ballots.supporters().tolist())),
        "mes_add1_seconds": round(seconds, 4),
        "add1_steps": outcome.budget_steps,
        "selected": sorted(outcome.selected),
    }
    print(f"ours tie-heavy: MES+add1 {ours['mes_add1_seconds']} s ({ours['add1_steps']} steps)")
    return {"ours": ours, "pabutools": compare(path, ours, timeout)}


def main() -> None:
    """Run everything and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0, help="limit per pabutools run (s)")
    parser.add_argument("--voters", type=int, default=500_000)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tie-only", action="store_true", help="only the tie-heavy instance")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": mp.cpu_count()},
        "load_average": list(os.getloadavg()),
        "note": "shared machine: compare ratios measured in this run, not absolute times",
    }
    with tempfile.TemporaryDirectory() as folder:
        report["tie_heavy"] = tie_heavy_section(args.timeout, max(1, args.runs - 1), Path(folder))
    if args.tie_only:
        _write(report, TIE_RESULTS)
        return
    real = []
    for name in (LARGEST, MULTI):
        figures = ours_on_file(SHARED / name, args.runs)
        print(
            f"ours {name}: MES+add1 {figures['mes_add1_seconds']} s "
            f"({figures['add1_steps']} steps, read {figures['read_seconds']} s)"
        )
        real.append(figures)
    report["ours_real"] = real
    gen = ours_generated(args.voters, args.projects, max(1, args.runs - 1))
    print(
        f"ours generated: MES+add1 {gen['mes_add1_seconds']} s ({gen['add1_steps']} steps,"
        f" {gen['distinct_ballots']} distinct ballots)"
    )
    report["ours_generated"] = gen
    print(f"pabutools on {LARGEST}:")
    report["pabutools_largest"] = compare(SHARED / LARGEST, real[0], args.timeout)
    print(f"pabutools on {MULTI}, MES without completion (add1 there would take hours):")
    report["pabutools_multi_mes"] = compare(
        SHARED / MULTI, ours_mes(SHARED / MULTI, args.runs), args.timeout, add1=False
    )
    if report["pabutools_largest"]["pabutools_exact"]["seconds"] is None:
        smaller = ours_on_file(SHARED / SMALLER, args.runs)
        print(f"ours {SMALLER}: {smaller['mes_add1_seconds']} s; pabutools:")
        report["pabutools_smaller"] = compare(SHARED / SMALLER, smaller, args.timeout)
    _write(report, RESULTS)


def _write(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
