"""Who may cast (issue #10, finding 6): the roll stays as it was frozen when the vote opened,
but a member suspended, or who left, since then cannot cast — by the page form, the cookie API,
the token API or the casting writer itself — and the roll, quorum and board are unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from asamblea.core.errors import N_, Forbidden
from asamblea.core.people import Person, username_key
from asamblea.core.votes import Mode, make_spec
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.services.votes.votes import CastReceipt
from asamblea.store.federation_repository import PeopleRepository
from tests.web.conftest import PASSWORD, Browser, World, assert_refused, translated

NO_LONGER = N_("You are no longer an active member of this assembly, so you cannot vote.")


def open_vote(app: FastAPI, world: World, *, public: bool) -> int:
    """A vote of the union, open now, whose roll has every active member."""
    now = datetime.now(UTC)
    facilitator = person(app, world, "facilitator")
    with app.state.web.sessions.begin() as db:
        spec = make_spec(
            question="¿Paro el jueves?",
            options=["Sí", "No"],
            rule="plurality",
            seats=1,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.SECRET,
            public=public,
            opens_at=now,
            closes_at=now + timedelta(hours=2),
        )
        vote = votes.draft_vote(db, facilitator, world.union, spec)
        votes.open_vote(db, facilitator, vote.id, now)
        return vote.id


def person(app: FastAPI, world: World, role: str) -> Person:
    with app.state.web.sessions.begin() as db:
        found = PeopleRepository(db).by_key(username_key(world.names[role]))
        assert found is not None
        return found[0]


def roll_and_ballots(app: FastAPI, world: World, vote_id: int) -> tuple[int | None, int]:
    facilitator = person(app, world, "facilitator")
    with app.state.web.readers.begin() as db:
        view = votes.vote_view(db, facilitator, vote_id)
        return view.vote.roll_size, view.vote.length


def remove(app: FastAPI, world: World, role: str, how: str) -> None:
    with app.state.web.sessions.begin() as db:
        people = PeopleRepository(db)
        fac = people.by_key(username_key(world.names["facilitator"]))
        target = people.by_key(username_key(world.names[role]))
        assert fac is not None
        assert target is not None
        if how == "suspended":
            federation.suspend(db, fac[0], world.ms[role])
        else:
            federation.leave(db, target[0], world.union)


@pytest.mark.parametrize("how", ["suspended", "left"])
@pytest.mark.parametrize("public", [True, False])
def test_no_path_lets_a_removed_member_cast(
    app: FastAPI, world: World, how: str, public: bool
) -> None:
    vote_id = open_vote(app, world, public=public)
    roll_before, _ = roll_and_ballots(app, world, vote_id)
    name = world.names["target_active"]
    page = Browser(app, "en").logged_in_as(name)
    cookie = Browser(app, "es").logged_in_as(name)
    token = (
        Browser(app)
        .client.post("/api/v1/tokens", json={"username": name, "password": PASSWORD})
        .json()["token"]
    )
    remove(app, world, "target_active", how)

    ballots = f"/api/v1/votes/{vote_id}/ballots"
    refused_page = page.post_form(f"/votaciones/{vote_id}/votar", {"option": "0"})
    assert refused_page.status_code in {403, 404}
    assert_refused(refused_page, "en")
    refused_cookie = cookie.api("POST", ballots, json={"selection": [0]})
    assert refused_cookie.status_code == 403
    assert assert_refused(refused_cookie, "es") == translated("es", NO_LONGER)
    refused_token = Browser(app, "en").client.post(
        ballots, json={"selection": [0]}, headers={"authorization": f"Bearer {token}"}
    )
    assert refused_token.status_code == 403
    assert_refused(refused_token, "en")
    if public:  # the page of a public vote still shows, and its form is refused by the rule
        assert assert_refused(refused_page, "en", 403) == translated("en", NO_LONGER)

    # The roll is as it was frozen; nothing went into the box; a member still votes.
    assert roll_and_ballots(app, world, vote_id) == (roll_before, 0)
    member = Browser(app).logged_in_as(world.names["member"])
    assert member.api("POST", ballots, json={"selection": [1]}).status_code == 201
    assert roll_and_ballots(app, world, vote_id) == (roll_before, 1)


def test_the_casting_writer_refuses_a_removed_member_in_a_batch(app: FastAPI, world: World) -> None:
    vote_id = open_vote(app, world, public=False)
    remove(app, world, "target_active", "suspended")
    remove(app, world, "target_active2", "left")
    casts = [
        (person(app, world, "member"), [0]),
        (person(app, world, "target_active"), [1]),
        (person(app, world, "target_active2"), [1]),
        (person(app, world, "facilitator"), [1]),
    ]
    with app.state.web.sessions.begin() as db:
        outcomes = votes.cast_many(
            db, vote_id, casts, now=datetime.now(UTC), key=app.state.web.signing_key
        )
    assert [type(o) for o in outcomes] == [CastReceipt, Forbidden, Forbidden, CastReceipt]
    assert all(o.message == NO_LONGER for o in outcomes if isinstance(o, Forbidden))
    with app.state.web.sessions.begin() as db, pytest.raises(Forbidden) as refused:
        votes.cast(
            db,
            person(app, world, "target_active"),
            vote_id,
            [0],
            now=datetime.now(UTC),
            key=app.state.web.signing_key,
        )
    assert refused.value.message == NO_LONGER
