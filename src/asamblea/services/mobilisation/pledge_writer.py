"""Group commit for pledging: many pledges and withdrawals, one durable commit.

The shape of casting (`services/votes/casting.py`): one writer thread per process collects the
requests that arrive while the previous commit is flushed, applies them in one transaction
(`pledge_batch.apply_batch`: one lock per campaign, every refusal decided before anything is
written) and answers every waiting request only after the commit is on disk. Nothing is
acknowledged that is not durable; a crash loses only unacknowledged requests. Should a batch
fail as a whole, each of its requests is tried again alone, so one bad request never takes
the others down with it.

A request made with an API token may come unidentified: the writer finds the owners of all the
batch's tokens, with their memberships, in one query inside the batch's own transaction (a
revoked token is refused).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from asamblea.clock import utcnow
from asamblea.core.errors import N_, RateLimited, Unauthenticated
from asamblea.core.federation import Membership
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.services.group_commit import write_in_batches
from asamblea.services.mobilisation.pledge_batch import Kind, Outcome, PledgeOrder, apply_batch

log = logging.getLogger(__name__)
MAX_BATCH = 256
MAX_WAITING = 20_000  # beyond, refuse at once instead of queueing without end


@dataclass(eq=False)
class PledgeRequest:
    """One person's pledge or withdrawal on its way to the writer: from a known person, or
    from an API token's owner, whom the writer identifies (`person` is set before `answer`)."""

    kind: Kind
    person: Person | None
    action_id: int
    assembly_id: int = 0
    token: str | None = None
    answer: Future[Outcome] = field(default_factory=Future)


class PledgeBatcher:
    """A single writer thread per process that pledges in batches (see the module docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._sessions, self._clock, self._max = sessions, clock, max_batch
        self._queue: queue.Queue[PledgeRequest | None] = queue.Queue()
        self._max_waiting = max_waiting
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, request: PledgeRequest) -> PledgeRequest:
        """Queue a request; its `answer` resolves after its batch is committed (or with its
        error). Refused at once (`RateLimited`) when `max_waiting` requests already wait."""
        self._ensure_started()
        if self._queue.qsize() >= self._max_waiting:
            raise RateLimited(N_("Too many pledges are waiting to be written; try again shortly."))
        self._queue.put(request)
        return request

    def stop(self) -> None:
        """Finish what is queued and stop the writer."""
        with self._lock:
            if self._thread is None:
                return
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def _ensure_started(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="asamblea-pledge", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        write_in_batches(self._queue, self._max, self._write)

    def _write(self, batch: list[PledgeRequest]) -> None:
        answers: list[tuple[PledgeRequest, Outcome]] = []
        try:
            with self._sessions.begin() as db:
                ready, memberships = _identified(db, batch, answers)
                orders = [
                    PledgeOrder(r.kind, r.person.id, r.action_id, r.assembly_id)
                    for r in ready
                    if r.person is not None
                ]
                outcomes = apply_batch(db, orders, now=self._clock(), memberships=memberships)
                answers.extend(zip(ready, outcomes, strict=True))
        except Exception as error:  # the commit failed: nothing in this batch was written
            if len(batch) > 1:
                log.warning("a batch of pledges failed; trying each alone", exc_info=True)
                for request in batch:
                    self._write([request])
                return
            log.exception("a pledge could not be committed")
            _answer(batch[0], error)
            return
        for request, outcome in answers:
            _answer(request, outcome)


def _answer(request: PledgeRequest, outcome: Outcome | BaseException) -> None:
    """Resolve a waiting request, unless its waiter gave up (the writer must live on)."""
    if request.answer.done():
        return
    try:
        if isinstance(outcome, BaseException):
            request.answer.set_exception(outcome)
        else:
            request.answer.set_result(outcome)
    except InvalidStateError:  # cancelled between the check and the call
        log.info("a pledge's waiter left before its answer")


def _identified(
    db: Session, batch: list[PledgeRequest], answers: list[tuple[PledgeRequest, Outcome]]
) -> tuple[list[PledgeRequest], dict[int, list[Membership]]]:
    """The batch's requests with a person, and the memberships of the token owners: both in
    one query (`accounts.token_members`); a token that names nobody gets its refusal in
    `answers` and is left out."""
    tokens = [r.token for r in batch if r.person is None and r.token is not None]
    owners = accounts.token_members(db, tokens) if tokens else {}
    memberships = {person.id: held for person, held in owners.values()}
    ready: list[PledgeRequest] = []
    for request in batch:
        if request.person is None and request.token is not None:
            owner = owners.get(request.token)
            request.person = None if owner is None else owner[0]
        if request.person is None:
            answers.append((request, Unauthenticated(N_("Log in to do this."))))
        else:
            ready.append(request)
    return ready, memberships
