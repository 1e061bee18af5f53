"""Mail pages and API: a member gives, changes and removes her address; nobody else ever sees
it; the one-click unsubscribe works without a login (RFC 8058) while its GET page only reads."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from asamblea.core.federation import AssemblyKind
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.notices import unsubscribe
from tests.web.conftest import PASSWORD, Browser


@pytest.fixture
def pair(app: FastAPI) -> tuple[Browser, Browser, int, int]:
    """Two members of one union, logged in: (her, her fellow member, her id, the union)."""
    her, other = Browser(app, "es"), Browser(app, "en")
    suffix = uuid.uuid4().hex[:8]
    her.register(f"ana{suffix}")
    other.register(f"beto{suffix}")
    with app.state.web.sessions.begin() as db:
        ana = accounts.authenticate(db, f"ana{suffix}", PASSWORD, "x", app.state.web.policy)
        beto = accounts.authenticate(db, f"beto{suffix}", PASSWORD, "x", app.state.web.policy)
        assert ana is not None
        assert beto is not None
        union = federation.create_assembly(
            db, beto, name=f"Sindicato {suffix}", kind=AssemblyKind.UNION, parent_id=None
        )
        request = federation.request_to_join(db, ana, union.id)
        federation.vouch(db, beto, request.id)
    return her, other, ana.id, union.id


def test_my_address_is_mine_alone(app: FastAPI, pair: tuple[Browser, Browser, int, int]) -> None:
    her, other, _, union_id = pair
    address = f"ana.{uuid.uuid4().hex[:6]}@ejemplo.pe"
    page = her.get("/avisos/correo")
    assert page.status_code == 200
    assert "Correo para mis avisos" in page.text
    saved = her.post_form("/avisos/correo", {"address": address})
    assert saved.status_code == 303
    mine = her.get(saved.headers["location"]).text
    assert f'value="{address}"' in mine
    assert "Dirección guardada." in mine
    assert her.api("GET", "/api/v1/notices/address").json() == {"address": address}
    # Nobody else sees it: not her fellow member, on any page of theirs or the assembly's.
    assert other.api("GET", "/api/v1/notices/address").json() == {"address": None}
    for path in ("/avisos/correo", f"/asambleas/{union_id}", "/avisos", "/", "/acerca"):
        assert address not in other.get(path).text
    for api in (f"/api/v1/assemblies/{union_id}", f"/api/v1/assemblies/{union_id}/members"):
        assert address not in other.api("GET", api).text
    removed = her.post_form("/avisos/correo/quitar", {})
    assert removed.status_code == 303
    assert address not in her.get("/avisos/correo").text
    assert her.api("GET", "/api/v1/notices/address").json() == {"address": None}


def test_a_bad_address_is_refused_in_her_language(pair: tuple[Browser, Browser, int, int]) -> None:
    her, other, _, _ = pair
    refused = her.post_form("/avisos/correo", {"address": "sin-arroba"})
    assert refused.status_code == 422
    assert "Escribe una dirección de correo" in refused.text
    english = other.api("PUT", "/api/v1/notices/address", json={"address": "a@b"})
    assert english.status_code == 422
    assert "Write an e-mail address" in english.text
    put = other.api("PUT", "/api/v1/notices/address", json={"address": " Beto@Ejemplo.PE "})
    assert put.json() == {"address": "Beto@ejemplo.pe"}
    assert other.api("DELETE", "/api/v1/notices/address").status_code == 204


def test_one_click_unsubscribe_needs_no_login_and_its_page_only_reads(
    app: FastAPI, pair: tuple[Browser, Browser, int, int]
) -> None:
    her, _, her_id, _ = pair
    her.post_form("/avisos/correo", {"address": "ana@ejemplo.pe"})
    token = unsubscribe.token(app.state.web.settings.secret(), her_id, "vote_published")

    def delivery() -> str:
        found = her.api("GET", "/api/v1/notices/preferences").json()
        return str(found["deliveries"]["vote_published"])

    mail_client = Browser(app, "en")  # no cookie, no CSRF token: a mail client
    page = mail_client.get(f"/avisos/baja?t={token}")
    assert page.status_code == 200
    assert "Stop getting this by mail: <strong>A vote's result was published" in page.text
    assert 'method="post"' in page.text
    assert delivery() == "at_once"  # the GET changed nothing
    done = mail_client.client.post(
        f"/avisos/baja?t={token}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    assert delivery() == "never"
    tampered = mail_client.client.post(
        f"/avisos/baja?t={token[:-1]}{'A' if token[-1] != 'A' else 'B'}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert tampered.status_code == 422
