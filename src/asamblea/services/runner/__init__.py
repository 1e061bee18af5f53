"""The runner: what is due is done at its hour, by whoever runs it, exactly once.

Problem: a vote past its closing time must be published without anybody's click, on one server
or on several, and a runner may die at any instant (SIGKILL, power cut).

Design (docs/operating.md, "The runner"): the runner keeps no state of its own. Each pass asks
the database what is due and does the items in short transactions of up to `GROUP` votes, which
first take the items' rows (`RunnerRepository.take_due_votes`: ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, the write lock of ``BEGIN IMMEDIATE`` on SQLite), check again that each is still
due, do each in its own savepoint, and commit once (one disk flush for the group). The work of
a vote — count, seal, publish and apply what it decides — is inside that transaction, so a
runner that dies leaves each vote done or untouched, never half-done, and the next pass (of
this runner after a restart, or of another) takes it again.

Promise: every due vote is published once, within one pass interval plus the time of the
votes ahead of it; an item that cannot be done (a domain error) is logged and skipped for the
life of this runner, without holding up the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session, sessionmaker

from asamblea.clock import utcnow
from asamblea.core.errors import DomainError
from asamblea.services.runner.deadlines import run_deadlines
from asamblea.services.votes import closing
from asamblea.store.runner_repository import RunnerRepository

log = logging.getLogger("asamblea.runner")

#: Due votes published per transaction: one commit (one `fsync`) for the group, as casting
#: groups ballots (services/votes/casting.py). A crash loses the group's work, never half of it.
GROUP = 20

Clock = Callable[[], datetime]


@dataclass
class PassReport:
    """What one pass did."""

    published: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def publish_due_votes(
    sessions: sessionmaker[Session],
    key: SigningKey,
    *,
    now: Clock = utcnow,
    batch: int = 100,
    group: int = GROUP,
    skip: set[int] | None = None,
) -> PassReport:
    """Publish up to ``batch`` due votes, ``group`` per transaction; ``skip`` holds votes that
    failed before (they are left for a facilitator and the logs)."""
    report = PassReport()
    skip = skip if skip is not None else set()
    while len(report.published) + len(report.failed) < batch:
        want = min(group, batch - len(report.published) - len(report.failed))
        try:
            with sessions.begin() as db:
                taken = RunnerRepository(db).take_due_votes(now(), want, exclude=skip)
                done = _publish_group(db, taken, key, now)
        except _Failed as failure:  # the group is rolled back; the others go again at once
            log.warning("vote %s could not be published: %s", failure.vote_id, failure.error)
            skip.add(failure.vote_id)
            report.failed.append(failure.vote_id)
            continue
        report.published += done
        if len(taken) < want:
            break
    return report


class _Failed(Exception):
    """A vote of a group could not be published (a domain error): its group rolls back."""

    def __init__(self, vote_id: int, error: DomainError) -> None:
        super().__init__(vote_id)
        self.vote_id = vote_id
        self.error = error


def _publish_group(db: Session, taken: list[int], key: SigningKey, now: Clock) -> list[int]:
    """Publish a group of votes the transaction holds, read once (`closing.load_due`).

    No savepoint per vote (two statements each, a third of the group's round trips): a vote
    that fails is rare, so the whole group rolls back, the vote is skipped, and the others
    are taken again at once — optimistic, and the same result as a savepoint each."""
    due = closing.load_due(db, taken)
    done = []
    for vote_id in taken:
        try:
            published = closing.close_due_in(db, due, vote_id, now(), key)
        except DomainError as error:
            raise _Failed(vote_id, error) from error
        if published:
            done.append(vote_id)
    return done


def settle_backlog(sessions: sessionmaker[Session], *, now: Clock = utcnow) -> list[int]:
    """Apply the decisions of votes published before issue #11 and never settled (one
    transaction each; idempotent). Returns the votes settled."""
    with sessions.begin() as db:
        waiting = RunnerRepository(db).unsettled_published_votes()
    done = []
    for vote_id in waiting:
        try:
            with sessions.begin() as db:
                closing.settle_vote(db, vote_id, now())
            done.append(vote_id)
        except DomainError as error:
            log.warning("the decisions of vote %s could not be applied: %s", vote_id, error)
    return done


@dataclass
class Runner:
    """A thread that runs passes until stopped (embedded in `asamblea serve`, or alone in
    `asamblea worker`)."""

    sessions: sessionmaker[Session]
    key: SigningKey
    interval: float = 5.0
    batch: int = 100
    now: Clock = utcnow
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _skip: set[int] = field(default_factory=set)
    #: Other work each pass does after the votes (mail, …): called with the pass's time.
    jobs: tuple[Callable[[datetime], object], ...] = ()

    def run_pass(self) -> PassReport:
        """One pass over the votes and deadlines that are due (`run_jobs` does the rest)."""
        report = publish_due_votes(
            self.sessions, self.key, now=self.now, batch=self.batch, skip=self._skip
        )
        run_deadlines(self.sessions, self.now)
        return report

    def idle_wait(self) -> float:
        """Seconds to sleep after a pass that found nothing more: the interval, or less when a
        vote closes sooner — so that a vote is published at its time, not up to an interval
        late (the wait is cut at the closing second; the next pass takes the vote)."""
        try:
            with self.sessions.begin() as db:
                now = self.now()
                upcoming = RunnerRepository(db).next_closing(now)
        except Exception:  # the pass will log the database's trouble
            log.debug("next closing time unknown", exc_info=True)
            return self.interval
        if upcoming is None:
            return self.interval
        return max(0.0, min(self.interval, (upcoming - now).total_seconds()))

    def run_jobs(self) -> None:
        """Each registered job once; one that fails is logged and does not stop the others."""
        for job in self.jobs:
            try:
                job(self.now())
            except Exception:  # a mail server or database that went away: next pass retries
                log.exception("runner job %r failed", job)

    def run_forever(self) -> None:
        """Passes until `stop`; a full batch means more may be due, so the next pass is at once."""
        try:
            settle_backlog(self.sessions, now=self.now)
        except Exception:  # the passes below log and retry; the backlog waits for a restart
            log.exception("settling the backlog failed")
        while not self._stop.is_set():
            try:
                report = self.run_pass()
            except Exception:  # a database that went away: log, wait, try again
                log.exception("runner pass failed")
                report = PassReport()
            self.run_jobs()
            busy = len(report.published) + len(report.failed) >= self.batch
            if not busy:
                self._stop.wait(self.idle_wait())

    def start(self) -> None:
        """Run in a daemon thread (it dies with the process; its work is in transactions)."""
        self._thread = threading.Thread(target=self.run_forever, name="asamblea-runner")
        self._thread.daemon = True
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait for the current item's transaction to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
