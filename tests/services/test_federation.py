"""Federation use cases on both databases: found, join, vouch, suspend, leave, tree, privacy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind as K
from asamblea.core.federation import AssemblyRules, MembershipState, Role
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.federation_models import AssemblyRow, AuditRow, MembershipRow

PASSWORD = "una frase larga y secreta"


def person(db: Session, name: str) -> Person:
    return accounts.register(db, name, PASSWORD)


def test_founder_becomes_first_facilitator(db: Session) -> None:
    ana = person(db, "ana")
    region = federation.create_assembly(db, ana, name="Región Puno", kind=K.REGION, parent_id=None)
    view = federation.assembly_view(db, ana, region.id)
    assert view.mine is not None
    assert (view.mine.state, view.mine.role) == (MembershipState.ACTIVE, Role.FACILITATOR)
    assert view.facilitators == ("ana",)


def test_federated_children_need_the_parents_facilitator(db: Session) -> None:
    ana, beto = person(db, "ana"), person(db, "beto")
    region = federation.create_assembly(db, ana, name="Región", kind=K.REGION, parent_id=None)
    with pytest.raises(Forbidden):
        federation.create_assembly(db, beto, name="Distrito", kind=K.DISTRICT, parent_id=region.id)
    federation.create_assembly(db, ana, name="Distrito", kind=K.DISTRICT, parent_id=region.id)
    base = federation.create_assembly(db, beto, name="Sindicato", kind=K.UNION, parent_id=region.id)
    with pytest.raises(Invalid):  # nothing hangs under a base assembly
        federation.create_assembly(db, beto, name="Sub", kind=K.UNION, parent_id=base.id)
    with pytest.raises(Invalid):
        federation.create_assembly(db, beto, name="X", kind=K.UNION, parent_id=999_999)
    with pytest.raises(Invalid):
        federation.create_assembly(db, beto, name="   ", kind=K.UNION, parent_id=None)


def test_vouching_activates_after_the_rules_number(db: Session) -> None:
    founder, b, c, d = (person(db, n) for n in ("fundadora", "bea", "carla", "dina"))
    union = federation.create_assembly(
        db,
        founder,
        name="Sindicato",
        kind=K.UNION,
        parent_id=None,
        assembly_rules=AssemblyRules(vouches_needed=2),
    )
    # with one active member, one vouch is all there can be
    request_b = federation.request_to_join(db, b, union.id)
    assert federation.vouch(db, founder, request_b.id).state is MembershipState.ACTIVE
    request_c = federation.request_to_join(db, c, union.id)
    assert federation.vouch(db, founder, request_c.id).state is MembershipState.PENDING
    with pytest.raises(Conflict):
        federation.vouch(db, founder, request_c.id)  # twice
    with pytest.raises(NotFound):
        federation.vouch(db, d, request_c.id)  # outsiders learn nothing
    assert federation.vouch(db, b, request_c.id).state is MembershipState.ACTIVE


def test_pending_members_cannot_vouch_or_see_members(db: Session) -> None:
    founder, b, c = (person(db, n) for n in ("fundadora", "bea", "carla"))
    union = federation.create_assembly(db, founder, name="Sindicato", kind=K.UNION, parent_id=None)
    federation.request_to_join(db, b, union.id)
    request_c = federation.request_to_join(db, c, union.id)
    with pytest.raises(NotFound):
        federation.vouch(db, b, request_c.id)
    assert federation.assembly_view(db, b, union.id).members is None
    with pytest.raises(Forbidden):
        federation.members(db, b, union.id)
    assert federation.assembly_view(db, None, union.id).pending is None
    names = [name for _, name in federation.members(db, founder, union.id)]
    assert names == ["fundadora"]


def test_suspend_reinstate_and_last_facilitator(db: Session) -> None:
    founder, b = person(db, "fundadora"), person(db, "bea")
    union = federation.create_assembly(db, founder, name="Sindicato", kind=K.UNION, parent_id=None)
    membership = federation.request_to_join(db, b, union.id)
    federation.vouch(db, founder, membership.id)
    with pytest.raises(NotFound):
        federation.suspend(db, person(db, "extra"), membership.id)
    founder_membership = federation.assembly_view(db, founder, union.id).mine
    assert founder_membership is not None
    with pytest.raises(Forbidden):
        federation.suspend(db, b, founder_membership.id)  # a member cannot suspend
    federation.suspend(db, founder, membership.id)
    assert federation.assembly_view(db, b, union.id).members is None  # suspended: no list
    federation.reinstate(db, founder, membership.id)
    with pytest.raises(Conflict):
        federation.leave(db, founder, union.id)  # last facilitator with members left
    federation.make_facilitator(db, founder, membership.id)
    federation.leave(db, founder, union.id)
    assert federation.assembly_view(db, b, union.id).facilitators == ("bea",)


def test_rejoin_after_leaving_starts_over(db: Session) -> None:
    founder, b = person(db, "fundadora"), person(db, "bea")
    union = federation.create_assembly(db, founder, name="Sindicato", kind=K.UNION, parent_id=None)
    membership = federation.request_to_join(db, b, union.id)
    with pytest.raises(Conflict):
        federation.request_to_join(db, b, union.id)
    federation.vouch(db, founder, membership.id)
    federation.leave(db, b, union.id)
    again = federation.request_to_join(db, b, union.id)
    assert (again.id, again.state) == (membership.id, MembershipState.PENDING)
    view = federation.assembly_view(db, founder, union.id)
    assert view.pending is not None
    assert [p.vouches for p in view.pending] == [0]


def test_federated_assemblies_take_no_join_requests(db: Session) -> None:
    ana, beto = person(db, "ana"), person(db, "beto")
    region = federation.create_assembly(db, ana, name="Región", kind=K.REGION, parent_id=None)
    with pytest.raises(Invalid):
        federation.request_to_join(db, beto, region.id)
    with pytest.raises(NotFound):
        federation.request_to_join(db, beto, 987_654)


def test_tree_and_breadcrumbs(db: Session) -> None:
    ana = person(db, "ana")
    nation = federation.create_assembly(db, ana, name="Nacional", kind=K.NATIONAL, parent_id=None)
    region = federation.create_assembly(db, ana, name="Cusco", kind=K.REGION, parent_id=nation.id)
    base = federation.create_assembly(
        db, ana, name="Estudiantes", kind=K.STUDENT, parent_id=region.id
    )
    roots = federation.federation_tree(db)
    mine = next(node for node in roots if node.assembly.id == nation.id)
    assert [c.assembly.name for c in mine.children] == ["Cusco"]
    assert [c.assembly.name for c in mine.children[0].children] == ["Estudiantes"]
    assert mine.children[0].children[0].active_members == 1
    crumbs = federation.assembly_view(db, None, base.id).breadcrumbs
    assert [a.name for a in crumbs] == ["Nacional", "Cusco"]


def test_refused_actions_leave_no_trace(db: Session) -> None:
    ana = person(db, "ana")
    counts = [
        db.scalar(select(func.count()).select_from(t))
        for t in (AssemblyRow, MembershipRow, AuditRow)
    ]
    savepoint = db.begin_nested()
    with pytest.raises(Invalid):
        federation.create_assembly(db, ana, name="x" * 121, kind=K.UNION, parent_id=None)
    savepoint.rollback()
    after = [
        db.scalar(select(func.count()).select_from(t))
        for t in (AssemblyRow, MembershipRow, AuditRow)
    ]
    assert after == counts


def test_membership_changes_are_audited(db: Session) -> None:
    founder, b = person(db, "fundadora"), person(db, "bea")
    union = federation.create_assembly(db, founder, name="Sindicato", kind=K.UNION, parent_id=None)
    membership = federation.request_to_join(db, b, union.id)
    federation.vouch(db, founder, membership.id)
    actions = list(
        db.scalars(
            select(AuditRow.action).where(AuditRow.assembly_id == union.id).order_by(AuditRow.id)
        )
    )
    assert actions == [
        "assembly.created",
        "membership.requested",
        "membership.vouched",
        "membership.activated",
    ]
