"""From below through the pages: who may do what on proposals, escalations, the charter and
delegates; the whole chain by the forms (propose, support, argue, amend, vote, settle,
escalate, adopt); every new page renders for a visitor, a member and a facilitator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.deliberation import ProposalKind
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services import charter, delegation, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from tests.web.conftest import PASSWORD, Browser, assert_refused, row_counts, unique


@dataclass(frozen=True)
class Below:
    """Region R with unions A, B, C (all founded by `fac`); in A: ana, beto, carla; another
    region O founded by `outsider`. A holds a charter; A's delegate sits in R."""

    names: dict[str, str]
    region: int
    a: int
    b: int
    c: int
    other: int
    charter_id: int
    delegate_id: int
    other_proposal: int


def _person(db: Session, name: str) -> Person:
    return accounts.register(db, name, PASSWORD)


def make_below(app: FastAPI) -> Below:
    """The federation above, through the services."""
    names = {r: unique(r[:4]) for r in ("fac", "ana", "beto", "carla", "outsider")}
    key = app.state.web.signing_key
    now = utcnow().replace(microsecond=0)
    with app.state.web.sessions.begin() as db:
        p = {r: _person(db, n) for r, n in names.items()}
        rules = AssemblyRules(vouches_needed=1)
        region = federation.create_assembly(
            db, p["fac"], name=f"Región {names['fac']}", kind=AssemblyKind.REGION, parent_id=None
        )
        unions = [
            federation.create_assembly(
                db,
                p["fac"],
                name=f"Sindicato {x} {names['fac']}",
                kind=AssemblyKind.UNION,
                parent_id=region.id,
                assembly_rules=rules,
            )
            for x in "ABC"
        ]
        a = unions[0]
        for role in ("ana", "beto", "carla"):
            federation.vouch(db, p["fac"], federation.request_to_join(db, p[role], a.id).id)
        other = federation.create_assembly(
            db, p["outsider"], name=f"Otra {names['fac']}", kind=AssemblyKind.REGION, parent_id=None
        )
        foreign = deliberation.draft_proposal(
            db,
            p["outsider"],
            other.id,
            title="Ajena",
            text="De otra asamblea.",
            kind=ProposalKind.DEMAND,
        )
        deliberation.publish(db, p["outsider"], foreign.id)
        held = charter.create_charter(
            db,
            p["fac"],
            a.id,
            title="Carta del sindicato",
            articles=[("Nombre", "Nos llamamos sindicato."), ("Fines", "Defender el agua.")],
        )
        # a delegate of A in R, elected by STV
        start = now - timedelta(days=3)
        election = delegation.open_delegate_election(
            db,
            p["fac"],
            a.id,
            candidates=[p["beto"].id, p["carla"].id],
            terms=VoteTerms(start, start + timedelta(days=1)),
            term=(start, start + timedelta(days=365)),
        )
        votes.open_vote(db, p["fac"], election.id, start)
        for role in ("fac", "ana", "beto", "carla"):
            votes.cast(db, p[role], election.id, [0], now=start + timedelta(hours=1), key=key)
        votes.close_vote(db, p["fac"], election.id, start + timedelta(days=1), key)
        (seated,) = delegation.settle_delegate_election(db, election.id, now=now)
    return Below(
        names=names,
        region=region.id,
        a=a.id,
        b=unions[1].id,
        c=unions[2].id,
        other=other.id,
        charter_id=held.id,
        delegate_id=seated.id,
        other_proposal=foreign.id,
    )


@pytest.fixture(scope="module")
def below(app: FastAPI) -> Below:
    return make_below(app)


class People:
    """Browsers logged in as each person of a `Below` (made on first use)."""

    def __init__(self, app: FastAPI, w: Below) -> None:
        self.app, self.w = app, w
        self.cache: dict[str | None, Browser] = {}

    def __call__(self, role: str | None) -> Browser:
        if role not in self.cache:
            b = Browser(self.app, "es")
            if role is not None:
                b.logged_in_as(self.w.names[role])
            self.cache[role] = b
        return self.cache[role]


def located(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:400]
    return str(response.headers["location"])


