"""Notices read from the audit log, on both databases: who gets which kind, read markers,
preferences, and what no notice may reveal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.errors import Invalid
from asamblea.core.notices import Delivery
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services import deliberation, notices
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import closing, votes
from tests.services.test_deliberation import (
    KEY,
    T0,
    TERMS,
    base_assembly,
    open_proposal,
    pending,
    person,
)


def _kinds(db: Session, who: Person) -> list[str]:
    return [line.kind for line in notices.inbox(db, who, now=utcnow()).lines]


def _open_vote(db: Session, facilitator: Person, assembly_id: int, hours: float) -> int:
    now = utcnow()
    spec = make_spec(
        question="¿Olla común el sábado?",
        options=["Sí", "No"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=False,
        opens_at=now,
        closes_at=now + timedelta(hours=hours),
    )
    vote = votes.draft_vote(db, facilitator, assembly_id, spec)
    votes.open_vote(db, facilitator, vote.id, now)
    return vote.id


def test_joining_tells_the_members_then_the_newcomer(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    outsider = person(db, "de_afuera")
    _, others = base_assembly(db, "Otra", 2)
    newcomer = pending(db, assembly_id, "nueva")
    before = _kinds(db, people[1])
    assert before[0] == "vouch_waiting"  # newest first; older: her own joining
    assert "accepted" in before
    assert _kinds(db, newcomer) == []  # her own request
    (request,) = federation.assembly_view(db, people[0], assembly_id).pending or ()
    federation.vouch(db, people[0], request.membership.id)
    federation.vouch(db, people[1], request.membership.id)
    assert _kinds(db, newcomer) == ["accepted", "vouched", "vouched"]
    line = notices.inbox(db, newcomer, now=utcnow()).lines[0]
    assert line.params["assembly"] == "Sindicato"
    assert line.link == f"/asambleas/{assembly_id}"
    assert _kinds(db, outsider) == []
    for stranger in (outsider, others[1]):  # nothing of Sindicato to a non-member
        lines = notices.inbox(db, stranger, now=utcnow()).lines
        assert all(line.params["assembly"] != "Sindicato" for line in lines)
        assert all(line.link != f"/asambleas/{assembly_id}" for line in lines)


def test_vote_opened_closing_and_published_reach_members_only(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    newcomer = pending(db, assembly_id, "pendiente")
    vote_id = _open_vote(db, people[0], assembly_id, hours=2)
    box = notices.inbox(db, people[1], now=utcnow())
    assert [line.kind for line in box.lines][:1] == ["vote_opened"]
    assert box.lines[0].params["question"] == "¿Olla común el sábado?"
    assert box.lines[0].link == f"/votaciones/{vote_id}"
    assert [line.kind for line in box.closing] == ["vote_closing"]
    assert notices.inbox(db, newcomer, now=utcnow()).closing == ()
    assert "vote_opened" not in _kinds(db, newcomer)
    assert "vote_opened" not in _kinds(db, people[0])  # she opened it
    for voter in people:
        votes.cast(db, voter, vote_id, [0], now=utcnow(), key=KEY)
    closing.close_vote(db, people[0], vote_id, utcnow(), KEY)
    assert _kinds(db, people[1])[0] == "vote_published"
    assert "vote_published" not in _kinds(db, newcomer)


def test_read_marker_and_unread_count(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    _open_vote(db, people[0], assembly_id, hours=48)
    member = people[2]
    box = notices.inbox(db, member, now=utcnow())
    assert box.unread == len([line for line in box.lines if not line.read]) >= 1
    notices.mark_read(db, member, box.newest)
    after = notices.inbox(db, member, now=utcnow())
    assert after.unread == 0
    assert all(line.read for line in after.lines)
    notices.mark_read(db, member, 0)  # never moves back
    assert notices.unread_count(db, member) == 0
    _open_vote(db, people[0], assembly_id, hours=48)
    assert notices.unread_count(db, member) == 1
    with pytest.raises(Invalid):
        notices.mark_read(db, member, box.newest + 10_000)


def test_a_suspended_member_hears_only_of_herself(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    target = people[2]
    members = federation.assembly_view(db, people[0], assembly_id).members or ()
    membership = next(m for m, _ in members if m.person_id == target.id)
    federation.suspend(db, people[0], membership.id)
    _open_vote(db, people[0], assembly_id, hours=48)
    kinds = _kinds(db, target)
    assert "vote_opened" not in kinds
    assert kinds[0] == "suspended"


def test_preferences_default_and_chosen(db: Session) -> None:
    _, people = base_assembly(db, "Sindicato", 1)
    me = people[0]
    chosen = notices.preferences(db, me)
    assert chosen["proposal_supported"] is Delivery.DAILY
    assert chosen["vote_opened"] is Delivery.AT_ONCE
    notices.set_preferences(db, me, {"vote_opened": "never", "accepted": "daily"})
    chosen = notices.preferences(db, me)
    assert (chosen["vote_opened"], chosen["accepted"]) == (Delivery.NEVER, Delivery.DAILY)
    for bad in ({"no_such_kind": "never"}, {"vote_opened": "hourly"}):
        with pytest.raises(Invalid):
            notices.set_preferences(db, me, bad)
    assert notices.preferences(db, me)["vote_opened"] is Delivery.NEVER


def test_no_notice_names_anyone(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 4)
    pending(db, assembly_id, "quien_pide")
    vote_id = _open_vote(db, people[0], assembly_id, hours=2)
    votes.cast(db, people[1], vote_id, [1], now=utcnow(), key=KEY)
    names = {p.username for p in people} | {"quien_pide"}
    for reader in people:
        for line in notices.inbox(db, reader, now=utcnow()).lines:
            shown = " ".join([line.text, *line.params.values(), line.link])
            assert not any(name in shown for name in names), shown


def test_the_author_hears_of_support_and_adoption_never_who(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    author = people[2]
    proposal_id = open_proposal(db, people, assembly_id)
    deliberation.support(db, people[1], proposal_id)
    vote = deliberation.start_voting(db, people[0], proposal_id, TERMS)
    votes.open_vote(db, people[0], vote.id, T0)
    for voter in people:
        votes.cast(db, voter, vote.id, [0], now=T0, key=KEY)
    closing.close_due_vote(db, vote.id, TERMS.closes_at, KEY)
    lines = notices.inbox(db, author, now=utcnow()).lines
    kinds = [line.kind for line in lines]
    assert kinds[:3] == ["proposal_adopted", "vote_published", "vote_opened"]
    assert "proposal_supported" in kinds
    supported = next(line for line in lines if line.kind == "proposal_supported")
    assert supported.params["title"] == "Olla común en el local"
    assert supported.link == f"/propuestas/{proposal_id}"
    assert "proposal_adopted" not in _kinds(db, people[1])  # not her proposal


def test_the_unread_count_beyond_one_page(db: Session) -> None:
    """A page's unread count is taken from the page unless all of it is unread; then only the
    older notices are counted, up to the cap. It always equals the header's count."""
    from asamblea.services.notices.inbox import UNREAD_CAP  # noqa: PLC0415
    from asamblea.store.federation_repository import AuditRepository  # noqa: PLC0415

    assembly_id, people = base_assembly(db, "Sindicato", 2)
    reader = people[1]
    start = notices.unread_count(db, reader)
    audit = AuditRepository(db)
    for n in range(130):
        audit.record(people[0].id, "vote.opened", assembly_id, f"vote:{10_000 + n}")
    box = notices.inbox(db, reader, now=utcnow())
    cap = UNREAD_CAP + 1
    assert len(box.lines) == 50
    assert box.unread == notices.unread_count(db, reader) == cap
    notices.mark_read(db, reader, box.lines[29].event_id)  # up to the 30th newest: read
    box = notices.inbox(db, reader, now=utcnow())
    assert box.unread == notices.unread_count(db, reader) == 29
    assert sum(not line.read for line in box.lines) == 29
    older = notices.inbox(db, reader, now=utcnow(), before=box.older_than)
    assert older.unread == 29
    assert all(line.read for line in older.lines)
    assert start <= 2


