"""One OS process pledging through its own pledge writer, as one server process would: the
child of test_pledge_processes.py.

``python -m tests.services.mobilisation.pledge_process URL ACTION ASSEMBLY`` reads its jobs as
one JSON line on stdin (``[["pledge" | "withdraw", person id], …]``), opens its own engine and
`PledgeBatcher` (small batches, so the two processes' batches interleave), prints ``ready``,
waits for ``go`` on stdin, submits the jobs in quick waves (so that neither process can take
the database for all of its batches in a row — SQLite's waiting writer backs off) and prints
one JSON line: each job's
answer (``fired``, ``pledged``, ``withdrawn`` or the refusal's class name), in job order.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import wait

from asamblea.core.people import Person
from asamblea.services.mobilisation.pledge_batch import Kind, Pledged
from asamblea.services.mobilisation.pledge_writer import PledgeBatcher, PledgeRequest
from asamblea.store.database import make_engine, make_sessionmaker

MAX_BATCH = 4
PAUSE = 0.2  # seconds between waves of MAX_BATCH requests
TIMEOUT = 60


def _answer(request: PledgeRequest) -> str:
    error = request.answer.exception()
    if error is not None:
        return type(error).__name__
    outcome = request.answer.result()
    if isinstance(outcome, Pledged):
        return "fired" if outcome.fired else "pledged"
    return "withdrawn" if outcome is None else type(outcome).__name__


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    """Pledge and withdraw as told (see the module docstring)."""
    url, action_id, assembly_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    jobs = [(Kind(kind), int(person)) for kind, person in json.loads(sys.stdin.readline())]
    engine = make_engine(url)
    with engine.connect():  # connected before the start, so both begin together
        pass
    writer = PledgeBatcher(make_sessionmaker(engine), max_batch=MAX_BATCH)
    requests = [
        PledgeRequest(kind, Person(person, f"p{person}", None), action_id, assembly_id)
        for kind, person in jobs
    ]
    _say("ready")
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected go")
    try:
        for start in range(0, len(requests), MAX_BATCH):  # in waves, so batches interleave
            for request in requests[start : start + MAX_BATCH]:
                writer.submit(request)
            time.sleep(PAUSE)
        wait([r.answer for r in requests], timeout=TIMEOUT)
    finally:
        writer.stop()
        engine.dispose()
    _say(json.dumps([_answer(r) for r in requests]))


if __name__ == "__main__":
    main()
