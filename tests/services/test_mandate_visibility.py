"""One rule for mandates (issue 10, finding 9): the members of the assembly that gave a mandate
read it at once; anyone else who may read the roll call reads it only once the vote upstairs is
closed, beside how each delegate voted. Before this, a public roll call showed every mandate to
anyone as soon as it was set."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from asamblea.core.delegation import MandateChoice, can_see_mandate
from asamblea.services import delegation
from asamblea.services.votes import votes
from tests.services.test_delegation import elect, parent_motion, region_with
from tests.services.test_deliberation import KEY, T0, base_assembly


def test_the_rule() -> None:
    assert can_see_mandate(vote_published=False, member_of_giver=True)
    assert not can_see_mandate(vote_published=False, member_of_giver=False)
    assert can_see_mandate(vote_published=True, member_of_giver=False)


def _mandates(db: Session, viewer: object, vote_id: int) -> dict[str, tuple[object, bool]]:
    call = delegation.roll_call(db, viewer, vote_id)  # type: ignore[arg-type]
    return {e.child_name: (e.mandate, e.mandate_hidden) for e in call.entries}


def test_a_public_roll_call_keeps_mandates_until_it_closes(db: Session) -> None:
    region_id, coordinator, children = region_with(db, {"Uno": 3, "Dos": 3})
    (one, one_people), (two, two_people) = children["Uno"], children["Dos"]
    elect(db, one, one_people, [1])
    elect(db, two, two_people, [1])
    vote = parent_motion(db, coordinator, region_id, public=True)
    delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.FOR)
    votes.open_vote(db, coordinator, vote.id, T0)
    stranger = base_assembly(db, "Lejos", 1)[1][0]
    hidden = (None, True)
    for viewer in (None, stranger, coordinator, two_people[2]):
        assert _mandates(db, viewer, vote.id)["Uno"] == hidden, viewer
    assert _mandates(db, one_people[2], vote.id)["Uno"] == (MandateChoice.FOR, False)
    assert _mandates(db, two_people[2], vote.id)["Dos"] == (None, False)  # none given

    votes.cast(db, one_people[1], vote.id, [0], now=T0, key=KEY)
    votes.close_vote(db, coordinator, vote.id, T0 + timedelta(hours=2), KEY)
    for viewer in (None, stranger, coordinator, two_people[2], one_people[2]):
        assert _mandates(db, viewer, vote.id)["Uno"] == (MandateChoice.FOR, False), viewer
