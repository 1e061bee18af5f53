"""Acceptance (issue 7): in a real browser, against the real server, a facilitator opens a
planning round, two base assemblies vote their targets (each drafted by its facilitator and
adopted by a secret yes/no vote of its members on the vote pages, with receipts), and the plan
is published with its trade-offs: the fulfilment chart, the binding limits with their shadow
prices, the labour values, and the votes that adopted the targets.

Ana founds a national assembly and a union under it; Beto founds a peasant community under it.
Carla joins the union and Dora the community. Carla does everything with JavaScript off; the
others go through htmx's hx-boost. No page may ask another host for anything, no console
errors. Elements are found by id, name, form action and URL, never by translated labels.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.audit import journey_clock
from tests.browser.conftest import OpenVisitor, Visitor
from tests.browser.test_federation_journey import ask_to_join, found, register, vouch
from tests.browser.test_votes_journey import ballot_form, close_and_publish, keep_receipt

pytestmark = pytest.mark.browser

PLAN_SCREENSHOT = Path("/tmp/asamblea-plan.png")  # noqa: S108 - for the reviewers
ROUND_SCREENSHOT = Path("/tmp/asamblea-planning-round.png")  # noqa: S108
SECONDS = 60
MOTION = ("Sí", "No", "Abstención")  # what the vote on a draft offers


def open_round(visitor: Visitor, assembly_id: int) -> int:
    """From the assembly page to the planning list to the form; returns the round's id."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    page.locator(f'main a[href="/asambleas/{assembly_id}/planificacion"]').click()
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}/planificacion")
    page.locator("main a#nueva-ronda").click()
    form = page.locator(f'main form[action="/asambleas/{assembly_id}/planificacion"]')
    form.locator("#title").fill("Plan anual de la aldea")
    form.locator("#model").select_option("aldea")
    form.locator("#goods").fill("maíz\npan")
    form.locator("#aggregation").select_option("median")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/planificacion/\d+$"))
    expect(page.locator("main h1")).to_have_text("Plan anual de la aldea")
    return int(visitor.path().rsplit("/", 1)[1])


def draft(visitor: Visitor, round_id: int, assembly_id: int, levels: list[str]) -> int:
    """A facilitator drafts the assembly's levels, one per good; the vote on them opens at
    once. Returns the vote's id, as the round's page links it."""
    page = visitor.go(f"/planificacion/{round_id}")
    form = page.locator(f"main form#metas-{assembly_id}")
    for index, level in enumerate(levels):
        form.locator(f"#level_{assembly_id}_{index}").fill(level)
    form.locator(f"#days_{assembly_id}").fill("2")
    form.locator('button[type="submit"]').click()
    # issue 13, finding 12: a preview of what will be voted on, before the vote opens
    expect(page).to_have_url(f"{visitor.base_url}/planificacion/{round_id}/metas/vista-previa")
    expect(page.locator("#vista-previa tbody tr")).to_have_count(len(levels))
    expect(page.locator("#duracion")).to_contain_text("2 días")
    if visitor.javascript and visitor.auditor is not None:  # a POST's answer: axe it in place
        visitor.auditor.audit(visitor)
    page.locator("#confirmar-metas").click()
    expect(page).to_have_url(f"{visitor.base_url}/planificacion/{round_id}")
    row = page.locator(f"#asamblea-{assembly_id}")
    expect(row.locator(".state-pending")).to_have_count(1)
    for level in levels:
        expect(row.locator("li").filter(has_text=level)).to_have_count(1)
    expect(page.locator(f"main form#metas-{assembly_id}")).to_have_count(0)  # fixed while voted
    href = row.locator(f"#votacion-{assembly_id} a").get_attribute("href") or ""
    match = re.fullmatch(r"/votaciones/(\d+)", href)
    assert match, href
    return int(match.group(1))


def vote_yes(visitor: Visitor, round_id: int, assembly_id: int, vote_id: int) -> None:
    """A member follows the round's link to the vote, reads the targets in its question and
    votes Sí (a secret ballot: a receipt comes back)."""
    page = visitor.go(f"/planificacion/{round_id}")
    page.locator(f"main a#votar-{assembly_id}").click()
    expect(page).to_have_url(f"{visitor.base_url}/votaciones/{vote_id}")
    expect(page.locator("main h1")).to_contain_text("¿Adoptamos estas metas")
    form = ballot_form(page, vote_id)
    expect(form.locator('input[type="radio"][name="option"]')).to_have_count(len(MOTION))
    form.locator('input[type="radio"][name="option"][value="0"]').check()
    form.locator('button[type="submit"]').click()
    keep_receipt(visitor, vote_id)


