"""Through the pages and the API: an assembly's rules are set when it is founded, shown on
its page, and changed by a vote of its members on a facilitator's proposal; the authors of
proposals, arguments and amendments are shown to the assembly's members only; an assembly's
members read the mandates it gave its delegates; the delegates page lists the delegate
elections."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, text

from asamblea.clock import utcnow
from asamblea.core.federation import rules_to_dict
from asamblea.core.votes import Mode, make_spec
from asamblea.services.federation import accounts
from asamblea.services.votes import closing, votes
from asamblea.store.federation_repository import FederationRepository
from tests.web.conftest import PASSWORD, Browser, assert_refused, row_counts, unique
from tests.web.test_deliberation_pages import People, located, make_below, new_id, propose

RULES = {
    "vouches_needed": "1",
    "quorum_percent": "40",
    "delegate_ratio": "30",
    "recall_percent": "30",
    "support_percent": "25",
    "escalation_percent": "75",
    "delegate_weight": "members_represented",
}


def rule_items(page: str) -> dict[str, str]:
    """The rules list of a page: its data-rule items, with the weight's data-value."""
    found = dict(re.findall(r'<li data-rule="(\w+)"[^>]*>([^<]*)', page))
    weight = re.search(r'data-rule="delegate_weight" data-value="(\w+)"', page)
    return {**found, "delegate_weight": weight.group(1) if weight else ""}


def audit_count(engine: Engine, action: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.scalar(
                text("SELECT COUNT(*) FROM audit_event WHERE action = :a"), {"a": action}
            )
            or 0
        )


def members_decide(app: FastAPI, username: str, vote_id: int, choice: int) -> None:
    """The assembly's only member (its founder) votes, then closes the vote (everyone voted)."""
    with app.state.web.sessions.begin() as db:
        fac = accounts.authenticate(db, username, PASSWORD, "testclient", app.state.web.policy)
        assert fac is not None
        key = app.state.web.signing_key
        votes.cast(db, fac, vote_id, [choice], now=utcnow(), key=key)
        closing.close_vote(db, fac, vote_id, utcnow(), key)


