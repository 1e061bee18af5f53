"""The archive's JSON API and memorial page on both databases: every circle sees exactly what
consent allows (never a count or an id beyond it), victims as the family wishes, consent changed by
its holder; the memorial shows only what is public, to everyone alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from nacl import pwhash

from asamblea.clock import utcnow
from asamblea.core.archive import Consent, verify_bundle
from asamblea.core.federation import AssemblyKind, MembershipState, Role
from asamblea.formats.archive import read_bundle
from asamblea.services.archive import intake, items, keys, team
from asamblea.services.archive.custody import vault_for
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.federation_repository import FederationRepository
from tests.web.conftest import PASSWORD, Browser, assert_refused, unique

keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)


@dataclass
class Archive:
    case_id: str
    names: dict[str, str]
    ids: dict[Consent, str]
    holder: dict[Consent, str]
    link: str


@pytest.fixture(scope="module")
def archive(app: FastAPI) -> Archive:
    """A case with an item at each consent level; a team, a member outside it, an outsider."""
    names = {role: unique(role[:4]) for role in ("legal", "team", "member", "other")}
    settings = app.state.web.settings
    vault = vault_for(settings.secret(), str(settings.instance_dir / "archive"))
    with app.state.web.sessions.begin() as db:
        people = {role: accounts.register(db, name, PASSWORD) for role, name in names.items()}
        mine = federation.create_assembly(db, people["legal"], name=unique("Familiares"),
                                          kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None)
        federation.create_assembly(db, people["other"], name=unique("Otra"),
                                   kind=AssemblyKind.UNION, parent_id=None)
        for role in ("team", "member"):
            FederationRepository(db).add_membership(mine.id, people[role].id,
                                                    MembershipState.ACTIVE, Role.MEMBER)
        for person in people.values():
            keys.set_up_key(db, person, "frase de paso del equipo")
        private = keys.unlock(db, people["legal"], "frase de paso del equipo")
        case = team.open_case(db, people["legal"], mine.id, title="Caso ficticio",
                              place="Lugar ficticio", occurred_on=date(2026, 1, 9))
        team.add_member(db, vault.key, people["legal"], case.id, people["team"], legal=False,
                        private=private, now=utcnow())
        team.add_victim(db, people["legal"], case.id, "Víctima ficticia", Consent.PUBLIC)
        team.add_victim(db, people["legal"], case.id, "Nombre reservado", Consent.TEAM)
        ids, holder = {}, {}
        for level in Consent:
            got = items.add_item(db, vault, people["legal"], case.id, [b"texto ficticio"],
                                 incoming=items.Incoming(level, title=f"t-{level.code}"),
                                 now=utcnow())
            ids[level], holder[level] = got.item.id, got.holder_token
        link = intake.create_link(db, people["legal"], case.id, Consent.TEAM, now=utcnow())
    return Archive(case.id, names, ids, holder, link)


CIRCLES = {
    None: {Consent.PUBLIC},
    "other": {Consent.PUBLIC, Consent.FEDERATION},
    "member": {Consent.PUBLIC, Consent.FEDERATION},
    "team": {Consent.PUBLIC, Consent.FEDERATION, Consent.TEAM},
    "legal": set(Consent),
}


def browser(app: FastAPI, archive: Archive, role: str | None) -> Browser:
    b = Browser(app)
    return b if role is None else b.logged_in_as(archive.names[role])


@pytest.mark.parametrize("role", list(CIRCLES), ids=str)
def test_each_circle_sees_exactly_its_items(app: FastAPI, archive: Archive,
                                            role: str | None) -> None:
    b = browser(app, archive, role)
    listed = b.get(f"/api/v1/archive/cases/{archive.case_id}/items")
    assert listed.status_code == 200
    seen = {item["id"] for item in listed.json()}
    assert seen == {archive.ids[level] for level in CIRCLES[role]}
    body = listed.text
    for level in set(Consent) - CIRCLES[role]:  # no trace of the others: id, title
        assert archive.ids[level] not in body
        assert f"t-{level.code}" not in body
    case = b.get(f"/api/v1/archive/cases/{archive.case_id}").json()
    names = [v["name"] for v in case["victims"]]
    assert "Víctima ficticia" in names
    assert ("Nombre reservado" in names) == (role in {"team", "legal"})


def test_holder_changes_consent_and_withdraws(app: FastAPI, archive: Archive) -> None:
    visitor = Browser(app)
    target = archive.ids[Consent.FEDERATION]
    path = f"/api/v1/archive/items/{target}/consent"
    changed = visitor.client.post(path, json={"consent": "public",
                                              "holder_token": archive.holder[Consent.FEDERATION]})
    assert changed.status_code == 200, changed.text
    listed = visitor.get(f"/api/v1/archive/cases/{archive.case_id}/items").json()
    assert target in {item["id"] for item in listed}
    team_member = browser(app, archive, "team")
    widen = team_member.client.post(f"/api/v1/archive/items/{archive.ids[Consent.TEAM]}/consent",
                                    json={"consent": "public"},
                                    headers={"x-csrf-token": team_member.csrf(),
                                             "accept-language": "es"})
    assert_refused(widen, "es", 422)
    gone = visitor.client.post(path, json={"consent": "withdrawn",
                                           "holder_token": archive.holder[Consent.FEDERATION]})
    assert gone.json()["withdrawn"] is True
    for role in CIRCLES:
        listed = browser(app, archive, role).get(
            f"/api/v1/archive/cases/{archive.case_id}/items").json()
        assert target not in {item["id"] for item in listed}
    wrong = visitor.client.post(path, json={"consent": "public", "holder_token": "x" * 32},
                                headers={"accept-language": "en"})
    assert_refused(wrong, "en", 404)


@pytest.mark.parametrize("role", [None, "legal"], ids=str)
def test_memorial_shows_only_what_is_public(app: FastAPI, archive: Archive,
                                            role: str | None) -> None:
    page = browser(app, archive, role).get(f"/memoria/{archive.case_id}")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    html = page.text
    assert "Caso ficticio" in html
    assert "Víctima ficticia" in html
    assert "Nombre reservado" not in html
    assert "t-public" in html
    for level in (Consent.FEDERATION, Consent.TEAM, Consent.LEGAL):
        assert f"t-{level.code}" not in html
        assert archive.ids[level] not in html
    assert "<script src=\"http" not in html


def test_memorial_of_an_unknown_case(app: FastAPI) -> None:
    page = Browser(app, lang="es").get("/memoria/" + "ab" * 16)
    assert_refused(page, "es", 404)


def test_a_witness_sends_a_testimony_through_a_link(app: FastAPI, archive: Archive) -> None:
    witness = Browser(app, lang="es")
    page = witness.get(f"/entrega/{archive.link}")
    assert page.status_code == 200
    assert "Caso ficticio" in page.text
    assert 'name="testimony"' in page.text
    sent = witness.post_form(f"/entrega/{archive.link}",
                             {"testimony": "Lo que vi (texto ficticio).", "title": "Mi relato"})
    assert sent.status_code == 303, sent.text[:300]  # POST-redirect-GET (#13, finding 10)
    assert sent.headers["location"] == "/entrega/recibo"
    assert sent.headers["cache-control"] == "no-store"
    shown = witness.get(sent.headers["location"])
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    assert "Su testimonio fue recibido" in shown.text
    seq_head = shown.text.split("<code>")[1].split("</code>")[0]
    assert len(seq_head.split(":")[1]) == 64
    assert "Lo que vi" not in shown.text  # the receipt, not the testimony
    assert 'href="/consentimiento"' in shown.text
    assert witness.get("/entrega/recibo").text == shown.text  # a reload shows it again...
    assert_refused(Browser(app, lang="es").get("/entrega/recibo"), "es", 404)  # ...here only
    again = witness.get(f"/entrega/{archive.link}")
    assert_refused(again, "es", 404)
    team_view = browser(app, archive, "legal").get(
        f"/api/v1/archive/cases/{archive.case_id}/items").json()
    assert "Mi relato" in {item["title"] for item in team_view}
    public_view = Browser(app).get(f"/api/v1/archive/cases/{archive.case_id}/items").json()
    assert "Mi relato" not in {item["title"] for item in public_view}


def test_a_team_member_unlocks_reads_and_exports(app: FastAPI, archive: Archive,
                                                 tmp_path: Path) -> None:
    legal = browser(app, archive, "legal")
    page = legal.get(f"/archivo/casos/{archive.case_id}")
    assert page.status_code == 200
    assert 'name="passphrase"' in page.text
    assert "/abrir" not in page.text
    wrong = legal.post_form("/archivo/desbloquear", {"passphrase": "no es la frase",
                                                     "case_id": archive.case_id})
    assert_refused(wrong, "es", 422)
    right = legal.post_form("/archivo/desbloquear", {"passphrase": "frase de paso del equipo",
                                                     "case_id": archive.case_id})
    assert right.status_code == 303
    page = legal.get(f"/archivo/casos/{archive.case_id}")
    assert f"/archivo/elementos/{archive.ids[Consent.LEGAL]}/abrir" in page.text
    opened = legal.post_form(f"/archivo/elementos/{archive.ids[Consent.LEGAL]}/abrir", {})
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/archivo/elementos/{archive.ids[Consent.LEGAL]}"
    shown = legal.get(opened.headers["location"])
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    assert "texto ficticio" in shown.text
    bundle = legal.post_form(f"/archivo/casos/{archive.case_id}/exportar",
                             {"recipient": "Fiscalía ficticia"})
    assert bundle.status_code == 200, bundle.text[:300]
    assert bundle.headers["content-type"] == "application/zip"
    path = tmp_path / "caso.zip"
    path.write_bytes(bundle.content)
    read = read_bundle(path)
    assert verify_bundle(read.manifest, read.signature, read.records, read.actual) == []
    other_session = browser(app, archive, "legal")  # another login: not unlocked there
    refused = other_session.post_form(f"/archivo/elementos/{archive.ids[Consent.LEGAL]}/abrir",
                                      {})
    assert_refused(refused, "es", 422)
    member = browser(app, archive, "member")
    page = member.get(f"/archivo/casos/{archive.case_id}")
    assert 'name="passphrase"' not in page.text
    assert f"t-{Consent.TEAM.code}" not in page.text
    assert Browser(app).get(f"/archivo/casos/{archive.case_id}").status_code in {303, 401}
