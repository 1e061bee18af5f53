"""Feeds and webhooks through the app: feed files parsed back from HTTP answers (icalendar,
feedparser), the calendars page without JavaScript, the links on the assembly and account
pages, and a webhook delivered by the runner's job to a real receiver on the loopback."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
from fastapi import FastAPI
from icalendar import Calendar

from asamblea.clock import utcnow
from asamblea.core.people import Person, username_key
from asamblea.core.votes import Mode, make_spec
from asamblea.services import webhooks
from asamblea.services.runner import Runner
from asamblea.services.votes import votes
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import SECRET, Browser, World
from tests.webhook_receiver import receiver


def _person(app: FastAPI, username: str) -> Person:
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(username))
    assert found is not None
    return found[0]


def _open_vote(app: FastAPI, w: World, question: str, *, public: bool) -> int:
    fac = _person(app, w.names["facilitator"])
    now = utcnow()
    spec = make_spec(
        question=question,
        options=["Sí", "No"],
        rule="plurality",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=public,
        opens_at=now,
        closes_at=now + timedelta(hours=3),
    )
    with app.state.web.sessions.begin() as db:
        vote = votes.draft_vote(db, fac, w.union, spec)
        votes.open_vote(db, fac, vote.id, now)
    return vote.id


def _summaries(data: bytes) -> list[str]:
    return [str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT")]


def test_feed_files_and_the_calendars_page(app: FastAPI, world: World) -> None:
    _open_vote(app, world, "¿Asamblea abierta el viernes?", public=True)
    _open_vote(app, world, "¿Cuota extraordinaria?", public=False)
    visitor = Browser(app, "en")
    public = visitor.get(f"/asambleas/{world.union}/calendario.ics")
    assert public.status_code == 200
    assert public.headers["content-type"].startswith("text/calendar")
    summaries = _summaries(public.content)
    assert "Vote closes: ¿Asamblea abierta el viernes?" in summaries
    assert not any("Cuota" in s for s in summaries)
    atom = visitor.get(f"/asambleas/{world.union}/decisiones.atom")
    parsed = feedparser.parse(atom.content)
    assert atom.status_code == 200
    assert not parsed.bozo
    assert parsed.feed.title.startswith("Decisions")
    actions = visitor.get("/acciones.ics?region=15&kind=march")
    assert actions.status_code == 200
    assert Calendar.from_ical(actions.content)
    assert visitor.get("/acciones.ics?region=99").status_code == 422

    member = Browser(app, "es").logged_in_as(world.names["member"])
    assembly = member.get(f"/asambleas/{world.union}").text
    assert f"/asambleas/{world.union}/calendario.ics" in assembly
    assert "/cuenta/calendarios" in assembly
    assert "/webhooks" not in assembly
    assert "/cuenta/calendarios" in member.get("/cuenta").text
    page = member.get("/cuenta/calendarios")
    assert page.status_code == 200
    assert "/privado/" not in page.text
    assert member.post_form("/cuenta/calendarios/nueva").status_code == 303
    page = member.get("/cuenta/calendarios").text
    (token,) = set(re.findall(r"/privado/([\w-]{43})/", page))
    mine = visitor.get(f"/privado/{token}/calendario.ics")  # no cookie: a calendar app
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "private, no-store"
    assert "Vote closes: ¿Cuota extraordinaria?" in _summaries(mine.content)  # its language
    private = visitor.get(f"/privado/{token}/asambleas/{world.union}/calendario.ics")
    assert any("Cuota" in s for s in _summaries(private.content))  # the token is the key
    assert member.post_form("/cuenta/calendarios/nueva").status_code == 303  # rotate
    assert visitor.get(f"/privado/{token}/calendario.ics").status_code == 404
    assert member.post_form("/cuenta/calendarios/revocar").status_code == 303
    assert "/privado/" not in member.get("/cuenta/calendarios").text


def test_a_webhook_registered_on_its_page_and_delivered_by_the_runner(
    app: FastAPI, world: World
) -> None:
    fac = Browser(app, "es").logged_in_as(world.names["facilitator"])
    assert f"/asambleas/{world.union}/webhooks" in fac.get(f"/asambleas/{world.union}").text
    made = fac.post_form(
        f"/asambleas/{world.union}/webhooks",
        {"url": "https://bots.example.org/telegram", "kind_vote_opened": "1"},
    )
    assert made.status_code == 201
    assert "whsec_" in made.text
    assert "whsec_" not in fac.get(f"/asambleas/{world.union}/webhooks").text  # …never again
    refused = fac.post_form(
        f"/asambleas/{world.union}/webhooks",
        {"url": "http://127.0.0.1:9/x", "kind_vote_opened": "1"},
    )
    assert refused.status_code == 422
    assert "red propia" in refused.text

    with receiver() as hook:
        with app.state.web.sessions.begin() as db:
            registered = webhooks.register(
                db,
                _person(app, world.names["facilitator"]),
                world.union,
                url=hook.url,
                kinds=["vote_opened", "vote_published"],
                sealer=webhooks.Sealer(SECRET),
                now=utcnow(),
                allow_private=True,  # as an operator's setting allows, for a loopback receiver
            )
        hook.secret = registered.secret
        vote_id = _open_vote(app, world, "¿Marcha el jueves?", public=False)
        job = webhooks.WebhookJob(
            app.state.web.sessions, webhooks.Sealer(SECRET), allow_private=True, timeout=5
        )
        runner = Runner(app.state.web.sessions, app.state.web.signing_key, jobs=(job.run,))
        runner.run_jobs()
        assert [r.verified for r in hook.received] == [True]
        body = hook.received[0].body
        assert body["type"] == "vote_opened"
        assert body["data"]["link"] == f"/votaciones/{vote_id}"
    log = fac.api("GET", f"/api/v1/webhooks/{registered.webhook.id}/deliveries").json()
    assert [(d["state"], d["attempts"], d["last_status"]) for d in log] == [("delivered", 1, 204)]
    page = fac.get(f"/webhooks/{registered.webhook.id}")
    assert "Entregado" in page.text
    assert "Registro de envíos" in page.text