def test_rules_are_founded_shown_and_changed_by_the_members_vote(
    app: FastAPI, engine: Engine
) -> None:
    fac, member = Browser(app, "es"), Browser(app, "es")
    fac_name = unique("fac")
    fac.register(fac_name)
    member.register(unique("mem"))
    founded = fac.post_form(
        "/asambleas", {"name": "Federación de Barrios", "kind": "district", **RULES}
    )
    assembly = new_id(founded)
    page = fac.get(f"/asambleas/{assembly}").text
    shown = rule_items(page)
    assert "25 %" in shown["support_percent"]
    assert "75 %" in shown["escalation_percent"]
    assert "30 %" in shown["recall_percent"]
    assert shown["delegate_weight"] == "members_represented"
    assert f'href="/asambleas/{assembly}/reglas"' in page  # facilitators only
    assert f'href="/asambleas/{assembly}/reglas"' not in member.get(f"/asambleas/{assembly}").text

    form = fac.get(f"/asambleas/{assembly}/reglas").text
    assert f'action="/asambleas/{assembly}/reglas"' in form
    assert 'name="escalation_percent" type="number" min="1" max="100" value="75"' in form
    assert '<option value="members_represented" selected>' in form
    others = member.get(f"/asambleas/{assembly}/reglas").text
    assert f'action="/asambleas/{assembly}/reglas"' not in others
    assert "75 %" in rule_items(others)["escalation_percent"]
    visitor = Browser(app, "es").get(f"/asambleas/{assembly}/reglas")
    assert located(visitor) == f"/entrar?next=/asambleas/{assembly}/reglas"

    before = row_counts(engine)
    changed = {**RULES, "escalation_percent": "60", "delegate_weight": "one_each"}
    assert_refused(member.post_form(f"/asambleas/{assembly}/reglas", changed), "es", 403)
    bad = fac.post_form(f"/asambleas/{assembly}/reglas", {**changed, "support_percent": "0"})
    assert_refused(bad, "es", 422)
    assert 'id="cambiar-reglas"' in bad.text  # the form again, with the message
    same = fac.post_form(f"/asambleas/{assembly}/reglas", RULES)
    assert_refused(same, "es", 422)  # the rules in force: nothing to vote on
    assert row_counts(engine) == before

    done = fac.post_form(f"/asambleas/{assembly}/reglas", {**changed, "days": "3"})
    assert located(done) == f"/asambleas/{assembly}/reglas#cambio-pendiente"
    pending = fac.get(f"/asambleas/{assembly}/reglas").text
    assert 'id="cambio-pendiente" data-state="voting"' in pending
    assert 'data-rule="escalation_percent" data-before="75" data-after="60"' in pending
    vote_id = int(re.findall(r'id="enlace-votacion-reglas" href="/votaciones/(\d+)"', pending)[0])
    assert 'id="cambiar-reglas"' not in pending  # one change under vote at a time
    assert "75 %" in rule_items(pending)["escalation_percent"]  # nothing applies yet
    assert 'id="cambio-pendiente" data-state="voting"' in fac.get(f"/asambleas/{assembly}").text
    before = row_counts(engine)
    again = fac.post_form(f"/asambleas/{assembly}/reglas", {**changed, "quorum_percent": "70"})
    assert_refused(again, "es", 409)
    assert row_counts(engine) == before

    members_decide(app, fac_name, vote_id, 0)  # Sí
    shown = rule_items(member.get(f"/asambleas/{assembly}").text)  # settled when published
    assert "60 %" in shown["escalation_percent"]
    assert shown["delegate_weight"] == "one_each"
    with engine.connect() as connection:
        details = connection.scalar(
            text(
                "SELECT details FROM audit_event WHERE action = 'assembly.rules_changed' "
                "AND assembly_id = :a"
            ),
            {"a": assembly},
        )
    assert details is not None
    found = json.loads(details) if isinstance(details, str) else details  # SQLite: JSON text
    assert found["vote_id"] == vote_id
    settled = fac.get(f"/asambleas/{assembly}/reglas").text
    assert 'id="cambio-pendiente" data-state="adopted"' in settled
    assert 'id="cambiar-reglas"' in settled  # a new change may be proposed