def new_id(response: httpx.Response) -> int:
    match = re.search(r"/(\d+)(?:#.*)?$", located(response))
    assert match
    return int(match.group(1))


def propose(b: Browser, assembly: int, title: str = "Agua para todos") -> int:
    created = b.post_form(
        f"/asambleas/{assembly}/propuestas",
        {"title": title, "text": "Pedimos agua potable para el sector.", "kind": "demand"},
    )
    return new_id(created)


def vote_through(people: People, vote_id: int, voters: list[str], option: str = "0") -> None:
    """The facilitator opens the vote, everyone votes `option`, the facilitator closes it."""
    assert located(people("fac").post_form(f"/votaciones/{vote_id}/abrir")).endswith(
        f"/votaciones/{vote_id}"
    )
    for role in voters:
        response = people(role).post_form(f"/votaciones/{vote_id}/votar", {"option": option})
        assert response.status_code == 303, response.text[:300]
    located(people("fac").post_form(f"/votaciones/{vote_id}/cerrar"))


def test_the_chain_from_below_through_the_pages(app: FastAPI) -> None:
    w = make_below(app)
    people = People(app, w)
    ana, beto = people("ana"), people("beto")
    proposal = propose(ana, w.a)
    assert "Agua para todos" not in beto.get(f"/asambleas/{w.a}/propuestas").text  # a draft
    located(ana.post_form(f"/propuestas/{proposal}/publicar"))
    located(beto.post_form(f"/propuestas/{proposal}/apoyar"))
    page = beto.get(f"/propuestas/{proposal}").text
    assert 'data-state="debate"' in page
    argued = beto.post_form(
        f"/propuestas/{proposal}/argumentos",
        {"side": "for", "text": "<b>Sin agua</b> no hay vida."},
    )
    argument = int(located(argued).rsplit("-", 1)[1])
    people("carla").post_form(
        f"/propuestas/{proposal}/argumentos", {"text": "De acuerdo.", "reply_to": str(argument)}
    )
    page = ana.get(f"/propuestas/{proposal}").text
    assert "&lt;b&gt;Sin agua&lt;/b&gt;" in page
    assert "De acuerdo." in page
    amended = beto.post_form(
        f"/propuestas/{proposal}/enmiendas", {"text": "Pedimos agua potable y desagüe."}
    )
    amendment = int(located(amended).rsplit("-", 1)[1])
    assert_refused(beto.post_form(f"/enmiendas/{amendment}/aceptar"), "es", 403)
    located(ana.post_form(f"/enmiendas/{amendment}/aceptar"))
    assert "agua potable y desagüe" in ana.get(f"/propuestas/{proposal}").text
    vote_id = new_id(people("fac").post_form(f"/propuestas/{proposal}/votacion", {"days": "2"}))
    vote_through(people, vote_id, ["fac", "ana", "beto", "carla"])
    page = ana.get(f"/propuestas/{proposal}").text  # settled on sight
    assert 'data-state="adopted"' in page
    assert (
        f'action="/propuestas/{proposal}/escalar"'
        in people("fac").get(f"/propuestas/{proposal}").text
    )
    assert_refused(ana.post_form(f"/propuestas/{proposal}/escalar"), "es", 403)
    assert located(people("fac").post_form(f"/propuestas/{proposal}/escalar")) == (
        f"/asambleas/{w.region}/escalamientos"
    )
    upstairs = people(None).get(f"/asambleas/{w.region}/escalamientos")
    assert upstairs.status_code == 200
    assert "Agua para todos" in upstairs.text
    escalation = int(re.findall(r'id="escalamiento-(\d+)"', upstairs.text)[0])
    assert "agenda-" not in upstairs.text  # 1 of 3 children: 2 needed
    adopt = people("fac").get(f"/asambleas/{w.region}/escalamientos").text
    assert f'name="assembly_id" value="{w.b}"' in adopt
    assert_refused(
        ana.post_form(f"/escalamientos/{escalation}/adoptar", {"assembly_id": str(w.b)}), "es", 403
    )
    located(
        people("fac").post_form(f"/escalamientos/{escalation}/adoptar", {"assembly_id": str(w.b)})
    )
    upstairs = people(None).get(f"/asambleas/{w.region}/escalamientos").text
    agenda = re.search(rf'id="agenda-{escalation}" href="/propuestas/(\d+)"', upstairs)
    assert agenda, upstairs
    assert 'data-state="debate"' in people(None).get(f"/propuestas/{agenda.group(1)}").text


