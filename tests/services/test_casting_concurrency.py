"""Casting under load, on both databases: 50 voters at once, each trying twice in parallel.

Exactly one ballot per voter, as many ballots on the board as people marked as voted, and a
chain that verifies — through the group-commit writer, and through plain concurrent
transactions (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from asamblea.core import ledger
from asamblea.core.crypto.ballot import encrypt_ballot, tracker
from asamblea.core.crypto.board import ballot_json
from asamblea.core.errors import Conflict, DomainError, NotFound, RateLimited, Unauthenticated
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services.encrypted_votes import ballots, ceremony
from asamblea.services.federation import accounts
from asamblea.services.votes import votes
from asamblea.services.votes.casting import CastBatcher, CastRequest
from asamblea.store.database import make_sessionmaker
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.factories import union_with_open_vote
from tests.services.test_encrypted_votes import run_ceremony

VOTERS = 50
KEY = votes.signing_key("clave-de-prueba-" * 4)
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@dataclass
class Election:
    sessions: sessionmaker[Session]
    vote_id: int
    voters: list[Person]
    facilitator: Person


@pytest.fixture(params=BACKENDS)
def election(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Election]:
    url, schema = new_database(str(request.param), tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as db:
        people, vote_id = union_with_open_vote(db, VOTERS, now=NOW, closes_in=timedelta(days=1))
    yield Election(sessions, vote_id, people, people[0])
    engine.dispose()
    drop_database(url, schema)


def check_board(election: Election, receipts: list[str]) -> None:
    with election.sessions.begin() as db:
        votes.close_vote(db, election.facilitator, election.vote_id, NOW + timedelta(days=1), KEY)
        board = votes.board(db, election.facilitator, election.vote_id, KEY)
    assert len(board.receipts) == board.voters == VOTERS
    assert sorted(board.receipts) == sorted(receipts)
    assert ledger.verify_board(board, recount=ledger.recount) == []


def test_group_commit_writer(election: Election) -> None:
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW)
    futures = [
        batcher.submit(v, election.vote_id, (i % 3,)) for v in election.voters for i in (0, 1)
    ]
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result(timeout=120).receipt)
        except Conflict:
            outcomes.append(None)
    batcher.stop()
    receipts = [r for r in outcomes if r is not None]
    assert len(receipts) == VOTERS  # exactly one per voter
    for first, second in zip(outcomes[::2], outcomes[1::2], strict=True):
        assert (first is None) != (second is None)
    check_board(election, receipts)


def test_plain_concurrent_transactions(election: Election) -> None:
    def cast(voter: Person, choice: int) -> str | None:
        try:
            with election.sessions.begin() as db:
                return votes.cast(db, voter, election.vote_id, [choice], now=NOW, key=KEY).receipt
        except Conflict:
            return None

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(
                cast,
                [v for v in election.voters for _ in (0, 1)],
                [i % 3 for i in range(2 * VOTERS)],
            )
        )
    receipts = [r for r in results if r is not None]
    assert len(receipts) == VOTERS
    check_board(election, receipts)


def test_a_refused_ballot_does_not_spoil_its_batch(election: Election) -> None:
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW)
    good = batcher.submit(election.voters[1], election.vote_id, (0,))
    bad = batcher.submit(election.voters[2], election.vote_id, (9,))  # no option 9
    also_good = batcher.submit(election.voters[3], election.vote_id, (1,))
    assert good.result(timeout=60).receipt
    assert also_good.result(timeout=60).receipt
    with pytest.raises(DomainError):
        bad.result(timeout=60)
    batcher.stop()
    with election.sessions.begin() as db:
        view = votes.vote_view(db, election.voters[2], election.vote_id)
    assert view.can_cast  # the refused voter was not marked


def test_token_casts_are_identified_in_the_batch(election: Election) -> None:
    """Casts sent with API tokens: the writer finds their owners in the batch's transaction.
    Every voter casts twice at once; unknown and revoked tokens are refused and write nothing."""
    with election.sessions.begin() as db:
        tokens = [accounts.issue_token(db, voter, days=1) for voter in election.voters]
        revoked = accounts.issue_token(db, election.voters[0], days=1)
        accounts.revoke_token(db, revoked, election.voters[0])
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW)
    requests = [
        batcher.submit_with_token(token, election.vote_id, (i % 3,))
        for token in tokens
        for i in (0, 1)
    ]
    strangers = [
        batcher.submit_with_token(t, election.vote_id, (0,)) for t in ("asb_nadie", revoked)
    ]
    outcomes = []
    for request in requests:
        try:
            outcomes.append(request.answer.result(timeout=120).receipt)
        except Conflict:
            outcomes.append(None)
    for stranger in strangers:
        with pytest.raises(Unauthenticated):
            stranger.answer.result(timeout=60)
        assert stranger.voter is None
    batcher.stop()
    assert [r.voter for r in requests[::2]] == election.voters  # each identified as its owner
    for first, second in zip(outcomes[::2], outcomes[1::2], strict=True):
        assert (first is None) != (second is None)
    check_board(election, [r for r in outcomes if r is not None])


def test_the_writer_outlives_a_voter_who_gave_up(election: Election) -> None:
    """A cast whose waiter left (a cancelled future) is written, but answering it must not kill
    the writer thread: the next voter still gets a receipt."""
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW)
    gone = CastRequest(election.voters[1], election.vote_id, (0,))
    assert gone.answer.cancel()
    batcher.submit_request(gone)
    after = batcher.submit(election.voters[2], election.vote_id, (1,))
    assert after.result(timeout=60).receipt
    batcher.stop()


def test_a_full_queue_refuses_at_once(election: Election) -> None:
    """Beyond `max_waiting` casts waiting for the writer, a cast is refused with 429 at once."""
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW, max_waiting=0)
    with pytest.raises(RateLimited):
        batcher.submit(election.voters[1], election.vote_id, (0,))
    batcher.stop()
    with election.sessions.begin() as db:
        assert votes.vote_view(db, election.voters[1], election.vote_id).can_cast


def test_plain_and_encrypted_casts_share_the_writer(election: Election) -> None:
    """Every voter casts in the plaintext vote and, at the same time, an encrypted ballot (its
    proofs checked before it is queued) in an encrypted vote of the same union: both go through
    one writer, batches mixing both kinds; a cast of the wrong kind is refused alone."""
    with election.sessions.begin() as db:
        assembly_id = votes.vote_view(db, election.facilitator, election.vote_id).vote.assembly_id
        spec = make_spec(
            question="¿Qué acción?",
            options=["Paro", "Marcha", "Plantón"],
            rule="plurality",
            seats=1,
            threshold="simple",
            quorum_percent=0,
            mode=Mode.SECRET,
            public=False,
            opens_at=NOW,
            closes_at=NOW + timedelta(days=1),
        )
        sealed_id = votes.draft_vote(db, election.facilitator, assembly_id, spec).id
        trustees = election.voters[1:4]
        ceremony.make_encrypted(db, election.facilitator, sealed_id, [p.id for p in trustees], 2)
        run_ceremony(db, sealed_id, trustees)
        votes.open_vote(db, election.facilitator, sealed_id, NOW)
        _, found = ballots.election_for(db, election.facilitator, sealed_id)
    made = [
        ballots.checked_ballot(
            found, ballot_json(encrypt_ballot(found, [int(i == n % 3) for i in range(3)])[0])
        )
        for n in range(VOTERS)
    ]
    batcher = CastBatcher(election.sessions, KEY, clock=lambda: NOW)
    plain, sealed = [], []
    for voter, ballot in zip(election.voters, made, strict=True):
        plain.append(batcher.submit(voter, election.vote_id, (voter.id % 3,)))
        sealed.append(batcher.submit_encrypted(voter, sealed_id, ballot))
    wrong_kind = batcher.submit(election.voters[0], sealed_id, (0,))
    wrong_vote = batcher.submit_encrypted(election.voters[0], election.vote_id, made[0])
    receipts = [f.result(timeout=120).receipt for f in plain]
    trackers = [f.result(timeout=120).tracker for f in sealed]
    with pytest.raises(Conflict):
        wrong_kind.result(timeout=60)
    with pytest.raises(NotFound):
        wrong_vote.result(timeout=60)
    batcher.stop()
    assert trackers == [tracker(m.ballot).hex() for m in made]
    with election.sessions.begin() as db:
        stored = EncryptedVoteRepository(db).ballots(sealed_id)
    assert sorted(s.tracker for s in stored) == sorted(trackers)
    assert [s.position for s in stored] == list(range(1, VOTERS + 1))
    assert all(a.head == b.previous for a, b in itertools.pairwise(stored))
    check_board(election, receipts)
