"""An assembly's rules decide, on both databases: its facilitators change them (audited, with
the rules before and after); the support share of the proposal's assembly, the escalation
share of the parent and the parent's weight rule change outcomes; a lower share is met at
once by what was waiting; nothing already open or decided is reckoned again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.deliberation import EscalationState, ProposalState
from asamblea.core.errors import DomainError, Forbidden, NotFound
from asamblea.core.federation import AssemblyKind, AssemblyRules, WeightRule
from asamblea.core.people import Person
from asamblea.core.votes import Mode
from asamblea.services import assembly_rules, deliberation, federation, votes
from asamblea.services.deliberation import VoteTerms
from asamblea.store.models import AssemblyRow, AuditRow
from asamblea.store.repositories import FederationRepository
from tests.services.test_deliberation import (
    T0,
    adopted_in,
    base_assembly,
    open_proposal,
    pending,
    person,
)


def audit_details(db: Session, action: str) -> list[dict]:
    return list(db.scalars(select(AuditRow.details).where(AuditRow.action == action)))


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


# --- who changes the rules, and what is recorded -------------------------------------------


def test_only_its_facilitators_change_an_assemblys_rules(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    outsider = base_assembly(db, "Lejos", 1)[1][0]
    new = AssemblyRules(support_percent=30, recall_percent=40)

    def refused(actor: Person, target: int, error: type[DomainError]) -> None:
        before = db.scalar(select(func.count()).select_from(AuditRow))
        savepoint = db.begin_nested()
        with pytest.raises(error):
            assembly_rules.change_assembly_rules(db, actor, target, new)
        savepoint.rollback()
        assert db.scalar(select(func.count()).select_from(AuditRow)) == before
        assert FederationRepository(db).assembly(assembly_id).rules == AssemblyRules()  # type: ignore[union-attr]

    refused(people[1], assembly_id, Forbidden)  # a member
    refused(outsider, assembly_id, Forbidden)  # another assembly's facilitator
    refused(pending(db, assembly_id), assembly_id, Forbidden)
    refused(people[0], 10_000, NotFound)

    changed = assembly_rules.change_assembly_rules(db, people[0], assembly_id, new)
    assert changed.rules == new
    row = db.get(AssemblyRow, assembly_id)
    assert row is not None
    assert (row.support_percent, row.recall_percent, row.delegate_weight) == (30, 40, "one_each")
    (details,) = audit_details(db, "assembly.rules_changed")
    assert details["before"]["support_percent"] == 10
    assert details["after"] == {**details["before"], "support_percent": 30, "recall_percent": 40}
    assembly_rules.change_assembly_rules(db, people[0], assembly_id, new)  # the same again
    assert len(audit_details(db, "assembly.rules_changed")) == 1  # nothing written


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

    lower = AssemblyRules(support_percent=10)
    assembly_rules.change_assembly_rules(db, people[0], assembly_id, lower)
    moved = deliberation.proposal_view(db, None, proposal_id)
    assert (moved.proposal.state, moved.threshold) == (ProposalState.DEBATE, 2)  # at once
    assert audit_details(db, "proposal.to_debate") == [{"supports": 2, "by": "system"}]

    higher = AssemblyRules(support_percent=100)
    assembly_rules.change_assembly_rules(db, people[0], assembly_id, higher)
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

    assembly_rules.change_assembly_rules(
        db, coordinator, region_id, AssemblyRules(escalation_percent=60)
    )
    (now,) = deliberation.escalations_to(db, region_id)
    assert (now.status.needed, now.escalation.state) == (2, EscalationState.ON_AGENDA)
    assert now.agenda_proposal_id is not None

    assembly_rules.change_assembly_rules(
        db, coordinator, region_id, AssemblyRules(escalation_percent=100)
    )
    (later,) = deliberation.escalations_to(db, region_id)
    assert later.escalation.state is EscalationState.ON_AGENDA  # never taken back
    assert later.agenda_proposal_id == now.agenda_proposal_id
    assert [p.id for p in deliberation.proposals_of(db, None, region_id)] == [
        now.agenda_proposal_id
    ]


# --- a vote keeps the rules it opened with -------------------------------------------------


def test_a_vote_keeps_the_rules_it_opened_with(db: Session) -> None:
    region_id, coordinator, _ = region_of(db, 1, AssemblyRules())
    terms = VoteTerms(T0, T0 + timedelta(hours=2), mode=Mode.ROLL_CALL)
    first = votes.draft_vote(db, coordinator, region_id, terms.motion("¿Primera?"))
    region = FederationRepository(db).assembly(region_id)
    assert region is not None
    assert federation.rules_when_vote_opened(db, region, first.id) == AssemblyRules()  # a draft
    votes.open_vote(db, coordinator, first.id, T0)

    weighted = AssemblyRules(delegate_weight=WeightRule.MEMBERS_REPRESENTED)
    assembly_rules.change_assembly_rules(db, coordinator, region_id, weighted)
    second = votes.draft_vote(db, coordinator, region_id, terms.motion("¿Segunda?"))
    votes.open_vote(db, coordinator, second.id, T0)
    assembly_rules.change_assembly_rules(
        db, coordinator, region_id, AssemblyRules(quorum_percent=70)
    )

    region = FederationRepository(db).assembly(region_id)
    assert region is not None
    assert region.rules.delegate_weight is WeightRule.ONE_EACH  # the rules now
    assert federation.rules_when_vote_opened(db, region, first.id) == AssemblyRules()
    assert federation.rules_when_vote_opened(db, region, second.id) == weighted