def adopted(visitor: Visitor, round_id: int, assembly_id: int) -> None:
    """Once the vote is published, the round's page shows the targets adopted."""
    page = visitor.go(f"/planificacion/{round_id}")
    expect(page.locator(f"#asamblea-{assembly_id} .state-active")).to_have_count(1)
    expect(page.locator(f"main a#votar-{assembly_id}")).to_have_count(0)


def test_open_a_round_two_assemblies_vote_and_the_plan_shows_its_trade_offs(
    open_visitor: OpenVisitor,
) -> None:
    start = journey_clock()
    ana, beto = open_visitor("ana"), open_visitor("beto")
    carla, dora = open_visitor("carla", javascript=False), open_visitor("dora")
    suffix = str(int(time.time() * 1000))[-6:]
    for visitor in (ana, beto, carla, dora):
        register(visitor, f"{visitor.name}{suffix}")
    national = found(ana, f"Asamblea Nacional {suffix}", "national")
    union = found(ana, f"Sindicato {suffix}", "union", national)
    community = found(beto, f"Comunidad {suffix}", "peasant_community", national)
    ask_to_join(carla, union)
    ask_to_join(dora, community)
    vouch(ana, union, f"carla{suffix}")
    vouch(beto, community, f"dora{suffix}")

    round_id = open_round(ana, national)
    page = ana.page
    expect(page.locator("#participantes tbody tr")).to_have_count(2)
    expect(page.locator("#regla")).not_to_be_empty()
    union_vote = draft(ana, round_id, union, ["10", "20"])
    vote_yes(carla, round_id, union, union_vote)
    vote_yes(ana, round_id, union, union_vote)
    close_and_publish(ana, union_vote)  # everyone on the roll voted: it closes early
    adopted(carla, round_id, union)
    community_vote = draft(beto, round_id, community, ["30", "10"])
    vote_yes(dora, round_id, community, community_vote)
    vote_yes(beto, round_id, community, community_vote)
    close_and_publish(beto, community_vote)
    adopted(dora, round_id, community)

    ana.go(f"/planificacion/{round_id}").screenshot(path=ROUND_SCREENSHOT, full_page=True)
    targets = ana.go(f"/planificacion/{round_id}/metas")
    expect(targets.locator("#metas-votadas tbody tr")).to_have_count(2)
    expect(targets.locator("#metas-votadas tfoot td strong")).to_have_count(2)

    page = ana.go(f"/planificacion/{round_id}")
    page.locator(f'main form[action="/planificacion/{round_id}/resolver"] button').click()
    expect(page).to_have_url(f"{ana.base_url}/planificacion/{round_id}/plan")
    expect(page.locator("#cumplimiento")).to_contain_text("%")
    chart = page.locator("svg#grafico-cumplimiento")
    expect(chart.locator("rect")).to_have_count(2)
    expect(page.locator("#metas-plan tbody tr")).to_have_count(2)
    expect(page.locator("#limites tr.binding")).not_to_have_count(0)
    expect(page.locator("#valores-trabajo li")).to_have_count(2)
    counted = page.locator("#metas-contadas li")
    expect(counted).to_have_count(2)
    for vote_id in (union_vote, community_vote):
        expect(counted.locator(f'a[href="/votaciones/{vote_id}"]')).to_have_count(1)
    page.screenshot(path=PLAN_SCREENSHOT, full_page=True)

    public = carla.go(f"/planificacion/{round_id}/plan")  # JavaScript off, a member elsewhere
    expect(public.locator("svg#grafico-cumplimiento rect")).to_have_count(2)
    expect(public.locator("#limites tr.binding")).not_to_have_count(0)

    for visitor in (ana, beto, carla, dora):
        assert visitor.offsite == [], f"{visitor.name} asked other hosts: {visitor.offsite}"
        assert visitor.failed_responses == [], f"{visitor.name}: {visitor.failed_responses}"
        assert visitor.console_errors == [], f"{visitor.name}: {visitor.console_errors}"
    assert journey_clock() - start < SECONDS
