"""Acceptance for issue 5, through the services on both databases: three base assemblies adopt
a proposal → it reaches the regional agenda → the regional delegates vote on it with mandates
(one breaks hers and is flagged) → she is recalled (petition, signatures, recall vote) and
replaced by an STV by-election, all without leaving the services layer."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from sqlalchemy.orm import Session

from asamblea.core.delegation import DelegateChoice, DelegateState, MandateChoice
from asamblea.core.deliberation import EscalationState, ProposalKind, ProposalState
from asamblea.core.federation import (
    AssemblyKind,
    AssemblyRules,
    MembershipState,
    Role,
    WeightRule,
)
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState
from asamblea.services import delegation, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository
from tests.services.test_deliberation import KEY, T0, base_assembly, person, run_motion

TERMS = VoteTerms(T0, T0 + timedelta(hours=2))
TERM = (T0, T0 + timedelta(days=365))
#: The region's rules: one delegate per 3 members; three of its four base assemblies must
#: adopt an escalated proposal; delegates weigh by the members they represent.
REGION_RULES = AssemblyRules(
    delegate_ratio=3, escalation_percent=75, delegate_weight=WeightRule.MEMBERS_REPRESENTED
)


def elect(db: Session, child: int, people: list[Person], rankings: list[list[int]]) -> list[int]:
    """Hold and settle a delegate election in ``child``; the ids of the seated delegates."""
    facilitator = people[0]
    vote = delegation.open_delegate_election(
        db, facilitator, child, candidates=[p.id for p in people[1:4]], terms=TERMS, term=TERM
    )
    votes.open_vote(db, facilitator, vote.id, T0)
    for voter, ranking in zip(people, rankings, strict=False):
        votes.cast(db, voter, vote.id, ranking, now=T0, key=KEY)
    votes.close_vote(db, facilitator, vote.id, T0 + timedelta(hours=2), KEY)
    return [d.person_id for d in delegation.settle_delegate_election(db, vote.id, now=T0)]


def test_from_below(db: Session) -> None:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db,
        coordinator,
        name="Asamblea Regional del Sur",
        kind=AssemblyKind.REGION,
        parent_id=None,
        assembly_rules=REGION_RULES,
    )
    a, a_people = base_assembly(db, "Sindicato", 6, parent_id=region.id, kind=AssemblyKind.UNION)
    b, b_people = base_assembly(
        db,
        "Barrio",
        4,
        parent_id=region.id,
        kind=AssemblyKind.NEIGHBOURHOOD,
        rules=AssemblyRules(recall_percent=50),
    )
    c, c_people = base_assembly(
        db, "Comunidad", 4, parent_id=region.id, kind=AssemblyKind.PEASANT_COMMUNITY
    )
    base_assembly(db, "Estudiantes", 3, parent_id=region.id, kind=AssemblyKind.STUDENT)

    # 1. The union drafts, supports, debates, votes and adopts a demand, and sends it up.
    proposal = deliberation.draft_proposal(
        db,
        a_people[2],
        a,
        title="Agua potable para todos los barrios",
        text="Exigimos agua potable las 24 horas.",
        kind=ProposalKind.DEMAND,
    )
    deliberation.publish(db, a_people[2], proposal.id)
    assert deliberation.support(db, a_people[3], proposal.id).state is ProposalState.DEBATE
    vote = deliberation.start_voting(db, a_people[0], proposal.id, TERMS)
    run_motion(db, a_people, vote.id, [0, 0, 0, 0, 1, 2])
    assert deliberation.settle_proposal(db, proposal.id).state is ProposalState.ADOPTED
    sent = deliberation.escalate(db, a_people[0], proposal.id)
    assert (sent.status.assemblies, sent.status.needed, sent.status.reached) == (1, 3, False)

    # 2. Two siblings adopt it; the third adoption puts it on the regional agenda at once.
    escalation_id = sent.escalation.id
    deliberation.adopt_escalation(db, b_people[0], escalation_id, b)
    status = deliberation.adopt_escalation(db, c_people[0], escalation_id, c)
    assert status.escalation.state is EscalationState.ON_AGENDA
    assert (status.status.assemblies, status.status.members) == (3, 6 + 4 + 4)
    assert [line.name for line in status.adopters] == ["Sindicato", "Barrio", "Comunidad"]
    agenda_id = status.agenda_proposal_id
    assert agenda_id is not None
    on_agenda = deliberation.proposal_view(db, None, agenda_id)
    assert on_agenda.proposal.assembly_id == region.id
    assert on_agenda.proposal.state is ProposalState.DEBATE
    assert on_agenda.came_from is not None

    # 3. Each base assembly elects its delegates by STV (the union has 6 members: 2 seats).
    a_delegates = elect(db, a, a_people, [[0, 1], [0, 1], [1, 0], [1, 0], [2], [0]])
    b_delegates = elect(db, b, b_people, [[0], [0], [0], [1]])
    c_delegates = elect(db, c, c_people, [[1], [1], [0], [1]])
    assert len(a_delegates) == 2
    assert b_delegates == [b_people[1].id]
    federation_repo = FederationRepository(db)
    seat = federation_repo.membership_of(region.id, b_delegates[0])
    assert seat is not None
    assert (seat.state, seat.role) == (MembershipState.ACTIVE, Role.DELEGATE)

    # 4. The region puts it to a roll call; the children set mandates before it opens.
    roll_terms = VoteTerms(T0, T0 + timedelta(hours=2), mode=Mode.ROLL_CALL)
    regional_vote = deliberation.start_voting(db, coordinator, agenda_id, roll_terms)
    delegation.set_mandate(db, a_people[0], a, regional_vote.id, MandateChoice.FOR)
    delegation.set_mandate(db, b_people[0], b, regional_vote.id, MandateChoice.FOR)
    delegation.set_mandate(db, c_people[0], c, regional_vote.id, MandateChoice.FREE)
    votes.open_vote(db, coordinator, regional_vote.id, T0)
    choices = {a_delegates[0]: 0, a_delegates[1]: 0, b_delegates[0]: 1, c_delegates[0]: 2}
    for person_id, choice in choices.items():
        voter = Person(person_id, "", None)
        votes.cast(db, voter, regional_vote.id, [choice], now=T0, key=KEY)
    votes.cast(db, coordinator, regional_vote.id, [0], now=T0, key=KEY)
    votes.close_vote(db, coordinator, regional_vote.id, T0 + timedelta(hours=1), KEY)
    assert deliberation.settle_proposal(db, agenda_id).state is ProposalState.ADOPTED

    seen_by_b = delegation.roll_call(db, b_people[3], regional_vote.id)
    (entry,) = seen_by_b.entries  # a member of the Barrio sees the Barrio's delegate
    assert (entry.mandate, entry.choice, entry.mandate_breach) == (
        MandateChoice.FOR,
        DelegateChoice.AGAINST,
        True,
    )
    everyone = delegation.roll_call(db, coordinator, regional_vote.id)
    assert [e.mandate_breach for e in everyone.entries if e.delegate.child_id != b] == [False] * 3
    assert {e.weight for e in everyone.entries if e.delegate.child_id == a} == {Fraction(3)}
    assert everyone.totals[DelegateChoice.FOR] == 6

    # 5. The Barrio recalls her: a petition, a second signature (50 %), a recall vote.
    (breaker,) = [e.delegate for e in seen_by_b.entries]
    petition = delegation.open_recall(db, b_people[2], breaker.id, now=T0)
    assert petition.state == "gathering"
    petition = delegation.sign_recall(db, b_people[3], petition.id, now=T0)
    assert petition.state == "voting"
    assert petition.vote_id is not None
    recall_vote = votes.vote_view(db, b_people[0], petition.vote_id).vote
    assert recall_vote.state is VoteState.OPEN  # opened on its own
    for voter, choice in zip(b_people, [0, 1, 0, 0], strict=True):
        votes.cast(db, voter, recall_vote.id, [choice], now=T0, key=KEY)
    votes.close_vote(db, b_people[0], recall_vote.id, T0 + timedelta(minutes=5), KEY)
    now = T0 + timedelta(minutes=5)
    recalled = delegation.settle_recall(db, recall_vote.id, now=now)
    assert recalled.state is DelegateState.RECALLED
    gone = federation_repo.membership_of(region.id, breaker.person_id)
    assert gone is not None
    assert gone.state is MembershipState.LEFT  # the seat is vacated at once

    # 6. The by-election for the one seat opened in the same transaction; its winner sits.
    (by_election,) = [
        v
        for v in votes.votes_of(db, b_people[0], b)
        if v.spec.rule == "stv" and v.state is VoteState.OPEN
    ]
    assert by_election.spec.seats == 1
    winner_label = b_people[3].username
    index = by_election.spec.options.index(winner_label)
    for voter in b_people:
        votes.cast(db, voter, by_election.id, [index], now=now, key=KEY)
    votes.close_vote(db, b_people[0], by_election.id, now + timedelta(minutes=1), KEY)
    (successor,) = delegation.settle_delegate_election(
        db, by_election.id, now=now + timedelta(minutes=1)
    )
    assert successor.person_id == b_people[3].id
    assert successor.ends_at == breaker.ends_at  # serves the rest of the term
    seat = federation_repo.membership_of(region.id, successor.person_id)
    assert seat is not None
    assert seat.role is Role.DELEGATE
    assert [d.state for d in delegation.delegates_of(db, b)] == [
        DelegateState.RECALLED,
        DelegateState.SERVING,
    ]
