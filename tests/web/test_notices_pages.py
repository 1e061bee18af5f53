"""The inbox pages: a member finds her notices, the header counts the unread, marking read
works without JavaScript, preferences are saved (or refused in her language), and a visitor
or another member sees nothing of it."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from asamblea import i18n
from asamblea.core import notices
from asamblea.core.federation import AssemblyKind
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.web.routes.notices.pages import KIND_NAMES
from tests.web.conftest import PASSWORD, Browser


@pytest.fixture
def joined(app: FastAPI) -> tuple[Browser, Browser, str]:
    """A facilitator's union and a newcomer she vouched in (both logged in)."""
    fac, newcomer = Browser(app, "es"), Browser(app, "en")
    suffix = uuid.uuid4().hex[:8]
    fac.register(f"fac{suffix}")
    newcomer.register(f"nueva{suffix}")
    with app.state.web.sessions.begin() as db:
        fac_p = accounts.authenticate(db, f"fac{suffix}", PASSWORD, "x", app.state.web.policy)
        new_p = accounts.authenticate(db, f"nueva{suffix}", PASSWORD, "x", app.state.web.policy)
        assert fac_p is not None
        assert new_p is not None
        union = federation.create_assembly(
            db, fac_p, name=f"Sindicato {suffix}", kind=AssemblyKind.UNION, parent_id=None
        )
        request = federation.request_to_join(db, new_p, union.id)
        federation.vouch(db, fac_p, request.id)
    return fac, newcomer, f"Sindicato {suffix}"


def test_the_newcomer_finds_she_was_accepted(joined: tuple[Browser, Browser, str]) -> None:
    fac, newcomer, name = joined
    page = newcomer.get("/avisos")
    assert page.status_code == 200
    assert f"You were accepted as a member of {name}" in page.text
    assert 'class="badge"' in newcomer.get("/").text
    fac_page = fac.get("/avisos").text  # her own vouch is no notice for her
    assert "accepted as a member" not in fac_page
    assert f"Alguien pidió entrar a {name}" in fac_page  # the request waited for her vouch
    up_to = page.text.split('name="up_to" value="')[1].split('"')[0]
    done = newcomer.post_form("/avisos/leidos", {"up_to": up_to})
    assert done.status_code == 303
    assert 'class="badge"' not in newcomer.get("/").text
    assert "Mark all as read" not in newcomer.get("/avisos").text


def test_visitors_are_sent_to_log_in(app: FastAPI) -> None:
    visitor = Browser(app, "es")
    for path in ("/avisos", "/avisos/preferencias"):
        response = visitor.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/entrar")


def test_preferences_saved_and_bad_values_refused(joined: tuple[Browser, Browser, str]) -> None:
    fac, _, _ = joined
    page = fac.get("/avisos/preferencias")
    assert page.status_code == 200
    assert 'name="vote_opened" value="at_once" checked' in page.text
    assert fac.post_form("/avisos/preferencias", {"vote_opened": "daily"}).status_code == 303
    saved = fac.get("/avisos/preferencias")
    assert 'id="aviso" role="status"' in saved.text
    assert 'name="vote_opened" value="daily" checked' in saved.text
    refused = fac.post_form("/avisos/preferencias", {"vote_opened": "hourly"})
    assert refused.status_code == 422
    assert "Elige" in refused.text
    assert 'name="vote_opened" value="daily" checked' in refused.text


@pytest.mark.parametrize("up_to", ["abc", "-1", "²", "9" * 12, "99999999"])
def test_mark_read_refuses_bad_input(joined: tuple[Browser, Browser, str], up_to: str) -> None:
    _, newcomer, _ = joined
    response = newcomer.post_form("/avisos/leidos", {"up_to": up_to})
    assert response.status_code == 422


def test_the_api_gives_the_inbox_and_takes_read_and_preferences(
    joined: tuple[Browser, Browser, str],
) -> None:
    _, newcomer, name = joined
    api = newcomer.client
    anonymous = Browser(newcomer.client.app, "en")  # type: ignore[arg-type]
    assert anonymous.get("/api/v1/notices").status_code == 401
    box = api.get("/api/v1/notices").json()
    assert box["unread"] >= 1
    assert box["notices"][0]["kind"] == "accepted"
    assert box["notices"][0]["text"] == f"You were accepted as a member of {name}"
    headers = {"x-csrf-token": newcomer.csrf()}
    assert api.post("/api/v1/notices/read", json={"up_to": -1}, headers=headers).status_code == 422
    done = api.post("/api/v1/notices/read", json={"up_to": box["newest"]}, headers=headers)
    assert done.status_code == 204
    assert api.get("/api/v1/notices").json()["unread"] == 0
    assert api.get("/api/v1/notices/preferences").json()["deliveries"]["accepted"] == "at_once"
    body = {"deliveries": {"accepted": "never"}}
    saved = api.put("/api/v1/notices/preferences", json=body, headers=headers)
    assert saved.status_code == 200
    assert saved.json()["deliveries"]["accepted"] == "never"
    for bad in ({"deliveries": {"nope": "never"}}, {"deliveries": {"accepted": "hourly"}}):
        response = api.put("/api/v1/notices/preferences", json=bad, headers=headers)
        assert response.status_code == 422


def test_every_kind_of_notice_has_a_name_in_spanish(app: FastAPI) -> None:
    """The preferences page (and the webhooks pages, which share the names) names every kind
    the notices core knows once the app is built, every domain's kinds registered."""
    known = notices.kinds()
    assert "webhook_disabled" in known
    assert set(known) <= set(KIND_NAMES), set(known) - set(KIND_NAMES)
    spanish = i18n.translations("es")
    for kind in known:
        assert spanish.gettext(KIND_NAMES[kind]) != KIND_NAMES[kind], kind
    reader = Browser(app, "es")
    reader.register(f"lectora{uuid.uuid4().hex[:8]}")
    page = reader.get("/avisos/preferencias")
    assert page.status_code == 200
    assert "Se desactivó un webhook de mi asamblea" in page.text
