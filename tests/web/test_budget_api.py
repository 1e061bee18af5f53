"""The participatory budgeting JSON API on both databases: a process read at every phase (the
calendar, ceiling, agents, projects with their evaluation), projects submitted and ballots cast
through the API, the outcome with per-project explanations, the committee elected through the
votes API, the Acta's data and the oversight; the same visibility as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.clock import utcnow
from asamblea.core.people import Person
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.budgeting import process as budgeting
from asamblea.services.federation import assemblies as federation
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import Browser, World, assert_refused, row_counts

CALENDAR = {
    "preparation": "2027-01-01",
    "workshops": "2027-01-15",
    "evaluation": "2027-02-01",
    "prioritisation": "2027-02-15",
    "formalisation": "2027-03-01",
    "oversight": "2027-03-15",
}


class Service:
    """Use cases run straight on the app's database, as the people of the world."""

    def __init__(self, app: FastAPI, world: World) -> None:
        self.app, self.world = app, world

    def person(self, role: str) -> Person:
        with self.app.state.web.sessions.begin() as db:
            found = PeopleRepository(db).by_key(self.world.names[role].casefold())
            assert found is not None
            return found[0]

    def __call__(self, role: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        actor = self.person(role)
        with self.app.state.web.sessions.begin() as db:
            return action(db, actor, *args, **kwargs)


def test_a_process_through_the_api(app: FastAPI, world: World, engine: Engine) -> None:
    do = Service(app, world)
    roles = ("facilitator", "member", "target_active", "target_active2", "outsider", "pending")
    fac, member, ana, beto, outsider, pending = (
        Browser(app, "es").logged_in_as(world.names[r]) for r in roles
    )
    anonymous = Browser(app, "es")
    process = do(
        "facilitator",
        budgeting.create_process,
        world.union,
        title="Presupuesto 2027",
        budget=100_000_00,
        calendar={k: date.fromisoformat(v) for k, v in CALENDAR.items()},
    )
    pid = process.id
    url = f"/api/v1/budget-processes/{pid}"
    listing = member.api("GET", f"/api/v1/assemblies/{world.union}/budget-processes")
    assert [p["id"] for p in listing.json()] == [pid]
    assert outsider.api("GET", f"/api/v1/assemblies/{world.union}/budget-processes").json() == []
    for who in (outsider, pending, anonymous):
        assert_refused(who.api("GET", url), "es", 404)
    do("member", budgeting.register_agent, pid, "Comedor popular")
    do("target_active", budgeting.register_agent, pid, "Junta vecinal")
    do("facilitator", budgeting.advance, pid)

    # workshops: agents submit projects through the API
    body = {"title": "Losa", "description": "d", "place": "Sector 3", "cost": 60_000_00}
    before = row_counts(engine)
    assert_refused(beto.api("POST", f"{url}/projects", json=body), "es", 403)  # not an agent
    assert_refused(anonymous.api("POST", f"{url}/projects", json=body), "es", 401)
    assert_refused(member.api("POST", f"{url}/projects", json={**body, "cost": 0}), "es", 422)
    assert row_counts(engine) == before
    made = member.api("POST", f"{url}/projects", json={**body, "beneficiaries": 300})
    assert made.status_code == 201, made.text
    losa = made.json()
    assert (losa["cost"], losa["organisation"], losa["evaluation"]) == (
        60_000_00,
        "Comedor popular",
        None,
    )
    agua = ana.api(
        "POST", f"{url}/projects", json={**body, "title": "Agua", "cost": 50_000_00}
    ).json()
    posta = ana.api(
        "POST", f"{url}/projects", json={**body, "title": "Posta", "cost": 30_000_00}
    ).json()
    read = member.api("GET", url).json()
    assert read["phase"] == "workshops"
    assert read["budget"] == 100_000_00
    assert read["calendar"] == CALENDAR
    assert [a["organisation"] for a in read["agents"]] == ["Comedor popular", "Junta vecinal"]
    assert [p["title"] for p in read["projects"]] == ["Losa", "Agua", "Posta"]
    do("facilitator", budgeting.advance, pid)
    for project, cost in ((losa, None), (agua, 45_000_00), (posta, None)):
        do(
            "facilitator",
            budgeting.evaluate_project,
            project["id"],
            viable=True,
            reason="Bien",
            cost=cost,
        )
    do("facilitator", budgeting.advance, pid)
    agua_read = next(p for p in member.api("GET", url).json()["projects"] if p["title"] == "Agua")
    assert agua_read["evaluation"] == {"viable": True, "reason": "Bien"}
    assert (agua_read["cost"], agua_read["proposed_cost"]) == (45_000_00, 50_000_00)

    # prioritisation: ballots through the API
    assert_refused(member.api("GET", f"{url}/outcome"), "es", 409)
    ballots = {
        fac: [losa],
        member: [losa, posta],
        ana: [agua, posta],
        beto: [losa],
    }
    for who, chosen in ballots.items():
        cast = who.api("POST", f"{url}/ballot", json={"points": {str(p["id"]): 1 for p in chosen}})
        assert cast.status_code == 204, cast.text
    before = row_counts(engine)
    assert_refused(member.api("POST", f"{url}/ballot", json={"points": {}}), "es", 409)
    assert_refused(pending.api("POST", f"{url}/ballot", json={"points": {}}), "es", 403)
    assert_refused(
        outsider.api("POST", f"{url}/ballot", json={"points": {str(losa["id"]): 1}}), "es", 403
    )
    assert row_counts(engine) == before
    assert member.api("GET", url).json()["voters"] == 4
    assert member.api("GET", url).json()["has_voted"] is True
    do("facilitator", budgeting.advance, pid)

    # formalisation: the outcome and its explanations
    outcome = member.api("GET", f"{url}/outcome").json()
    assert outcome["rule"] == "mes"
    assert outcome["voters"] == 4
    assert losa["id"] in outcome["selected"]
    assert outcome["total_cost"] <= 100_000_00
    reasons = {e["project_id"]: e["reason"] for e in outcome["explanations"]}
    assert set(reasons) == {losa["id"], agua["id"], posta["id"]}
    assert reasons[losa["id"]] == "funded_equal_shares"
    paid = next(e for e in outcome["explanations"] if e["project_id"] == losa["id"])["payments"]
    assert sum(g["voters"] for g in paid) == 3

    # the committee: candidates, then the election through the votes API
    do("target_active", budget_committee.stand, pid)
    do("target_active2", budget_committee.stand, pid)
    now = utcnow().replace(microsecond=0)
    vote = do(
        "facilitator",
        budget_committee.open_committee_election,
        pid,
        seats=1,
        now=now,
        closes_at=now + timedelta(days=7),
    )
    vote_id = vote.id
    committee = member.api("GET", f"{url}/oversight").json()["committee"]
    assert committee["members"] == []
    election = committee["election"]
    assert (election["vote_id"], election["seats"], election["state"]) == (vote_id, 1, "open")
    options = member.api("GET", f"/api/v1/votes/{vote_id}").json()["options"]
    assert sorted(options) == sorted(election["candidates"])
    first = options.index(world.names["target_active2"])
    for who in (fac, member, ana, beto):
        cast = who.api("POST", f"/api/v1/votes/{vote_id}/ballots", json={"selection": [first]})
        assert cast.status_code == 201, cast.text
    assert fac.api("POST", f"/api/v1/votes/{vote_id}/close").status_code == 200
    committee = member.api("GET", f"{url}/oversight").json()["committee"]  # seats Beto
    assert committee["members"] == [world.names["target_active2"]]
    assert committee["election"]["settled"] is True

    # the Acta: two facilitators sign; then oversight
    with app.state.web.sessions.begin() as db:
        federation.make_facilitator(db, do.person("facilitator"), world.ms["target_active"])
    do("facilitator", budgeting.sign_acta, pid, now)
    do("target_active", budgeting.sign_acta, pid, now)
    acta = member.api("GET", f"{url}/acta").json()
    assert [s["name"] for s in acta["signatures"]] == [
        world.names["facilitator"],
        world.names["target_active"],
    ]
    assert acta["committee"] == [world.names["target_active2"]]
    assert {a["project_id"] for a in acta["agreements"]} == set(outcome["selected"])
    assert acta["total_cost"] == outcome["total_cost"]
    do("facilitator", budgeting.advance, pid)
    do(
        "target_active2",
        budgeting.record_progress,
        losa["id"],
        percent=40,
        note="Cimientos",
        on_date=date(2027, 4, 1),
    )
    oversight = member.api("GET", f"{url}/oversight").json()
    assert oversight["phase"] == "oversight"
    milestones = {p["project_id"]: p["progress"] for p in oversight["projects"]}
    assert milestones[losa["id"]] == [
        {
            "on_date": "2027-04-01",
            "percent": 40,
            "note": "Cimientos",
            "recorded_by": world.names["target_active2"],
        }
    ]
    for who in (outsider, pending, anonymous):
        for path in ("", "/outcome", "/acta", "/oversight"):
            assert_refused(who.api("GET", f"{url}{path}"), "es", 404)
