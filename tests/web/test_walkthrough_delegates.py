"""Walkthrough findings of issue #13 checked through the pages: the recall page names whom
(5), the delegates page names the upper assembly and one term for STV (6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI

from asamblea.clock import utcnow
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.votes_repository import VoteRepository
from tests.web.conftest import PASSWORD, unique
from tests.web.test_deliberation_pages import Below, People, make_below, propose


@pytest.fixture(scope="module")
def below(app: FastAPI) -> Below:
    return make_below(app)


def test_the_recall_page_names_the_delegate_and_the_assemblies(app: FastAPI, below: Below) -> None:
    """Finding 5: whom the petition is against, which assembly sent them, where they sit,
    and a way back to the delegates page."""
    page = People(app, below)("ana").get(f"/delegados/{below.delegate_id}/revocatoria").text
    (who,) = re.findall(r'<p id="a-quien">([^<]+)</p>', page)
    delegate = re.findall(r"<h1>Revocatoria de ([^<]+)</h1>", page)
    assert delegate
    assert delegate[0] in {below.names["beto"], below.names["carla"]}
    assert f"Sindicato A {below.names['fac']}" in who
    assert f"Región {below.names['fac']}" in who
    assert f'href="/asambleas/{below.a}/delegados"' in page


def test_the_delegates_page_names_the_upper_assembly(app: FastAPI, below: Below) -> None:
    """Finding 6: the upper assembly by name (not "↑"), rows that stack on a phone instead
    of a table that scrolls unannounced, and "VUT" as the one Spanish name of STV."""
    people = People(app, below)
    page = people("fac").get(f"/asambleas/{below.a}/delegados").text
    assert "↑" not in page
    row = page[page.index(f'id="delegado-{below.delegate_id}"') :]
    row = row[: row.index("</tr>")]
    assert f"Región {below.names['fac']}" in row
    assert '<table class="cards">' in page
    assert "data-label=" in row
    assert "STV" not in page
    assert "VUT" in page


def test_a_members_only_vote_says_so_and_offers_to_log_in(app: FastAPI, below: Below) -> None:
    """Finding 17: a visitor is told the vote is for members and offered the login that comes
    back to it; a member of another assembly is told it is for members; a number that is no
    vote stays 404 (docs/privacy.md says what this shows)."""
    people = People(app, below)
    fac = people("fac")
    created = fac.api(
        "POST",
        f"/api/v1/assemblies/{below.a}/votes",
        json={
            "question": "¿Solo para el sindicato?",
            "rule": "plurality",
            "options": ["Sí", "No"],
            "opens_at": "2030-01-01T10:00:00+00:00",
            "closes_at": "2030-01-02T10:00:00+00:00",
        },
    )
    assert created.status_code == 201, created.text
    path = f"/votaciones/{created.json()['id']}"
    visitor = people(None).get(path)
    assert visitor.status_code == 401
    assert "Esta votación es solo para quienes integran su asamblea." in visitor.text
    assert f'id="entrar-para-ver" href="/entrar?next={path}"' in visitor.text
    outsider = people("outsider").get(path)
    assert outsider.status_code == 403
    assert 'id="solo-miembros"' in outsider.text
    assert "entrar?next" not in outsider.text
    for page in (visitor.text, outsider.text):
        assert "Solo para el sindicato" not in page
        assert "Sindicato A" not in page
    assert people("ana").get(path).status_code == 200
    assert people(None).get("/votaciones/999999").status_code == 404


def test_casting_redirects_and_the_receipt_shows_again_only_to_its_session(
    app: FastAPI, below: Below
) -> None:
    """Finding 10: casting answers with a redirect (reloading never re-sends the ballot); the
    receipt page shows the receipt again to its voter in that session, and to no one else."""
    people = People(app, below)
    fac = people("fac")
    created = fac.api(
        "POST",
        f"/api/v1/assemblies/{below.a}/votes",
        json={
            "question": "¿Recibo otra vez?",
            "rule": "plurality",
            "options": ["Sí", "No"],
            "opens_at": utcnow().isoformat(),
            "closes_at": (utcnow() + timedelta(hours=1)).isoformat(),
        },
    )
    vote_id = created.json()["id"]
    assert fac.api("POST", f"/api/v1/votes/{vote_id}/open").status_code == 200
    ana = people("ana")
    cast = ana.post_form(f"/votaciones/{vote_id}/votar", {"option": "1"})
    assert cast.status_code == 303
    assert cast.headers["location"] == f"/votaciones/{vote_id}/mi-recibo"
    first = ana.get(f"/votaciones/{vote_id}/mi-recibo")
    again = ana.get(f"/votaciones/{vote_id}/mi-recibo")
    (receipt,) = re.findall(r'id="recibo"><strong>([^<]+)<', first.text)
    assert receipt in again.text
    assert again.status_code == 200
    with app.state.web.sessions.begin() as db:
        assert len(VoteRepository(db).ballots(vote_id)) == 1  # the reloads sent nothing
    # another person given the cookie sees no receipt: it is bound to ana's session
    beto = people("beto")
    stolen = ana.client.cookies.get("asamblea_recibo", path=f"/votaciones/{vote_id}/mi-recibo")
    assert stolen
    beto.client.cookies.set("asamblea_recibo", stolen, path=f"/votaciones/{vote_id}/mi-recibo")
    other = beto.get(f"/votaciones/{vote_id}/mi-recibo")
    assert other.status_code == 303
    assert receipt not in other.text


def test_a_word_after_vouching_and_arguing(app: FastAPI, below: Below) -> None:
    """Finding 2: after vouching and after adding an argument, the next page says what
    happened at its top (role="status") with a link to the part that changed, once."""
    people = People(app, below)
    with app.state.web.sessions.begin() as db:
        person = accounts.register(db, unique("nuevo"), PASSWORD)
        request = federation.request_to_join(db, person, below.a)
    fac = people("fac")
    assert fac.post_form(f"/membresias/{request.id}/aval").status_code == 303
    page = fac.get(f"/asambleas/{below.a}").text
    said = r'id="aviso" role="status">Tu aval quedó registrado\. <a href="#solicitudes">'
    assert re.search(said, page)
    assert 'id="aviso"' not in fac.get(f"/asambleas/{below.a}").text
    proposal = propose(people("ana"), below.a, "Con un aviso")
    assert people("ana").post_form(f"/propuestas/{proposal}/publicar").status_code == 303
    argued = people("beto").post_form(
        f"/propuestas/{proposal}/argumentos", {"side": "for", "text": "Sí, y pronto."}
    )
    argument = re.findall(r"#(argumento-\d+)$", argued.headers["location"])[0]
    page = people("beto").get(f"/propuestas/{proposal}").text
    assert f'Tu argumento está publicado. <a href="#{argument}">' in page
    assert f'id="{argument}"' in page
