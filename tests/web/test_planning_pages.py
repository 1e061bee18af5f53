"""Planning pages on both databases: a round opened, each base assembly's targets drafted
through the form and adopted by its members' vote on the vote pages, the plan published with
its chart, limits, labour values and the votes that adopted its targets, a revision compared
with the last plan; refusals answer 4xx in the request's language and write nothing."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine, text

from tests.web.conftest import Browser, World, assert_refused, make_world, row_counts

#: A region with a union under it holding only its facilitator and one member (so that the
#: two of them are the whole roll and the vote may close at once), and another assembly.
ROLES = {"member", "outsider"}


def open_round(b: Browser, assembly_id: int, **fields: str) -> httpx.Response:
    data = {"title": "Plan de la aldea", "model": "aldea", "goods": "maíz\npan"} | fields
    return b.post_form(f"/asambleas/{assembly_id}/planificacion", data)


def round_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/planificacion/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def draft(b: Browser, round_id: int, assembly_id: int, **values: str) -> httpx.Response:
    return b.post_form(
        f"/planificacion/{round_id}/metas", {"assembly_id": str(assembly_id)} | values
    )


def vote_of(b: Browser, round_id: int, assembly_id: int) -> int:
    """The vote deciding the assembly's current draft, as the round's page links it."""
    page = b.get(f"/planificacion/{round_id}").text
    match = re.search(rf'id="votacion-{assembly_id}"><a href="/votaciones/(\d+)"', page)
    assert match, page[:2000]
    return int(match.group(1))


def decide(fac: Browser, member: Browser, vote_id: int, choices: tuple[str, str]) -> None:
    """Both people on the roll vote (0 Sí, 1 No) on the vote page; the facilitator closes."""
    for who, option in zip((fac, member), choices, strict=True):
        assert who.post_form(f"/votaciones/{vote_id}/votar", {"option": option}).status_code == 303
    assert fac.post_form(f"/votaciones/{vote_id}/cerrar").status_code == 303


def draft_states(engine: Engine, round_id: int) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                text("SELECT state FROM planning_draft WHERE round_id = :r ORDER BY id"),
                {"r": round_id},
            )
        )


def test_a_round_through_the_pages(app: FastAPI, browser, engine: Engine) -> None:
    world = make_world(app, ROLES)
    fac = browser("es").logged_in_as(world.names["facilitator"])
    member = browser("es").logged_in_as(world.names["member"])
    assembly_page = fac.get(f"/asambleas/{world.region}").text
    assert f'href="/asambleas/{world.region}/planificacion"' in assembly_page
    listing = fac.get(f"/asambleas/{world.region}/planificacion").text
    assert f'href="/asambleas/{world.region}/planificacion/nueva"' in listing
    assert 'name="model_file"' in fac.get(f"/asambleas/{world.region}/planificacion/nueva").text
    round_id = round_id_of(open_round(fac, world.region))
    page = fac.get(f"/planificacion/{round_id}").text
    assert f'id="asamblea-{world.union}"' in page  # the union under the region takes part
    assert f'id="metas-{world.union}"' in page  # its facilitator may draft
    assert f'id="metas-{world.union}"' not in member.get(f"/planificacion/{round_id}").text
    assert 'id="regla"' in page
    drafted = draft(fac, round_id, world.union, level_0="10", level_1="20,5", days="3")
    assert drafted.status_code == 303

    page = member.get(f"/planificacion/{round_id}").text
    after = fac.get(f"/planificacion/{round_id}").text  # a word after the action (#13, 2)
    said = rf'id="aviso" role="status">Las metas están redactadas[^<]*<a href="#votar-{world.union}'

    assert re.search(said, after)
    assert f'id="metas-{world.union}"' not in after
    assert 'id="aviso"' not in fac.get(f"/planificacion/{round_id}").text  # said once
    assert "state-pending" in page
    assert f'id="votar-{world.union}"' in page  # the member may vote
    assert "pan: 20.5" in page
    vote_id = vote_of(member, round_id, world.union)
    vote_page = member.get(f"/votaciones/{vote_id}").text
    assert "«Plan de la aldea»? maíz: 10; pan: 20.5" in vote_page
    assert draft_states(engine, round_id) == ["voting"]
    decide(fac, member, vote_id, ("0", "0"))
    assert draft_states(engine, round_id) == ["adopted"]  # settled as the vote was published
    page = browser("en").get(f"/planificacion/{round_id}").text  # anyone: the vote is public
    assert "state-active" in page
    assert f'id="votar-{world.union}"' not in member.get(f"/planificacion/{round_id}").text
    targets = member.get(f"/planificacion/{round_id}/metas").text
    assert "20.5" in targets
    solved = fac.post_form(f"/planificacion/{round_id}/resolver")
    assert solved.headers["location"] == f"/planificacion/{round_id}/plan"
    plan = browser("es").get(f"/planificacion/{round_id}/plan").text  # public
    assert 'id="grafico-cumplimiento"' in plan
    assert "<rect" in plan
    assert 'id="limites"' in plan
    assert 'class="binding"' in plan
    assert 'id="valores-trabajo"' in plan
    assert "leña" in plan
    assert f'id="metas-contadas"><li>Sindicato {world.names["facilitator"]} · ' in plan
    assert f'href="/votaciones/{vote_id}"' in plan
    board = browser("es").get(f"/votaciones/{vote_id}/tablero.json")
    assert board.status_code == 200
    assert "maíz: 10" in board.json()["vote"]["question"]

    revision_id = round_id_of(fac.post_form(f"/planificacion/{round_id}/revision"))
    assert draft(fac, revision_id, world.union, change_1="+50").status_code == 303
    decide(fac, member, vote_of(fac, revision_id, world.union), ("0", "1"))  # one each: no
    fac.get(f"/planificacion/{revision_id}")
    assert draft_states(engine, revision_id) == ["rejected"]
    assert f'id="metas-{world.union}"' in fac.get(f"/planificacion/{revision_id}").text
    assert draft(fac, revision_id, world.union, change_1="+25").status_code == 303
    decide(fac, member, vote_of(fac, revision_id, world.union), ("0", "0"))
    assert fac.post_form(f"/planificacion/{revision_id}/resolver").status_code == 303
    assert draft_states(engine, revision_id) == ["rejected", "adopted"]
    comparison = browser("en").get(f"/planificacion/{revision_id}/comparacion").text
    assert 'id="comparacion"' in comparison
    assert 'id="cambio-cumplimiento"' in comparison


def test_an_uploaded_model(app: FastAPI, world: World, browser, test_data) -> None:
    fac = browser("es").logged_in_as(world.names["facilitator"])
    content = (test_data / "planning" / "aldea.csv").read_bytes()
    response = fac.client.post(
        f"/asambleas/{world.region}/planificacion",
        data={"title": "Subido", "model": "aldea", "goods": "pan", "csrf_token": fac.csrf()},
        files={"model_file": ("modelo.csv", content, "text/csv")},
    )
    round_id = round_id_of(response)
    assert "CSV" in fac.get(f"/planificacion/{round_id}").text


def test_refusals_write_nothing(app: FastAPI, world: World, browser, engine: Engine) -> None:
    fac = browser("es").logged_in_as(world.names["facilitator"])
    member = browser("en").logged_in_as(world.names["member"])
    outsider = browser("es").logged_in_as(world.names["outsider"])
    round_id = round_id_of(open_round(fac, world.region))
    before = row_counts(engine)
    assert_refused(open_round(member, world.region), "en", 403)
    assert_refused(open_round(fac, world.region, goods="arroz"), "es", 422)
    assert_refused(open_round(fac, world.region, model="nada"), "es", 422)
    too_big = fac.client.post(
        f"/asambleas/{world.region}/planificacion",
        data={"title": "x", "goods": "pan", "csrf_token": fac.csrf()},
        files={"model_file": ("m.csv", b"fila,pan\n" + b"#" * 200_001, "text/csv")},
    )
    assert_refused(too_big, "es", 422)
    huge = fac.client.post(
        f"/asambleas/{world.region}/planificacion",
        data={"title": "x", "goods": "pan", "csrf_token": fac.csrf()},
        files={"model_file": ("m.csv", b"#" * 400_000, "text/csv")},
    )
    assert_refused(huge, "es", 413)  # refused before the body is read
    broken = fac.client.post(
        f"/asambleas/{world.region}/planificacion",
        data={"title": "x", "goods": "pan", "csrf_token": fac.csrf()},
        files={"model_file": ("m.csv", b"fila,pan\npan,abc\n", "text/csv")},
    )
    assert_refused(broken, "es", 422)
    assert_refused(draft(member, round_id, world.union, level_0="5"), "en", 403)
    assert_refused(draft(outsider, round_id, world.other, level_0="5"), "es", 403)
    assert_refused(draft(fac, round_id, world.union, level_0="mucho"), "es", 422)
    assert_refused(draft(fac, round_id, world.union, level_0="-3"), "es", 422)
    assert_refused(draft(fac, round_id, world.union, level_0="3", days="0"), "es", 422)
    assert_refused(draft(fac, round_id, world.union, level_0="3", days="61"), "es", 422)
    assert_refused(draft(fac, round_id, world.union), "es", 422)
    assert_refused(fac.post_form(f"/planificacion/{round_id}/resolver"), "es", 409)
    assert_refused(member.post_form(f"/planificacion/{round_id}/resolver"), "en", 403)
    assert_refused(fac.post_form(f"/planificacion/{round_id}/revision"), "es", 409)
    assert row_counts(engine) == before
    assert draft(fac, round_id, world.union, level_1="7").status_code == 303
    before = row_counts(engine)
    assert_refused(draft(fac, round_id, world.union, level_1="8"), "es", 409)  # under vote
    no_csrf = fac.post_form(
        f"/planificacion/{round_id}/metas",
        {"assembly_id": str(world.union), "level_1": "8", "csrf_token": ""},
        csrf=None,
    )
    assert_refused(no_csrf, "es", 403)
    assert_refused(fac.post_form(f"/planificacion/{round_id}/resolver"), "es", 409)
    assert row_counts(engine) == before
