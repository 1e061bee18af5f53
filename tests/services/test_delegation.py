"""Delegates on both databases: STV elections for the parent's seats, seats upstairs with the
delegate role, mandates, the roll call with breaches and weights, and recall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.delegation import DelegateChoice, DelegateState, MandateChoice
from asamblea.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.federation import (
    AssemblyKind,
    AssemblyRules,
    MembershipState,
    Role,
    WeightRule,
)
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState
from asamblea.services import delegation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.delegation_models import (
    DelegateElectionRow,
    DelegateRow,
    MandateRow,
    RecallPetitionRow,
    RecallSignatureRow,
    RollCallWeightRow,
)
from asamblea.store.federation_models import AuditRow, MembershipRow
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.votes_models import VoteRow
from tests.services.test_deliberation import KEY, T0, TERMS, base_assembly, pending, person

TERM = (T0, T0 + timedelta(days=365))
TABLES = (
    DelegateRow,
    DelegateElectionRow,
    MandateRow,
    RecallPetitionRow,
    RecallSignatureRow,
    MembershipRow,
    VoteRow,
    AuditRow,
)


def refused(db: Session, action: Callable[[], object], error: type[DomainError]) -> None:
    """``action`` raises ``error`` and leaves every table as it was."""
    before = [db.scalar(select(func.count()).select_from(t)) for t in TABLES]
    savepoint = db.begin_nested()
    with pytest.raises(error):
        action()
    savepoint.rollback()
    assert [db.scalar(select(func.count()).select_from(t)) for t in TABLES] == before


def region_with(
    db: Session,
    sizes: dict[str, int],
    ratio: int = 2,
    weight: WeightRule = WeightRule.ONE_EACH,
) -> tuple[int, Person, dict]:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db,
        coordinator,
        name="Región",
        kind=AssemblyKind.REGION,
        parent_id=None,
        assembly_rules=AssemblyRules(delegate_ratio=ratio, delegate_weight=weight),
    )
    children = {
        name: base_assembly(db, name, size, parent_id=region.id) for name, size in sizes.items()
    }
    return region.id, coordinator, children


def elect(db: Session, child: int, people: list[Person], winners: list[int]) -> list[int]:
    """Elect ``winners`` (indices into ``people``) with everyone ranking them first."""
    candidates = sorted({*winners, *(i for i in range(1, len(people)) if i not in winners)})
    candidates = candidates[: len(winners) + 1]
    vote = delegation.open_delegate_election(
        db, people[0], child, candidates=[people[i].id for i in candidates], terms=TERMS, term=TERM
    )
    votes.open_vote(db, people[0], vote.id, T0)
    ranking = [candidates.index(w) for w in winners]
    for voter in people:
        votes.cast(db, voter, vote.id, ranking, now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(minutes=1), KEY)
    return [d.id for d in delegation.settle_delegate_election(db, vote.id, now=T0)]


# --- elections ---------------------------------------------------------------------------------


def test_an_election_fills_the_parents_seats(db: Session) -> None:
    region_id, _, children = region_with(db, {"Sindicato": 5})
    child, people = children["Sindicato"]
    outsider = base_assembly(db, "Lejos", 1)[1][0]
    ids = [people[1].id, people[2].id, people[3].id]

    def attempt(actor: Person, candidates: list[int], term: tuple = TERM) -> Callable[[], object]:
        return lambda: delegation.open_delegate_election(
            db, actor, child, candidates=candidates, terms=TERMS, term=term
        )

    refused(db, attempt(people[1], ids), Forbidden)
    refused(db, attempt(outsider, ids), Forbidden)
    refused(db, attempt(people[0], [*ids, outsider.id]), Invalid)
    refused(db, attempt(people[0], [ids[0], ids[0], ids[1]]), Invalid)
    refused(db, attempt(people[0], ids, (T0, T0 - timedelta(days=1))), Invalid)
    lone, lone_people = base_assembly(db, "Sola", 2)
    refused(
        db,
        lambda: delegation.open_delegate_election(
            db, lone_people[0], lone, candidates=[lone_people[1].id], terms=TERMS, term=TERM
        ),
        Conflict,
    )

    seated = elect(db, child, people, [1, 2])  # 5 active members, one seat per 2 → 2 seats
    assert len(seated) == 2
    delegates = delegation.delegates_in(db, region_id)
    assert [(d.person_id, d.state) for d in delegates] == [
        (people[1].id, DelegateState.SERVING),
        (people[2].id, DelegateState.SERVING),
    ]
    assert (delegates[0].starts_at, delegates[0].ends_at) == TERM
    upstairs = FederationRepository(db).membership_of(region_id, people[1].id)
    assert upstairs is not None
    assert (upstairs.state, upstairs.role) == (MembershipState.ACTIVE, Role.DELEGATE)
    refused(db, attempt(people[0], [people[3].id, people[4].id]), Conflict)  # seats filled
    (line,) = delegation.elections_of(db, people[4], child)
    assert (line.vote.state, line.vote.spec.seats, line.election.replaces_id) == (
        VoteState.PUBLISHED,
        2,
        None,
    )
    assert delegation.elections_of(db, None, child) == []  # a secret vote: members see it


def test_settling_twice_seats_nobody_twice(db: Session) -> None:
    _, _, children = region_with(db, {"Sindicato": 3})
    child, people = children["Sindicato"]
    vote = delegation.open_delegate_election(
        db, people[0], child, candidates=[people[1].id, people[2].id], terms=TERMS, term=TERM
    )
    assert delegation.settle_delegate_election(db, vote.id, now=T0) == []  # still a draft
    votes.open_vote(db, people[0], vote.id, T0)
    for voter in people:
        votes.cast(db, voter, vote.id, [0], now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(minutes=1), KEY)
    assert len(delegation.settle_delegate_election(db, vote.id, now=T0)) == 1
    assert delegation.settle_delegate_election(db, vote.id, now=T0) == []
    refused(db, lambda: delegation.settle_delegate_election(db, 10_000, now=T0), NotFound)


# --- mandates and the roll call ------------------------------------------------------------


def parent_motion(db: Session, coordinator: Person, region_id: int, *, public: bool = False):
    terms = VoteTerms(T0, T0 + timedelta(hours=2), mode=Mode.ROLL_CALL, public=public)
    return votes.draft_vote(db, coordinator, region_id, terms.motion("¿Marchamos el día 15?"))


def test_mandates_are_set_by_the_child_before_the_vote_opens(db: Session) -> None:
    region_id, coordinator, children = region_with(db, {"Uno": 3, "Dos": 3})
    (one, one_people), (_two, two_people) = children["Uno"], children["Dos"]
    stranger, stranger_people = base_assembly(db, "Lejos", 1)
    vote = parent_motion(db, coordinator, region_id)

    def attempt(actor: Person, child: int, vote_id: int = vote.id) -> Callable[[], object]:
        return lambda: delegation.set_mandate(db, actor, child, vote_id, MandateChoice.FOR)

    refused(db, attempt(one_people[1], one), Forbidden)  # a member, not a facilitator
    refused(db, attempt(two_people[0], one), Forbidden)  # a facilitator of a sibling
    refused(db, attempt(stranger_people[0], stranger), Invalid)  # not its parent's vote
    refused(db, attempt(one_people[0], one, 10_000), NotFound)
    plural = votes.draft_vote(
        db,
        coordinator,
        region_id,
        TERMS.ranked("¿Qué día?", ["Lunes", "Martes"], rule="plurality", seats=1),
    )
    refused(db, attempt(one_people[0], one, plural.id), Invalid)
    delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.AGAINST)
    delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.FOR)  # rewritten
    votes.open_vote(db, coordinator, vote.id, T0)
    refused(db, attempt(one_people[0], one), Conflict)  # fixed once the vote opens
    (line,) = delegation.mandates_of(db, one_people[2], one)
    assert (line.vote.id, line.mandate.choice, line.mandate.set_by) == (
        vote.id,
        MandateChoice.FOR,  # the instruction in force, not the one it replaced
        one_people[0].id,
    )
    assert line.vote.spec.question == "¿Marchamos el día 15?"
    assert delegation.mandates_of(db, two_people[1], children["Dos"][0]) == []
    for viewer in (None, two_people[1], coordinator, pending(db, one)):
        with pytest.raises(Forbidden):  # the child's active members only
            delegation.mandates_of(db, viewer, one)
    with pytest.raises(NotFound):
        delegation.mandates_of(db, one_people[0], 10_000)
    seen = delegation.roll_call(db, coordinator, vote.id)
    assert seen.entries == ()  # nobody elected yet


def test_roll_call_flags_breaches_and_weighs_delegates(db: Session) -> None:
    region_id, coordinator, children = region_with(
        db, {"Uno": 5, "Dos": 3}, weight=WeightRule.MEMBERS_REPRESENTED
    )
    (one, one_people), (two, two_people) = children["Uno"], children["Dos"]
    elect(db, one, one_people, [1, 2])
    elect(db, two, two_people, [1])
    vote = parent_motion(db, coordinator, region_id)
    delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.FOR)
    delegation.set_mandate(db, two_people[0], two, vote.id, MandateChoice.AGAINST)
    votes.open_vote(db, coordinator, vote.id, T0)
    votes.cast(db, one_people[1], vote.id, [0], now=T0, key=KEY)  # carries the mandate
    votes.cast(db, two_people[1], vote.id, [2], now=T0, key=KEY)  # abstains: a breach
    before = delegation.roll_call(db, coordinator, vote.id)
    assert not before.published
    assert {(e.choice, e.mandate_breach) for e in before.entries} == {(None, False)}
    votes.close_vote(db, coordinator, vote.id, T0 + timedelta(hours=2), KEY)

    everyone = delegation.roll_call(db, coordinator, vote.id)
    rows = [(e.name, e.mandate, e.choice, e.mandate_breach, e.weight) for e in everyone.entries]
    assert rows == [
        ("uno1", MandateChoice.FOR, DelegateChoice.FOR, False, Fraction(5, 2)),
        ("uno2", MandateChoice.FOR, None, True, Fraction(5, 2)),  # did not vote
        ("dos1", MandateChoice.AGAINST, DelegateChoice.ABSTAIN, True, Fraction(3)),
    ]
    assert everyone.totals[DelegateChoice.FOR] == Fraction(5, 2)
    # The region moves to one vote each (its members adopted it: the rules' storage step), and
    # "Dos" gains two members: the roll call that had opened keeps the weights frozen when it
    # opened; a roll call drafted afterwards weighs one each.
    federation.apply_rules(
        db, None, region_id, AssemblyRules(delegate_ratio=2, delegate_weight=WeightRule.ONE_EACH)
    )
    for name in ("dos_nueva", "dos_nuevo"):
        request = federation.request_to_join(db, person(db, name), two)
        for voucher in two_people[:2]:
            if request.state is MembershipState.PENDING:
                request = federation.vouch(db, voucher, request.id)
    assert FederationRepository(db).active_counts()[two] == 5
    assert delegation.roll_call(db, coordinator, vote.id) == everyone
    frozen = db.execute(
        select(RollCallWeightRow.child_id, RollCallWeightRow.members, RollCallWeightRow.delegates)
        .where(RollCallWeightRow.vote_id == vote.id)
        .order_by(RollCallWeightRow.child_id)
    ).all()
    assert [tuple(row) for row in frozen] == [(one, 5, 2), (two, 3, 1)]
    later = parent_motion(db, coordinator, region_id)
    one_each = delegation.roll_call(db, coordinator, later.id)
    assert {e.weight for e in one_each.entries} == {Fraction(1)}

    mine = delegation.roll_call(db, two_people[2], vote.id)
    assert [e.name for e in mine.entries] == ["dos1"]  # a child's member sees their delegates
    stranger = base_assembly(db, "Lejos", 1)[1][0]
    for viewer in (None, stranger, pending(db, two)):
        with pytest.raises(NotFound):
            delegation.roll_call(db, viewer, vote.id)
    secret = votes.draft_vote(db, coordinator, region_id, TERMS.motion("¿Secreta?"))
    with pytest.raises(NotFound):
        delegation.roll_call(db, coordinator, secret.id)


def test_a_public_roll_call_is_seen_by_anyone(db: Session) -> None:
    region_id, coordinator, children = region_with(db, {"Uno": 3})
    one, one_people = children["Uno"]
    elect(db, one, one_people, [1])
    vote = parent_motion(db, coordinator, region_id, public=True)
    votes.open_vote(db, coordinator, vote.id, T0)
    assert [e.name for e in delegation.roll_call(db, None, vote.id).entries] == ["uno1"]


# --- recall --------------------------------------------------------------------------------


def recall_setup(db: Session, size: int, percent: int) -> tuple[int, int, list[Person], int]:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db, coordinator, name="Región", kind=AssemblyKind.REGION, parent_id=None
    )
    child, people = base_assembly(
        db, "Barrio", size, parent_id=region.id, rules=AssemblyRules(recall_percent=percent)
    )
    (delegate_id,) = elect(db, child, people, [1])
    return region.id, child, people, delegate_id


def test_who_may_petition_and_sign(db: Session) -> None:
    region_id, child, people, delegate_id = recall_setup(db, 5, 60)  # 3 signatures of 5
    stranger = base_assembly(db, "Lejos", 1)[1][0]
    coordinator = FederationRepository(db).memberships(region_id)[0]
    upstairs = Person(coordinator.person_id, "", None)
    for actor in (stranger, upstairs, pending(db, child)):
        refused(db, lambda a=actor: delegation.open_recall(db, a, delegate_id, now=T0), Forbidden)
    petition = delegation.open_recall(db, people[2], delegate_id, now=T0)
    refused(db, lambda: delegation.open_recall(db, people[3], delegate_id, now=T0), Conflict)
    refused(db, lambda: delegation.sign_recall(db, people[2], petition.id, now=T0), Conflict)
    refused(db, lambda: delegation.sign_recall(db, stranger, petition.id, now=T0), Forbidden)
    assert delegation.sign_recall(db, people[3], petition.id, now=T0).state == "gathering"
    (view,) = delegation.petitions_against(db, people[4], delegate_id)
    assert (view.signatures, view.needed, view.signed_by_me) == (2, 3, False)
    with pytest.raises(Forbidden):
        delegation.petitions_against(db, stranger, delegate_id)
    voting = delegation.sign_recall(db, people[4], petition.id, now=T0)
    assert voting.state == "voting"
    assert voting.vote_id is not None
    vote = votes.vote_view(db, people[0], voting.vote_id).vote
    assert (vote.state, vote.spec.threshold, vote.roll_size) == (
        VoteState.OPEN,
        "majority_of_cast",
        5,
    )
    refused(db, lambda: delegation.sign_recall(db, people[0], petition.id, now=T0), Conflict)
    (delegate,) = delegation.delegates_of(db, child)
    assert delegate.state is DelegateState.RECALL_VOTE


def test_a_failed_recall_confirms_the_delegate(db: Session) -> None:
    region_id, _child, people, delegate_id = recall_setup(db, 3, 20)  # one signature is enough
    petition = delegation.open_recall(db, people[2], delegate_id, now=T0)
    assert petition.vote_id is not None
    for voter, choice in zip(people, [1, 1, 0], strict=True):
        votes.cast(db, voter, petition.vote_id, [choice], now=T0, key=KEY)
    votes.close_vote(db, people[0], petition.vote_id, T0 + timedelta(minutes=1), KEY)
    confirmed = delegation.settle_recall(db, petition.vote_id, now=T0)
    assert confirmed.state is DelegateState.CONFIRMED
    seat = FederationRepository(db).membership_of(region_id, people[1].id)
    assert seat is not None
    assert seat.state is MembershipState.ACTIVE
    assert delegation.settle_recall(db, petition.vote_id, now=T0) == confirmed  # idempotent
    again = delegation.open_recall(db, people[2], delegate_id, now=T0)  # may be petitioned again
    assert again.state == "voting"


def test_a_passed_recall_vacates_the_seat_at_once(db: Session) -> None:
    region_id, child, people, delegate_id = recall_setup(db, 3, 20)
    federation.leave(db, people[2], child)
    petition = delegation.open_recall(db, people[0], delegate_id, now=T0)
    assert petition.vote_id is not None
    for voter, choice in zip(people[:2], [0, 0], strict=True):
        votes.cast(db, voter, petition.vote_id, [choice], now=T0, key=KEY)
    votes.close_vote(db, people[0], petition.vote_id, T0 + timedelta(minutes=1), KEY)
    recalled = delegation.settle_recall(db, petition.vote_id, now=T0)
    assert recalled.state is DelegateState.RECALLED
    seat = FederationRepository(db).membership_of(region_id, people[1].id)
    assert seat is not None
    assert seat.state is MembershipState.LEFT
    # Only one other member: no STV by-election can open on its own; the seat is free.
    assert [v for v in votes.votes_of(db, people[0], child) if v.state is VoteState.OPEN] == []
    newcomer = person(db, "barrio_nueva")
    membership = federation.request_to_join(db, newcomer, child)
    federation.vouch(db, people[0], membership.id)
    federation.vouch(db, people[1], membership.id)
    vote = delegation.open_delegate_election(
        db, people[0], child, candidates=[people[0].id, newcomer.id], terms=TERMS, term=TERM
    )
    assert vote.spec.seats == 1


def test_terms_end_with_the_rights_upstairs(db: Session) -> None:
    region_id, _child, people, delegate_id = recall_setup(db, 3, 20)
    assert delegation.end_terms(db, region_id, now=TERM[1] - timedelta(seconds=1)) == []
    (ended,) = delegation.end_terms(db, region_id, now=TERM[1])
    assert (ended.id, ended.state) == (delegate_id, DelegateState.TERM_ENDED)
    seat = FederationRepository(db).membership_of(region_id, people[1].id)
    assert seat is not None
    assert seat.state is MembershipState.LEFT
    refused(db, lambda: delegation.open_recall(db, people[2], delegate_id, now=T0), Conflict)
    assert delegation.end_terms(db, region_id, now=TERM[1]) == []
    actions = set(db.scalars(select(AuditRow.action).where(AuditRow.assembly_id == region_id)))
    assert {"delegates.seated", "delegates.terms_ended", "delegates.seat_vacated"} <= actions
