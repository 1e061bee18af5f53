"""Deliberation on both databases: proposals, supports, arguments, amendments, moderation,
the deciding vote, escalation from below; who may act, and refusals that write nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.deliberation import (
    AmendmentState,
    EscalationState,
    ProposalKind,
    ProposalState,
    Side,
)
from asamblea.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.services import deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.deliberation_models import (
    AdoptionRow,
    AmendmentRow,
    ArgumentRow,
    EscalationRow,
    ProposalRow,
    SupportRow,
)
from asamblea.store.federation_models import AuditRow
from asamblea.store.votes_models import VoteRow

PASSWORD = "una frase larga y secreta"
KEY = votes.signing_key("clave-de-prueba-" * 4)
T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
TERMS = VoteTerms(T0, T0 + timedelta(hours=2))


def person(db: Session, name: str) -> Person:
    return accounts.register(db, name, PASSWORD)


def base_assembly(
    db: Session,
    name: str,
    members: int,
    *,
    parent_id: int | None = None,
    kind: AssemblyKind = AssemblyKind.UNION,
    rules: AssemblyRules | None = None,
) -> tuple[int, list[Person]]:
    """An assembly whose first person facilitates; everyone else active (vouched in)."""
    people = [person(db, f"{name.lower()}{i}") for i in range(members)]
    assembly = federation.create_assembly(
        db, people[0], name=name, kind=kind, parent_id=parent_id, assembly_rules=rules
    )
    for newcomer in people[1:]:
        membership = federation.request_to_join(db, newcomer, assembly.id)
        for voucher in people[:2]:
            if voucher.id != newcomer.id and membership.state.value == "pending":
                membership = federation.vouch(db, voucher, membership.id)
    return assembly.id, people


def run_motion(db: Session, people: list[Person], vote_id: int, choices: list[int]) -> None:
    """Open a drafted motion, cast ``choices`` (Sí 0, No 1, Abstención 2) and publish it."""
    votes.open_vote(db, people[0], vote_id, T0)
    for voter, choice in zip(people, choices, strict=False):
        votes.cast(db, voter, vote_id, [choice], now=T0, key=KEY)
    votes.close_vote(db, people[0], vote_id, T0 + timedelta(hours=2), KEY)


def open_proposal(db: Session, people: list[Person], assembly_id: int, author: int = 2) -> int:
    proposal = deliberation.draft_proposal(
        db,
        people[author],
        assembly_id,
        title="Olla común en el local",
        text="Organizar una olla común los sábados.",
        kind=ProposalKind.ACTION,
    )
    deliberation.publish(db, people[author], proposal.id)
    return proposal.id


def counts(db: Session) -> list[int | None]:
    tables = (ProposalRow, SupportRow, ArgumentRow, AmendmentRow, EscalationRow, AdoptionRow)
    return [db.scalar(select(func.count()).select_from(t)) for t in (*tables, AuditRow, VoteRow)]


def refused(db: Session, action: Callable[[], object], error: type[DomainError]) -> None:
    """``action`` raises ``error`` and leaves every table as it was."""
    before = counts(db)
    savepoint = db.begin_nested()
    with pytest.raises(error):
        action()
    savepoint.rollback()
    assert counts(db) == before


def pending(db: Session, assembly_id: int, name: str = "pendiente") -> Person:
    newcomer = person(db, name)
    federation.request_to_join(db, newcomer, assembly_id)
    return newcomer


# --- drafts and who may propose --------------------------------------------------------------


def test_a_draft_is_private_until_published(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    draft = deliberation.draft_proposal(
        db, people[2], assembly_id, title="Un borrador", text="Texto.", kind=ProposalKind.OTHER
    )
    for viewer in (None, people[1], people[0]):
        with pytest.raises(NotFound):
            deliberation.proposal_view(db, viewer, draft.id)
        refused(
            db,
            lambda v=viewer: deliberation.edit_draft(
                db, v or people[1], draft.id, title="Otro", text="Otro texto."
            ),
            NotFound,
        )
    assert deliberation.proposals_of(db, people[1], assembly_id) == []
    edited = deliberation.edit_draft(db, people[2], draft.id, title="Mejor título", text="Mejor.")
    assert (edited.title, edited.text, edited.version) == ("Mejor título", "Mejor.", 1)
    published = deliberation.publish(db, people[2], draft.id)
    assert published.state is ProposalState.OPEN
    assert deliberation.proposal_view(db, people[1], draft.id).author_name == "sindicato2"
    assert deliberation.proposal_view(db, None, draft.id).author_name is None  # members only
    refused(
        db,
        lambda: deliberation.edit_draft(db, people[2], draft.id, title="Tarde", text="Tarde."),
        Conflict,
    )


@pytest.mark.parametrize(("who", "error"), [("outsider", Forbidden), ("pending", Forbidden)])
def test_only_active_members_propose(db: Session, who: str, error: type[DomainError]) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    _, others = base_assembly(db, "Barrio", 1)
    actor = others[0] if who == "outsider" else pending(db, assembly_id)
    refused(
        db,
        lambda: deliberation.draft_proposal(
            db, actor, assembly_id, title="Propuesta", text="Texto.", kind=ProposalKind.DEMAND
        ),
        error,
    )
    for member in people:  # the facilitator and a plain member may
        deliberation.draft_proposal(
            db, member, assembly_id, title="Propuesta", text="Texto.", kind=ProposalKind.DEMAND
        )


def test_invalid_titles_are_refused(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 1)
    refused(
        db,
        lambda: deliberation.draft_proposal(
            db, people[0], assembly_id, title="x", text="Texto.", kind=ProposalKind.DEMAND
        ),
        Invalid,
    )


# --- supports ----------------------------------------------------------------------------------


def test_supports_move_a_proposal_to_debate(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 12)  # 10 % of 12 → 2 supports
    proposal_id = open_proposal(db, people, assembly_id)
    assert deliberation.support(db, people[3], proposal_id).state is ProposalState.OPEN
    refused(db, lambda: deliberation.support(db, people[3], proposal_id), Conflict)  # twice
    refused(db, lambda: deliberation.support(db, people[2], proposal_id), Conflict)  # author
    refused(db, lambda: deliberation.unsupport(db, people[4], proposal_id), Conflict)
    deliberation.unsupport(db, people[3], proposal_id)
    deliberation.support(db, people[3], proposal_id)
    outsider = base_assembly(db, "Barrio", 1)[1][0]
    refused(db, lambda: deliberation.support(db, outsider, proposal_id), Forbidden)
    refused(db, lambda: deliberation.support(db, pending(db, assembly_id), proposal_id), Forbidden)
    view = deliberation.proposal_view(db, people[3], proposal_id)
    assert (view.supports, view.threshold, view.supported_by_me) == (1, 2, True)
    assert deliberation.support(db, people[0], proposal_id).state is ProposalState.DEBATE
    refused(db, lambda: deliberation.support(db, people[5], proposal_id), Conflict)


def test_an_assembly_of_one_publishes_straight_to_debate(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sola", 1)
    proposal_id = open_proposal(db, people, assembly_id, author=0)
    assert deliberation.proposal_view(db, None, proposal_id).proposal.state is ProposalState.DEBATE


# --- arguments and moderation ----------------------------------------------------------------


def test_arguments_replies_and_hiding(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    proposal_id = open_proposal(db, people, assembly_id)
    top = deliberation.argue(db, people[1], proposal_id, text="Nos une.", side=Side.FOR)
    reply = deliberation.argue(db, people[3], proposal_id, text="¿Y el local?", reply_to=top.id)
    assert (reply.parent_id, reply.side) == (top.id, None)
    refused(
        db,
        lambda: deliberation.argue(db, people[1], proposal_id, text="x", reply_to=reply.id),
        Conflict,
    )
    refused(
        db,
        lambda: deliberation.argue(
            db, people[1], proposal_id, text="x", side=Side.AGAINST, reply_to=top.id
        ),
        Invalid,
    )
    refused(db, lambda: deliberation.argue(db, people[1], proposal_id, text="x"), Invalid)
    outsider = base_assembly(db, "Barrio", 1)[1][0]
    refused(
        db,
        lambda: deliberation.argue(db, outsider, proposal_id, text="x", side=Side.FOR),
        Forbidden,
    )
    refused(db, lambda: deliberation.hide_argument(db, people[1], top.id, "Insulta"), Forbidden)
    refused(db, lambda: deliberation.hide_argument(db, people[0], top.id, "no"), Invalid)
    hidden = deliberation.hide_argument(db, people[0], top.id, "  Ataque   personal ")
    assert (hidden.hidden_reason, hidden.hidden_by) == ("Ataque personal", people[0].id)
    refused(db, lambda: deliberation.hide_argument(db, people[0], top.id, "Otra vez"), Conflict)
    refused(
        db,
        lambda: deliberation.argue(db, people[2], proposal_id, text="x", reply_to=top.id),
        Conflict,
    )
    shown = deliberation.proposal_view(db, None, proposal_id).arguments
    assert [a.id for a in shown] == [top.id, reply.id]  # kept, shown as hidden


def test_the_authors_are_named_to_the_assemblys_members_only(db: Session) -> None:
    """An active member sees who wrote the proposal, each argument and each amendment (their
    usernames: pseudonyms are welcome; a hidden argument keeps its author). Only members take
    part, so the names are part of the member list: visitors, outsiders and pending members
    read none, and nobody reads the name of someone who has left."""
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    proposal_id = open_proposal(db, people, assembly_id)
    top = deliberation.argue(db, people[1], proposal_id, text="Nos une.", side=Side.FOR)
    reply = deliberation.argue(db, people[3], proposal_id, text="Sí.", reply_to=top.id)
    amendment = deliberation.propose_amendment(db, people[3], proposal_id, "Los domingos.")
    deliberation.hide_argument(db, people[0], top.id, "Fuera de tema")
    for viewer in (people[0], people[1]):
        view = deliberation.proposal_view(db, viewer, proposal_id)
        assert view.author_name == "sindicato2"
        named = {a.id: view.author_of(a) for a in view.arguments}
        assert named == {top.id: "sindicato1", reply.id: "sindicato3"}
        assert [view.author_of(a) for a in view.amendments] == ["sindicato3"]
        assert view.amendments[0].id == amendment.id
    outsider = base_assembly(db, "Lejos", 1)[1][0]
    for stranger in (None, outsider, pending(db, assembly_id)):
        view = deliberation.proposal_view(db, stranger, proposal_id)
        assert view.author_name is None
        assert [view.author_of(a) for a in (*view.arguments, *view.amendments)] == [None] * 3
        assert view.names == {}
    federation.leave(db, people[3], assembly_id)
    view = deliberation.proposal_view(db, people[1], proposal_id)
    assert {a.id: view.author_of(a) for a in view.arguments} == {
        top.id: "sindicato1",
        reply.id: None,
    }


# --- amendments --------------------------------------------------------------------------------


def test_amendments_accepted_declined_and_voted(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 5)
    proposal_id = open_proposal(db, people, assembly_id)
    refused(
        db, lambda: deliberation.propose_amendment(db, people[2], proposal_id, "Mío."), Conflict
    )
    first = deliberation.propose_amendment(db, people[3], proposal_id, "Los sábados y domingos.")
    stale = deliberation.propose_amendment(db, people[4], proposal_id, "Solo los domingos.")
    refused(db, lambda: deliberation.accept_amendment(db, people[3], first.id), Forbidden)
    accepted = deliberation.accept_amendment(db, people[2], first.id)
    assert (accepted.text, accepted.version) == ("Los sábados y domingos.", 2)
    refused(db, lambda: deliberation.accept_amendment(db, people[2], stale.id), Conflict)
    view = deliberation.proposal_view(db, None, proposal_id)
    assert [v for v, _ in view.texts] == [1, 2]  # the old text is kept

    again = deliberation.propose_amendment(db, people[4], proposal_id, "Cada día de la semana.")
    declined = deliberation.decline_amendment(db, people[2], again.id)
    assert declined.state is AmendmentState.DECLINED
    refused(db, lambda: deliberation.amendment_to_vote(db, people[1], again.id, TERMS), Forbidden)
    vote = deliberation.amendment_to_vote(db, people[0], again.id, TERMS)
    refused(
        db, lambda: deliberation.start_voting(db, people[0], proposal_id, TERMS), Conflict
    )  # first, the amendment's vote (the proposal is still open, too)
    assert deliberation.settle_amendment(db, again.id).state is AmendmentState.VOTING
    run_motion(db, people, vote.id, [0, 0, 0, 1, 0])
    settled = deliberation.settle_amendment(db, again.id)
    assert settled.state is AmendmentState.ADOPTED
    after = deliberation.proposal_view(db, None, proposal_id).proposal
    assert (after.text, after.version) == ("Cada día de la semana.", 3)
    assert deliberation.settle_amendment(db, again.id) == settled  # idempotent


def test_hidden_amendments_cannot_be_accepted(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    proposal_id = open_proposal(db, people, assembly_id)
    amendment = deliberation.propose_amendment(db, people[3], proposal_id, "Publicidad.")
    refused(db, lambda: deliberation.hide_amendment(db, people[3], amendment.id, "Spam"), Forbidden)
    hidden = deliberation.hide_amendment(db, people[0], amendment.id, "Publicidad ajena")
    assert hidden.hidden_reason == "Publicidad ajena"
    refused(db, lambda: deliberation.accept_amendment(db, people[2], amendment.id), Conflict)
    refused(
        db, lambda: deliberation.amendment_to_vote(db, people[0], amendment.id, TERMS), Conflict
    )


# --- the deciding vote and withdrawal --------------------------------------------------------


def test_the_linked_vote_decides(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    proposal_id = open_proposal(db, people, assembly_id)
    refused(db, lambda: deliberation.start_voting(db, people[0], proposal_id, TERMS), Conflict)
    deliberation.support(db, people[1], proposal_id)
    refused(db, lambda: deliberation.start_voting(db, people[1], proposal_id, TERMS), Forbidden)
    vote = deliberation.start_voting(db, people[0], proposal_id, TERMS)
    linked = deliberation.settle_proposal(db, proposal_id)  # not published yet: unchanged
    assert (linked.state, linked.vote_id) == (ProposalState.VOTING, vote.id)
    refused(db, lambda: deliberation.withdraw(db, people[2], proposal_id), Conflict)
    run_motion(db, people, vote.id, [1, 1, 0, 2])
    assert deliberation.settle_proposal(db, proposal_id).state is ProposalState.REJECTED
    assert deliberation.settle_proposal(db, proposal_id).state is ProposalState.REJECTED
    actions = list(
        db.scalars(
            select(AuditRow.action)
            .where(AuditRow.subject == f"proposal:{proposal_id}")
            .order_by(AuditRow.id)
        )
    )
    assert actions == [
        "proposal.drafted",
        "proposal.published",
        "proposal.supported",
        "proposal.to_debate",
        "proposal.to_vote",
        "proposal.settled",
    ]


def test_only_the_author_withdraws(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    proposal_id = open_proposal(db, people, assembly_id)
    refused(db, lambda: deliberation.withdraw(db, people[0], proposal_id), Forbidden)
    assert deliberation.withdraw(db, people[2], proposal_id).state is ProposalState.WITHDRAWN
    refused(db, lambda: deliberation.support(db, people[1], proposal_id), Conflict)


# --- escalation from below -------------------------------------------------------------------


def adopted_in(db: Session, assembly_id: int, people: list[Person]) -> int:
    proposal_id = open_proposal(db, people, assembly_id)
    deliberation.support(db, people[1], proposal_id)
    vote = deliberation.start_voting(db, people[0], proposal_id, TERMS)
    run_motion(db, people, vote.id, [0, 0, 0])
    assert deliberation.settle_proposal(db, proposal_id).state is ProposalState.ADOPTED
    return proposal_id


def region_of_four(db: Session) -> tuple[int, list[tuple[int, list[Person]]]]:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db, coordinator, name="Región", kind=AssemblyKind.REGION, parent_id=None
    )
    children = [
        base_assembly(db, name, 3, parent_id=region.id) for name in ("Uno", "Dos", "Tres", "Cuatro")
    ]
    return region.id, children


def test_escalation_reaches_the_parents_agenda_once(db: Session) -> None:
    region_id, children = region_of_four(db)
    (a, a_people), (b, b_people), (c, c_people), _ = children
    proposal_id = adopted_in(db, a, a_people)
    refused(db, lambda: deliberation.escalate(db, a_people[1], proposal_id), Forbidden)
    sent = deliberation.escalate(db, a_people[0], proposal_id)
    assert (sent.status.assemblies, sent.status.needed, sent.status.reached) == (1, 2, False)
    refused(db, lambda: deliberation.escalate(db, a_people[0], proposal_id), Conflict)
    escalation_id = sent.escalation.id
    refused(db, lambda: deliberation.adopt_escalation(db, b_people[1], escalation_id, b), Forbidden)
    stranger, stranger_people = base_assembly(db, "Lejos", 1)
    refused(
        db,
        lambda: deliberation.adopt_escalation(db, stranger_people[0], escalation_id, stranger),
        Forbidden,
    )
    refused(db, lambda: deliberation.adopt_escalation(db, a_people[0], escalation_id, a), Conflict)
    reached = deliberation.adopt_escalation(db, b_people[0], escalation_id, b)
    assert reached.escalation.state is EscalationState.ON_AGENDA
    assert (reached.status.assemblies, reached.status.members) == (2, 6)
    agenda_id = reached.agenda_proposal_id
    assert agenda_id is not None
    on_agenda = deliberation.proposal_view(db, None, agenda_id).proposal
    assert (on_agenda.assembly_id, on_agenda.state) == (region_id, ProposalState.DEBATE)

    after = deliberation.withdraw_adoption(db, b_people[0], escalation_id, b)
    assert after.status.assemblies == 1
    assert after.escalation.state is EscalationState.ON_AGENDA  # never undone
    refused(
        db,
        lambda: deliberation.withdraw_adoption(db, b_people[0], escalation_id, b),
        Conflict,
    )
    again = deliberation.adopt_escalation(db, c_people[0], escalation_id, c)
    assert again.agenda_proposal_id == agenda_id
    region_proposals = deliberation.proposals_of(db, None, region_id)
    assert [p.id for p in region_proposals] == [agenda_id]
    listed = deliberation.escalations_to(db, region_id)
    assert [v.escalation.id for v in listed] == [escalation_id]
    assert [line.name for line in listed[0].adopters] == ["Uno", "Tres"]


def test_escalation_needs_an_adopted_proposal_and_a_parent(db: Session) -> None:
    _, children = region_of_four(db)
    a, a_people = children[0]
    open_id = open_proposal(db, a_people, a)
    refused(db, lambda: deliberation.escalate(db, a_people[0], open_id), Conflict)
    lone, lone_people = base_assembly(db, "Sola", 3)
    adopted = adopted_in(db, lone, lone_people)
    refused(db, lambda: deliberation.escalate(db, lone_people[0], adopted), Conflict)


def test_a_parent_with_one_child_takes_it_at_once(db: Session) -> None:
    coordinator = person(db, "coordinadora")
    district = federation.create_assembly(
        db,
        coordinator,
        name="Distrito",
        kind=AssemblyKind.DISTRICT,
        parent_id=None,
        assembly_rules=AssemblyRules(escalation_percent=100),
    )
    a, a_people = base_assembly(db, "Uno", 3, parent_id=district.id)
    sent = deliberation.escalate(db, a_people[0], adopted_in(db, a, a_people))
    assert sent.escalation.state is EscalationState.ON_AGENDA
