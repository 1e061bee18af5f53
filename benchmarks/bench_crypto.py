"""Encrypted-vote benchmark: one ballot made and checked, and a whole board verified.

Usage: ``.venv/bin/python benchmarks/bench_crypto.py [--ballots N] [--jobs J] [--repeat R]``.

1. Encrypt and prove a 5-option approval ballot (bounds 0..5: five 0/1 proofs; and bounds 1..3:
   plus the count proof), one core; then verify one. Median of ``--repeat`` runs, in ms.
2. Verify a board of ``--ballots`` (100,000) ballots as ``asamblea verify --jobs`` does: the
   ballots parsed and checked (proofs and partial tallies) in ``--jobs`` processes, then
   duplicates, chain, signatures, tally, the shares of 2 of 3 trustees and the result. The board
   is generated once (in ``--jobs`` processes) and kept under /tmp (~250 MB: not committed).
3. Beside it, in the same run: ElectionGuard 1.4's Python package, when its separate venv exists
   (``ELECTIONGUARD_PYTHON``, default /tmp/i14_eg/bin/python; it is never a dependency of ours):
   the same 5 selections encrypted with its disjunctive Chaum–Pedersen proofs and its contest's
   constant proof, and checked, through its public primitives (benchmarks/bench_electionguard.py).

Per-ballot figures are CPU time (``time.process_time``) on one core: the machine is shared, and
wall time there measures the neighbours. The board is timed both ways (wall, and CPU seconds of
the parent and its workers; ``idle_cores_estimate_s`` = the workers' part over ``--jobs`` plus
the parent's serial rest). Results go to benchmarks/results/crypto.json, with the load average.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from asamblea.core.crypto import ballot, board, tally, threshold
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.ledger import BallotKind, VoteHeader
from asamblea.formats.encrypted_board import write_encrypted_board
from asamblea.formats.encrypted_board_jobs import read_and_check

RESULTS = Path(__file__).resolve().parent / "results" / "crypto.json"
EG_SCRIPT = Path(__file__).resolve().parent / "bench_electionguard.py"
CEREMONY = b"\x01" * 32
OPTIONS = 5


def load() -> float:
    """The 1-minute load average (how busy the shared machine was)."""
    return round(os.getloadavg()[0], 2)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """Median CPU time of ``action`` in milliseconds (one core; immune to waiting for it)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1e3)
    return round(statistics.median(times), 3)


def trustees() -> tuple[tuple[threshold.Dealing, ...], dict[int, Any]]:
    """A 2-of-3 ceremony run in memory."""
    dealt = [threshold.deal(CEREMONY, i, 2) for i in (1, 2, 3)]
    secrets = {j: threshold.combine_shares([threshold.evaluate(c, j) for c, _ in dealt])
               for j in (1, 2, 3)}
    return tuple(d for _, d in dealt), secrets


def manifest(voters: int, dealings: tuple[threshold.Dealing, ...]) -> board.Manifest:
    """The benchmark vote: 5-option approval, bounds 0..5."""
    header = VoteHeader(vote_id="bench", question="¿Qué proyectos?",
                        options=tuple(f"P{i}" for i in range(OPTIONS)),
                        kind=BallotKind.APPROVAL, rule="approval", seats=1, quorum=Fraction(0),
                        roll_size=voters, opens_at=datetime(2026, 12, 1, tzinfo=UTC))
    return board.Manifest(header, 0, OPTIONS, 2, CEREMONY, dealings,
                          threshold.election_key(dealings))


def single_ballot(repeat: int) -> dict[str, Any]:
    """Make and check one ballot, unbounded and bounded."""
    dealings, _ = trustees()
    key = threshold.election_key(dealings)
    out: dict[str, Any] = {}
    for name, lo, hi in (("approval_0_5", 0, 5), ("approval_1_3", 1, 3)):
        election = ballot.Election(b"\x02" * 32, key, OPTIONS, lo, hi)
        chosen = [1, 0, 1, 0, 1] if hi == 5 else [1, 0, 1, 0, 0]
        made, _ = ballot.encrypt_ballot(election, chosen)
        out[name] = {
            "encrypt_and_prove_ms": median_ms(lambda e=election, c=chosen:
                                              ballot.encrypt_ballot(e, c), repeat),
            "verify_ms": median_ms(lambda e=election, m=made: ballot.is_valid_ballot(e, m),
                                   repeat),
            "load_average": load(),
        }
    return out


def _encrypt_chunk(item: tuple[ballot.Election, Sequence[Sequence[int]]]) -> list[
        ballot.EncryptedBallot]:
    election, votes = item
    return [ballot.encrypt_ballot(election, v)[0] for v in votes]


