"""Calendars and feeds on both databases, each parsed back with its library (icalendar,
feedparser): who reads which item, hidden places, and the private address's token."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import feedparser
import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea import i18n
from asamblea.core.errors import NotFound
from asamblea.core.mobilisation.actions import ActionKind, Visibility
from asamblea.core.votes import Mode, make_spec
from asamblea.services import feeds
from asamblea.services.budgeting import process as budgeting
from asamblea.services.mobilisation import actions
from asamblea.services.votes import closing, votes
from asamblea.store.feeds_models import FeedTokenRow
from tests.services.mobilisation.world import KEY, T0, World

LINKS = feeds.Links("https://asamblea.example")
FEED_KEY = feeds.feed_key("clave-de-prueba-" + "x" * 40)


def _events(data: bytes) -> dict[str, dict[str, str]]:
    """UID → (summary, location, description) of every VEVENT, as icalendar reads them."""
    calendar = Calendar.from_ical(data)
    return {
        str(event["uid"]): {
            "summary": str(event.get("summary", "")),
            "location": str(event.get("location", "")),
            "description": str(event.get("description", "")),
            "status": str(event.get("status", "")),
            "start": event.decoded("dtstart").isoformat(),
        }
        for event in calendar.walk("VEVENT")
    }


def _vote(db: Session, w: World, question: str, *, public: bool) -> int:
    spec = make_spec(
        question=question,
        options=["Sí", "No"],
        rule="majority",
        seats=1,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=public,
        opens_at=T0,
        closes_at=T0 + timedelta(hours=2),
    )
    vote = votes.draft_vote(db, w.p["a_fac"], w.a, spec)
    votes.open_vote(db, w.p["a_fac"], vote.id, T0)
    return vote.id


def _action(db: Session, w: World, title: str, **values: object) -> int:
    spec = actions.Convening(
        kind=ActionKind.SIT_IN,
        title=title,
        region="15",
        starts_at=T0 + timedelta(days=3),
        places=["Plaza de Villa El Salvador"],
    )
    return actions.convene(db, w.p["a_fac"], w.a, replace(spec, **values), now=T0).id


@pytest.fixture
def w(db: Session) -> World:
    return World(db, "fd")


def test_public_and_private_assembly_calendars(db: Session, w: World) -> None:
    public_vote = _vote(db, w, "¿Paro el lunes?", public=True)
    members_vote = _vote(db, w, "¿Fondo de huelga?", public=False)
    open_action = _action(db, w, "Plantón abierto")
    hidden = _action(db, w, "Plantón con lugar oculto", reveal_at=T0 + timedelta(days=2))
    secret = _action(db, w, "Reunión de base", visibility=Visibility.MEMBERS)
    phases = ("preparation", "workshops", "evaluation", "prioritisation", "formalisation")
    days = {
        p: date(2027, 1, 1) + timedelta(days=7 * i) for i, p in enumerate((*phases, "oversight"))
    }
    budget = budgeting.create_process(
        db, w.p["a_fac"], w.a, title="Presupuesto 2027", budget=100_000, calendar=days
    )

    public = _events(feeds.assembly_calendar(db, w.a, LINKS, T0))
    assert f"vote-{public_vote}-closes@asamblea.example" in public
    assert not any(f"vote-{members_vote}-" in uid for uid in public)
    assert f"action-{open_action}@asamblea.example" in public
    assert f"action-{secret}@asamblea.example" not in public
    assert (
        "Plaza de Villa El Salvador" in public[f"action-{open_action}@asamblea.example"]["location"]
    )
    for moment in (T0, T0 + timedelta(days=2, minutes=1)):  # the public never gets the place
        shown = _events(feeds.assembly_calendar(db, w.a, LINKS, moment))
        assert "Plaza" not in str(shown[f"action-{hidden}@asamblea.example"])
    assert f"budget-{budget.id}-workshops@asamblea.example" in public
    much_later = _events(feeds.assembly_calendar(db, w.a, LINKS, T0 + timedelta(days=120)))
    assert not any(uid.startswith(("vote-", "action-")) for uid in much_later)  # history
    assert len([uid for uid in public if uid.startswith(f"budget-{budget.id}-")]) == 6

    member = w.p["a1"]
    before = _events(feeds.assembly_calendar(db, w.a, LINKS, T0, person=member))
    assert f"vote-{members_vote}-opens@asamblea.example" in before
    assert f"action-{secret}@asamblea.example" in before
    assert "Plaza" not in str(before[f"action-{hidden}@asamblea.example"])
    after = _events(
        feeds.assembly_calendar(db, w.a, LINKS, T0 + timedelta(days=2, minutes=1), person=member)
    )
    assert "Plaza de Villa El Salvador" in after[f"action-{hidden}@asamblea.example"]["location"]

    spec = actions.Convening(
        kind=ActionKind.STRIKE_24H,
        title="Paro regional",
        region="15",
        starts_at=T0 + timedelta(days=5),
        places=["Plaza Dos de Mayo"],
        visibility=Visibility.MEMBERS,
    )
    regional = actions.convene(db, w.p["l_fac"], w.lima, spec, now=T0).id  # above A
    mine = _events(feeds.person_calendar(db, member, LINKS, T0))
    assert f"vote-{members_vote}-closes@asamblea.example" in mine
    assert f"action-{secret}@asamblea.example" in mine
    assert f"action-{regional}@asamblea.example" in mine
    assert "Plaza Dos de Mayo" in mine[f"action-{regional}@asamblea.example"]["location"]
    stranger = _events(feeds.person_calendar(db, w.p["c1"], LINKS, T0))
    assert not any("vote-" in uid or "action-" in uid for uid in stranger)


def test_private_feeds_are_for_active_members_only(db: Session, w: World) -> None:
    feeds.private_assembly(db, w.p["a1"], w.a)
    for outsider in (w.p["c1"], w.p["outsider"], w.p["b1"]):
        with pytest.raises(NotFound):
            feeds.private_assembly(db, outsider, w.a)
        with pytest.raises(NotFound):  # the services check it too, whatever the caller did
            feeds.assembly_calendar(db, w.a, LINKS, T0, person=outsider)
        with pytest.raises(NotFound):
            feeds.decisions_feed(db, w.a, LINKS, T0, self_url="x", person=outsider)


def test_federation_calendar_filters_by_region_and_kind(db: Session, w: World) -> None:
    lima_sit_in = _action(db, w, "Plantón en Lima")
    lima_march = _action(db, w, "Marcha en Lima", kind=ActionKind.MARCH)
    spec = actions.Convening(
        kind=ActionKind.SIT_IN,
        title="Plantón en Arequipa",
        region="04",
        starts_at=T0 + timedelta(days=4),
        places=["Plaza de Armas"],
    )
    arequipa = actions.convene(db, w.p["c_fac"], w.c, spec, now=T0).id
    everything = _events(feeds.actions_calendar(db, LINKS, T0))
    assert {f"action-{i}@asamblea.example" for i in (lima_sit_in, lima_march, arequipa)} <= set(
        everything
    )
    lima = _events(feeds.actions_calendar(db, LINKS, T0, region="15"))
    assert f"action-{arequipa}@asamblea.example" not in lima
    marches = _events(feeds.actions_calendar(db, LINKS, T0, region="15", kind="march"))
    assert set(marches) == {f"action-{lima_march}@asamblea.example"}
    assert marches[f"action-{lima_march}@asamblea.example"]["start"].startswith("2026-12-09")


def test_decisions_feed_parsed_back(db: Session, w: World) -> None:
    i18n.activate("es")  # the feed speaks the request's language; a test before may leave "en"
    public_vote = _vote(db, w, "¿Paro el lunes?", public=True)
    members_vote = _vote(db, w, "¿Fondo de huelga?", public=False)
    for vote_id in (public_vote, members_vote):
        votes.cast(db, w.p["a1"], vote_id, [0], now=T0, key=KEY)
        assert closing.close_due_vote(db, vote_id, T0 + timedelta(hours=2), KEY) is not None
    url = f"{LINKS.base}/asambleas/{w.a}/decisiones.atom"
    public = feedparser.parse(feeds.decisions_feed(db, w.a, LINKS, T0, self_url=url))
    assert not public.bozo, public.bozo_exception
    assert public.feed.title == "Decisiones de Sindicato A"
    ids = [entry.id for entry in public.entries]
    assert ids == [f"{LINKS.base}/votaciones/{public_vote}"]
    assert public.entries[0].title == "Resultado publicado: ¿Paro el lunes?"
    private = feedparser.parse(
        feeds.decisions_feed(db, w.a, LINKS, T0, self_url=url, person=w.p["a1"])
    )
    assert {entry.id for entry in private.entries} == {
        f"{LINKS.base}/votaciones/{public_vote}",
        f"{LINKS.base}/votaciones/{members_vote}",
    }
    for entry in private.entries:  # nobody's choice, nobody's name
        assert "fd_a1" not in str(entry)


def test_token_seen_rotated_revoked_and_never_stored(db: Session, w: World) -> None:
    person = w.p["a1"]
    assert feeds.feed_address(db, person, FEED_KEY) is None
    first = feeds.rotate(db, person, FEED_KEY, T0)
    assert feeds.feed_address(db, person, FEED_KEY) == first  # can be shown again
    assert feeds.person_for_token(db, first.token).id == person.id
    stored = db.scalars(select(FeedTokenRow).where(FeedTokenRow.person_id == person.id)).one()
    assert first.token not in (stored.nonce, stored.token_hash)
    second = feeds.rotate(db, person, FEED_KEY, T0)
    assert second != first
    with pytest.raises(NotFound):
        feeds.person_for_token(db, first.token)
    assert feeds.person_for_token(db, second.token).id == person.id
    other_server = feeds.feed_key("otra-clave-" + "y" * 40)
    assert feeds.feed_address(db, person, other_server) != second  # derived with the secret
    assert feeds.revoke(db, person)
    for token in (second.token, "x" * 43, "../../etc", ""):
        with pytest.raises(NotFound):
            feeds.person_for_token(db, token)
    assert not feeds.revoke(db, person)
