"""Acceptance (issue 5): in a real browser, against the real server, a proposal rises from below
and the charter shows what changed between two versions of an article.

Ana founds a region and two neighbourhood assemblies in it; Beto and Carla join the first.
Beto proposes; Carla supports it (it goes to debate) and argues for it; Ana argues against,
Carla replies, Ana amends the text and Beto, the author, accepts. Ana takes it to a vote, the
three vote yes, Ana closes the vote and the proposal page settles it: adopted. Ana sends it up;
the region sees it adopted by the sender, and Ana adopts it for the sibling assembly too. Then
Ana founds the region's charter, proposes new wording for article 1, puts it to the Schulze
vote, and the article's diff shows the words removed and added.

Carla does everything with JavaScript off; Ana and Beto go through htmx's hx-boost. No page may
ask another host for anything, and no page may log an error (the CSP forbids inline code).
Elements are found by id, name, form action and URL, never by translated text.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.audit import journey_clock
from tests.browser.conftest import OpenVisitor, Visitor, confirm_irreversible
from tests.browser.test_federation_journey import ask_to_join, found, register, vouch

pytestmark = pytest.mark.browser

TITLE = "Agua potable para el sector"
TEXT = "Pedimos agua potable todos los días."
AMENDED = "Pedimos agua potable todos los días y desagüe para todo el sector."
ARTICLE = "El poder nace de las asambleas de base."
NEW_WORDING = "El poder nace de las asambleas de base y vuelve a ellas."


def submit(page: Page, action: str) -> None:
    """Press the submit button of the form with this action."""
    page.locator(f'main form[action="{action}"] button[type="submit"]').first.click()


def state_of(visitor: Visitor, proposal: int) -> str:
    page = visitor.go(f"/propuestas/{proposal}")
    return page.locator("#estado").get_attribute("data-state") or ""


def vote_yes(visitor: Visitor, vote_id: int) -> None:
    """Mark Sí (the first option) and cast; the receipt page appears."""
    page = visitor.go(f"/votaciones/{vote_id}")
    form = page.locator(f'main form[action="/votaciones/{vote_id}/votar"]')
    form.locator('input[type="radio"][name="option"][value="0"]').check()
    form.locator('button[type="submit"]').click()
    expect(page.locator("main #recibo")).to_be_visible()


def open_vote(visitor: Visitor, vote_id: int) -> None:
    page = visitor.go(f"/votaciones/{vote_id}")
    submit(page, f"/votaciones/{vote_id}/abrir")
    expect(page.locator(f'main form[action="/votaciones/{vote_id}/abrir"]')).to_have_count(0)


def close_vote(visitor: Visitor, vote_id: int) -> None:
    page = visitor.go(f"/votaciones/{vote_id}")
    confirm_irreversible(page, "cerrar")
    expect(page.locator(f'main form[action="/votaciones/{vote_id}/cerrar"]')).to_have_count(0)


def vote_id_of(visitor: Visitor) -> int:
    expect(visitor.page).to_have_url(re.compile(r"/votaciones/\d+$"))
    return int(visitor.path().rsplit("/", 1)[1])


def test_a_proposal_rises_from_below_and_the_charter_shows_its_diff(
    open_visitor: OpenVisitor,
) -> None:
    started = journey_clock()
    ana = open_visitor("ana")
    register(ana, "ana.desdeabajo")
    region = found(ana, "Región de prueba desde abajo", "region")
    sector = found(ana, "Vecinos del Sector 7", "neighbourhood", region)
    sibling = found(ana, "Vecinos del Sector 8", "neighbourhood", region)
    beto = open_visitor("beto")
    register(beto, "beto.desdeabajo")
    ask_to_join(beto, sector)
    vouch(ana, sector, "beto.desdeabajo")
    carla = open_visitor("carla", javascript=False)
    register(carla, "carla.desdeabajo")
    ask_to_join(carla, sector)
    vouch(ana, sector, "carla.desdeabajo")
    vouch(beto, sector, "carla.desdeabajo")

    # Beto proposes, from the assembly page's link, and publishes his draft.
    page = beto.go(f"/asambleas/{sector}")
    page.locator("main a#enlace-propuestas").click()
    expect(page).to_have_url(f"{beto.base_url}/asambleas/{sector}/propuestas")
    form = page.locator(f'main form[action="/asambleas/{sector}/propuestas"]')
    form.locator("#title").fill(TITLE)
    form.locator("#kind").select_option("demand")
    form.locator("#text").fill(TEXT)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/propuestas/\d+$"))
    proposal = int(beto.path().rsplit("/", 1)[1])
    expect(page.locator("#estado")).to_have_attribute("data-state", "draft")
    submit(page, f"/propuestas/{proposal}/publicar")
    expect(page.locator("#estado")).to_have_attribute("data-state", "open")

    # Carla (no JavaScript) supports it: one support is this assembly's threshold.
    page = carla.go(f"/propuestas/{proposal}")
    submit(page, f"/propuestas/{proposal}/apoyar")
    expect(page.locator("#estado")).to_have_attribute("data-state", "debate")
    expect(page.locator("#num-apoyos")).to_have_text("1")
    form = page.locator("main form#argumentar")
    form.locator("#side").select_option("for")
    form.locator("#argument").fill("Sin agua no hay salud.")
    form.locator('button[type="submit"]').click()
    expect(page.locator("section.arguments-for article.argument")).to_have_count(1)

    # Ana argues against; Carla replies (one level); Ana amends; Beto accepts.
    page = ana.go(f"/propuestas/{proposal}")
    form = page.locator("main form#argumentar")
    form.locator("#side").select_option("against")
    form.locator("#argument").fill("Primero las tuberías.")
    form.locator('button[type="submit"]').click()
    against = page.locator("section.arguments-against article.argument")
    expect(against).to_have_count(1)
    argument = (against.get_attribute("id") or "").removeprefix("argumento-")
    page = carla.go(f"/propuestas/{proposal}")
    reply = page.locator(f"#argumento-{argument}")
    reply.locator("summary").click()
    reply.locator(f"textarea#reply-{argument}").fill("Por eso pedimos también las obras.")
    reply.locator('button[type="submit"]').click()
    expect(page.locator(f"#argumento-{argument} .reply")).to_have_count(1)
    page = ana.go(f"/propuestas/{proposal}")
    form = page.locator("main form#enmendar")
    form.locator("#amendment").fill(AMENDED)
    form.locator('button[type="submit"]').click()
    amendment = page.locator("article.amendment")
    expect(amendment).to_have_count(1)
    amendment_id = (amendment.get_attribute("id") or "").removeprefix("enmienda-")
    page = beto.go(f"/propuestas/{proposal}")
    submit(page, f"/enmiendas/{amendment_id}/aceptar")
    expect(page.locator("#texto")).to_contain_text(AMENDED)

    # Ana takes it to a vote; the three vote yes; closing publishes it; the page settles it.
    page = ana.go(f"/propuestas/{proposal}")
    submit(page, f"/propuestas/{proposal}/votacion")
    vote = vote_id_of(ana)
    open_vote(ana, vote)
    for visitor in (ana, beto, carla):
        vote_yes(visitor, vote)
    close_vote(ana, vote)
    assert state_of(carla, proposal) == "adopted"

    # Ana sends it up; the region shows it adopted by one assembly; the sibling adopts it too.
    page = ana.go(f"/propuestas/{proposal}")
    submit(page, f"/propuestas/{proposal}/escalar")
    expect(page).to_have_url(f"{ana.base_url}/asambleas/{region}/escalamientos")
    card = page.locator("article.escalation")
    expect(card).to_have_count(1)
    expect(card.locator(f'ul.adopters a[href="/asambleas/{sector}"]')).to_have_count(1)
    escalation = (card.get_attribute("id") or "").removeprefix("escalamiento-")
    adopt = card.locator(f'form[action="/escalamientos/{escalation}/adoptar"]')
    expect(adopt.locator('input[name="assembly_id"]')).to_have_value(str(sibling))
    adopt.locator('button[type="submit"]').click()
    expect(card.locator(f'ul.adopters a[href="/asambleas/{sibling}"]')).to_have_count(1)
    expect(card.locator(f"a#agenda-{escalation}")).to_have_count(1)  # 1 of 2 children was enough
    carla.go(f"/asambleas/{region}/escalamientos")
    expect(carla.page.locator("ul.adopters li")).to_have_count(2)

    # The charter: Ana founds it in the region, proposes new wording for article 1, puts it to
    # the vote (wording first, "keep" second), and the diff shows what changed.
    page = ana.go(f"/asambleas/{region}")
    page.locator("main a#enlace-carta").click()
    form = page.locator(f'main form[action="/asambleas/{region}/carta"]')
    form.locator("#title").fill("Carta regional")
    form.locator("#articles").fill(f"## Soberanía\n{ARTICLE}\n## Agua\nEl agua es de todos.")
    form.locator('button[type="submit"]').click()
    expect(page.locator("section.article")).to_have_count(2)
    form = page.locator("main form#redaccion")
    charter = form.locator('input[name="charter_id"]').get_attribute("value")
    form.locator("#target").select_option("1")
    form.locator("#article_title").fill("Soberanía")
    form.locator("#wording").fill(NEW_WORDING)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/propuestas/\d+$"))
    wording = int(ana.path().rsplit("/", 1)[1])
    submit(page, f"/propuestas/{wording}/publicar")
    expect(page.locator("#estado")).to_have_attribute("data-state", "debate")
    page = ana.go(f"/asambleas/{region}/carta")
    form = page.locator(f'main form[action="/cartas/{charter}/votacion"]')
    form.locator(f'input[name="propuesta_{wording}"]').check()
    form.locator('button[type="submit"]').click()
    charter_vote = vote_id_of(ana)
    open_vote(ana, charter_vote)
    form = page.locator(f'main form[action="/votaciones/{charter_vote}/votar"]')
    form.locator("select#rank_1").select_option("1")
    form.locator("select#rank_0").select_option("2")
    form.locator('button[type="submit"]').click()
    expect(page.locator("main #recibo")).to_be_visible()
    close_vote(ana, charter_vote)
    assert state_of(ana, wording) == "adopted"

    # Carla, without JavaScript, compares the two versions of article 1.
    page = carla.go(f"/asambleas/{region}/carta")
    page.locator("#articulo-1 a.compare").click()
    expect(page).to_have_url(f"{carla.base_url}/cartas/{charter}/articulos/1/comparar?de=1&a=2")
    diff = page.locator("#diferencias")
    expect(diff.locator("ins")).to_contain_text("vuelve a ellas")
    expect(diff).to_contain_text("El poder nace de las asambleas de base")
    page = carla.go(f"/cartas/{charter}/articulos/1")
    expect(page.locator("section.version")).to_have_count(2)
    form = page.locator("main form#comparar")
    form.locator("#de").select_option("2")
    form.locator("#a").select_option("1")
    form.locator('button[type="submit"]').click()
    expect(page.locator("#diferencias del")).to_contain_text("vuelve a ellas")
    printable = carla.go(f"/cartas/{charter}/imprimir")
    expect(printable.locator(".printable")).to_contain_text(NEW_WORDING)

    everyone = (ana, beto, carla)
    for visitor in everyone:
        assert visitor.offsite == [], f"{visitor.name} asked other hosts: {visitor.offsite}"
        assert visitor.failed_responses == [], f"{visitor.name}: {visitor.failed_responses}"
        assert visitor.console_errors == [], f"{visitor.name}: {visitor.console_errors}"
    for visitor in everyone:
        boosted = [r for r in visitor.requests if r.headers.get("hx-request") == "true"]
        if visitor.javascript:
            assert boosted, f"{visitor.name}: htmx never boosted a request"
        else:
            assert boosted == [], f"{visitor.name}: htmx ran with JavaScript off"
    assert journey_clock() - started < 60
