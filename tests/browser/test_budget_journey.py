"""Acceptance (issue 6): in a real browser, against the real server, a participatory budgeting
process from registration to the Acta: agents register (one is challenged, the challenge
dismissed), projects are submitted and evaluated, members vote, the results page shows the
chart of funded projects against the budget and explains every project, two facilitators sign
the Acta, the members elect the oversight committee by an STV vote (on the votes' own pages) and
it records progress.

Ana founds a union; Beto joins and becomes a facilitator; Carla joins and does everything with
JavaScript off. No page may ask another host for anything, no console errors. Elements are found
by id, name, form action and URL, never by translated labels (usernames are our own data).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import journey_clock
from tests.browser.conftest import OpenVisitor, Visitor, confirm_irreversible
from tests.browser.test_federation_journey import ask_to_join, found, register, vouch
from tests.browser.test_votes_journey import cast_ranking, close_and_publish, no_sideways_scroll

pytestmark = pytest.mark.browser

RESULTS_SCREENSHOT = Path("/tmp/asamblea-presupuesto.png")  # noqa: S108 - for the reviewers
ACTA_SCREENSHOT = Path("/tmp/asamblea-acta.png")  # noqa: S108
SECONDS = 90
DATES = ("2027-01-04", "2027-02-01", "2027-03-01", "2027-04-05", "2027-05-03", "2027-06-01")
PHASES = ("preparation", "workshops", "evaluation", "prioritisation", "formalisation", "oversight")


def make_facilitator(visitor: Visitor, assembly_id: int, username: str) -> None:
    """From the member list of the assembly page."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    row = page.locator("main table tr").filter(has=page.locator(f'td:text-is("{username}")'))
    row.locator('form[action$="/facilitar"] button').click()
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}")
    row = page.locator("main table tr").filter(has=page.locator(f'td:text-is("{username}")'))
    expect(row.locator('form[action$="/facilitar"]')).to_have_count(0)