def generate_board(count: int, jobs: int, path: Path) -> float:
    """Build, seal and write a board of ``count`` ballots; the seconds it took."""
    start = time.perf_counter()
    dealings, secrets = trustees()
    made = manifest(count, dealings)
    election = ballot.Election(made.election_hash(), made.public_key, OPTIONS, 0, OPTIONS)
    votes = [[(i >> b) & 1 for b in range(OPTIONS)] for i in range(count)]
    chunks = [(election, votes[i:i + 1000]) for i in range(0, count, 1000)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        cast = [b for part in pool.imap(_encrypt_chunk, chunks) for b in part]
    summed = tally.tally_ciphertexts([[o.ciphertext for o in b.options] for b in cast], OPTIONS)
    shares = tuple(tally.make_share(election.election_hash, j, secrets[j], summed)
                   for j in (1, 3))
    counts = tally.decrypt_tally(summed, shares, 2, count)
    draft = board.EncryptedBoard(
        manifest=made, voters=count, closed_at="2026-12-02T00:00:00Z", ballots=cast,
        audited=[], genesis="", heads=[], tally=summed, shares=shares, counts=counts,
        signing_key="", head_signature="", seal_signature="")
    write_encrypted_board(board.seal_board(draft, SigningKey(b"\x03" * 32)), path)
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its reaped children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def verify_board_file(path: Path, jobs: int) -> dict[str, Any]:
    """Read and verify the board as ``asamblea verify --jobs`` does: the ballots parsed and
    checked (proofs, partial tallies) in ``jobs`` worker processes, the rest in this one.

    Besides wall time, the CPU seconds used (parent and workers): on a shared, overloaded
    machine the wall time measures the neighbours; ``cpu_s / jobs`` is what ``jobs`` idle cores
    would need (the ballot checks are independent, so they split evenly).
    """
    start, cpu_start = time.perf_counter(), cpu_seconds()
    read, checks = read_and_check(path, jobs)
    checked, cpu_checked = time.perf_counter(), cpu_seconds()
    findings = verify_encrypted_board(read, checks=checks)
    done, cpu_done = time.perf_counter(), cpu_seconds()
    cpu, rest_cpu = cpu_done - cpu_start, cpu_done - cpu_checked
    parallel_cpu = cpu_checked - cpu_start
    return {"ballots": len(read.ballots), "findings": len(findings), "jobs": jobs,
            "read_and_check_ballots_s": round(checked - start, 1),
            "rest_s": round(done - checked, 1), "total_s": round(done - start, 1),
            "cpu_s": round(cpu, 1), "cpu_s_read_and_check": round(parallel_cpu, 1),
            "cpu_s_rest": round(rest_cpu, 1),
            "cpu_s_per_ballot_ms": round(cpu / max(1, len(read.ballots)) * 1e3, 3),
            "idle_cores_estimate_s": round(parallel_cpu / jobs + rest_cpu, 1),
            "file_mb": round(path.stat().st_size / 1e6, 1), "load_average": load()}


def electionguard(repeat: int) -> dict[str, Any] | None:
    """ElectionGuard 1.4's figures from its own venv, or None when it is not installed."""
    python = os.environ.get("ELECTIONGUARD_PYTHON", "/tmp/i14_eg/bin/python")  # noqa: S108
    if not Path(python).exists():
        return None
    done = subprocess.run([python, str(EG_SCRIPT), str(repeat)], capture_output=True,  # noqa: S603
                          text=True, check=False, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average"] = load()
    return result


def main() -> None:
    """Run every measurement and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                               "machine": platform.processor() or platform.machine(),
                               "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    results["ballot"] = single_ballot(args.repeat)
    results["electionguard_1_4"] = eg = electionguard(max(5, args.repeat // 10))
    ours = results["ballot"]["approval_0_5"]
    if eg and "encrypt_and_prove_ms" in eg:
        results["ratio_electionguard_over_ours"] = {
            "encrypt": round(eg["encrypt_and_prove_ms"] / ours["encrypt_and_prove_ms"], 1),
            "verify": round(eg["verify_ms"] / ours["verify_ms"], 1)}
    print(json.dumps(results, indent=2), flush=True)
    path = Path(f"/tmp/asamblea-bench-crypto-{args.ballots}.json")  # noqa: S108
    if not path.exists():
        results["board_generation_s"] = round(generate_board(args.ballots, args.jobs, path), 1)
    results["board"] = verify_board_file(path, args.jobs)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
