"""The runner publishes due votes by itself, applies what they decide in the same transaction,
and takes each vote once (both databases; the SIGKILL test is in test_runner_crash.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from asamblea.core import ledger
from asamblea.core.deliberation import ProposalState
from asamblea.core.federation import AssemblyRules
from asamblea.core.votes import VoteState
from asamblea.services import deliberation
from asamblea.services.federation import assemblies as federation
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.runner import Runner, publish_due_votes
from asamblea.services.votes import closing, votes
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AuditRow
from asamblea.store.runner_repository import RunnerRepository
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.factories import union_with_open_vote
from tests.services.test_deliberation import KEY, T0, TERMS, base_assembly, open_proposal


def _published(db: Session, vote_id: int) -> list[dict[str, object]]:
    rows = db.scalars(
        select(AuditRow.details).where(
            AuditRow.action == "vote.published", AuditRow.subject == f"vote:{vote_id}"
        )
    )
    return list(rows)


def test_a_due_vote_is_published_by_no_one_and_its_board_verifies(db: Session) -> None:
    people, vote_id = union_with_open_vote(db, 4, now=T0, closes_in=timedelta(hours=1))
    for voter, choice in zip(people, [0, 1, 0], strict=False):
        votes.cast(db, voter, vote_id, [choice], now=T0, key=KEY)
    repo = RunnerRepository(db)
    assert repo.take_due_vote(T0 + timedelta(minutes=59)) is None  # not due yet
    later = T0 + timedelta(hours=1)
    assert repo.take_due_vote(later) == vote_id
    assert repo.count_due_votes(later) == 1
    published = closing.close_due_vote(db, vote_id, later, KEY)
    assert published is not None
    assert published.state is VoteState.PUBLISHED
    assert _published(db, vote_id) == [{"ballots": 3, "by": "system"}]
    actor = db.scalar(select(AuditRow.actor_id).where(AuditRow.action == "vote.published"))
    assert actor is None
    board = votes.board(db, people[1], vote_id, KEY)
    assert ledger.verify_board(board, recount=ledger.recount) == []
    # Idempotent: taken again (as a second runner would), nothing happens.
    assert repo.take_due_vote(later) is None
    assert closing.close_due_vote(db, vote_id, later, KEY) is None
    assert len(_published(db, vote_id)) == 1


def test_a_vote_not_yet_due_is_left_alone(db: Session) -> None:
    _, vote_id = union_with_open_vote(db, 2, now=T0, closes_in=timedelta(hours=1))
    assert closing.close_due_vote(db, vote_id, T0, KEY) is None
    assert _published(db, vote_id) == []


def test_the_vote_publishes_its_decision_in_the_same_transaction(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    proposal_id = open_proposal(db, people, assembly_id)
    deliberation.support(db, people[1], proposal_id)
    vote = deliberation.start_voting(db, people[0], proposal_id, TERMS)
    votes.open_vote(db, people[0], vote.id, T0)
    for voter in people:
        votes.cast(db, voter, vote.id, [0], now=T0, key=KEY)  # Sí
    closing.close_due_vote(db, vote.id, TERMS.closes_at, KEY)
    view = deliberation.proposal_view(db, people[1], proposal_id)
    assert view.proposal.state is ProposalState.ADOPTED


def test_new_rules_apply_when_their_vote_is_published_by_the_runner(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 1)
    change = assembly_rules.propose_rules(
        db, people[0], assembly_id, AssemblyRules(recall_percent=50), now=T0
    )
    votes.cast(db, people[0], change.vote_id, [0], now=T0, key=KEY)
    closes = votes.vote_view(db, people[0], change.vote_id).vote.spec.closes_at
    closing.close_due_vote(db, change.vote_id, closes, KEY)
    assembly = federation.assembly_view(db, people[0], assembly_id).assembly
    assert assembly.rules.recall_percent == 50


@pytest.mark.parametrize("backend", BACKENDS)
def test_runners_take_every_due_vote_once(backend: str, tmp_path: Path) -> None:
    """Two runners in threads over one database: each due vote published exactly once."""
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as db:
            ids = [
                union_with_open_vote(
                    db, 2, now=T0, closes_in=timedelta(minutes=1), prefix=f"v{i}_"
                )[1]
                for i in range(6)
            ]
        later = T0 + timedelta(minutes=2)
        runners = [Runner(sessions, KEY, interval=0.01, batch=3, now=lambda: later) for _ in "ab"]
        for runner in runners:
            runner.start()
        _wait_for(sessions, ids)
        for runner in runners:
            runner.stop()
        with sessions.begin() as db:
            for vote_id in ids:
                assert len(_published(db, vote_id)) == 1
        assert publish_due_votes(sessions, KEY, now=lambda: later).published == []
    finally:
        engine.dispose()
        drop_database(url, schema)


def _wait_for(sessions: object, ids: list[int], seconds: float = 30) -> None:
    import time  # noqa: PLC0415

    from asamblea.store.votes_models import VoteRow  # noqa: PLC0415

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sessions.begin() as db:  # type: ignore[attr-defined]
            left = db.scalar(
                select(func.count()).where(VoteRow.id.in_(ids), VoteRow.state != "published")
            )
        if left == 0:
            return
        time.sleep(0.05)
    pytest.fail("the runners did not publish every due vote in time")


def test_votes_published_before_the_runner_are_settled_by_it(db: Session) -> None:
    """A database from before issue #11: a proposal's vote published without its settle step
    (pages used to settle it when shown). The runner's backlog query finds it; settling it
    adopts the proposal, after which nothing waits."""
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    proposal_id = open_proposal(db, people, assembly_id)
    deliberation.support(db, people[1], proposal_id)
    vote = deliberation.start_voting(db, people[0], proposal_id, TERMS)
    votes.open_vote(db, people[0], vote.id, T0)
    for voter in people:
        votes.cast(db, voter, vote.id, [0], now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, TERMS.closes_at, KEY)  # the old, bare close
    repo = RunnerRepository(db)
    assert repo.unsettled_published_votes() == [vote.id]
    closing.settle_vote(db, vote.id, TERMS.closes_at)
    assert repo.unsettled_published_votes() == []
    view = deliberation.proposal_view(db, people[1], proposal_id)
    assert view.proposal.state is ProposalState.ADOPTED


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_vote_that_cannot_be_published_is_skipped_and_its_group_still_publishes(
    backend: str, tmp_path: Path
) -> None:
    """Three due votes in one group, the middle one broken (a stored ballot names an option
    the vote does not have, so its board is refused): the group rolls back, the broken vote
    is skipped and stays open, the two others are published in the same pass."""
    from sqlalchemy import update  # noqa: PLC0415

    from asamblea.store.votes_models import BallotRow, VoteRow  # noqa: PLC0415

    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as db:
            ids = []
            for i in range(3):
                people, vote_id = union_with_open_vote(
                    db, 2, now=T0, closes_in=timedelta(minutes=1), prefix=f"g{i}_"
                )
                votes.cast(db, people[0], vote_id, [0], now=T0, key=KEY)
                ids.append(vote_id)
            broken = update(BallotRow).where(BallotRow.vote_id == ids[1])
            db.execute(broken.values(selection=[9]))
        later = T0 + timedelta(minutes=2)
        report = publish_due_votes(sessions, KEY, now=lambda: later, group=3)
        assert sorted(report.published) == [ids[0], ids[2]]
        assert report.failed == [ids[1]]
        with sessions.begin() as db:
            rows = db.execute(select(VoteRow.id, VoteRow.state).where(VoteRow.id.in_(ids)))
            states = {row.id: row.state for row in rows}
            assert states == {ids[0]: "published", ids[1]: "open", ids[2]: "published"}
            assert [len(_published(db, i)) for i in ids] == [1, 0, 1]
    finally:
        engine.dispose()
        drop_database(url, schema)


def test_an_idle_runner_wakes_when_the_next_vote_closes(db: Session) -> None:
    """The runner sleeps its interval, or only until the next vote closes: a vote closing in
    90 s with a 300 s interval is waited for 90 s, not 300."""
    union_with_open_vote(db, 2, now=T0, closes_in=timedelta(seconds=90), prefix="w_")
    db.flush()
    sessions = _bound(db)
    assert Runner(sessions, KEY, interval=300, now=lambda: T0).idle_wait() == 90
    assert Runner(sessions, KEY, interval=30, now=lambda: T0).idle_wait() == 30
    late = T0 + timedelta(hours=1)
    assert Runner(sessions, KEY, interval=30, now=lambda: late).idle_wait() == 30


def _bound(db: Session):  # type: ignore[no-untyped-def]
    """A sessionmaker whose sessions see the test's open transaction (it is rolled back)."""
    from contextlib import contextmanager  # noqa: PLC0415

    class _Same:
        @contextmanager
        def begin(self):  # type: ignore[no-untyped-def]
            yield db

    return _Same()


def test_settling_a_vote_with_no_merge_reads_no_merge(db: Session) -> None:
    """What waits on a group of votes is read once (`load_due`); a vote no platform merge waits
    on costs no query for merges after that read (`settle_merge` is called only for one)."""
    people, vote_id = union_with_open_vote(db, 3, now=T0, closes_in=timedelta(hours=1))
    for voter in people:
        votes.cast(db, voter, vote_id, [0], now=T0, key=KEY)
    later = T0 + timedelta(hours=1)
    assert RunnerRepository(db).take_due_votes(later, 10) == [vote_id]
    group = closing.load_due(db, [vote_id])
    assert group.decisions[vote_id].merge is False
    statements: list[str] = []

    def seen(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert closing.close_due_in(db, group, vote_id, later, KEY)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements, "the vote was published"
    assert not [s for s in statements if "platform_merge" in s]
    assert _published(db, vote_id) == [{"ballots": 3, "by": "system"}]
