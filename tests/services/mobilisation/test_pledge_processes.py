"""Pledges racing across two OS processes on the same campaign, on both databases.

test_pledge_races.py races transactions in threads, and test_pledge_batches.py two writers with
their own engines in one process; here two *processes* (`pledge_process.py`, each with its own
engine and `PledgeBatcher`, as two `asamblea serve` workers would have) start together on the
same database. Ten members pledged before; then every other member pledges in *both* processes,
and the ten withdraw, half in each. The trigger must fire exactly once across the two, every
person must count once, and the tally the trigger reads must equal a recount of the pledges.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from asamblea.store.federation_models import AuditRow
from asamblea.store.mobilisation_models import PledgeCampaignRow, PledgeRow
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.strike import MEMBERS, THRESHOLD, Strike
from tests.services.mobilisation.test_pledge_races import _pledge

ROOT = Path(__file__).resolve().parents[3]
EARLY = 10
TIMEOUT = 90


def _start(strike: Strike, url: str, jobs: list[tuple[str, int]]) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    child = subprocess.Popen(  # noqa: S603 - this test's own module, no shell
        [
            sys.executable,
            "-m",
            "tests.services.mobilisation.pledge_process",
            url,
            str(strike.action_id),
            str(strike.union),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdin is not None
    child.stdin.write(json.dumps(jobs) + "\n")
    child.stdin.flush()
    return child


def _race(strike: Strike, plans: list[list[tuple[str, int]]]) -> list[list[str]]:
    """Start one process per plan, let them go together, and collect their answers."""
    url = strike.sessions.kw["bind"].url.render_as_string(hide_password=False)
    children = [_start(strike, url, jobs) for jobs in plans]
    try:
        for child in children:  # both ready (imported, connected) before either starts
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        answers = []
        for child in children:
            out, _ = child.communicate(timeout=TIMEOUT)
            assert child.returncode == 0
            answers.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return answers


def test_two_processes_pledge_and_withdraw_on_one_campaign(strike: Strike) -> None:
    early, late = strike.members[:EARLY], strike.members[EARLY:]
    for person in early:
        assert _pledge(strike, person) is False
    halves = (early[: EARLY // 2], early[EARLY // 2 :])
    plans = [
        [("pledge", p.id) for p in late] + [("withdraw", p.id) for p in halves[0]],
        [("pledge", p.id) for p in reversed(late)] + [("withdraw", p.id) for p in halves[1]],
    ]
    answers = _race(strike, plans)

    pledges = [a[: len(late)] for a in answers]
    per_person = [sorted([pledges[0][i], pledges[1][-1 - i]]) for i in range(len(late))]
    # Each late member pledged in both processes: exactly one took, the other was a duplicate.
    assert all(pair in (["Conflict", "pledged"], ["Conflict", "fired"]) for pair in per_person), (
        per_person
    )
    fired = sum(a.count("fired") for a in answers)
    assert fired == 1  # exactly once across the two processes
    withdrawals = [a[len(late) :] for a in answers]
    assert all(w in ("withdrawn", "Conflict") for ws in withdrawals for w in ws)
    withdrawn = sum(ws.count("withdrawn") for ws in withdrawals)

    with strike.sessions.begin() as db:
        stored = db.scalar(select(func.count()).select_from(PledgeRow))
        people = db.scalar(select(func.count(func.distinct(PledgeRow.person_id))))
        events = db.scalar(
            select(func.count())
            .select_from(AuditRow)
            .where(AuditRow.action == "mobilisation.pledge_triggered")
        )
        triggered = db.scalar(select(PledgeCampaignRow.triggered_at)) is not None
        repo = MobilisationRepository(db)
        recount = {a: n for _c, a, n in repo.all_pledge_pairs()}
        campaign = repo.campaign_of(strike.action_id)
        assert campaign is not None
        tally = repo.pledge_counts(campaign.id)
    assert stored == people == MEMBERS - withdrawn  # nobody counts twice
    assert tally == recount == {strike.union: MEMBERS - withdrawn}
    assert (events, triggered) == (1, True)
    assert len(late) >= THRESHOLD  # the late pledges alone always reach the threshold
