"""The runner killed with SIGKILL in the middle of a batch of due votes, on both databases.

Five groups' worth of votes of one union are past their closing time, with ballots in each
(the runner publishes ``GROUP`` votes per transaction). `asamblea worker` runs as a subprocess;
as soon as its first group is committed (and while four more are still to come) it gets
SIGKILL — no handler runs, the transaction in flight dies with its connection. Then workers are
started again on the same database (two at once on PostgreSQL, where they compete for the rows)
and run until nothing is due. Every vote must be published exactly once (one ``vote.published``
in the audit log, with the ballots it had) and every board must verify.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from asamblea.clock import utcnow
from asamblea.core import ledger
from asamblea.core.people import Person
from asamblea.services.runner import GROUP
from asamblea.services.votes import votes
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AuditRow
from asamblea.store.votes_models import VoteRow
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.factories import union_with_open_vote

#: Enough groups that the kill lands mid-batch: with two groups (30 votes) the second one could
#: commit between the poll that saw the first and the SIGKILL, and CI once saw all 30 published.
VOTES = 5 * GROUP + 3
VOTERS = 4
SECRET = "clave-de-prueba-para-el-ejecutor-" * 2
KEY = votes.signing_key(SECRET)
KILL_AFTER = 1


@dataclass
class Batch:
    url: str
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    vote_ids: list[int]
    voter: Person
    env: dict[str, str]


@pytest.fixture(params=BACKENDS)
def batch(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Batch]:
    url, schema = new_database(str(request.param), tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    opened = utcnow() - timedelta(minutes=5)
    try:
        with sessions.begin() as db:
            people, first = union_with_open_vote(
                db, VOTERS, now=opened, closes_in=timedelta(minutes=1)
            )
            ids = [first, *(_another_vote(db, people, first, opened) for _ in range(VOTES - 1))]
            for number, vote_id in enumerate(ids):
                casts = [(p, [(number + i) % 3]) for i, p in enumerate(people)]
                votes.cast_many(db, vote_id, casts, now=opened, key=KEY)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASAMBLEA_")}
        env |= {
            "ASAMBLEA_DATABASE_URL": url,
            "ASAMBLEA_SECRET_KEY": SECRET,
            "ASAMBLEA_INSTANCE_DIR": str(tmp_path / "instance"),
            "ASAMBLEA_RUNNER_INTERVAL_SECONDS": "0.2",
            "PYTHONUNBUFFERED": "1",
        }
        yield Batch(url, sessions, make_sessionmaker(engine, read_only=True), ids, people[1], env)
    finally:
        engine.dispose()
        drop_database(url, schema)


def _another_vote(db: Session, people: list[Person], like: int, opened: object) -> int:
    spec = votes.vote_view(db, people[0], like).vote.spec
    vote = votes.draft_vote(
        db, people[0], votes.vote_view(db, people[0], like).vote.assembly_id, spec
    )
    votes.open_vote(db, people[0], vote.id, opened)  # type: ignore[arg-type]
    return vote.id


def _worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("asamblea")), "worker", *args]
    with log.open("a", encoding="utf-8") as out:
        return subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _published(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as db:
        return int(db.scalar(select(func.count()).where(VoteRow.state == "published")) or 0)


def test_every_vote_is_published_once_after_sigkill(batch: Batch, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    worker = _worker(batch.env, log)
    deadline = time.monotonic() + 60
    try:
        while _published(batch.readers) < KILL_AFTER:
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.005)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    at_kill = _published(batch.readers)
    assert KILL_AFTER <= at_kill < VOTES, f"not killed mid-batch ({at_kill} published)"

    restarted = [
        _worker(batch.env, log, "--once") for _ in range(2 if "postgresql" in batch.url else 1)
    ]
    for process in restarted:
        assert process.wait(timeout=120) == 0, log.read_text()
    with batch.sessions.begin() as db:
        for vote_id in batch.vote_ids:
            events = list(
                db.scalars(
                    select(AuditRow.details).where(
                        AuditRow.action == "vote.published", AuditRow.subject == f"vote:{vote_id}"
                    )
                )
            )
            assert events == [{"ballots": VOTERS, "by": "system"}], (vote_id, events)
            board = votes.board(db, batch.voter, vote_id, KEY)
            assert len(board.receipts) == VOTERS
            assert ledger.verify_board(board, recount=ledger.recount) == []