def test_the_members_hear_that_their_delegate_voted_against_the_mandate(db: Session) -> None:
    """A roll call upstairs: Uno mandated "against" and its delegate voted yes, Dos gave none.
    When the vote is published, Uno's members are told (linked to the roll call, never named);
    Dos's members, the parent's coordinator and a stranger are not. Settling again records
    nothing twice."""
    from asamblea.core.delegation import MandateChoice  # noqa: PLC0415
    from asamblea.services import delegation  # noqa: PLC0415
    from tests.services.test_delegation import elect, parent_motion, region_with  # noqa: PLC0415

    region_id, coordinator, children = region_with(db, {"Uno": 3, "Dos": 3})
    (one, one_people), (two, two_people) = children["Uno"], children["Dos"]
    elect(db, one, one_people, [1])
    elect(db, two, two_people, [1])
    vote = parent_motion(db, coordinator, region_id, public=False)
    delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.AGAINST)
    votes.open_vote(db, coordinator, vote.id, T0)
    votes.cast(db, one_people[1], vote.id, [0], now=T0, key=KEY)
    votes.cast(db, two_people[1], vote.id, [0], now=T0, key=KEY)
    closing.close_vote(db, coordinator, vote.id, T0 + timedelta(hours=2), KEY)
    lines = notices.inbox(db, one_people[2], now=utcnow()).lines
    breach = [line for line in lines if line.kind == "delegate_against_mandate"]
    assert len(breach) == 1
    assert breach[0].link == f"/votaciones/{vote.id}/nominal"
    assert breach[0].params["assembly"] == "Uno"
    assert breach[0].params["question"] == vote.spec.question
    shown = " ".join([breach[0].text, *breach[0].params.values()])
    assert one_people[1].username not in shown
    stranger = person(db, "forastera")
    for other in (two_people[2], coordinator, stranger):
        assert "delegate_against_mandate" not in _kinds(db, other)
    assert delegation.record_breaches(db, vote.id) == []  # idempotent


