"""The runner's other deadlines: budgeting phases that start by their calendar, and recall
petitions whose time ran out.

Like votes (`asamblea.services.runner`), each item is taken with a row lock that skips rows
another runner holds (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's one writer), done in
its own short transaction, and checked again under the lock, so every step is idempotent and a
runner that dies leaves each item done or untouched.

Planning rounds have no closing date of their own: the targets of a round are settled by the
votes on its drafts, which close and publish like any vote; a round is solved and published by
its facilitators (docs/planning.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from asamblea.core.errors import DomainError
from asamblea.services import delegation
from asamblea.services.budgeting import process as budgeting
from asamblea.store.runner_repository import RunnerRepository

log = logging.getLogger("asamblea.runner")

Clock = Callable[[], datetime]


@dataclass
class DeadlineReport:
    """What one pass over the deadlines did."""

    phases: list[tuple[int, str]] = field(default_factory=list)
    lapsed: list[int] = field(default_factory=list)


def run_deadlines(sessions: sessionmaker[Session], now: Clock) -> DeadlineReport:
    """One pass: every process due to change phase, every petition past its time."""
    report = DeadlineReport()
    with sessions.begin() as db:
        processes = RunnerRepository(db).open_budget_processes()
    for process_id in processes:
        try:
            with sessions.begin() as db:
                if not RunnerRepository(db).take_budget_process(process_id):
                    continue  # another runner holds it
                phase = budgeting.advance_due(db, process_id, now())
        except DomainError as error:
            log.warning("budget %s could not advance: %s", process_id, error)
            continue
        if phase is not None:
            report.phases.append((process_id, phase))
    cutoff = now() - delegation.RECALL_PETITION_LENGTH
    seen: set[int] = set()
    while True:
        try:
            with sessions.begin() as db:
                taken = RunnerRepository(db).take_lapsed_petitions(cutoff, 1, exclude=seen)
                if not taken:
                    break
                seen.add(taken[0])
                if delegation.lapse_petition(db, taken[0]):
                    report.lapsed.append(taken[0])
        except DomainError as error:
            log.warning("petition could not lapse: %s", error)
    return report