def open_process(visitor: Visitor, assembly_id: int) -> int:
    """From the assembly page to the list to the form; returns the process's id."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    page.locator(f'main a[href="/asambleas/{assembly_id}/presupuestos"]').click()
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}/presupuestos")
    page.locator("main a#nuevo-proceso").click()
    form = page.locator(f'main form[action="/asambleas/{assembly_id}/presupuestos"]')
    form.locator("#title").fill("Presupuesto participativo 2027")
    form.locator("#budget").fill("100000")
    for phase, day in zip(PHASES, DATES, strict=True):
        form.locator(f"#date_{phase}").fill(day)
    form.locator("#ballot_kind").select_option("approval")
    form.locator("#rule").select_option("mes")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/presupuestos/\d+$"))
    expect(page.locator("main h1")).to_have_text("Presupuesto participativo 2027")
    expect(page.locator("#techo")).to_contain_text("S/ 100,000")
    return int(visitor.path().rsplit("/", 1)[1])


def at(visitor: Visitor, process_id: int) -> Page:
    return visitor.go(f"/presupuestos/{process_id}")


def submit(page: Page, selector: str, visitor: Visitor, process_id: int) -> None:
    """Press the submit button of a form and land back on the process page."""
    page.locator(selector).locator('button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(rf"/presupuestos/{process_id}(/acta|/resultados)?(#.*)?$"))


def advance(visitor: Visitor, process_id: int, to: str) -> None:
    page = at(visitor, process_id)
    confirm_irreversible(page, "avanzar")
    expect(page).to_have_url(re.compile(rf"/presupuestos/{process_id}(/resultados)?$"))
    expect(at(visitor, process_id).locator("#fase")).to_have_attribute("data-phase", to)


def register_agent(visitor: Visitor, process_id: int, organisation: str) -> None:
    page = at(visitor, process_id)
    page.locator("#registro #organisation").fill(organisation)
    submit(page, "#registro", visitor, process_id)
    expect(page.locator("#registro")).to_have_count(0)


def submit_project(visitor: Visitor, process_id: int, title: str, cost: str) -> None:
    page = at(visitor, process_id)
    form = page.locator("#nuevo-proyecto")
    form.locator("#project-title").fill(title)
    form.locator("#project-description").fill(f"{title}: obra para el sector.")
    form.locator("#project-place").fill("Sector 3, Comas")
    form.locator("#project-cost").fill(cost)
    form.locator("#project-beneficiaries").fill("250")
    submit(page, "#nuevo-proyecto", visitor, process_id)


def project_ids(page: Page) -> dict[str, int]:
    ids = {}
    for item in page.locator("ul.budget-projects > li").all():
        title = item.locator("strong").first.inner_text()
        ids[title] = int((item.get_attribute("id") or "").removeprefix("proyecto-"))
    return ids


def vote(visitor: Visitor, process_id: int, chosen: list[int]) -> None:
    page = at(visitor, process_id)
    for project_id in chosen:
        page.locator(f"#papeleta #project_{project_id}").check()
    submit(page, "#papeleta", visitor, process_id)
    expect(page.locator("#ya-voto")).to_have_count(1)


def test_a_process_from_registration_to_the_acta(open_visitor: OpenVisitor) -> None:
    start = journey_clock()
    ana, beto = open_visitor("ana"), open_visitor("beto")
    carla = open_visitor("carla", javascript=False)
    suffix = str(int(time.time() * 1000))[-6:]
    for visitor in (ana, beto, carla):
        register(visitor, f"{visitor.name}{suffix}")
    union = found(ana, f"Sindicato {suffix}", "union")
    ask_to_join(beto, union)
    vouch(ana, union, f"beto{suffix}")
    ask_to_join(carla, union)
    vouch(ana, union, f"carla{suffix}")
    vouch(beto, union, f"carla{suffix}")
    make_facilitator(ana, union, f"beto{suffix}")

    # 1. preparation: registration, a challenge, its resolution, the final list
    process_id = open_process(ana, union)
    register_agent(carla, process_id, "Comedor popular Santa Rosa")
    register_agent(beto, process_id, "Junta vecinal Collique")
    page = at(carla, process_id)
    beto_agent = page.locator("tr.agent-listed").filter(has_text="Junta vecinal Collique")
    agent_id = int((beto_agent.get_attribute("id") or "").removeprefix("agente-"))
    beto_agent.locator("details summary").click()
    page.locator(f"#reason-{agent_id}").fill("¿Está acreditado por la junta?")
    submit(page, f"#impugnar-{agent_id}", carla, process_id)
    expect(page.locator(f"#agente-{agent_id}")).to_have_class("agent-challenged")
    page = at(ana, process_id)
    page.locator(f"#resolution-{agent_id}").fill("Presentó su credencial.")
    page.locator(f'#resolver-{agent_id} button[value="dismiss"]').click()
    expect(page.locator(f"#agente-{agent_id}")).to_have_class("agent-listed")
    advance(ana, process_id, "workshops")

    # 2. workshops
    submit_project(carla, process_id, "Losa deportiva", "60000")
    submit_project(beto, process_id, "Agua potable", "50000")
    submit_project(beto, process_id, "Posta de salud", "30000.00")
    advance(ana, process_id, "evaluation")

    # 3. technical evaluation (Beto is a facilitator, so on the technical team)
    ids = project_ids(at(beto, process_id))
    assert set(ids) == {"Losa deportiva", "Agua potable", "Posta de salud"}
    for project_id in ids.values():
        page = at(beto, process_id)
        page.locator(f"#viable-{project_id}").select_option("si")
        page.locator(f"#eval-reason-{project_id}").fill("Terreno saneado, costo razonable.")
        submit(page, f"#evaluar-{project_id}", beto, process_id)
    expect(at(ana, process_id).locator("p.evaluation.viable")).to_have_count(3)
    advance(ana, process_id, "prioritisation")

    # 4. prioritisation: approval ballots
    losa, agua, posta = ids["Losa deportiva"], ids["Agua potable"], ids["Posta de salud"]
    vote(ana, process_id, [losa])
    vote(beto, process_id, [agua, posta])
    vote(carla, process_id, [losa, posta])

    # 5. formalisation: results with the chart and the explanations
    page = at(ana, process_id)
    confirm_irreversible(page, "avanzar")
    expect(page).to_have_url(f"{ana.base_url}/presupuestos/{process_id}/resultados")
    chart = page.locator("svg#grafico-presupuesto")
    expect(chart.locator("rect.funded")).to_have_count(2)
    expect(chart.locator("rect.budget-total")).to_have_count(1)
    expect(page.locator("#explicaciones tbody tr")).to_have_count(3)
    expect(page.locator("#explicaciones tr.funded")).to_have_count(2)
    expect(page.locator(f"#explicacion-{agua}")).to_have_attribute("data-reason", "shares_short")
    expect(page.locator(f"#explicacion-{losa}")).to_have_attribute(
        "data-reason", "funded_equal_shares"
    )
    expect(page.locator("#resumen")).to_contain_text("S/ 90,000")
    no_sideways_scroll(page, "results page")
    page.screenshot(path=RESULTS_SCREENSHOT, full_page=True)
    members = carla.go(f"/presupuestos/{process_id}/resultados")  # JavaScript off
    expect(members.locator("svg#grafico-presupuesto rect.funded")).to_have_count(2)

    # the Acta, signed by two facilitators
    for visitor in (ana, beto):
        page = visitor.go(f"/presupuestos/{process_id}/acta")
        page.locator("#firmar button").click()
        expect(page).to_have_url(f"{visitor.base_url}/presupuestos/{process_id}/acta")
    expect(page.locator("#firma-1")).to_contain_text(f"ana{suffix}")
    expect(page.locator("#firma-2")).to_contain_text(f"beto{suffix}")
    expect(page.locator("#acuerdos tbody tr")).to_have_count(2)
    expect(page.locator("#firmar")).to_have_count(0)

    # the oversight committee, elected: Carla and Beto stand, Ana opens the election for one
    # seat, the three members rank Carla first on the vote's page, Ana closes it
    for visitor in (carla, beto):
        page = at(visitor, process_id)
        submit(page, "#postular", visitor, process_id)
        expect(page.locator("#retirar-candidatura")).to_have_count(1)
    page = at(ana, process_id)
    expect(page.locator("#candidatos .candidate")).to_have_count(2)
    form = page.locator("#abrir-eleccion")
    form.locator("#committee-seats").fill("1")
    form.locator("#committee-days").fill("3")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/votaciones/\d+$"))
    election = int(ana.path().rsplit("/", 1)[1])
    options = sorted((f"beto{suffix}", f"carla{suffix}"))
    ranking = [options.index(f"carla{suffix}"), options.index(f"beto{suffix}")]
    for visitor in (ana, beto, carla):
        page = at(visitor, process_id)
        expect(page.locator("#eleccion-en-curso")).to_have_count(1)
        page.locator("#enlace-eleccion").click()
        expect(page).to_have_url(f"{visitor.base_url}/votaciones/{election}")
        cast_ranking(visitor, election, ranking)
    close_and_publish(ana, election)
    page = at(carla, process_id)  # the published result seats Carla
    expect(page.locator("#miembros-comite li")).to_have_count(1)
    expect(page.locator("#miembros-comite")).to_contain_text(f"carla{suffix}")
    advance(ana, process_id, "oversight")
    acta = carla.go(f"/presupuestos/{process_id}/acta")
    no_sideways_scroll(acta, "Acta")
    no_sideways_scroll(at(carla, process_id), "process page")
    acta = carla.go(f"/presupuestos/{process_id}/acta")
    acta.emulate_media(media="print")
    acta.screenshot(path=ACTA_SCREENSHOT, full_page=True)

    # 6. oversight: Carla records progress of a funded project; members see it
    page = at(carla, process_id)
    form = page.locator(f"#registrar-avance-{losa}")
    form.locator(f"#percent-{losa}").fill("40")
    form.locator(f"#on-date-{losa}").fill("2027-07-01")
    form.locator(f"#note-{losa}").fill("Cimientos terminados")
    submit(page, f"#registrar-avance-{losa}", carla, process_id)
    expect(at(ana, process_id).locator(f"#avance-{losa}")).to_contain_text("Cimientos terminados")

    for visitor in (ana, beto, carla):
        assert visitor.offsite == [], f"{visitor.name} asked other hosts: {visitor.offsite}"
        assert visitor.failed_responses == [], f"{visitor.name}: {visitor.failed_responses}"
        assert visitor.console_errors == [], f"{visitor.name}: {visitor.console_errors}"
    assert journey_clock() - start < SECONDS
