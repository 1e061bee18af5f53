"""Two settle steps on one thing apply it once: an escalation enters the agenda once, and new
rules adopted by the members apply once.

PostgreSQL only (SQLite writers take the database's write lock when they begin, so no other
writer commits in between): a transaction that read a row still waiting, while another settled
it and committed, must decide on the committed row — the settle steps lock it first (and read
it as committed, `store.locking.for_update`) — and write nothing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from asamblea.core.deliberation import EscalationState
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.services import deliberation
from asamblea.services.deliberation.escalation import after_adoption_change
from asamblea.services.federation import assemblies as federation
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.votes import votes
from asamblea.store.database import make_sessionmaker
from asamblea.store.deliberation_models import EscalationRow, ProposalRow
from asamblea.store.federation_models import AuditRow, RulesChangeRow
from tests.databases import drop_database, engine_for, new_database, require_postgres
from tests.services.test_deliberation import KEY, T0, adopted_in, base_assembly, person


def test_a_stale_settle_step_creates_no_second_agenda_item(tmp_path: Path) -> None:
    require_postgres()
    url, schema = new_database("postgresql", tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as db:
            coordinator = person(db, "coordinadora")
            region = federation.create_assembly(
                db,
                coordinator,
                name="Región",
                kind=AssemblyKind.REGION,
                parent_id=None,
                assembly_rules=AssemblyRules(escalation_percent=100),
            )
            (a, a_people), (b, b_people) = (
                base_assembly(db, name, 3, parent_id=region.id) for name in ("Uno", "Dos")
            )
            sent = deliberation.escalate(db, a_people[0], adopted_in(db, a, a_people))
            escalation_id = sent.escalation.id
        with sessions.begin() as first:
            held = first.get(EscalationRow, escalation_id)  # a row the session keeps, as a
            assert held is not None  # listing step would
            assert held.state == EscalationState.SENT.value
            with sessions.begin() as second:  # commits while the first holds its copy
                done = deliberation.adopt_escalation(second, b_people[0], escalation_id, b)
                assert done.escalation.state is EscalationState.ON_AGENDA
            again = after_adoption_change(first, b_people[0], escalation_id)
            assert again.agenda_proposal_id == done.agenda_proposal_id
        with sessions.begin() as db:
            agenda = db.scalar(
                select(func.count())
                .select_from(ProposalRow)
                .where(ProposalRow.assembly_id == region.id)
            )
        assert agenda == 1
    finally:
        engine.dispose()
        drop_database(url, schema)


def test_a_stale_settle_step_applies_no_rules_twice(tmp_path: Path) -> None:
    require_postgres()
    url, schema = new_database("postgresql", tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with sessions.begin() as db:
            assembly_id, people = base_assembly(db, "Sindicato", 1)
            change = assembly_rules.propose_rules(
                db, people[0], assembly_id, AssemblyRules(recall_percent=50), now=T0
            )
            votes.cast(db, people[0], change.vote_id, [0], now=T0, key=KEY)  # Sí
            votes.close_vote(db, people[0], change.vote_id, T0, KEY)
        with sessions.begin() as first:
            held = first.get(RulesChangeRow, change.id)  # the session keeps it
            assert held is not None
            assert held.state == "voting"
            with sessions.begin() as second:  # settles and commits meanwhile
                assert assembly_rules.settle_rules(second, assembly_id) is not None
            assert assembly_rules.settle_rules(first, assembly_id) is None  # nothing pending
        with sessions.begin() as db:
            actions = list(
                db.scalars(
                    select(AuditRow.action).where(
                        AuditRow.action.in_(["assembly.rules_settled", "assembly.rules_changed"])
                    )
                )
            )
        assert sorted(actions) == ["assembly.rules_changed", "assembly.rules_settled"]
    finally:
        engine.dispose()
        drop_database(url, schema)
