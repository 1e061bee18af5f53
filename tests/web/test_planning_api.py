"""The planning API on both databases: the shipped models, a round opened, targets drafted and
adopted through the votes API, the round with each assembly's draft and vote, the plan with
fulfilment, binding limits, shadow prices and labour values, a revision and its comparison;
refusals in the request's language that write nothing."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.web.conftest import Browser, assert_refused, make_world, row_counts

ROLES = {"member", "outsider"}  # the union's roll: its facilitator and one member


def decide(fac: Browser, member: Browser, vote_id: int, choices: tuple[int, int]) -> None:
    """Both people on the roll vote (0 Sí, 1 No) through the votes API; the facilitator
    closes the vote (early: everyone voted), which publishes it."""
    for who, option in zip((fac, member), choices, strict=True):
        cast = who.api("POST", f"/api/v1/votes/{vote_id}/ballots", json={"selection": [option]})
        assert cast.status_code == 201, cast.text
    closed = fac.api("POST", f"/api/v1/votes/{vote_id}/close")
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "published"


def union_of(round_body: dict[str, object], union: int) -> dict[str, object]:
    participants = round_body["participants"]
    assert isinstance(participants, list)
    found = [p for p in participants if p["assembly_id"] == union]
    assert len(found) == 1
    return found[0]


def open_round(b: Browser, assembly_id: int, **fields: object) -> httpx.Response:
    body = {"title": "Plan de la aldea", "model": "aldea", "goods": ["maíz", "pan"]} | fields
    return b.api("POST", f"/api/v1/assemblies/{assembly_id}/planning-rounds", json=body)


def test_a_round_through_the_api(app: FastAPI, browser) -> None:
    world = make_world(app, ROLES)
    fac = browser("es").logged_in_as(world.names["facilitator"])
    member = browser("es").logged_in_as(world.names["member"])
    anyone = browser("en")
    models = anyone.get("/api/v1/planning-models").json()
    aldea = next(m for m in models if m["key"] == "aldea")
    assert aldea["products"] == ["maíz", "pan"]
    assert aldea["label"].startswith("Village")  # in the request's language
    assert {m["key"] for m in models} == {"aldea", "five_year_plan", "uk2015", "pymrio_test"}

    opened = open_round(fac, world.region)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    round_id = body["id"]
    assert (body["state"], body["aggregation"], body["goods"]) == (
        "open",
        "median",
        ["maíz", "pan"],
    )
    assert union_of(body, world.union)["draft"] is None
    listed = anyone.get(f"/api/v1/assemblies/{world.union}/planning-rounds").json()
    assert [r["id"] for r in listed] == [round_id]  # the union takes part in its region's round
    assert_refused(anyone.get(f"/api/v1/planning-rounds/{round_id}/plan"), "en", 409)

    drafted = fac.api(
        "POST",
        f"/api/v1/planning-rounds/{round_id}/targets",
        json={"assembly_id": world.union, "levels": {"maíz": 10, "pan": 20.5}, "days": 2},
    )
    assert drafted.status_code == 201, drafted.text
    draft = drafted.json()
    assert draft["state"] == "voting"
    assert draft["vote"]["state"] == "open"
    assert draft["vote"]["roll_size"] == 2
    assert draft["vote"]["question"].endswith("maíz: 10; pan: 20.5")
    vote_id = draft["vote_id"]
    seen = union_of(member.get(f"/api/v1/planning-rounds/{round_id}").json(), world.union)
    assert seen["can_vote"]
    assert not seen["can_draft"]
    decide(fac, member, vote_id, (0, 0))
    shown = anyone.get(f"/api/v1/planning-rounds/{round_id}").json()  # settles first
    union = union_of(shown, world.union)
    assert union["draft"]["state"] == "adopted"
    assert union["draft"]["members"] == 2
    assert union["draft"]["vote"]["state"] == "published"
    assert shown["adopted"] == 1
    assert shown["aggregated"] == {"maíz": 10.0, "pan": 20.5}

    solved = fac.api("POST", f"/api/v1/planning-rounds/{round_id}/solve")
    assert solved.status_code == 200, solved.text
    plan = anyone.get(f"/api/v1/planning-rounds/{round_id}/plan").json()
    assert plan == solved.json()
    assert plan["status"] == "optimal"
    assert {g["name"] for g in plan["goods"]} == {"maíz", "pan"}
    assert all(g["fulfilment"] >= plan["fulfilment"] - 1e-9 for g in plan["goods"])
    assert all(g["labour_value"] > 0 for g in plan["goods"])
    assert any(lim["binding"] and lim["shadow_price"] > 0 for lim in plan["limits"])
    assert plan["counted"] == [
        {
            "assembly_id": world.union,
            "assembly": f"Sindicato {world.names['facilitator']}",
            "members": 2,
            "vote_id": vote_id,
        }
    ]
    assert plan["comparison"] is None
    assert union_of(anyone.get(f"/api/v1/planning-rounds/{round_id}").json(), world.union)[
        "counted"
    ]

    revision = fac.api("POST", f"/api/v1/planning-rounds/{round_id}/revision")
    assert revision.status_code == 201, revision.text
    revision_id = revision.json()["id"]
    assert revision.json()["previous_id"] == round_id
    assert revision.json()["baseline"] == {"maíz": 10.0, "pan": 20.5}
    again = fac.api(
        "POST",
        f"/api/v1/planning-rounds/{revision_id}/targets",
        json={"assembly_id": world.union, "changes": {"pan": 50}},
    ).json()
    decide(fac, member, again["vote_id"], (0, 1))  # one for, one against: not adopted
    rejected = union_of(anyone.get(f"/api/v1/planning-rounds/{revision_id}").json(), world.union)
    assert rejected["draft"]["state"] == "rejected"
    assert rejected["can_draft"] is False  # the visitor is not its facilitator
    third = fac.api(
        "POST",
        f"/api/v1/planning-rounds/{revision_id}/targets",
        json={"assembly_id": world.union, "changes": {"pan": 50}},
    ).json()
    decide(fac, member, third["vote_id"], (0, 0))
    revised = fac.api("POST", f"/api/v1/planning-rounds/{revision_id}/solve").json()
    assert revised["targets"]["pan"] == 30.75
    assert revised["comparison"]["available"]
    assert revised["comparison"]["previous_id"] == round_id
    assert revised["comparison"]["fulfilment_change"] < 0
    detail = anyone.get(f"/api/v1/planning-rounds/{revision_id}").json()
    assert [d["state"] for d in union_of(detail, world.union)["earlier"]] == ["rejected"]


def test_refusals_write_nothing(app: FastAPI, browser, engine: Engine) -> None:
    world = make_world(app, ROLES)
    fac = browser("es").logged_in_as(world.names["facilitator"])
    member = browser("en").logged_in_as(world.names["member"])
    outsider = browser("es").logged_in_as(world.names["outsider"])
    round_id = open_round(fac, world.region).json()["id"]
    targets = f"/api/v1/planning-rounds/{round_id}/targets"
    before = row_counts(engine)
    assert_refused(open_round(member, world.region), "en", 403)
    assert_refused(open_round(fac, world.region, goods=["arroz"]), "es", 422)
    assert_refused(open_round(fac, world.region, model="upload", model_csv="a,b\n"), "es", 422)
    assert_refused(browser("es").api("POST", targets, json={"assembly_id": 1}), "es", 401)
    ask = {"assembly_id": world.union, "levels": {"pan": 5}}
    assert_refused(member.api("POST", targets, json=ask), "en", 403)
    assert_refused(
        outsider.api("POST", targets, json=ask | {"assembly_id": world.other}), "es", 403
    )
    for bad in ({"levels": {"pan": -1}}, {"levels": {}}, {"changes": {"pan": 5}}, {"days": 0}):
        assert_refused(fac.api("POST", targets, json=ask | bad), "es", 422)
    assert_refused(fac.api("POST", f"/api/v1/planning-rounds/{round_id}/solve"), "es", 409)
    assert_refused(member.api("POST", f"/api/v1/planning-rounds/{round_id}/solve"), "en", 403)
    assert_refused(fac.api("POST", f"/api/v1/planning-rounds/{round_id}/revision"), "es", 409)
    assert_refused(fac.get(f"/api/v1/planning-rounds/{2**31 - 1}"), "es", 404)
    assert row_counts(engine) == before
    assert fac.api("POST", targets, json=ask).status_code == 201
    before = row_counts(engine)
    assert_refused(fac.api("POST", targets, json=ask), "es", 409)  # already under vote
    assert row_counts(engine) == before
