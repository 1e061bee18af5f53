"""Participatory budgeting pages on both databases: a process from registration to oversight
through the forms (challenge and resolution, projects, technical evaluation, a vote, the results
with the chart and the explanations, the Acta signed by two facilitators, the committee elected
by the members through a vote, the progress of a funded project); refusals answer 4xx in the
request's language and write nothing."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from asamblea.core.errors import Invalid
from asamblea.services.federation import assemblies as federation
from asamblea.store.federation_repository import PeopleRepository
from asamblea.web.routes.budgeting.pages import cents_of, soles
from tests.web.conftest import Browser, World, assert_refused, row_counts

DATES = {
    "date_preparation": "2027-01-01",
    "date_workshops": "2027-01-15",
    "date_evaluation": "2027-02-01",
    "date_prioritisation": "2027-02-15",
    "date_formalisation": "2027-03-01",
    "date_oversight": "2027-03-15",
}


def ids(page: str, prefix: str) -> list[int]:
    return [int(i) for i in re.findall(rf'id="{prefix}-(\d+)"', page)]


def person_id(app: FastAPI, username: str) -> int:
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username.casefold())
        assert found is not None
        return found[0].id


def promote(app: FastAPI, world: World, role: str) -> None:
    with app.state.web.sessions.begin() as db:
        fac = PeopleRepository(db).by_key(world.names["facilitator"].casefold())
        assert fac is not None
        federation.make_facilitator(db, fac[0], world.ms[role])


def test_a_process_through_the_pages(app: FastAPI, world: World, browser, engine: Engine) -> None:
    fac = browser("es").logged_in_as(world.names["facilitator"])
    member = browser("es").logged_in_as(world.names["member"])
    ana = browser("es").logged_in_as(world.names["target_active"])
    beto = browser("en").logged_in_as(world.names["target_active2"])
    outsider = browser("es").logged_in_as(world.names["outsider"])
    assembly = fac.get(f"/asambleas/{world.union}").text
    assert f'href="/asambleas/{world.union}/presupuestos"' in assembly
    listing = fac.get(f"/asambleas/{world.union}/presupuestos").text
    assert f'href="/asambleas/{world.union}/presupuestos/nuevo"' in listing
    assert 'name="date_oversight"' in fac.get(f"/asambleas/{world.union}/presupuestos/nuevo").text
    refused = member.post_form(
        f"/asambleas/{world.union}/presupuestos",
        {"title": "P", "budget": "100000", "rule": "mes", **DATES},
    )
    assert_refused(refused, "es", 403)
    created = fac.post_form(
        f"/asambleas/{world.union}/presupuestos",
        {
            "title": "Presupuesto 2027",
            "budget": "100 000,00",
            "rule": "mes",
            "max_choices": "",
            "points": "",
            **DATES,
        },
    )
    assert created.status_code == 303, created.text[:500]
    url = created.headers["location"]
    assert re.fullmatch(r"/presupuestos/\d+", url)
    page = member.get(url).text
    assert "S/ 100,000" in page
    assert 'data-phase="preparation"' in page
    assert outsider.get(url).status_code == 404
    assert browser("es").get(url).status_code == 404

    # preparation: registration, a challenge dismissed, the final list
    for who, org in ((member, "Comedor popular"), (ana, "Junta vecinal")):
        assert who.post_form(f"{url}/agentes", {"organisation": org}).status_code == 303
    agents = ids(beto.get(url).text, "agente")
    assert len(agents) == 2
    challenged = beto.post_form(f"{url}/impugnar", {"agent_id": str(agents[1]), "reason": "?"})
    assert challenged.status_code == 303
    before = row_counts(engine)
    assert_refused(member.post_form(f"{url}/avanzar"), "es", 403)
    assert_refused(fac.post_form(f"{url}/avanzar"), "es", 409)  # a challenge is open
    assert_refused(
        member.post_form(
            f"{url}/resolver", {"agent_id": str(agents[1]), "decision": "dismiss", "reason": "x"}
        ),
        "es",
        403,
    )
    assert row_counts(engine) == before
    assert 'id="resolver-' in fac.get(url).text
    resolved = fac.post_form(
        f"{url}/resolver", {"agent_id": str(agents[1]), "decision": "dismiss", "reason": "Ok"}
    )
    assert resolved.status_code == 303
    assert fac.post_form(f"{url}/avanzar").status_code == 303

    # workshops
    projects = {
        "Losa deportiva": (member, "60000"),
        "Agua potable": (ana, "50000.00"),
        "Posta": (ana, "30000,50"),
    }
    for title, (who, cost) in projects.items():
        submitted = who.post_form(
            f"{url}/proyectos",
            {"title": title, "description": "d", "place": "Sector 3", "cost": cost},
        )
        assert submitted.status_code == 303, submitted.text[:300]
    assert_refused(
        beto.post_form(
            f"{url}/proyectos", {"title": "x", "description": "x", "place": "x", "cost": "1"}
        ),
        "en",
        403,
    )
    assert fac.post_form(f"{url}/avanzar").status_code == 303

    # technical evaluation: a named member of the technical team corrects a cost
    project_ids = ids(fac.get(url).text, "proyecto")
    named = fac.post_form(
        f"{url}/tecnicos", {"person_id": str(person_id(app, world.names["target_active2"]))}
    )
    assert named.status_code == 303
    assert_refused(
        member.post_form(
            f"{url}/evaluar", {"project_id": str(project_ids[0]), "viable": "si", "reason": "x"}
        ),
        "es",
        403,
    )
    for project_id, cost in zip(project_ids, ("", "45000", ""), strict=True):
        evaluated = beto.post_form(
            f"{url}/evaluar",
            {"project_id": str(project_id), "viable": "si", "reason": "Bien", "cost": cost},
        )
        assert evaluated.status_code == 303, evaluated.text[:300]
    assert "S/ 45,000" in fac.get(url).text
    assert fac.post_form(f"{url}/avanzar").status_code == 303

    # prioritisation: one ballot each, with no name on it
    losa, agua, posta = project_ids
    ballots = {fac: [losa], member: [losa, posta], ana: [agua, posta], beto: [losa]}
    for who, chosen in ballots.items():
        cast = who.post_form(f"{url}/votar", {f"project_{i}": "1" for i in chosen})
        assert cast.status_code == 303, cast.text[:300]
    assert_refused(member.post_form(f"{url}/votar", {f"project_{losa}": "1"}), "es", 409)
    assert 'id="ya-voto"' in member.get(url).text
    closed = fac.post_form(f"{url}/avanzar")
    assert closed.headers["location"] == f"{url}/resultados"

    results = member.get(f"{url}/resultados").text
    assert 'id="grafico-presupuesto"' in results
    assert f'data-project="{losa}"' in results
    assert 'class="funded"' in results
    assert f'id="explicacion-{agua}"' in results
    assert 'data-reason="shares_short"' in results or 'data-reason="funded' in results

    # formalisation: two facilitators sign; the committee by the two-person rule
    assert_refused(member.post_form(f"{url}/firmar"), "es", 403)
    assert fac.post_form(f"{url}/firmar").status_code == 303
    assert_refused(fac.post_form(f"{url}/firmar"), "es", 403)  # the same person again
    promote(app, world, "target_active")
    assert ana.post_form(f"{url}/firmar").status_code == 303
    acta = member.get(f"{url}/acta").text
    assert 'id="firma-1"' in acta
    assert world.names["facilitator"] in acta
    assert world.names["target_active"] in acta
    beto_id = person_id(app, world.names["target_active2"])
    elect_beto(world, url, fac=fac, member=member, ana=ana, beto=beto, beto_id=beto_id)
    assert fac.post_form(f"{url}/avanzar").status_code == 303

    # oversight: the committee records progress of a funded project
    funded = ids(member.get(url).text, "avance")
    assert losa in funded
    progress = {
        "project_id": str(losa),
        "percent": "40",
        "note": "Cimientos",
        "on_date": "2027-04-01",
    }
    assert_refused(member.post_form(f"{url}/avances", progress), "es", 403)
    assert beto.post_form(f"{url}/avances", progress).status_code == 303
    assert "Cimientos" in member.get(url).text


def elect_beto(
    world: World,
    url: str,
    *,
    fac: Browser,
    member: Browser,
    ana: Browser,
    beto: Browser,
    beto_id: int,
) -> None:
    """Ana, Beto and the member stand (the member withdraws); the facilitator opens the
    election for one seat; the four active members rank Beto first; the vote closes; the
    process page seats Beto."""
    assert_refused(member.post_form(f"{url}/comite/eleccion", {"seats": "1"}), "es", 403)
    for who in (ana, beto, member):
        assert who.post_form(f"{url}/comite/candidatura").status_code == 303
    assert_refused(member.post_form(f"{url}/comite/candidatura"), "es", 409)  # already
    assert member.post_form(f"{url}/comite/candidatura/retirar").status_code == 303
    page = fac.get(url).text
    assert f'id="candidato-{beto_id}"' in page
    assert 'id="abrir-eleccion"' in page
    assert_refused(fac.post_form(f"{url}/comite/eleccion", {"seats": "2"}), "es", 422)
    opened = fac.post_form(f"{url}/comite/eleccion", {"seats": "1", "days": "7"})
    assert opened.status_code == 303
    vote_url = opened.headers["location"]
    assert re.fullmatch(r"/votaciones/\d+", vote_url)
    page = member.get(url).text
    assert 'id="eleccion-en-curso"' in page
    assert f'href="{vote_url}"' in page
    assert_refused(beto.post_form(f"{url}/comite/candidatura/retirar"), "en", 409)
    names = sorted((world.names["target_active"], world.names["target_active2"]), key=str.casefold)
    rank = {f"rank_{names.index(world.names['target_active2'])}": "1"}
    for who in (fac, member, ana, beto):
        assert who.post_form(f"{vote_url}/votar", rank).status_code == 303
    assert fac.post_form(f"{vote_url}/cerrar").status_code == 303
    page = member.get(url).text  # seats the winner
    assert f'id="miembro-comite-{beto_id}"' in page
    assert 'id="eleccion-en-curso"' not in page
    assert world.names["target_active2"] in member.get(f"{url}/acta").text


def test_amounts_in_soles() -> None:
    assert cents_of("1500") == 150_000
    assert cents_of("1500.5") == 150_050
    assert cents_of("S/ 1 500,05") == 150_005
    assert soles(150_005) == "S/ 1,500.05"
    for bad in ("", "-1", "1.234", "abc", "1e3"):
        with pytest.raises(Invalid):
            cents_of(bad)