def test_the_charter_gets_a_new_version_and_shows_the_diff(app: FastAPI) -> None:
    w = make_below(app)
    people = People(app, w)
    fac, ana = people("fac"), people("ana")
    drafted = ana.post_form(
        f"/asambleas/{w.a}/redacciones",
        {
            "charter_id": str(w.charter_id),
            "target": "2",
            "article_title": "Fines",
            "text": "Defender el agua y la tierra.",
        },
    )
    proposal = new_id(drafted)
    located(ana.post_form(f"/propuestas/{proposal}/publicar"))
    located(people("beto").post_form(f"/propuestas/{proposal}/apoyar"))
    page = fac.get(f"/asambleas/{w.a}/carta").text
    assert f'name="propuesta_{proposal}"' in page
    vote_id = new_id(
        fac.post_form(f"/cartas/{w.charter_id}/votacion", {f"propuesta_{proposal}": "1"})
    )
    located(fac.post_form(f"/votaciones/{vote_id}/abrir"))
    for role in ("fac", "ana", "beto", "carla"):  # the wording first, "keep" second
        response = people(role).post_form(
            f"/votaciones/{vote_id}/votar", {"rank_1": "1", "rank_0": "2"}
        )
        assert response.status_code == 303, response.text[:300]
    located(fac.post_form(f"/votaciones/{vote_id}/cerrar"))
    assert 'data-state="adopted"' in ana.get(f"/propuestas/{proposal}").text
    visitor = people(None)
    diff = visitor.get(f"/cartas/{w.charter_id}/articulos/2/comparar?de=1&a=2")
    assert diff.status_code == 200
    assert "<ins>" in diff.text
    assert "la tierra" in diff.text
    history = visitor.get(f"/cartas/{w.charter_id}/articulos/2").text
    assert 'id="version-2"' in history
    assert 'id="version-1"' in history
    markdown = visitor.get(f"/cartas/{w.charter_id}/carta.md")
    assert markdown.status_code == 200
    assert "attachment" in markdown.headers["content-disposition"]
    assert "Defender el agua y la tierra." in markdown.text
    assert "la tierra" in visitor.get(f"/cartas/{w.charter_id}/imprimir").text
    assert visitor.get(f"/cartas/{w.charter_id}/articulos/2/comparar?de=1&a=9").status_code == 404


