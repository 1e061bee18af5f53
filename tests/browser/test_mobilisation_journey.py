"""Acceptance (issue 12): in a real browser, against the real server, a union convenes a sit-in
with a task and a conditional pledge; a neighbourhood assembly joins it by a vote of its
members; members sign up and pledge until the threshold triggers, and both pledgers find it in their
inbox; the struggles map page works at phone size with nothing from other hosts.

Ana founds a union and convenes; Beto founds a neighbourhood assembly, puts joining to its
members' vote (JavaScript off), votes, publishes, and pledges. The pledge asks for 2 people
across the federation, counting assemblies where at least 1 pledged: Ana's pledge makes it
1 of 2, Beto's triggers it. Elements are found by id, name and form action, never by label.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenVisitor, Visitor
from tests.browser.test_federation_journey import found, register
from tests.browser.test_votes_journey import ballot_form, close_and_publish, keep_receipt

pytestmark = pytest.mark.browser
LIMA = ZoneInfo("America/Lima")


def convene(visitor: Visitor, assembly_id: int) -> int:
    """The sit-in, through /movilizacion's form; returns the action's id."""
    page = visitor.go("/movilizacion")
    form = page.locator('main form[action="/acciones"]')
    form.locator("#c-a").select_option(str(assembly_id))
    form.locator("#c-kind").select_option("sit_in")
    form.locator("#c-title").fill("Plantón por el agua")
    form.locator("#c-region").select_option("15")
    starts = (datetime.now(LIMA) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form.locator("#c-start").fill(starts)
    form.locator("#c-places").fill("Plaza de Villa El Salvador")
    form.locator("#need-kitchen").fill("2")
    form.locator("#p-n").fill("1")
    form.locator("#p-t").fill("2")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/acciones/\d+$"))
    expect(page.locator("main h1")).to_have_text("Plantón por el agua")
    return int(visitor.path().rsplit("/", 1)[1])


def join_by_vote(visitor: Visitor, action_id: int, assembly_id: int) -> None:
    """Put joining to the members' vote, vote Sí, close and publish it."""
    page = visitor.go(f"/acciones/{action_id}")
    form = page.locator(f'main form[action="/acciones/{action_id}/adhesion"]')
    form.locator("#j-a").select_option(str(assembly_id))
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/votaciones/\d+$"))
    vote_id = int(visitor.path().rsplit("/", 1)[1])
    ballot = ballot_form(page, vote_id)
    ballot.locator('input[type="radio"][name="option"][value="0"]').check()
    ballot.locator('button[type="submit"]').click()
    keep_receipt(visitor, vote_id)
    close_and_publish(visitor, vote_id)


def pledge(visitor: Visitor, action_id: int, assembly_id: int) -> None:
    page = visitor.go(f"/acciones/{action_id}")
    form = page.locator(f'main form[action="/acciones/{action_id}/compromiso"]')
    form.locator("#pl-a").select_option(str(assembly_id))
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/acciones/{action_id}(#compromiso)?$"))
    expect(form).to_have_count(0)  # pledged: the form is gone


def test_convene_join_sign_up_pledge_trigger(open_visitor: OpenVisitor) -> None:
    ana, beto = open_visitor("ana"), open_visitor("beto", javascript=False)
    register(ana, "ana_moviliza")
    union = found(ana, "Sindicato del Agua", "union")
    register(beto, "beto_moviliza")
    barrio = found(beto, "Barrio Sector 3", "neighbourhood")
    action_id = convene(ana, union)
    join_by_vote(beto, action_id, barrio)
    page = ana.go(f"/acciones/{action_id}")
    expect(page.locator("main dl.facts")).to_contain_text("Barrio Sector 3")
    page.locator(f'main form[action^="/acciones/{action_id}/tareas/"] button').first.click()
    expect(page.locator('main form[action$="/dejar"]')).to_have_count(1)
    pledge(ana, action_id, union)
    expect(ana.page.locator("#pledge-count")).to_contain_text("1 compromiso")
    expect(ana.page.locator("#estado")).to_have_text("convocada")
    pledge(beto, action_id, barrio)
    expect(beto.page.locator("#pledge-count")).to_contain_text("2 compromisos")
    expect(beto.page.locator("#pledge-count strong")).to_have_count(1)  # threshold met
    expect(beto.page.locator("#estado")).to_have_text("confirmada")
    withdraw = beto.page.locator(f'main form[action="/acciones/{action_id}/compromiso/retirar"]')
    expect(withdraw).to_have_count(0)  # a commitment now
    # Ana, the coordinator, sees who signed up for the kitchen, never who pledged.
    page = ana.go(f"/acciones/{action_id}")
    expect(page.locator("ul.tasks")).to_contain_text("ana_moviliza")
    expect(page.locator("main")).not_to_contain_text("beto_moviliza")
    # Both pledgers find the trigger in their inbox (issue 11's notices, audience: pledgers).
    met = "Se cumplió el compromiso que hiciste: Plantón por el agua va"
    for visitor in (ana, beto):
        page = visitor.go("/avisos")
        expect(page.locator("main")).to_contain_text(met)
        expect(page.locator("header.site a[href='/avisos'] .badge")).to_have_count(1)
    ana.go("/luchas")
    page = beto.go("/plataformas")  # the unified platforms (none yet: no assembly above these)
    expect(page.locator("main h1")).to_have_text("Plataformas unificadas de lucha")
    for visitor in (ana, beto):
        assert visitor.offsite == [], visitor.offsite
        assert visitor.console_errors == [], visitor.console_errors
        assert visitor.failed_responses == [], visitor.failed_responses