def test_a_planning_round_reaches_the_assemblies_that_draft_its_targets(db: Session) -> None:
    """The round opens in the national assembly; its base assemblies' members are told (one
    event per assembly, none per person); someone who belongs nowhere is not."""
    from tests.services.test_planning_rounds import World as PlanningWorld  # noqa: PLC0415
    from tests.services.test_planning_rounds import open_aldea  # noqa: PLC0415

    w = PlanningWorld(db)
    round_id = open_aldea(db, w)
    for member in ("u1", "c1", "u_fac"):
        lines = notices.inbox(db, w.p[member], now=utcnow()).lines
        opened = [line for line in lines if line.kind == "planning_opened"]
        assert len(opened) == 1, member
        assert opened[0].params["title"] == "Plan de la aldea"
        assert opened[0].link == f"/planificacion/{round_id}"
    assert _kinds(db, w.p["outsider"]) == []


def test_the_author_hears_that_her_proposal_was_sent_up(db: Session) -> None:
    from asamblea.core.federation import AssemblyRules  # noqa: PLC0415
    from tests.services.test_assembly_rules import adopted_in, region_of  # noqa: PLC0415

    _region, _, children = region_of(db, 3, AssemblyRules(escalation_percent=50))
    (a, a_people), (_b, b_people), _ = children
    proposal_id = adopted_in(db, a, a_people)
    deliberation.escalate(db, a_people[0], proposal_id)
    author_kinds = [
        kind for p in a_people for kind in _kinds(db, p) if kind == "proposal_escalated"
    ]
    assert author_kinds == ["proposal_escalated"]  # the author only, once
    assert "proposal_escalated" not in _kinds(db, b_people[1])