def test_who_may_act_on_a_proposal(app: FastAPI, below: Below, engine: Engine) -> None:
    """Refusals change nothing: visitors (401), people of other assemblies (403/404),
    authors supporting themselves, members doing a facilitator's or the author's part."""
    w = below
    people = People(app, w)
    proposal = propose(people("ana"), w.a, "Una propuesta para mirar")
    located(people("ana").post_form(f"/propuestas/{proposal}/publicar"))
    arg = int(
        located(
            people("beto").post_form(
                f"/propuestas/{proposal}/argumentos", {"side": "against", "text": "No."}
            )
        ).rsplit("-", 1)[1]
    )
    amendment = int(
        located(
            people("carla").post_form(f"/propuestas/{proposal}/enmiendas", {"text": "Otro texto."})
        ).rsplit("-", 1)[1]
    )
    refused = [
        (None, f"/propuestas/{proposal}/apoyar", {}, 401),
        ("outsider", f"/propuestas/{proposal}/apoyar", {}, 403),
        ("ana", f"/propuestas/{proposal}/apoyar", {}, None),  # the author
        ("beto", f"/propuestas/{proposal}/publicar", {}, None),  # not the author
        ("beto", f"/propuestas/{proposal}/retirar", {}, 403),
        ("beto", f"/argumentos/{arg}/ocultar", {"reason": "Ofensivo"}, 403),
        ("outsider", f"/argumentos/{arg}/ocultar", {"reason": "Ofensivo"}, 403),
        ("beto", f"/enmiendas/{amendment}/aceptar", {}, 403),
        ("carla", f"/enmiendas/{amendment}/rechazar", {}, 403),
        ("beto", f"/enmiendas/{amendment}/votacion", {}, 403),
        ("beto", f"/enmiendas/{amendment}/ocultar", {"reason": "Ofensivo"}, 403),
        ("beto", f"/propuestas/{proposal}/votacion", {}, None),
        ("ana", f"/propuestas/{proposal}/escalar", {}, None),
        ("outsider", f"/propuestas/{proposal}/argumentos", {"side": "for", "text": "Sí"}, 403),
        ("ana", f"/propuestas/{proposal}/enmiendas", {"text": "Mi propio texto."}, None),
        ("beto", f"/propuestas/{w.other_proposal}/apoyar", {}, 403),
        ("ana", f"/asambleas/{w.a}/carta", {"title": "Otra", "articles": "## Uno\nTexto"}, None),
        ("beto", f"/asambleas/{w.b}/carta", {"title": "Otra", "articles": "## Uno\nTexto"}, 403),
        ("beto", f"/asambleas/{w.a}/mandatos", {"vote_id": "1", "choice": "for"}, None),
        ("outsider", f"/delegados/{w.delegate_id}/revocatoria", {}, 403),
        (None, f"/delegados/{w.delegate_id}/revocatoria", {}, 401),
    ]
    for role, *_ in refused:
        people(role)  # log in before counting rows
    for role, path, data, status in refused:
        before = row_counts(engine)
        response = people(role).post_form(path, data)
        assert_refused(response, "es", status)
        assert row_counts(engine) == before, (role, path)
    # and those who may
    located(people("beto").post_form(f"/propuestas/{proposal}/apoyar"))
    located(people("fac").post_form(f"/argumentos/{arg}/ocultar", {"reason": "Fuera de tema"}))
    page = people(None).get(f"/propuestas/{proposal}").text
    assert "Fuera de tema" in page
    assert '<p class="text">No.</p>' not in page
    located(people("ana").post_form(f"/enmiendas/{amendment}/rechazar"))
    assert "/votaciones/" in located(people("fac").post_form(f"/enmiendas/{amendment}/votacion"))


def test_recall_petitions_are_for_the_delegates_assembly(app: FastAPI, engine: Engine) -> None:
    """In an assembly of four, one signature is 20 %: the recall vote opens at once; once it
    is published, the page settles it and the seat is vacated."""
    w = make_below(app)
    people = People(app, w)
    path = f"/delegados/{w.delegate_id}/revocatoria"
    assert located(people(None).get(path)).startswith("/entrar")
    assert_refused(people("outsider").get(path), "es", 403)
    people("outsider")
    before = row_counts(engine)
    assert_refused(people("outsider").post_form(path), "es", 403)
    assert row_counts(engine) == before
    located(people("ana").post_form(path))
    page = people("carla").get(path).text
    petition = int(re.findall(r'id="peticion-(\d+)"', page)[0])
    vote_id = int(re.findall(r'href="/votaciones/(\d+)"', page)[0])
    assert "<progress" in page
    before = row_counts(engine)
    assert_refused(people("carla").post_form(f"/peticiones/{petition}/firmar"), "es")
    assert_refused(people("outsider").post_form(f"/peticiones/{petition}/firmar"), "es", 403)
    assert row_counts(engine) == before
    for role in ("fac", "ana", "beto", "carla"):
        response = people(role).post_form(f"/votaciones/{vote_id}/votar", {"option": "0"})
        assert response.status_code == 303, response.text[:300]
    located(people("fac").post_form(f"/votaciones/{vote_id}/cerrar"))
    page = people("ana").get(path).text
    assert re.search(r'id="estado-delegado">[^<]+<', page)
    delegates = people(None).get(f"/api/v1/assemblies/{w.a}/delegates").json()
    assert [d["state"] for d in delegates if d["id"] == w.delegate_id] == ["recalled"]


