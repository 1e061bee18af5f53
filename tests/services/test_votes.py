"""Votes on both databases: draft, open (roll frozen), cast once, close, seal, verify, in person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from asamblea.core import ledger
from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState, make_spec
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.votes_models import BallotRow, RollRow

PASSWORD = "una frase larga y secreta"
KEY = votes.signing_key("clave-de-prueba-" * 4)
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


def spec(
    rule: str = "plurality",
    options: tuple[str, ...] = ("Paro", "Marcha", "Plantón"),
    mode: Mode = Mode.SECRET,
    seats: int = 1,
    public: bool = False,
):
    return make_spec(
        question="¿Qué acción hacemos?",
        options=list(options),
        rule=rule,
        seats=seats,
        threshold="simple",
        quorum_percent=50,
        mode=mode,
        public=public,
        opens_at=T0,
        closes_at=T0 + timedelta(hours=2),
    )


def assembly_with(db: Session, members: int) -> tuple[int, list[Person]]:
    people = [accounts.register(db, f"persona{i}", PASSWORD) for i in range(members)]
    union = federation.create_assembly(
        db, people[0], name="Sindicato", kind=AssemblyKind.UNION, parent_id=None
    )
    for person in people[1:]:
        membership = federation.request_to_join(db, person, union.id)
        for voucher in people[:2]:
            if voucher.id != person.id and membership.state.value == "pending":
                membership = federation.vouch(db, voucher, membership.id)
    return union.id, people


def test_secret_vote_end_to_end(db: Session) -> None:
    assembly_id, people = assembly_with(db, 5)
    facilitator = people[0]
    vote = votes.draft_vote(db, facilitator, assembly_id, spec())
    with pytest.raises(Forbidden):
        votes.open_vote(db, people[1], vote.id, T0)
    opened = votes.open_vote(db, facilitator, vote.id, T0)
    assert (opened.state, opened.roll_size, opened.length) == (VoteState.OPEN, 5, 0)
    receipts = []
    for person, choice in zip(people[:4], [0, 1, 1, 2], strict=True):
        receipt = votes.cast(db, person, vote.id, [choice], now=T0 + timedelta(minutes=5), key=KEY)
        assert ledger.is_signed(receipt.public_key, receipt.statement, receipt.signature)
        receipts.append(receipt)
    with pytest.raises(Conflict):
        votes.cast(db, people[0], vote.id, [1], now=T0 + timedelta(minutes=6), key=KEY)
    view = votes.vote_view(db, people[1], vote.id)
    assert view.result is None  # hidden until closed
    assert view.has_voted
    assert not view.can_cast
    with pytest.raises(Conflict):  # not everyone voted and the closing time has not come
        votes.close_vote(db, facilitator, vote.id, T0 + timedelta(minutes=10), KEY)
    votes.close_vote(db, facilitator, vote.id, T0 + timedelta(hours=2), KEY)
    published = votes.vote_view(db, people[4], vote.id)
    assert published.result is not None
    assert published.result["winners"] == ["Marcha"]
    board = votes.board(db, None if published.vote.spec.public else people[4], vote.id, KEY)
    assert ledger.verify_board(board, recount=ledger.recount) == []
    assert sorted(board.receipts) == sorted(r.receipt for r in receipts)
    assert board.heads[-1] == receipts[-1].statement.head
    with pytest.raises(Conflict):
        votes.cast(db, people[4], vote.id, [0], now=T0 + timedelta(hours=3), key=KEY)


def test_roll_is_frozen_when_the_vote_opens(db: Session) -> None:
    assembly_id, people = assembly_with(db, 3)
    vote = votes.draft_vote(db, people[0], assembly_id, spec())
    votes.open_vote(db, people[0], vote.id, T0)
    latecomer = accounts.register(db, "tarde", PASSWORD)
    membership = federation.request_to_join(db, latecomer, assembly_id)
    federation.vouch(db, people[0], membership.id)
    federation.vouch(db, people[1], membership.id)
    with pytest.raises(Forbidden):
        votes.cast(db, latecomer, vote.id, [0], now=T0, key=KEY)


def test_nothing_links_voters_to_ballots(db: Session) -> None:
    assembly_id, people = assembly_with(db, 3)
    vote = votes.draft_vote(db, people[0], assembly_id, spec())
    votes.open_vote(db, people[0], vote.id, T0)
    votes.cast(db, people[1], vote.id, [2], now=T0, key=KEY)
    roll_columns = {c.key for c in inspect(RollRow).columns}
    ballot_columns = {c.key for c in inspect(BallotRow).columns}
    assert roll_columns == {"vote_id", "person_id", "voted"}  # no id, no time, no order
    assert not {"created_at", "at", "cast_at", "person_id"} & ballot_columns
    voter_ids = list(db.scalars(select(BallotRow.voter_id).where(BallotRow.vote_id == vote.id)))
    assert voter_ids == [None]  # secret vote: no voter on the ballot


def test_roll_call_names_the_voter(db: Session) -> None:
    assembly_id, people = assembly_with(db, 3)
    vote = votes.draft_vote(db, people[0], assembly_id, spec(mode=Mode.ROLL_CALL))
    votes.open_vote(db, people[0], vote.id, T0)
    votes.cast(db, people[2], vote.id, [1], now=T0, key=KEY)
    assert list(db.scalars(select(BallotRow.voter_id))) == [people[2].id]


def test_ballot_validation(db: Session) -> None:
    assembly_id, people = assembly_with(db, 2)
    vote = votes.draft_vote(db, people[0], assembly_id, spec())
    votes.open_vote(db, people[0], vote.id, T0)
    for bad in ([0, 1], [7], [-1]):
        with pytest.raises(Invalid):
            votes.cast(db, people[1], vote.id, bad, now=T0, key=KEY)
    assert votes.vote_view(db, people[1], vote.id).can_cast  # refused ballots marked nothing


def test_ranked_stv_vote(db: Session) -> None:
    assembly_id, people = assembly_with(db, 6)
    options = ("Ana", "Beto", "Carla", "Dina")
    vote = votes.draft_vote(db, people[0], assembly_id, spec("stv", options, seats=2))
    votes.open_vote(db, people[0], vote.id, T0)
    for person, ranking in zip(
        people, [[0, 1], [0, 2], [0, 1, 3], [1, 0], [2, 3], [3, 2]], strict=True
    ):
        votes.cast(db, person, vote.id, ranking, now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(hours=3), KEY)
    view = votes.vote_view(db, people[1], vote.id)
    assert view.result is not None
    assert len(view.result["winners"]) == 2
    assert "Ana" in view.result["winners"]
    assert (
        ledger.verify_board(votes.board(db, people[1], vote.id, KEY), recount=ledger.recount) == []
    )


def test_in_person_count_needs_a_second_person(db: Session) -> None:
    assembly_id, people = assembly_with(db, 4)
    vote = votes.draft_vote(db, people[0], assembly_id, spec(mode=Mode.IN_PERSON))
    with pytest.raises(Conflict):
        votes.open_vote(db, people[0], vote.id, T0)
    with pytest.raises(Invalid):
        votes.record_in_person(db, people[0], vote.id, counts=[3, 2, 0], attendance=4, acta="Acta")
    votes.record_in_person(
        db,
        people[0],
        vote.id,
        counts=[2, 1, 0],
        attendance=4,
        acta="Acta de la asamblea del 28 de noviembre.",
    )
    with pytest.raises(Forbidden):
        votes.confirm_in_person(db, people[0], vote.id, T0, KEY)  # not the same person
    outsider = accounts.register(db, "afuera", PASSWORD)
    with pytest.raises(Forbidden):
        votes.confirm_in_person(db, outsider, vote.id, T0, KEY)
    votes.confirm_in_person(db, people[1], vote.id, T0, KEY)
    view = votes.vote_view(db, people[2], vote.id)
    assert view.vote.state is VoteState.PUBLISHED
    assert view.result is not None
    assert view.result["winners"] == ["Paro"]
    board = votes.board(db, people[2], vote.id, KEY)
    assert board.in_person is not None
    assert board.in_person.recorded_by == "persona0"
    assert board.in_person.confirmed_by == "persona1"
    assert ledger.verify_board(board, recount=ledger.recount) == []


def test_members_only_votes_are_hidden_from_outsiders(db: Session) -> None:
    assembly_id, people = assembly_with(db, 2)
    hidden = votes.draft_vote(db, people[0], assembly_id, spec())
    shown = votes.draft_vote(db, people[0], assembly_id, spec(public=True))
    outsider = accounts.register(db, "afuera", PASSWORD)
    with pytest.raises(NotFound):
        votes.vote_view(db, outsider, hidden.id)
    with pytest.raises(NotFound):
        votes.vote_view(db, None, hidden.id)
    assert votes.vote_view(db, None, shown.id).vote.id == shown.id
    assert [v.id for v in votes.votes_of(db, outsider, assembly_id)] == [shown.id]


@pytest.mark.parametrize(
    ("threshold", "choices", "winner"),
    [
        ("simple", [0, 0, 1, 2], "Sí"),  # 2 yes > 1 no
        ("majority_of_cast", [0, 0, 1, 2], "No"),  # 2 yes is not more than no + abstain = 2
        ("absolute", [0, 0, 1, 2], "No"),  # 2 yes is not more than half of a roll of 5
        ("two_thirds", [0, 0, 1, 2], "Sí"),  # yes >= 2 * no
    ],
)
def test_yes_no_motion(db: Session, threshold: str, choices: list[int], winner: str) -> None:
    assembly_id, people = assembly_with(db, 5)
    motion = make_spec(
        question="¿Aprobamos el paro?",
        options=[],
        rule="majority",
        seats=1,
        threshold=threshold,
        quorum_percent=50,
        mode=Mode.SECRET,
        public=False,
        opens_at=T0,
        closes_at=T0 + timedelta(hours=2),
    )
    vote = votes.draft_vote(db, people[0], assembly_id, motion)
    assert vote.spec.options == ("Sí", "No", "Abstención")
    votes.open_vote(db, people[0], vote.id, T0)
    for person, choice in zip(people, choices, strict=False):
        votes.cast(db, person, vote.id, [choice], now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(hours=2), KEY)
    view = votes.vote_view(db, people[1], vote.id)
    assert view.result is not None
    assert view.result["winners"] == [winner]
    board = votes.board(db, people[1], vote.id, KEY)
    assert board.header.threshold == threshold
    assert ledger.verify_board(board, recount=ledger.recount) == []
