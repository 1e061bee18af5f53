"""Mobilisation pages end to end through the forms, on both databases: convene an action with
tasks and a conditional pledge, sign up, pledge until the threshold triggers; who sees what —
counts for everyone, names of task sign-ups for coordinators only, pledgers for nobody."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI

from asamblea.clock import utcnow
from tests.web.conftest import Browser, World, assert_refused, audit_actions, make_world

pytestmark = pytest.mark.filterwarnings("error")


def convene(b: Browser, w: World, **extra: str) -> int:
    starts = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "assembly_id": str(w.union),
        "kind": "sit_in",
        "title": "Plantón por el agua",
        "region": "15",
        "starts_at": starts,
        "places": "Plaza de Villa El Salvador",
        "need_kitchen": "2",
        "need_first_aid": "1",
        "checklist": "Megáfono\nBotiquín",
        "pledge_members": "2",
        **extra,
    }
    response = b.post_form("/acciones", data)
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def small_world(app: FastAPI) -> World:
    return make_world(app, ("facilitator", "member", "target_active", "outsider", "loner"))


def test_sit_in_with_tasks_and_a_pledge(
    app: FastAPI, small_world: World, browser: Callable[..., Browser]
) -> None:
    w = small_world
    fac = browser().logged_in_as(w.names["facilitator"])
    action_id = convene(fac, w)
    member = browser().logged_in_as(w.names["member"])
    page = member.get(f"/acciones/{action_id}").text
    assert "Plaza de Villa El Salvador" in page
    task_id = int(page.split(f"/acciones/{action_id}/tareas/")[1].split('"')[0])
    assert member.post_form(f"/acciones/{action_id}/tareas/{task_id}").status_code == 303
    pledge = {"assembly_id": str(w.union)}
    assert member.post_form(f"/acciones/{action_id}/compromiso", pledge).status_code == 303
    other = browser().logged_in_as(w.names["target_active"])
    assert other.post_form(f"/acciones/{action_id}/compromiso", pledge).status_code == 303
    assert audit_actions(app.state.engine).count("mobilisation.pledge_triggered") >= 1
    outsider = browser().logged_in_as(w.names["outsider"])
    seen = {
        "coordinator": fac.get(f"/acciones/{action_id}").text,
        "member": member.get(f"/acciones/{action_id}").text,
        "outsider": outsider.get(f"/acciones/{action_id}").text,
        "visitor": browser().get(f"/acciones/{action_id}").text,
    }
    for who, text in seen.items():
        assert "2 compromisos" in text, who
        assert w.names["target_active"] not in text, who  # a pledger who signed up for nothing
    assert w.names["member"] in seen["coordinator"]  # signed up for the kitchen
    for who in ("outsider", "visitor"):
        assert w.names["member"] not in seen[who]
    # No page or API answer of mobilisation, to anyone, names the pledger.
    for b in (fac, member, outsider, other, browser()):
        for path in (
            "/acciones",
            "/luchas",
            "/movilizacion",
            f"/acciones/{action_id}",
            "/api/v1/actions",
            f"/api/v1/actions/{action_id}",
            "/api/v1/struggles",
            "/acciones.ics",  # and the calendars (docs/feeds-and-webhooks.md)
            f"/asambleas/{w.union}/calendario.ics",
        ):
            assert w.names["target_active"] not in b.get(path).text.replace(
                f'<a href="/cuenta">{w.names["target_active"]}</a>', ""
            ), path
    refused = member.post_form(f"/acciones/{action_id}/compromiso/retirar")
    assert_refused(refused, "es", 409)


def test_hidden_place_and_members_only(small_world: World, browser: Callable[..., Browser]) -> None:
    w = small_world
    fac = browser().logged_in_as(w.names["facilitator"])
    reveal = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    hidden = convene(fac, w, reveal_at=reveal, places="Puerta 3 de la planta")
    members_only = convene(fac, w, visibility="members", title="Asamblea interna")
    member = browser().logged_in_as(w.names["member"])
    outsider = browser().logged_in_as(w.names["outsider"])
    assert "Puerta 3" in fac.get(f"/acciones/{hidden}").text
    for b in (member, outsider, browser()):
        assert "Puerta 3" not in b.get(f"/acciones/{hidden}").text
    assert member.get(f"/acciones/{members_only}").status_code == 200
    assert outsider.get(f"/acciones/{members_only}").status_code == 404
    assert "Asamblea interna" not in outsider.get("/acciones").text
    assert "Asamblea interna" in member.get("/acciones").text


def test_struggles_map_and_register(small_world: World, browser: Callable[..., Browser]) -> None:
    w = small_world
    fac = browser().logged_in_as(w.names["facilitator"])
    data = {
        "assembly_id": str(w.union),
        "title": "Agua para VES",
        "demands": "Agua",
        "against": "Sedapal",
        "region": "15",
        "province": "1501",
        "district": "Villa El Salvador",
        "sector": "water_environment",
        "since": "2026-11-01",
    }
    response = fac.post_form("/luchas", data)
    assert response.status_code == 303, response.text[:300]
    page = browser().get("/luchas?region=15")
    assert page.status_code == 200
    assert "Agua para VES" in page.text
    assert 'href="/luchas?region=15"' in page.text
    assert len(page.content) < 60_000
    bad = fac.post_form("/luchas", {**data, "province": "0401"}, headers={"accept-language": "en"})
    assert_refused(bad, "en", 422)
    assert browser().get("/luchas?region=%3Cs%3E").status_code == 422