@pytest.mark.parametrize("role", [None, "ana", "fac"])
def test_the_new_pages_render_for_everyone(app: FastAPI, below: Below, role: str | None) -> None:
    w = below
    people = People(app, w)
    b = people(role)
    proposal = propose(people("ana"), w.a, f"Para ver {role}")
    located(people("ana").post_form(f"/propuestas/{proposal}/publicar"))
    pages = [
        f"/asambleas/{w.a}/propuestas",
        f"/asambleas/{w.region}/propuestas",
        f"/propuestas/{proposal}",
        f"/asambleas/{w.region}/escalamientos",
        f"/asambleas/{w.a}/carta",
        f"/asambleas/{w.b}/carta",  # no charter of its own: none above it either
        f"/asambleas/{w.region}/carta",
        f"/cartas/{w.charter_id}/articulos/1",
        f"/cartas/{w.charter_id}/articulos/1/comparar?de=1&a=1",
        f"/cartas/{w.charter_id}/imprimir",
        f"/asambleas/{w.a}/delegados",
        f"/asambleas/{w.region}/delegados",
        f"/asambleas/{w.a}",
    ]
    if role is not None:
        pages.append(f"/delegados/{w.delegate_id}/revocatoria")
    for path in pages:
        response = b.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.text.startswith("<!doctype html>")
        assert "style=" not in response.text
        assert "<script>" not in response.text
    assembly = b.get(f"/asambleas/{w.a}").text
    for link in ("propuestas", "escalamientos", "carta", "delegados"):
        assert f'href="/asambleas/{w.a}/{link}"' in assembly
    forms = b.get(f"/asambleas/{w.a}/propuestas").text
    assert (f'action="/asambleas/{w.a}/propuestas"' in forms) == (role is not None)
    seated = b.get(f"/asambleas/{w.region}/delegados").text
    assert f'id="delegado-{w.delegate_id}"' in seated


def test_the_api_from_below(app: FastAPI) -> None:
    w = make_below(app)
    people = People(app, w)
    ana, beto = people("ana"), people("beto")
    created = ana.api(
        "POST",
        f"/api/v1/assemblies/{w.a}/proposals",
        json={"title": "Por API", "text": "Texto.", "publish": True},
    )
    assert created.status_code == 201, created.text
    proposal = created.json()["id"]
    assert created.json()["state"] == "open"
    assert beto.api("POST", f"/api/v1/proposals/{proposal}/support").json()["state"] == "debate"
    argued = beto.api(
        "POST", f"/api/v1/proposals/{proposal}/arguments", json={"side": "for", "text": "Sí."}
    )
    assert argued.status_code == 201
    assert people(None).api("POST", f"/api/v1/proposals/{proposal}/support").status_code == 401
    listed = people(None).get(f"/api/v1/assemblies/{w.a}/proposals").json()
    assert [p["id"] for p in listed] == [proposal]
    diff = people(None).get(f"/api/v1/charters/{w.charter_id}/articles/1/diff?from=1&to=1")
    assert diff.status_code == 200
    assert diff.json()["old"]["version"] == 1
    assert people(None).get(f"/api/v1/assemblies/{w.a}/charter").json()["id"] == w.charter_id
    delegates = people(None).get(f"/api/v1/assemblies/{w.a}/delegates").json()
    assert [d["id"] for d in delegates] == [w.delegate_id]
    refused = people("outsider").api("POST", f"/api/v1/delegates/{w.delegate_id}/recall")
    assert refused.status_code == 403
    opened = people("carla").api("POST", f"/api/v1/delegates/{w.delegate_id}/recall")
    assert opened.status_code == 201, opened.text
    assert opened.json()["state"] == "voting"  # one of four signed: 20 %


