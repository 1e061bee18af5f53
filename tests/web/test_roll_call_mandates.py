"""The roll call's mandates through the page and the API (issue 10, finding 9): before the vote
upstairs closes, a public roll call shows anyone the delegates but not the mandates (they were
shown to anonymous readers of the API); the members of the assembly that gave a mandate read
it at once; once the vote is published everyone reads it, beside how each delegate voted."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from asamblea.core.delegation import MandateChoice
from asamblea.services import delegation
from asamblea.services.votes import votes
from tests.services.test_delegation import elect, parent_motion, region_with
from tests.services.test_deliberation import KEY, T0
from tests.web.conftest import Browser


def _entry(app: FastAPI, vote_id: int, browser: Browser | None = None) -> dict[str, object]:
    response = (browser or Browser(app, "es")).get(f"/api/v1/votes/{vote_id}/roll-call")
    assert response.status_code == 200
    (entry,) = response.json()["entries"]
    return {k: entry[k] for k in ("mandate", "mandate_hidden")}


def test_a_public_roll_call_shows_mandates_once_closed(app: FastAPI) -> None:
    with app.state.web.sessions() as db, db.begin():
        region_id, coordinator, children = region_with(db, {"Uno": 3})
        one, one_people = children["Uno"]
        elect(db, one, one_people, [1])
        vote = parent_motion(db, coordinator, region_id, public=True)
        delegation.set_mandate(db, one_people[0], one, vote.id, MandateChoice.FOR)
        votes.open_vote(db, coordinator, vote.id, T0)
        member = one_people[2].username

    assert _entry(app, vote.id) == {"mandate": None, "mandate_hidden": True}
    page = Browser(app, "es").get(f"/votaciones/{vote.id}/nominal")
    assert page.status_code == 200
    assert "se muestra cuando se cierra la votación" in page.text
    assert "<td>a favor</td>" not in page.text
    giver = Browser(app, "es").logged_in_as(member)
    assert _entry(app, vote.id, giver) == {"mandate": "for", "mandate_hidden": False}

    with app.state.web.sessions() as db, db.begin():
        votes.cast(db, one_people[1], vote.id, [0], now=T0, key=KEY)
        votes.close_vote(db, coordinator, vote.id, T0 + timedelta(hours=2), KEY)
    assert _entry(app, vote.id) == {"mandate": "for", "mandate_hidden": False}
    page = Browser(app, "es").get(f"/votaciones/{vote.id}/nominal")
    assert "<td>a favor</td>" in page.text
