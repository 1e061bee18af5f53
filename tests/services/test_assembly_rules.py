"""An assembly's rules decide, on both databases, and they are its members' to change: a
facilitator proposes, a secret yes/no vote of the members decides (proposal → vote →
published → applied, audited with the rules before and after; rejected or short of quorum →
unchanged); one change is under vote at a time. The support share of the proposal's assembly,
the escalation share of the parent and the parent's weight rule change outcomes; a lower
share is met at once by what was waiting; nothing already open is reckoned again — a recall
petition keeps the share it opened with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.deliberation import EscalationState, ProposalState
from asamblea.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.federation import (
    AssemblyKind,
    AssemblyRules,
    RulesChangeState,
    WeightRule,
)
from asamblea.core.people import Person
from asamblea.core.votes import Mode, VoteState
from asamblea.services import delegation, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import assemblies as federation
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.votes import votes
from asamblea.store.delegation_models import RollCallWeightRow
from asamblea.store.federation_models import AssemblyRow, AuditRow, RulesChangeRow
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.federation_rules_repository import RulesChange
from asamblea.store.votes_models import VoteRow
from tests.services.test_deliberation import (
    KEY,
    T0,
    adopted_in,
    base_assembly,
    open_proposal,
    pending,
    person,
)

YES, NO, ABSTAIN = 0, 1, 2


def audit_details(db: Session, action: str) -> list[dict]:
    return list(db.scalars(select(AuditRow.details).where(AuditRow.action == action)))


def rules_of(db: Session, assembly_id: int) -> AssemblyRules:
    found = FederationRepository(db).assembly(assembly_id)
    assert found is not None
    return found.rules


def region_of(db: Session, children: int, rules: AssemblyRules) -> tuple[int, Person, list]:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db,
        coordinator,
        name="Región",
        kind=AssemblyKind.REGION,
        parent_id=None,
        assembly_rules=rules,
    )
    found = [base_assembly(db, f"Base{i}", 3, parent_id=region.id) for i in range(children)]
    return region.id, coordinator, found


def decide(db: Session, change: RulesChange, ballots: list[tuple[Person, int]]) -> None:
    """The members cast their ballots; the facilitator closes the vote at its closing time."""
    for voter, choice in ballots:
        votes.cast(db, voter, change.vote_id, [choice], now=T0, key=KEY)
    vote = votes.vote_view(db, None, change.vote_id).vote
    closer = FederationRepository(db).memberships(change.assembly_id)[0].person_id
    votes.close_vote(db, Person(closer, "", None), change.vote_id, vote.spec.closes_at, KEY)


def adopt(
    db: Session, facilitator: Person, assembly_id: int, voters: list[Person], new: AssemblyRules
) -> RulesChange | None:
    """The facilitator proposes ``new`` and every voter says yes: the rules apply once settled."""
    change = assembly_rules.propose_rules(db, facilitator, assembly_id, new, now=T0)
    decide(db, change, [(voter, YES) for voter in voters])
    return assembly_rules.settle_rules(db, assembly_id)


# --- who proposes, and what a proposal opens -----------------------------------------------


def test_only_its_facilitators_propose_rules_and_one_change_at_a_time(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    outsider = base_assembly(db, "Lejos", 1)[1][0]
    new = AssemblyRules(support_percent=30, recall_percent=40)

    def refused(actor: Person, target: int, error: type[DomainError], rules=new) -> None:
        tables = (AuditRow, VoteRow, RulesChangeRow)
        before = [db.scalar(select(func.count()).select_from(t)) for t in tables]
        savepoint = db.begin_nested()
        with pytest.raises(error):
            assembly_rules.propose_rules(db, actor, target, rules, now=T0)
        savepoint.rollback()
        assert [db.scalar(select(func.count()).select_from(t)) for t in tables] == before
        assert rules_of(db, assembly_id) == AssemblyRules()

    refused(people[1], assembly_id, Forbidden)  # a member
    refused(outsider, assembly_id, Forbidden)  # another assembly's facilitator
    refused(pending(db, assembly_id), assembly_id, Forbidden)
    refused(people[0], 10_000, NotFound)
    refused(people[0], assembly_id, Invalid, AssemblyRules())  # the rules in force

    change = assembly_rules.propose_rules(db, people[0], assembly_id, new, now=T0)
    assert (change.state, change.rules, change.before) == (
        RulesChangeState.VOTING,
        new,
        AssemblyRules(),
    )
    assert rules_of(db, assembly_id) == AssemblyRules()  # nothing applies before the vote
    vote = votes.vote_view(db, people[1], change.vote_id).vote
    assert vote.state is VoteState.OPEN
    assert (vote.spec.rule, vote.spec.mode, vote.spec.public) == ("majority", Mode.SECRET, True)
    assert (vote.spec.quorum_percent, vote.roll_size) == (50, 3)  # the assembly's quorum
    assert vote.spec.closes_at == T0 + timedelta(days=7)
    assert vote.spec.question == (
        "¿Cambiamos las reglas de la asamblea? "
        "firmas para revocatoria 20 % → 40 %; apoyos para debate 10 % → 30 %"
    )
    (proposed,) = audit_details(db, "assembly.rules_proposed")
    assert proposed["vote_id"] == vote.id
    assert proposed["after"]["recall_percent"] == 40
    assert audit_details(db, "assembly.rules_changed") == []
    refused(people[0], assembly_id, Conflict, AssemblyRules(quorum_percent=70))  # one at a time
    assert assembly_rules.settle_rules(db, assembly_id) == change  # not published: waits
    status = assembly_rules.rules_status(db, assembly_id)
    assert status is not None
    assert status.changed == {"recall_percent": (20, 40), "support_percent": (10, 30)}
    assert status.vote is not None
    assert status.vote.id == vote.id
    with pytest.raises(Invalid):
        assembly_rules.propose_rules(db, people[0], assembly_id, new, now=T0, days=61)


# --- the members decide --------------------------------------------------------------------


def test_rules_apply_when_the_members_vote_carries(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    new = AssemblyRules(support_percent=30, recall_percent=40)
    change = assembly_rules.propose_rules(db, people[0], assembly_id, new, now=T0)
    decide(db, change, [(people[0], YES), (people[1], YES), (people[2], NO)])
    assert rules_of(db, assembly_id) == AssemblyRules()  # published, not settled yet
    assert assembly_rules.needs_settling(db, assembly_id)

    settled = assembly_rules.settle_rules(db, assembly_id)
    assert settled is not None
    assert (settled.state, settled.settled_at) == (RulesChangeState.ADOPTED, T0 + timedelta(days=7))
    assert rules_of(db, assembly_id) == new
    row = db.get(AssemblyRow, assembly_id)
    assert row is not None
    assert (row.support_percent, row.recall_percent, row.delegate_weight) == (30, 40, "one_each")
    (details,) = audit_details(db, "assembly.rules_changed")
    assert details["before"]["support_percent"] == 10
    assert details["after"] == {**details["before"], "support_percent": 30, "recall_percent": 40}
    assert details["vote_id"] == change.vote_id
    assert (
        db.scalar(select(AuditRow.actor_id).where(AuditRow.action == "assembly.rules_changed"))
        is None
    )  # the members decided, not a person
    assert audit_details(db, "assembly.rules_settled") == [
        {"vote_id": change.vote_id, "state": "adopted"}
    ]

    assert assembly_rules.settle_rules(db, assembly_id) is None  # idempotent: nothing pending
    assert not assembly_rules.needs_settling(db, assembly_id)
    assert len(audit_details(db, "assembly.rules_changed")) == 1
    again = assembly_rules.propose_rules(  # the next change may now be proposed
        db, people[0], assembly_id, AssemblyRules(quorum_percent=70), now=T0
    )
    assert again.before == new


@pytest.mark.parametrize(
    "ballots",
    [
        [YES, NO, NO],  # the members say no
        [YES, NO],  # a tie: Sí does not win
        [YES],  # one of four: short of the 50 % quorum
    ],
    ids=["rejected", "tied", "no-quorum"],
)
def test_rules_that_do_not_carry_change_nothing(db: Session, ballots: list[int]) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    change = assembly_rules.propose_rules(
        db, people[0], assembly_id, AssemblyRules(recall_percent=100), now=T0
    )
    decide(db, change, list(zip(people, ballots, strict=False)))
    settled = assembly_rules.settle_rules(db, assembly_id)
    assert settled is not None
    assert settled.state is RulesChangeState.REJECTED
    assert rules_of(db, assembly_id) == AssemblyRules()
    assert audit_details(db, "assembly.rules_changed") == []
    assert assembly_rules.settle_rules(db, assembly_id) is None
    status = assembly_rules.rules_status(db, assembly_id)
    assert status is not None
    assert status.change.state is RulesChangeState.REJECTED  # shown as the last change
    assembly_rules.propose_rules(  # and the assembly may try again
        db, people[0], assembly_id, AssemblyRules(recall_percent=30), now=T0
    )


def test_a_published_change_is_settled_before_the_next_proposal(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    first = assembly_rules.propose_rules(
        db, people[0], assembly_id, AssemblyRules(quorum_percent=60), now=T0
    )
    decide(db, first, [(p, YES) for p in people])
    second = assembly_rules.propose_rules(
        db, people[0], assembly_id, AssemblyRules(quorum_percent=60, support_percent=20), now=T0
    )
    assert rules_of(db, assembly_id) == AssemblyRules(quorum_percent=60)  # the first applied
    assert second.before == AssemblyRules(quorum_percent=60)
    assert votes.vote_view(db, None, second.vote_id).vote.spec.quorum_percent == 60
    (settled,) = audit_details(db, "assembly.rules_settled")
    assert settled == {"vote_id": first.vote_id, "state": "adopted"}


# --- a recall petition keeps the share it opened with --------------------------------------


def test_a_recall_petition_keeps_the_share_it_opened_with(db: Session) -> None:
    """The delegate's friends cannot raise the bar on a petition under way: even rules the
    members adopt apply to petitions opened afterwards only."""
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db, coordinator, name="Región", kind=AssemblyKind.REGION, parent_id=None
    )
    child, people = base_assembly(
        db, "Barrio", 10, parent_id=region.id, rules=AssemblyRules(recall_percent=30)
    )
    election = delegation.open_delegate_election(
        db,
        people[0],
        child,
        candidates=[people[1].id, people[2].id],
        terms=VoteTerms(T0, T0 + timedelta(hours=1)),
        term=(T0, T0 + timedelta(days=365)),
    )
    votes.open_vote(db, people[0], election.id, T0)
    for voter in people:
        votes.cast(db, voter, election.id, [0], now=T0, key=KEY)
    votes.close_vote(db, people[0], election.id, T0 + timedelta(hours=1), KEY)
    (delegate_id,) = [d.id for d in delegation.settle_delegate_election(db, election.id, now=T0)]

    petition = delegation.open_recall(db, people[5], delegate_id, now=T0)  # 1 of the 3 needed
    assert petition.recall_percent == 30
    adopt(db, people[0], child, people[:8], AssemblyRules(recall_percent=100))
    assert rules_of(db, child).recall_percent == 100
    (view,) = delegation.petitions_against(db, people[6], delegate_id)
    assert (view.signatures, view.needed) == (1, 3)  # still 30 % of 10
    assert delegation.sign_recall(db, people[6], petition.id, now=T0).state == "gathering"
    voting = delegation.sign_recall(db, people[7], petition.id, now=T0)
    assert voting.state == "voting"  # the frozen bar: 3 signatures, not 10
    assert voting.vote_id is not None
    later = delegation.petitions_against(db, people[6], delegate_id)
    assert [p.petition.recall_percent for p in later] == [30]


# --- the support share of the proposal's assembly ------------------------------------------


def test_the_assemblys_support_share_moves_proposals_to_debate(db: Session) -> None:
    assembly_id, people = base_assembly(
        db, "Sindicato", 11, rules=AssemblyRules(support_percent=30)
    )
    proposal_id = open_proposal(db, people, assembly_id)
    for supporter in people[3:5]:
        assert deliberation.support(db, supporter, proposal_id).state is ProposalState.OPEN
    view = deliberation.proposal_view(db, None, proposal_id)
    assert (view.supports, view.threshold) == (2, 4)  # ceil(30 % of 11); the default asks 2

    adopt(db, people[0], assembly_id, people, AssemblyRules(support_percent=10))
    moved = deliberation.proposal_view(db, None, proposal_id)
    assert (moved.proposal.state, moved.threshold) == (ProposalState.DEBATE, 2)  # at once
    assert audit_details(db, "proposal.to_debate") == [{"supports": 2, "by": "system"}]

    adopt(db, people[0], assembly_id, people, AssemblyRules(support_percent=100))
    kept = deliberation.proposal_view(db, None, proposal_id).proposal
    assert kept.state is ProposalState.DEBATE  # a higher share takes nothing back
    second = open_proposal(db, people, assembly_id)
    for supporter in people[3:9]:
        deliberation.support(db, supporter, second)
    assert deliberation.proposal_view(db, None, second).threshold == 10  # everyone but the author


# --- the escalation share of the parent ----------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "adopters", "on_agenda"),
    [
        (50, 2, True),  # ceil(1.5) = 2 of 3
        (60, 2, True),  # ceil(1.8) = 2 of 3
        (67, 2, False),  # ceil(2.01) = 3 of 3
        (33, 1, True),  # ceil(0.99) = 1
        (34, 1, False),  # ceil(1.02) = 2
    ],
)
def test_the_parents_escalation_share_decides_the_agenda(
    db: Session, percent: int, adopters: int, on_agenda: bool
) -> None:
    region_id, _, children = region_of(db, 3, AssemblyRules(escalation_percent=percent))
    (a, a_people), (b, b_people), _ = children
    view = deliberation.escalate(db, a_people[0], adopted_in(db, a, a_people))
    if adopters == 2:
        view = deliberation.adopt_escalation(db, b_people[0], view.escalation.id, b)
    assert view.status.assemblies == adopters
    assert view.status.reached is on_agenda
    assert (view.escalation.state is EscalationState.ON_AGENDA) is on_agenda
    assert len(deliberation.proposals_of(db, None, region_id)) == int(on_agenda)


def test_a_lower_escalation_share_puts_waiting_proposals_on_the_agenda(db: Session) -> None:
    region_id, coordinator, children = region_of(db, 3, AssemblyRules(escalation_percent=100))
    (a, a_people), (b, b_people), _ = children
    sent = deliberation.escalate(db, a_people[0], adopted_in(db, a, a_people))
    waiting = deliberation.adopt_escalation(db, b_people[0], sent.escalation.id, b)
    assert (waiting.status.needed, waiting.escalation.state) == (3, EscalationState.SENT)

    adopt(db, coordinator, region_id, [coordinator], AssemblyRules(escalation_percent=60))
    (now,) = deliberation.escalations_to(db, region_id)
    assert (now.status.needed, now.escalation.state) == (2, EscalationState.ON_AGENDA)
    assert now.agenda_proposal_id is not None
    actors = db.scalars(select(AuditRow.actor_id).where(AuditRow.action == "escalation.on_agenda"))
    assert list(actors) == [None]  # the members' vote did it, not the facilitator who proposed

    adopt(db, coordinator, region_id, [coordinator], AssemblyRules(escalation_percent=100))
    (later,) = deliberation.escalations_to(db, region_id)
    assert later.escalation.state is EscalationState.ON_AGENDA  # never taken back
    assert later.agenda_proposal_id == now.agenda_proposal_id
    assert [p.id for p in deliberation.proposals_of(db, None, region_id)] == [
        now.agenda_proposal_id
    ]


# --- a roll call keeps the weights it opened with ------------------------------------------


def test_a_roll_call_opened_before_0009_is_reckoned_from_the_audit_log(db: Session) -> None:
    """Roll calls opened before migration 0009 froze no weights: the rule in force when they
    opened comes from the audit log (the first rules change after the opening holds it as
    "before"); a draft weighs by the rule now."""
    region_id, coordinator, _ = region_of(db, 1, AssemblyRules())
    terms = VoteTerms(T0, T0 + timedelta(hours=2), mode=Mode.ROLL_CALL)
    first = votes.draft_vote(db, coordinator, region_id, terms.motion("¿Primera?"))
    region = FederationRepository(db).assembly(region_id)
    assert region is not None
    assert federation.rules_when_vote_opened(db, region, first.id) == AssemblyRules()  # a draft
    votes.open_vote(db, coordinator, first.id, T0)

    weighted = AssemblyRules(delegate_weight=WeightRule.MEMBERS_REPRESENTED)
    federation.apply_rules(db, None, region_id, weighted)
    second = votes.draft_vote(db, coordinator, region_id, terms.motion("¿Segunda?"))
    votes.open_vote(db, coordinator, second.id, T0)
    federation.apply_rules(db, None, region_id, AssemblyRules(quorum_percent=70))

    region = FederationRepository(db).assembly(region_id)
    assert region is not None
    assert region.rules.delegate_weight is WeightRule.ONE_EACH  # the rules now
    assert federation.rules_when_vote_opened(db, region, first.id) == AssemblyRules()
    assert federation.rules_when_vote_opened(db, region, second.id) == weighted
    assert db.scalar(select(func.count()).select_from(RollCallWeightRow)) == 0  # nobody sat