def test_delegates_are_elected_through_the_pages_and_seated(app: FastAPI, engine: Engine) -> None:
    w = make_below(app)
    people = People(app, w)
    for role in ("ana", "beto"):
        b = people(role)
        located(b.post_form(f"/asambleas/{w.c}/unirse"))
    page = people("fac").get(f"/asambleas/{w.c}").text
    for request in re.findall(r'action="(/membresias/\d+/aval)"', page):
        located(people("fac").post_form(request))
    form = people("fac").get(f"/asambleas/{w.c}/delegados").text
    candidates = re.findall(r'name="(candidato_\d+)"', form)
    assert len(candidates) == 3  # fac, ana, beto
    chosen = dict.fromkeys(candidates[:2], "1")
    people("ana")
    before = row_counts(engine)
    assert_refused(people("ana").post_form(f"/asambleas/{w.c}/elecciones", chosen), "es", 403)
    assert_refused(
        people("fac").post_form(f"/asambleas/{w.c}/elecciones", {"candidato_999999": "1"}), "es"
    )
    assert row_counts(engine) == before
    vote_id = new_id(people("fac").post_form(f"/asambleas/{w.c}/elecciones", chosen))
    located(people("fac").post_form(f"/votaciones/{vote_id}/abrir"))
    for role in ("fac", "ana", "beto"):
        response = people(role).post_form(f"/votaciones/{vote_id}/votar", {"rank_0": "1"})
        assert response.status_code == 303, response.text[:300]
    located(people("fac").post_form(f"/votaciones/{vote_id}/cerrar"))
    # a secret election is seen (and so settled) by the members; then everyone sees the seat
    assert 'id="delegado-' in people("ana").get(f"/asambleas/{w.c}/delegados").text
    page = people(None).get(f"/asambleas/{w.c}/delegados").text
    assert len(re.findall(r'id="delegado-\d+"', page)) == 1
    upstairs = people(None).get(f"/asambleas/{w.region}/delegados").text
    assert len(re.findall(r'id="delegado-\d+"', upstairs)) == 2  # A's and C's


def test_a_mandate_is_set_and_a_breach_is_flagged_in_the_roll_call(
    app: FastAPI, engine: Engine
) -> None:
    w = make_below(app)
    people = People(app, w)
    now = utcnow().replace(microsecond=0)
    with app.state.web.sessions.begin() as db:
        fac = accounts.authenticate(
            db, w.names["fac"], PASSWORD, "testclient", app.state.web.policy
        )
        assert fac is not None
        motion = votes.draft_vote(
            db,
            fac,
            w.region,
            make_spec(
                question="¿Paro regional?",
                options=[],
                rule="majority",
                seats=1,
                threshold="simple",
                quorum_percent=0,
                mode=Mode.ROLL_CALL,
                public=False,
                opens_at=now,
                closes_at=now + timedelta(days=1),
            ),
        )
    page = people("fac").get(f"/asambleas/{w.a}/delegados").text
    assert f'id="mandato-{motion.id}"' in page
    mandate = {"vote_id": str(motion.id), "choice": "for"}
    people("ana")
    before = row_counts(engine)
    assert_refused(people("ana").post_form(f"/asambleas/{w.a}/mandatos", mandate), "es", 403)
    bad = {"vote_id": str(motion.id), "choice": "maybe"}
    assert_refused(people("fac").post_form(f"/asambleas/{w.a}/mandatos", bad), "es", 422)
    assert row_counts(engine) == before
    located(people("fac").post_form(f"/asambleas/{w.a}/mandatos", mandate))
    located(people("fac").post_form(f"/votaciones/{motion.id}/abrir"))
    for role, option in (("fac", "0"), ("beto", "1")):  # beto, A's delegate, votes against
        response = people(role).post_form(f"/votaciones/{motion.id}/votar", {"option": option})
        assert response.status_code == 303, response.text[:300]
    located(people("fac").post_form(f"/votaciones/{motion.id}/cerrar"))
    roll = people("carla").get(f"/votaciones/{motion.id}/nominal")  # a member of A
    assert roll.status_code == 200
    assert f'<tr id="nominal-{w.delegate_id}" class="breach">' in roll.text
    assert_refused(people("outsider").get(f"/votaciones/{motion.id}/nominal"), "es", 404)
    api = people("carla").get(f"/api/v1/votes/{motion.id}/roll-call").json()
    assert [e["mandate_breach"] for e in api["entries"]] == [True]