def test_rules_through_the_api(app: FastAPI, engine: Engine) -> None:
    fac, member = Browser(app, "es"), Browser(app, "es")
    fac_name = unique("fac")
    fac.register(fac_name)
    member.register(unique("mem"))
    created = fac.api(
        "POST",
        "/api/v1/assemblies",
        json={"name": "Región Sur", "kind": "region", "escalation_percent": 75},
    )
    assert created.status_code == 201, created.text
    assembly = created.json()["id"]
    founding = {
        "vouches_needed": 2,
        "quorum_percent": 50,
        "delegate_ratio": 50,
        "recall_percent": 20,
        "support_percent": 10,
        "escalation_percent": 75,
        "delegate_weight": "one_each",
    }
    assert created.json()["rules"] == founding
    assert fac.get(f"/api/v1/assemblies/{assembly}").json()["rules_change"] is None
    wanted = {**{k: int(v) for k, v in RULES.items() if k != "delegate_weight"}}
    wanted["delegate_weight"] = "members_represented"
    before = row_counts(engine)
    refused = member.api("PUT", f"/api/v1/assemblies/{assembly}/rules", json=wanted)
    assert_refused(refused, "es", 403)
    partial = fac.api("PUT", f"/api/v1/assemblies/{assembly}/rules", json={"quorum_percent": 5})
    assert_refused(partial, "es", 422)  # every rule, or none
    same = fac.api("PUT", f"/api/v1/assemblies/{assembly}/rules", json=founding)
    assert_refused(same, "es", 422)
    assert row_counts(engine) == before

    proposed = fac.api(
        "PUT", f"/api/v1/assemblies/{assembly}/rules", json={**wanted, "vote_days": 2}
    )
    assert proposed.status_code == 202, proposed.text
    change = proposed.json()
    assert (change["state"], change["rules"], change["before"]) == ("voting", wanted, founding)
    assert change["vote_state"] == "open"
    vote = Browser(app).get(f"/api/v1/votes/{change['vote_id']}")
    assert vote.status_code == 200  # a public vote: anyone follows it
    detail = Browser(app).get(f"/api/v1/assemblies/{assembly}").json()
    assert detail["rules"] == founding  # nothing applies before the vote
    assert detail["rules_change"]["id"] == change["id"]
    again = fac.api("PUT", f"/api/v1/assemblies/{assembly}/rules", json=wanted)
    assert_refused(again, "es", 409)

    members_decide(app, fac_name, change["vote_id"], 1)  # No: rejected
    detail = Browser(app).get(f"/api/v1/assemblies/{assembly}").json()
    assert (detail["rules"], detail["rules_change"]["state"]) == (founding, "rejected")
    changes = audit_count(engine, "assembly.rules_changed")
    second = fac.api("PUT", f"/api/v1/assemblies/{assembly}/rules", json=wanted).json()
    members_decide(app, fac_name, second["vote_id"], 0)  # Sí: adopted
    detail = Browser(app).get(f"/api/v1/assemblies/{assembly}").json()
    assert (detail["rules"], detail["rules_change"]["state"]) == (wanted, "adopted")
    assert detail["rules_change"]["settled_at"] is not None
    Browser(app).get(f"/api/v1/assemblies/{assembly}")  # settling again writes nothing
    assert audit_count(engine, "assembly.rules_changed") == changes + 1


def test_authors_are_shown_to_the_assemblys_members_only(app: FastAPI) -> None:
    """Only active members propose, argue and amend, so the authors' names are part of the
    member list: its active members read them; visitors and outsiders read no name."""
    w = make_below(app)
    people = People(app, w)
    proposal = propose(people("ana"), w.a, "Con autoras")
    located(people("ana").post_form(f"/propuestas/{proposal}/publicar"))
    located(
        people("beto").post_form(
            f"/propuestas/{proposal}/argumentos", {"side": "for", "text": "A favor."}
        )
    )
    located(people("carla").post_form(f"/propuestas/{proposal}/enmiendas", {"text": "Mejor."}))
    authors = (w.names["ana"], w.names["beto"], w.names["carla"])
    for viewer in ("fac", "beto"):  # active members of A
        page = people(viewer).get(f"/propuestas/{proposal}").text
        shown = re.findall(r'class="author count" data-author="([^"]+)"', page)
        assert shown == [w.names["beto"], w.names["carla"]], viewer
        assert f'id="autoria" data-author="{w.names["ana"]}"' in page
        detail = people(viewer).get(f"/api/v1/proposals/{proposal}").json()
        assert detail["author"] == w.names["ana"]
        assert [a["author"] for a in detail["arguments"]] == [w.names["beto"]]
        assert [a["author"] for a in detail["amendments"]] == [w.names["carla"]]
    for viewer in (None, "outsider"):  # a visitor; a member of another assembly
        response = people(viewer).get(f"/propuestas/{proposal}")
        assert response.status_code == 200
        assert "A favor." in response.text  # the debate is public, its authors are not
        assert not re.findall(r'data-author="', response.text), viewer
        api = people(viewer).get(f"/api/v1/proposals/{proposal}")
        detail = api.json()
        assert detail["author"] is None
        assert [a["author"] for a in detail["arguments"]] == [None]
        assert [a["author"] for a in detail["amendments"]] == [None]
        for name in authors:  # (the outsider's own name is in the header: not an author)
            assert name not in response.text, (viewer, name)
            assert name not in api.text, (viewer, name)
    argued = people("beto").api(
        "POST", f"/api/v1/proposals/{proposal}/arguments", json={"side": "against", "text": "No."}
    )
    assert argued.json()["author"] == w.names["beto"]


