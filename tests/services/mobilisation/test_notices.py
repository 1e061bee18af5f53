"""Mobilisation notices on both databases: the pledgers hear that their pledge was met (and
nobody else hears who pledged); the convening and joined assemblies' members, and whoever
signed up for a task, hear that an action is confirmed, postponed or cancelled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.people import Person
from asamblea.services import notices
from asamblea.services.mobilisation import actions, pledges
from asamblea.store.mobilisation_repository import MobilisationRepository
from tests.services.mobilisation.world import T0, World, convene


def _kinds(db: Session, who: Person) -> list[str]:
    return [line.kind for line in notices.inbox(db, who, now=utcnow()).lines]


def test_pledgers_and_participants_hear_what_concerns_them(db: Session) -> None:
    w = World(db, prefix="mn")
    action_id = convene(db, w)  # by A, two pledges confirm it
    repo = MobilisationRepository(db)
    repo.add_adhesion(
        "action", action_id, assembly_id=w.b, kind="adhesion", state="joined", vote_id=None, at=T0
    )
    assert not pledges.pledge(db, w.p["a1"], action_id, w.a, now=T0)
    assert not pledges.pledge(db, w.p["b1"], action_id, w.b, now=T0)
    assert pledges.pledge(db, w.p["a2"], action_id, w.a, now=T0)
    for pledger in ("a1", "a2", "b1"):  # a2 fired it; the event has no actor: she hears too
        assert "pledge_met" in _kinds(db, w.p[pledger]), pledger
    for other in ("a3", "b2", "c1", "outsider"):
        assert "pledge_met" not in _kinds(db, w.p[other]), other
    for participant in ("a3", "b2"):
        assert "action_confirmed" in _kinds(db, w.p[participant]), participant
    for stranger in ("c1", "outsider"):
        assert _kinds(db, w.p[stranger]) == [], stranger
    met = next(
        line for line in notices.inbox(db, w.p["a1"], now=utcnow()).lines
        if line.kind == "pledge_met"
    )
    assert met.params["title"] == "Plantón por el agua"
    assert met.link == f"/acciones/{action_id}"
    names = {p.username for p in w.p.values()}
    for reader in ("a1", "a3", "b1", "b2"):
        for line in notices.inbox(db, w.p[reader], now=utcnow()).lines:
            shown = " ".join([line.text, *line.params.values(), line.link])
            assert not any(name in shown for name in names), shown

    kitchen = repo.tasks(action_id)[0].id
    actions.sign_up(db, w.p["a3"], action_id, kitchen)
    later = T0 + timedelta(days=5)
    actions.postpone(db, w.p["a_fac"], action_id, starts_at=later, note="lluvia", now=T0)
    actions.cancel(db, w.p["a_fac"], action_id, reason="Acuerdo logrado", now=T0)
    for participant in ("a3", "b2"):
        kinds = _kinds(db, w.p[participant])
        assert kinds[:2] == ["action_cancelled", "action_postponed"], participant
    for stranger in ("c1", "outsider"):
        assert _kinds(db, w.p[stranger]) == [], stranger
    assert "action_postponed" not in _kinds(db, w.p["a_fac"])  # her own doing
