"""The mobilisation API on both databases: convene, sign up, pledge to the trigger, postpone;
what each asker sees; and the privacy rule that no API answer pairs a person with a pledge."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI

from asamblea.clock import utcnow
from tests.web.conftest import Browser, World, assert_refused, make_world


def _action_body(w: World, **extra: object) -> dict[str, object]:
    return {
        "assembly_id": w.union,
        "kind": "strike_24h",
        "title": "Paro regional",
        "region": "15",
        "starts_at": (utcnow() + timedelta(days=5)).isoformat(),
        "places": ["Plaza Dos de Mayo"],
        "tasks": [{"role": "press", "needed": 2}],
        "pledge": {"members": 2},
        **extra,
    }


def test_actions_and_pledges_through_the_api(app: FastAPI, browser: Callable[..., Browser]) -> None:
    w = make_world(app, ("facilitator", "member", "target_active", "outsider"))
    fac = browser().logged_in_as(w.names["facilitator"])
    created = fac.api("POST", "/api/v1/actions", json=_action_body(w))
    assert created.status_code == 201, created.text
    action = created.json()
    assert action["viewer"] == "coordinator"
    assert action["pledge"]["pledges"] == 0
    task = action["tasks"][0]["id"]
    member = browser().logged_in_as(w.names["member"])
    signed = member.api("POST", f"/api/v1/actions/{action['id']}/tasks/{task}/signup")
    assert signed.status_code == 204
    first = member.api(
        "POST", f"/api/v1/actions/{action['id']}/pledge", json={"assembly_id": w.union}
    )
    assert first.status_code == 201, first.text
    assert first.json()["triggered_now"] is False
    second = browser().logged_in_as(w.names["target_active"])
    crossing = second.api(
        "POST", f"/api/v1/actions/{action['id']}/pledge", json={"assembly_id": w.union}
    )
    assert crossing.json()["triggered_now"] is True
    assert crossing.json()["pledge"]["pledges"] == 2
    again = member.api("POST", f"/api/v1/actions/{action['id']}/pledge/withdraw")
    assert_refused(again, "es", 409)
    answers = {
        "coordinator": fac.api("GET", f"/api/v1/actions/{action['id']}").json(),
        "member": member.api("GET", f"/api/v1/actions/{action['id']}").json(),
        "visitor": browser().api("GET", f"/api/v1/actions/{action['id']}").json(),
    }
    assert answers["coordinator"]["tasks"][0]["signed_up"] == [w.names["member"]]
    assert answers["member"]["tasks"][0]["signed_up"] is None
    assert answers["member"]["pledge"]["mine"] is True
    for who, body in answers.items():
        text = json.dumps(body)
        assert w.names["target_active"] not in text, who  # pledged, signed up for nothing
        assert body["pledge"]["pledges"] == 2
        assert body["state"] == "confirmed"
    listed = browser().api("GET", "/api/v1/actions?region=15").json()
    assert action["id"] in [a["id"] for a in listed]
    moved = fac.api(
        "POST",
        f"/api/v1/actions/{action['id']}/postpone",
        json={"starts_at": (utcnow() + timedelta(days=9)).isoformat(), "note": "Lluvias"},
    )
    assert moved.json()["state"] == "postponed"
    refused = member.api("POST", f"/api/v1/actions/{action['id']}/cancel", json={"reason": "x"})
    assert_refused(refused, "es", 403)


def test_struggles_through_the_api(app: FastAPI, browser: Callable[..., Browser]) -> None:
    w = make_world(app, ("facilitator", "outsider"))
    fac = browser().logged_in_as(w.names["facilitator"])
    body = {
        "assembly_id": w.union,
        "title": "Contra el cierre de la fábrica",
        "demands": "Empleo",
        "against": "La empresa",
        "region": "15",
        "province": "1501",
        "sector": "workers",
        "since": "2026-10-01",
    }
    created = fac.api("POST", "/api/v1/struggles", json=body)
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    outsider = browser().logged_in_as(w.names["outsider"])
    solidarity = outsider.api(
        "POST", f"/api/v1/struggles/{sid}/solidarity", json={"assembly_id": w.other}
    )
    assert solidarity.status_code == 204
    detail = browser().api("GET", f"/api/v1/struggles/{sid}").json()
    assert detail["solidarity"] == [f"Comunidad {w.names['outsider']}"]
    listing = browser().api("GET", "/api/v1/struggles?sector=workers").json()
    assert sid in [s["id"] for s in listing["struggles"]]
    assert listing["by_region"]["15"] >= 1
    bad = fac.api(
        "POST",
        "/api/v1/struggles",
        json={**body, "region": "99"},
        headers={"accept-language": "en"},
    )
    assert_refused(bad, "en", 422)
