"""The encrypted votes' store on both databases: its constraints hold, its rows round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyKind
from asamblea.core.votes import Mode, make_spec
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.encrypted_votes_repository import (
    EncryptedVote,
    EncryptedVoteRepository,
    StoredBallot,
)

T0 = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)


def draft(db: Session) -> tuple[int, list[int]]:
    people = [accounts.register(db, f"custodia{i}", "una frase larga y secreta") for i in range(2)]
    union = federation.create_assembly(
        db, people[0], name="Sindicato", kind=AssemblyKind.UNION, parent_id=None
    )
    spec = make_spec(
        question="¿Sí o no?",
        options=["Sí", "No"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=False,
        opens_at=T0,
        closes_at=T0 + timedelta(hours=1),
    )
    vote = votes.draft_vote(db, people[0], union.id, spec)
    return vote.id, [p.id for p in people]


def params(vote_id: int, trustees: int = 2, threshold: int = 2) -> EncryptedVote:
    return EncryptedVote(vote_id, trustees, threshold, 0, 1, "ab" * 32, None, None, None, None)


def test_round_trip(db: Session) -> None:
    vote_id, people = draft(db)
    repo = EncryptedVoteRepository(db)
    assert repo.get(vote_id) is None
    assert not repo.is_encrypted(vote_id)
    repo.add(params(vote_id), people)
    assert repo.get(vote_id) == params(vote_id)
    assert [(t.number, t.person_id) for t in repo.trustees(vote_id)] == [
        (1, people[0]),
        (2, people[1]),
    ]
    repo.publish_dealing(vote_id, 2, "cd" * 32, {"index": 2})
    repo.add_sealed(vote_id, 2, {1: "sellada"})
    repo.confirm(vote_id, 1)
    assert repo.sealed_for(vote_id, 1) == {2: "sellada"}
    assert repo.senders(vote_id) == {2}
    second = repo.trustees(vote_id)[1]
    assert (second.box_key, second.dealing, repo.trustees(vote_id)[0].confirmed) == (
        "cd" * 32,
        {"index": 2},
        True,
    )
    repo.freeze(vote_id, "ef" * 32, {"schema": "m"}, "00" * 32)
    repo.append(vote_id, StoredBallot(1, "00" * 32, "11" * 32, "22" * 32, {"options": []}))
    assert repo.ballots(vote_id) == [
        StoredBallot(1, "00" * 32, "11" * 32, "22" * 32, {"options": []})
    ]
    repo.add_audit(vote_id, {"options": []}, [1, 0], ["aa"])
    repo.add_share(vote_id, 1, {"trustee": 1})
    repo.set_tally(vote_id, [{"alpha": "a"}])
    repo.set_counts(vote_id, [3, 4])
    stored = repo.get(vote_id)
    assert stored is not None
    assert (stored.public_key, stored.tally, stored.counts) == ("ef" * 32, [{"alpha": "a"}], [3, 4])
    assert repo.audits(vote_id) == [
        {"ballot": {"options": []}, "selections": [1, 0], "nonces": ["aa"]}
    ]
    assert repo.shares(vote_id) == [{"trustee": 1}]


@pytest.mark.parametrize(("trustees", "threshold"), [(2, 3), (2, 0), (65, 2)])
def test_threshold_out_of_range_is_refused(db: Session, trustees: int, threshold: int) -> None:
    vote_id, people = draft(db)
    with pytest.raises(IntegrityError), db.begin_nested():
        EncryptedVoteRepository(db).add(params(vote_id, trustees, threshold), people)


def test_a_person_is_one_trustee_and_a_tracker_is_cast_once(db: Session) -> None:
    vote_id, people = draft(db)
    repo = EncryptedVoteRepository(db)
    with pytest.raises(IntegrityError), db.begin_nested():
        repo.add(params(vote_id), [people[0], people[0]])
    repo.add(params(vote_id), people)
    repo.append(vote_id, StoredBallot(1, "00" * 32, "11" * 32, "22" * 32, {}))
    with pytest.raises(IntegrityError), db.begin_nested():
        repo.append(vote_id, StoredBallot(2, "11" * 32, "33" * 32, "22" * 32, {}))
    with pytest.raises(IntegrityError), db.begin_nested():  # a fork of the chain
        repo.append(vote_id, StoredBallot(2, "00" * 32, "33" * 32, "44" * 32, {}))
