"""Planning pages on both databases: a round opened, targets recorded and confirmed through the
forms, the plan published with its chart, limits and labour values, a revision compared with
the last plan; refusals answer 4xx in the request's language and write nothing."""

from __future__ import annotations

import html
import re

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.web.conftest import Browser, World, assert_refused, row_counts


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action`."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert match, f"no form for {action}"
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', match.group(1))
    return {k: html.unescape(v) for k, v in pairs}


def open_round(b: Browser, assembly_id: int, **fields: str) -> httpx.Response:
    data = {"title": "Plan de la aldea", "model": "aldea", "goods": "maiz\npan"} | fields
    return b.post_form(f"/asambleas/{assembly_id}/planificacion", data)


def round_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/planificacion/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def record(b: Browser, round_id: int, assembly_id: int, **values: str) -> httpx.Response:
    return b.post_form(
        f"/planificacion/{round_id}/metas", {"assembly_id": str(assembly_id)} | values
    )


def confirm(b: Browser, round_id: int) -> httpx.Response:
    page = b.get(f"/planificacion/{round_id}").text
    action = f"/planificacion/{round_id}/metas/confirmar"
    return b.client.post(action, data=hidden_fields(page, action))


def test_a_round_through_the_pages(app: FastAPI, world: World, browser) -> None:
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
    assert 'id="regla"' in page
    assert record(fac, round_id, world.union, level_0="10", level_1="20,5").status_code == 303
    assert (
        f'action="/planificacion/{round_id}/metas/confirmar"'
        not in fac.get(f"/planificacion/{round_id}").text
    )  # who recorded cannot confirm
    assert confirm(member, round_id).status_code == 303
    targets = member.get(f"/planificacion/{round_id}/metas").text
    assert "20.50" in targets
    solved = fac.post_form(f"/planificacion/{round_id}/resolver")
    assert solved.headers["location"] == f"/planificacion/{round_id}/plan"
    plan = browser("es").get(f"/planificacion/{round_id}/plan").text  # public
    assert 'id="grafico-cumplimiento"' in plan
    assert "<rect" in plan
    assert 'id="limites"' in plan
    assert 'class="binding"' in plan
    assert 'id="valores-trabajo"' in plan
    assert "leña" in plan
    revision = fac.post_form(f"/planificacion/{round_id}/revision")
    revision_id = round_id_of(revision)
    assert record(fac, revision_id, world.union, change_1="+50").status_code == 303
    assert confirm(member, revision_id).status_code == 303
    assert fac.post_form(f"/planificacion/{revision_id}/resolver").status_code == 303
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
    assert_refused(record(member, round_id, world.union, level_0="5"), "en", 403)
    assert_refused(record(outsider, round_id, world.other, level_0="5"), "es", 403)
    assert_refused(record(fac, round_id, world.union, level_0="mucho"), "es", 422)
    assert_refused(record(fac, round_id, world.union, level_0="-3"), "es", 422)
    assert_refused(record(fac, round_id, world.union), "es", 422)
    assert_refused(fac.post_form(f"/planificacion/{round_id}/resolver"), "es", 409)
    assert_refused(member.post_form(f"/planificacion/{round_id}/resolver"), "en", 403)
    assert_refused(fac.post_form(f"/planificacion/{round_id}/revision"), "es", 409)
    assert row_counts(engine) == before
    assert record(fac, round_id, world.union, level_1="7").status_code == 303
    before = row_counts(engine)
    page = member.get(f"/planificacion/{round_id}").text
    action = f"/planificacion/{round_id}/metas/confirmar"
    fields = hidden_fields(page, action)
    assert_refused(fac.post_form(action, {**fields, "csrf_token": ""}, csrf=None), "es", 403)
    own = fac.post_form(action, {"assembly_id": fields["assembly_id"], "digest": fields["digest"]})
    assert_refused(own, "es", 403)  # who recorded cannot confirm
    stale = member.post_form(action, {"assembly_id": fields["assembly_id"], "digest": "0" * 64})
    assert_refused(stale, "en", 409)
    assert row_counts(engine) == before
