"""Group commit for casting: many ballots, one durable commit.

A durable commit costs one disk flush (a few milliseconds), and a vote's chain must grow one
ballot at a time. Casting each ballot in its own transaction would cap a vote at a few hundred
ballots a second. The batcher collects the casts that arrive while the previous commit is being
flushed and writes them in one transaction (`votes.cast_many`: every refusal is decided before
anything is written, so one refused ballot never affects another; then one lock, one roll read,
one roll update and one insert per vote and batch) and answers every waiting voter only after
the commit is on disk.
Nothing is acknowledged that is not durable; a crash loses only unacknowledged casts.

Encrypted ballots go through the same writer (`submit_encrypted`): their proofs are checked
before they are queued (services/encrypted_votes/ballots.py, `checked_ballot`, in a worker
thread of the web server), and the writer casts them with `ballots.cast_encrypted_many`, under
the same rules — nothing acknowledged before the commit is durable.

A cast made with an API token may come unidentified: the writer finds the owners of all the
batch's tokens with one query inside the batch's own transaction, instead of one read per
request on the server's event loop before it (a revoked token is refused just the same).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar, cast

from nacl.signing import SigningKey
from sqlalchemy.orm import Session, sessionmaker

from asamblea.clock import utcnow
from asamblea.core.errors import N_, DomainError, RateLimited, Unauthenticated
from asamblea.core.people import Person
from asamblea.services.encrypted_votes import ballots
from asamblea.services.encrypted_votes.ballots import CheckedBallot, EncryptedReceipt
from asamblea.services.federation import accounts
from asamblea.services.group_commit import write_in_batches
from asamblea.services.votes import votes
from asamblea.services.votes.votes import CastReceipt

log = logging.getLogger(__name__)
MAX_BATCH = 256
MAX_WAITING = 20_000  # about ten seconds of casting at full speed; beyond, refuse at once


@dataclass(eq=False)
class CastRequest:
    """One voter's ballot on its way to the box: from a known voter, or from an API token's
    owner, whom the writer identifies (`voter` is set before `answer` resolves)."""

    voter: Person | None
    vote_id: int
    selection: tuple[int, ...]
    token: str | None = None
    answer: Future[CastReceipt] = field(default_factory=Future)


@dataclass(eq=False)
class EncryptedCastRequest:
    """One voter's encrypted ballot, its proofs already checked, on its way to the box."""

    voter: Person | None
    vote_id: int
    ballot: CheckedBallot
    token: str | None = None
    answer: Future[EncryptedReceipt] = field(default_factory=Future)


Request = CastRequest | EncryptedCastRequest
R = TypeVar("R", CastRequest, EncryptedCastRequest)


