"""The unified platform's pages, on both databases: raise a struggle's demand through the form,
read a platform in Spanish and English, put a merge to the vote through the form, and after the
vote the merged point with its history — and no person named anywhere on the way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI

from asamblea.clock import utcnow
from asamblea.core.people import username_key
from asamblea.services.votes import closing, votes
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import Browser, World, make_world
from tests.web.test_authorization_mobilisation import platform_point

pytestmark = pytest.mark.filterwarnings("error")
KEY = votes.signing_key("clave-de-prueba-" + "x" * 40)


@pytest.fixture
def small_world(app: FastAPI) -> World:
    return make_world(app, ("facilitator", "member", "outsider"))


def test_platform_pages(app: FastAPI, small_world: World, browser: Callable[..., Browser]) -> None:
    w = small_world
    fac = browser().logged_in_as(w.names["facilitator"])
    struggle = fac.post_form(
        "/luchas",
        {
            "assembly_id": str(w.union),
            "title": "Agua para el barrio",
            "demands": "Agua potable",
            "against": "Sedapal",
            "region": "15",
            "sector": "water_environment",
            "since": "2026-10-01",
        },
    )
    assert struggle.status_code == 303, struggle.text[:300]
    page = struggle.headers["location"]
    raised = fac.post_form(f"{page}/demandas", {"title": "Agua 24 horas", "text": "Agua ya"})
    assert raised.status_code == 303
    assert raised.headers["location"].startswith("/propuestas/")
    assert "Agua 24 horas" in browser().get(page).text

    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(w.names["facilitator"]))
        assert found is not None
        stays, goes = platform_point(db, found[0].id, w), platform_point(db, found[0].id, w)

    index = browser().get("/plataformas")
    assert f"/plataformas/{w.region}" in index.text
    assert "2 puntos" in index.text
    spanish = browser().get(f"/plataformas/{w.region}").text
    assert "Respaldado por 1 asamblea" in spanish
    assert 'name="into"' not in spanish  # the merge form is for the region's facilitators
    english = browser("en").get(f"/plataformas/{w.region}").text
    assert "Backed by 1 assembly" in english
    member = browser().logged_in_as(w.names["member"])
    assert 'name="into"' not in member.get(f"/plataformas/{w.region}").text
    assert 'name="into"' in fac.get(f"/plataformas/{w.region}").text

    opened = fac.post_form(
        f"/plataformas/{w.region}/fusiones", {"into": str(stays), f"merge_{goes}": "1"}
    )
    assert opened.status_code == 303
    vote_id = int(opened.headers["location"].rsplit("/", 1)[1])
    assert "Fusiones en votación" in browser().get(f"/plataformas/{w.region}").text
    with app.state.web.sessions.begin() as db:
        voter = PeopleRepository(db).by_key(username_key(w.names["facilitator"]))
        assert voter is not None
        now = utcnow()
        votes.cast(db, voter[0], vote_id, [0], now=now, key=KEY)
        closing.close_vote(db, voter[0], vote_id, now + timedelta(seconds=1), KEY)

    after = browser().get(f"/plataformas/{w.region}").text
    assert after.count('class="card"') == 1
    assert "Fusionado por votación de los miembros" in after
    assert f"/votaciones/{vote_id}" in after
    assemblies = (f"Región {w.names['facilitator']}", f"Sindicato {w.names['facilitator']}")
    for text in (after, index.text, english, browser().get(page).text):
        seen = text
        for name in assemblies:  # the test world names assemblies after their founder
            seen = seen.replace(name, "")
        assert all(name not in seen for name in w.names.values())
    api = browser().get(f"/api/v1/assemblies/{w.region}/platform").json()
    assert [p["id"] for p in api["points"]] == [stays]
    assert api["points"][0]["history"][0]["merged"] == [goes]
    assert browser().get(f"/api/v1/assemblies/{w.union}/platform").status_code == 404