def test_members_read_the_mandates_and_the_elections(app: FastAPI, engine: Engine) -> None:
    w = make_below(app)
    people = People(app, w)
    now = utcnow().replace(microsecond=0)
    with app.state.web.sessions.begin() as db:
        fac = accounts.authenticate(
            db, w.names["fac"], PASSWORD, "testclient", app.state.web.policy
        )
        assert fac is not None
        spec = make_spec(
            question="¿Marcha regional el 15?",
            options=[],
            rule="majority",
            seats=1,
            threshold="simple",
            quorum_percent=0,
            mode=Mode.ROLL_CALL,
            public=False,
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )
        motion = votes.draft_vote(db, fac, w.region, spec)
    path = f"/asambleas/{w.a}/mandatos"
    empty = people("carla").get(path).text
    assert "mandato-" not in empty
    located(people("fac").post_form(path, {"vote_id": str(motion.id), "choice": "against"}))

    page = people("carla").get(path)  # an active member of A
    assert page.status_code == 200
    assert f'<tr id="mandato-{motion.id}" data-choice="against">' in page.text
    assert "¿Marcha regional el 15?" in page.text
    assert f'href="/votaciones/{motion.id}/nominal"' in page.text
    outsider = people("outsider").get(path)
    assert outsider.status_code == 200
    assert 'id="solo-miembros"' in outsider.text
    assert "¿Marcha regional el 15?" not in outsider.text
    assert located(people(None).get(path)) == f"/entrar?next={path}"

    api = people("carla").get(f"/api/v1/assemblies/{w.a}/mandates")
    assert api.status_code == 200
    (line,) = api.json()
    assert (line["vote_id"], line["choice"], line["vote_state"]) == (motion.id, "against", "draft")
    assert line["question"] == "¿Marcha regional el 15?"
    assert_refused(people("outsider").get(f"/api/v1/assemblies/{w.a}/mandates"), "es", 403)
    assert_refused(people(None).get(f"/api/v1/assemblies/{w.a}/mandates"), "es", 401)

    delegates = people("ana").get(f"/asambleas/{w.a}/delegados").text
    elections = re.findall(r'<li id="eleccion-(\d+)" data-state="(\w+)">', delegates)
    assert [state for _, state in elections] == ["published"]
    assert f'href="/asambleas/{w.a}/mandatos"' in delegates
    hidden = people(None).get(f"/asambleas/{w.a}/delegados").text
    assert 'id="eleccion-' not in hidden  # a secret election: its members see it


def test_the_closing_request_applies_an_adopted_change(app: FastAPI) -> None:
    """Closing the members' vote applies the new rules in the same transaction: a recall
    petition or a vote opened before anyone views the assembly gets the new rules, not the old."""
    fac = Browser(app, "es")
    fac.register(unique("fac"))
    assembly = fac.api("POST", "/api/v1/assemblies", json={"name": "Sur", "kind": "region"})
    assembly_id = assembly.json()["id"]
    wanted = {**{k: int(v) for k, v in RULES.items() if k != "delegate_weight"}}
    wanted["delegate_weight"] = "one_each"
    change = fac.api("PUT", f"/api/v1/assemblies/{assembly_id}/rules", json=wanted).json()
    ballots = f"/api/v1/votes/{change['vote_id']}/ballots"
    assert fac.api("POST", ballots, json={"selection": [0]}).status_code == 201  # Sí
    closed = fac.api("POST", f"/api/v1/votes/{change['vote_id']}/close")
    assert closed.status_code == 200, closed.text
    with app.state.web.readers.begin() as db:  # no page or API read of the assembly since
        found = FederationRepository(db).assembly(assembly_id)
    assert found is not None
    assert rules_to_dict(found.rules) == wanted