class CastBatcher:
    """A single writer thread per process that casts in batches (see the module docstring)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        key: SigningKey,
        clock: Callable[[], datetime] = utcnow,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._sessions, self._key, self._clock, self._max = sessions, key, clock, max_batch
        self._queue: queue.Queue[Request | None] = queue.Queue()
        self._max_waiting = max_waiting
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(
        self, voter: Person, vote_id: int, selection: tuple[int, ...]
    ) -> Future[CastReceipt]:
        """Queue a cast; the future resolves after its batch is committed (or with its error)."""
        return self.submit_request(CastRequest(voter, vote_id, selection)).answer

    def submit_with_token(
        self, token: str, vote_id: int, selection: tuple[int, ...]
    ) -> CastRequest:
        """Queue a cast by the owner of an API token (refused as unauthenticated if none)."""
        return self.submit_request(CastRequest(None, vote_id, selection, token=token))

    def submit_encrypted(
        self, voter: Person, vote_id: int, ballot: CheckedBallot
    ) -> Future[EncryptedReceipt]:
        """Queue an encrypted ballot whose proofs were checked; resolves after the commit."""
        return self.submit_request(EncryptedCastRequest(voter, vote_id, ballot)).answer

    def submit_request(self, request: R) -> R:
        """Queue a prepared request; its `answer` resolves after the batch is committed.

        Refused at once (`RateLimited`) when the writer already has `max_waiting` casts to
        write: the voter is told to try again instead of waiting without end.
        """
        self._ensure_started()
        if self._queue.qsize() >= self._max_waiting:
            raise RateLimited(N_("Too many ballots are waiting to be written; try again shortly."))
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
                self._thread = threading.Thread(target=self._run, name="asamblea-cast", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        write_in_batches(self._queue, self._max, self._write)

    def _write(self, batch: list[Request]) -> None:
        answers: list[tuple[Request, CastReceipt | EncryptedReceipt | DomainError]] = []
        try:
            with self._sessions.begin() as db:
                now = self._clock()
                by_vote: dict[int, list[Request]] = {}
                for request in _identified(db, batch, answers):
                    by_vote.setdefault(request.vote_id, []).append(request)
                for vote_id in sorted(by_vote):  # one lock order for every writer
                    answers.extend(self._cast(db, vote_id, by_vote[vote_id], now))
        except Exception as error:  # the commit failed: nobody in this batch has voted
            log.exception("a batch of casts could not be committed")
            for request in batch:
                _answer(request, error)
            return
        for request, outcome in answers:
            _answer(request, outcome)

    def _cast(
        self, db: Session, vote_id: int, requests: list[Request], now: datetime
    ) -> list[tuple[Request, CastReceipt | EncryptedReceipt | DomainError]]:
        """One vote's share of the batch: plaintext casts, then encrypted ones (a vote is one
        or the other; each kind's `cast_many` refuses the other kind)."""
        plain = [r for r in requests if isinstance(r, CastRequest) and r.voter is not None]
        sealed = [r for r in requests if isinstance(r, EncryptedCastRequest) and r.voter]
        out: list[tuple[Request, CastReceipt | EncryptedReceipt | DomainError]] = []
        if plain:
            outcomes = votes.cast_many(
                db,
                vote_id,
                [(r.voter, list(r.selection)) for r in plain if r.voter is not None],
                now=now,
                key=self._key,
            )
            out.extend(zip(plain, outcomes, strict=True))
        if sealed:
            found = ballots.cast_encrypted_many(
                db,
                vote_id,
                [(r.voter, r.ballot) for r in sealed if r.voter is not None],
                now=now,
                key=self._key,
            )
            out.extend(zip(sealed, found, strict=True))
        return out


def _answer(request: Request, outcome: CastReceipt | EncryptedReceipt | BaseException) -> None:
    """Resolve a waiting cast, unless its waiter gave up (a cancelled future refuses a result,
    and the writer thread must live on)."""
    if request.answer.done():
        return
    try:
        if isinstance(outcome, BaseException):
            request.answer.set_exception(outcome)
        elif isinstance(request, CastRequest):  # each kind's cast_many gives its own receipts
            request.answer.set_result(cast(CastReceipt, outcome))
        else:
            request.answer.set_result(cast(EncryptedReceipt, outcome))
    except InvalidStateError:  # cancelled between the check and the call
        log.info("a cast's waiter left before its answer")


def _identified(
    db: Session,
    batch: list[Request],
    answers: list[tuple[Request, CastReceipt | EncryptedReceipt | DomainError]],
) -> list[Request]:
    """The batch's requests with a voter: token owners found in one query; a token that names
    nobody (unknown, expired or revoked) gets its refusal in `answers` and is left out."""
    tokens = [r.token for r in batch if r.voter is None and r.token is not None]
    owners = accounts.token_people(db, tokens) if tokens else {}
    ready: list[Request] = []
    for request in batch:
        if request.voter is None and request.token is not None:
            request.voter = owners.get(request.token)
        if request.voter is None:
            answers.append((request, Unauthenticated(N_("Log in to do this."))))
        else:
            ready.append(request)
    return ready
