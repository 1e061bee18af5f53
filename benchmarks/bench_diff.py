"""Charter word-diff benchmark: the bounded diff beside the quadratic one it replaced.

Usage: ``.venv/bin/python benchmarks/bench_diff.py [--cap SECONDS] [--repeats N]``.

Cases, each two wordings of an article (20,000 characters is `ARTICLE_TEXT_MAX`):
- ``worst``: "a a a …" against "b a b a …" — every token of one text matches half the other's, the
  worst case for a longest-common-subsequence search (issue 10, finding 1);
- ``unrelated``: two texts of sentences drawn from the same small vocabulary;
- ``scattered``: a text of sentences with 60 words replaced here and there;
- ``one_word``: one word changed in the middle.
Ours is `asamblea.core.charter.diff_words` (diff-match-patch over word tokens, search bounded by
`DIFF_SECONDS`), best of N runs, CPU and wall time. The peer, in the same run, is the previous
algorithm (`difflib.SequenceMatcher` over the same tokens, what `diff_words` was before) in a
child process stopped after ``--cap`` seconds; it is run at 1,000, 2,000 and 20,000 characters
to show its growth. Target (issue 10): the worst case at 20,000 characters in ≤ 50 ms. Writes
benchmarks/results/diff.json with the load average beside the figures (the machine is shared).
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import platform
import random
import time
from pathlib import Path
from typing import Any

from asamblea.core.charter import ARTICLE_TEXT_MAX, DIFF_SECONDS, apply_diff, diff_words, tokens

RESULTS = Path(__file__).resolve().parent / "results" / "diff.json"
TARGET_S = 0.050
WORDS = ("el", "la", "agua", "tierra", "derecho", "común", "bien", "de", "y", "a", "los", "río")


def case(name: str, size: int) -> tuple[str, str]:
    """Two wordings of ``size`` characters for the named case (seeded, the same every run)."""
    rng = random.Random(f"{name}-{size}")
    if name == "worst":
        return ("a " * size)[:size], ("b a " * size)[:size]

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."

    def text() -> str:
        return " ".join(sentence() for _ in range(size // 40))[:size]

    old = text()
    if name == "unrelated":
        return old, text()
    words = old.split(" ")
    picks = rng.sample(range(len(words)), 60) if name == "scattered" else [len(words) // 2]
    for i in picks:
        words[i] = "cambio"
    return old, " ".join(words)[:size]


def ours(old: str, new: str, repeats: int) -> dict[str, Any]:
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        segments = diff_words(old, new)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    assert apply_diff(old, segments) == new  # noqa: S101 - the benchmark checks its own output
    changed = sum(len(s.old) for s in segments if s.op != "equal")
    return {
        "cpu_s": min(cpu),
        "wall_s": min(wall),
        "all_cpu_s": cpu,
        "segments": len(segments),
        "old_chars_marked_changed": changed,
    }


def _old_algorithm(old: str, new: str, out: Any) -> None:
    """The diff before issue 10: difflib over the same tokens (its opcodes only)."""
    start = time.process_time()
    a, b = tokens(old), tokens(new)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out.put((time.process_time() - start, len(opcodes)))


def peer(old: str, new: str, cap: float) -> dict[str, Any]:
    """The old algorithm in a child process, stopped after ``cap`` seconds."""
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=_old_algorithm, args=(old, new, queue))
    start = time.perf_counter()
    child.start()
    child.join(cap)
    if child.is_alive():
        child.terminate()
        child.join()
        return {"finished": False, "cap_s": cap, "wall_s": time.perf_counter() - start}
    cpu, opcodes = queue.get()
    return {"finished": True, "cpu_s": cpu, "wall_s": time.perf_counter() - start, "ops": opcodes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=30.0, help="seconds for the old algorithm")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "diff_seconds_bound": DIFF_SECONDS,
        "target_s": TARGET_S,
        "cases": [],
    }
    for name in ("worst", "unrelated", "scattered", "one_word"):
        for size in (1_000, 2_000, ARTICLE_TEXT_MAX):
            old, new = case(name, size)
            row = {"case": name, "chars": size, "ours": ours(old, new, args.repeats)}
            if name == "worst" or size < ARTICLE_TEXT_MAX:
                row["peer_difflib"] = peer(old, new, args.cap)
            row["load_average"] = list(os.getloadavg())
            report["cases"].append(row)
            print(json.dumps(row))
    worst = next(r for r in report["cases"] if r["case"] == "worst" and r["chars"] == 20_000)
    report["worst_20000_cpu_s"] = worst["ours"]["cpu_s"]
    report["meets_target"] = worst["ours"]["cpu_s"] <= TARGET_S
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"worst case, 20,000 characters: {worst['ours']['cpu_s'] * 1000:.1f} ms CPU, "
        f"{worst['ours']['wall_s'] * 1000:.1f} ms wall (target {TARGET_S * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
