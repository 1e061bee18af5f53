"""Walkthrough findings of issue 13 on the demo's own pages (findings 8, 12, 13, 14 and 15): the
STV result explains its count, the committee ballot says what it elects, the budget, proposal and
planning pages say each thing once, in plain words, with figures and dates in the page's
language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from asamblea.services.demo.federation import DEMO_PASSWORD, seed_demo
from asamblea.web.routes.budgeting.pages import soles
from tests.databases import copy_sqlite, drop_database
from tests.web.conftest import Browser


@pytest.fixture(scope="module")
def database_url(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only: these are questions of wording and layout, not of the database."""
    url = copy_sqlite(sqlite_template, tmp_path_factory.mktemp("walkthrough"))
    yield url
    drop_database(url, None)


@pytest.fixture(scope="module")
def demo(app: FastAPI) -> FastAPI:
    """The demo federation, seeded once for the module."""
    web = app.state.web
    with web.sessions.begin() as db:
        seed_demo(db, web.signing_key)
    return app


def one(app: FastAPI, query: str) -> int:
    with app.state.engine.connect() as connection:
        value = connection.scalar(text(query))
    assert value is not None, query
    return int(value)


def visible(page: str) -> str:
    """The page's text as read: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def member(app: FastAPI, username: str, lang: str = "es") -> Browser:
    browser = Browser(app, lang)
    assert browser.login(username, DEMO_PASSWORD).status_code == 303
    return browser


# ---------------------------------------------------------------- finding 8: STV results


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_stv_result_shows_quota_rounds_transfers_and_marks(demo: FastAPI, lang: str) -> None:
    union = one(demo, "SELECT id FROM vote WHERE question LIKE 'Delegados a la Asamblea Dis%'")
    market = one(demo, "SELECT id FROM vote WHERE question LIKE '%Mercado Modelo%'")
    visitor = Browser(demo, lang)  # public votes: no login needed
    page = visitor.get(f"/votaciones/{union}").text
    shown = visible(page)
    assert "00000" not in shown  # no "18.00000": plain figures
    # 40 valid ballots, 2 seats: 40 ÷ 3 = 13, + 1 = 14.
    quota = {"es": "Cuota: 14 votos", "en": "Quota: 14 votes"}[lang]
    assert quota in shown
    assert {"es": "40 ÷ 3 + 1", "en": "40 ÷ 3 + 1"}[lang] in shown
    # The rounds table: a labelled region reachable by keyboard, with a caption and row headers.
    region = re.search(
        r'<div class="scroll-x" tabindex="0" role="region" aria-labelledby="([\w-]+)"', page
    )
    assert region is not None
    assert f'<caption id="{region.group(1)}">' in page
    assert {"es": "Ronda 1", "en": "Round 1"}[lang] in shown
    market_page = visible(visitor.get(f"/votaciones/{market}").text)
    assert "00000" not in market_page
    transfer = {
        "es": "Ronda 2: nancy.mercado4 tuvo menos votos (4) y sale del conteo.",
        "en": "Round 2: nancy.mercado4 had the fewest votes (4) and is excluded.",
    }[lang]
    assert transfer in market_page
    for mark in ("✔", "✘"):
        assert re.search(rf"<dt>{mark}</dt>\s*<dd>", visitor.get(f"/votaciones/{market}").text)
    legend = {"es": "gana un escaño en esta ronda", "en": "elected in this round"}[lang]
    assert legend in market_page


# ---------------------------------------------------------------- finding 15: committee ballot


def test_the_committee_ballot_says_how_many_seats_and_no_empty_quorum(demo: FastAPI) -> None:
    vote = one(demo, "SELECT id FROM vote WHERE question LIKE 'Comité de Vigilancia%'")
    page = visible(member(demo, "facilitadora.ves").get(f"/votaciones/{vote}").text)
    assert "(delegadas/os)" not in page  # a committee is not a delegation
    assert "Voto único transferible (VUT), reglas escocesas" in page
    assert "Quórum: 0" not in page  # no quorum: nothing to say
    assert "3 puestos por cubrir." in page
    assert "Se elige a 3 personas." in page  # beside the ballot


# ---------------------------------------------------------------- finding 14: budget pages


def test_the_budget_page_says_each_thing_once_in_plain_figures(demo: FastAPI) -> None:
    process = one(demo, "SELECT id FROM budget_process")
    browser = member(demo, "facilitadora.ves")
    page = visible(browser.get(f"/presupuestos/{process}").text)
    assert "Viable: Viable:" not in page
    assert "Viable: Terreno saneado" in page
    assert "La facilitación, y: —" not in page
    assert "Estudian si cada proyecto se puede hacer" in page
    # dd/mm/yyyy like the other pages, not ISO dates
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", page)
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)
    # money and counts grouped the same way everywhere: no bare 1200 beside S/ 250,000
    assert "S/ 250,000 " in page
    assert "S/ 250,000.00" not in page
    assert "1,200 beneficiarias y beneficiarios" in page
    assert not re.search(r"S/ \d{4}|\b\d{4,} benef", page)
    results = visible(browser.get(f"/presupuestos/{process}/resultados").text)
    assert "add1" not in results
    assert "completación" not in results
    assert "Cómo funciona Partes Iguales" in results


def test_soles_are_grouped_in_the_page_language() -> None:
    assert soles(120_000) == "S/ 1,200"
    assert soles(150_005) == "S/ 1,500.05"
    assert soles(150_005, "en") == "S/ 1,500.05"
    assert soles(7) == "S/ 0.07"


# ---------------------------------------------------------------- finding 13: proposal page


def test_a_proposal_in_debate_says_so_once_and_shows_its_amendment_diff(demo: FastAPI) -> None:
    proposal = one(demo, "SELECT id FROM proposal WHERE title LIKE 'Agua potable%'")
    raw = member(demo, "facilitadora.ves").get(f"/propuestas/{proposal}").text
    page = visible(raw)
    assert "en debate" in page
    assert "necesarios para pasar a debate" not in page  # no "4 / 4 needed" beside "in debate"
    assert "la etapa de apoyos ya terminó" in page
    # Sector 3 is a base assembly: no assemblies below to wait for
    assert "asambleas de abajo" not in page
    assert "ábrela desde su página cuando" in page
    # the amendment shows what it changes, word by word
    diff = re.search(r'<div class="diff"[^>]*id="diferencias-\d+">(.*?)</div>', raw, re.S)
    assert diff is not None
    assert re.search(r"<ins>[^<]*veeduría vecinal[^<]*</ins>", diff.group(1))
    assert "<del>" in diff.group(1)
    # "enmienda" is feminine: no "propuesto" beside it
    assert not re.search(r"\bpropuesto\b", page)
    assert "espera la respuesta de quien la propuso" in page


# ---------------------------------------------------------------- finding 12: planning round


def test_a_planning_round_reads_plainly_and_previews_its_vote(demo: FastAPI) -> None:
    sector = one(demo, "SELECT id FROM assembly WHERE name LIKE '%Sector 3'")
    first = one(demo, "SELECT min(id) FROM planning_round")
    revision = one(demo, "SELECT id FROM planning_round WHERE previous_id IS NOT NULL")
    fac = member(demo, "facilitadora.ves")
    listing = fac.get(f"/asambleas/{sector}/planificacion").text
    assert f'href="/planificacion/{revision}?desde={sector}"' in listing  # comes back here
    raw = fac.get(f"/planificacion/{revision}?desde={sector}").text
    page = visible(raw)
    crumbs = re.search(r'<nav class="crumbs">(.*?)</nav>', raw, re.S)
    assert crumbs is not None
    assert f'href="/asambleas/{sector}"' in crumbs.group(1)  # the breadcrumb leads back
    titles = {
        re.search(r"<h1>(.*?)</h1>", fac.get(f"/planificacion/{n}").text, re.S).group(1)  # type: ignore[union-attr]
        for n in (first, revision)
    }
    assert len(titles) == 2  # two rounds, two names
    assert "Revisión de el" not in page
    assert re.search(r"Esta ronda revisa el plan anterior\s?\.", page)
    assert "maíz" in page
    assert "maiz" not in page
    assert "120.00" not in page  # numbers the same way everywhere: 120, 130.5
    assert "(nivel anterior: 120)" in page
    assert "Nivel anterior: 120" in page  # beside the form's field
    # the targets form is reachable from the top of a long page
    assert raw.index(f'href="#metas-{sector}"') < raw.index('id="participantes"')
    assert f'id="metas-{sector}"' in raw
    # a preview before a vote of several days opens: nothing is written until confirmed
    token = fac.csrf(f"/planificacion/{revision}")
    votes_before = one(demo, "SELECT count(*) FROM vote")
    fields = {"csrf_token": token, "assembly_id": str(sector), "level_0": "130,5", "days": "7"}
    preview = fac.client.post(f"/planificacion/{revision}/metas/vista-previa", data=fields)
    assert preview.status_code == 200
    shown = visible(preview.text)
    assert "130.5" in shown
    assert "Nivel anterior" in shown
    assert "queda abierta 7 días" in shown
    assert one(demo, "SELECT count(*) FROM vote") == votes_before
    # only a facilitator of that assembly may preview its targets (as only they may draft)
    other = member(demo, "jose.chucuito_cc1")
    refused = other.post_form(f"/planificacion/{revision}/metas/vista-previa", fields)
    assert refused.status_code == 403
    assert "130.5" not in refused.text
    confirm = re.search(
        rf'<form method="post" action="/planificacion/{revision}/metas">(.*?)</form>',
        preview.text,
        re.S,
    )
    assert confirm is not None
    hidden = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.group(1)))
    assert hidden["level_0"] == "130.5"
    done = fac.client.post(f"/planificacion/{revision}/metas", data=hidden)
    assert done.status_code == 303
    assert one(demo, "SELECT count(*) FROM vote") == votes_before + 1
