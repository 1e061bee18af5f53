"""The archive's phase-B pages and API on both databases: files sent from the pages (a streamed
multipart form, encrypted as it arrives; the tus script and its vendored client on the page), the
case timeline (API and pages, the memorial showing public events only), the team page, and the
memorial's photo copies without metadata."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from nacl import pwhash
from PIL import Image
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.archive import Action, Consent
from asamblea.core.federation import AssemblyKind, MembershipState, Role
from asamblea.core.people import Person, username_key
from asamblea.services.archive import intake, keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from tests.formats.test_archive_media import GPS_IFD, jpeg_with_gps
from tests.web.conftest import PASSWORD, Browser, assert_refused, unique

keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
PASSPHRASE = "frase de paso del equipo"


@dataclass
class World:
    case_id: str
    names: dict[str, str]
    archive_dir: Path


@pytest.fixture(scope="module")
def world(app: FastAPI) -> World:
    """A case opened by ``legal``; ``member`` of the assembly with a key, not in the team;
    ``other`` of another assembly."""
    names = {role: unique(role[:4]) for role in ("legal", "member", "other")}
    settings = app.state.web.settings
    with app.state.web.sessions.begin() as db:
        people = {role: accounts.register(db, name, PASSWORD) for role, name in names.items()}
        mine = federation.create_assembly(db, people["legal"], name=unique("Familiares"),
                                          kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None)
        federation.create_assembly(db, people["other"], name=unique("Otra"),
                                   kind=AssemblyKind.UNION, parent_id=None)
        FederationRepository(db).add_membership(mine.id, people["member"].id,
                                                MembershipState.ACTIVE, Role.MEMBER)
        for person in people.values():
            keys.set_up_key(db, person, PASSPHRASE)
        case = team.open_case(db, people["legal"], mine.id, title="Caso de páginas",
                              place="Lugar ficticio", occurred_on=date(2026, 1, 9))
    return World(case.id, names, settings.instance_dir / "archive")


def person(db: Session, name: str) -> Person:
    found = PeopleRepository(db).by_key(username_key(name))
    assert found is not None
    return found[0]


def unlocked(app: FastAPI, world: World, role: str = "legal") -> Browser:
    b = Browser(app, lang="es").logged_in_as(world.names[role])
    done = b.post_form("/archivo/desbloquear", {"passphrase": PASSPHRASE,
                                                "case_id": world.case_id})
    assert done.status_code == 303
    return b


def items_seen(b: Browser, world: World) -> dict[str, dict[str, object]]:
    listed = b.get(f"/api/v1/archive/cases/{world.case_id}/items")
    return {i["title"]: i for i in listed.json()}


def upload(b: Browser, path: str, fields: dict[str, str], content: bytes,
           csrf: str | None = "page") -> object:
    data = dict(fields)
    if csrf == "page":
        data["csrf_token"] = b.csrf()
    return b.client.post(path, data=data, files={"file": ("foto.bin", content,
                                                          "application/octet-stream")})


def test_team_sends_a_photo_from_the_page_encrypted_as_it_streams(app: FastAPI,
                                                                   world: World) -> None:
    legal = unlocked(app, world)
    page = legal.get(f"/archivo/casos/{world.case_id}")
    assert 'enctype="multipart/form-data"' in page.text
    assert '<script src="/static/tus.min.js">' in page.text  # vendored, never a CDN
    assert legal.get("/static/tus.min.js").status_code == 200
    sent = upload(legal, f"/archivo/subir/caso/{world.case_id}",
                  {"consent": "public", "title": "Foto del puente"}, jpeg_with_gps())
    assert sent.status_code == 303, sent.text[:300]  # type: ignore[attr-defined]
    item = items_seen(legal, world)["Foto del puente"]
    assert item["media_type"] == "image/jpeg"  # by content: the name said .bin
    assert item["consent"] == "public"
    disk = b"".join(p.read_bytes() for p in world.archive_dir.rglob("*") if p.is_file())
    assert b"TelefonoMarca" not in disk
    # the memorial shows no photo until a member makes its copy without metadata
    assert f"/fotos/{item['id']}" not in Browser(app).get(f"/memoria/{world.case_id}").text
    made = legal.post_form(f"/archivo/elementos/{item['id']}/copia-publica", {})
    assert made.status_code == 303, made.text[:300]
    memorial = Browser(app).get(f"/memoria/{world.case_id}").text
    assert f'src="/memoria/{world.case_id}/fotos/{item["id"]}"' in memorial
    photo = Browser(app).get(f"/memoria/{world.case_id}/fotos/{item['id']}")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(photo.content)).getexif().get_ifd(GPS_IFD)
    assert b"TelefonoMarca" not in photo.content
    opened = legal.post_form(f"/archivo/elementos/{item['id']}/abrir", {})
    assert opened.status_code == 303, opened.text[:300]
    original = legal.get(opened.headers["location"])
    assert original.headers["cache-control"] == "no-store"
    assert original.content == jpeg_with_gps()  # the sealed original keeps its metadata


def test_page_upload_refusals_store_nothing(app: FastAPI, world: World) -> None:
    legal = unlocked(app, world)
    before = len(items_seen(legal, world))
    path = f"/archivo/subir/caso/{world.case_id}"
    assert_refused(upload(legal, path, {}, b"x", csrf=None), "es", 403)  # type: ignore[arg-type]
    program = upload(legal, path, {}, b"MZ\x90\x00" + bytes(200))  # whatever its name
    assert program.status_code == 422  # type: ignore[attr-defined]
    assert "No se aceptan archivos de tipo" in program.text  # type: ignore[attr-defined]
    assert_refused(upload(legal, path, {}, b""), "es", 422)  # type: ignore[arg-type]
    none_chosen = legal.client.post(path, data={"csrf_token": legal.csrf()},
                                    files={"file": ("", b"", "application/octet-stream")})
    assert_refused(none_chosen, "es", 422)
    plain = legal.post_form(path, {"title": "sin archivo"})
    assert_refused(plain, "es", 422)
    boundary = "limite"
    cut = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
           f"{legal.csrf()}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nmitad de un texto").encode()
    truncated = legal.client.post(path, content=cut, headers={
        "content-type": f"multipart/form-data; boundary={boundary}"})
    assert_refused(truncated, "es", 422)
    outsider = Browser(app, lang="es").logged_in_as(world.names["member"])
    assert_refused(upload(outsider, path, {}, b"texto"), "es", 403)  # type: ignore[arg-type]
    assert len(items_seen(legal, world)) == before


def test_a_witness_sends_a_file_through_the_link_page(app: FastAPI, world: World) -> None:
    with app.state.web.sessions.begin() as db:
        legal = person(db, world.names["legal"])
        token = intake.create_link(db, legal, world.case_id, Consent.LEGAL, now=utcnow())
    witness = Browser(app, lang="es")
    page = witness.get(f"/entrega/{token}")
    assert f'action="/archivo/subir/entrega/{token}"' in page.text
    assert f'data-tus-endpoint="/api/v1/archive/cases/{world.case_id}/uploads"' in page.text
    sent = upload(witness, f"/archivo/subir/entrega/{token}", {"title": "Audio del testigo"},
                  b"Texto enviado como archivo: lo que vi.")
    assert sent.status_code == 303, sent.text[:300]  # type: ignore[attr-defined]
    receipt = witness.get(sent.headers["location"])  # type: ignore[attr-defined]
    assert "Su testimonio fue recibido" in receipt.text
    assert_refused(witness.get(f"/entrega/{token}"), "es", 404)  # the link is spent
    seen = items_seen(unlocked(app, world), world)["Audio del testigo"]
    assert seen["consent"] == "legal"
    assert seen["media_type"] == "text/plain"


def test_timeline_through_the_api_and_the_pages(app: FastAPI, world: World) -> None:
    legal = unlocked(app, world)
    token = legal.csrf()
    api = f"/api/v1/archive/cases/{world.case_id}/timeline"
    made = {}
    for consent, text in (("public", "Marcha pacífica"), ("team", "Reunión del equipo")):
        answer = legal.client.post(api, json={"happened_on": "2026-01-09", "happened_at": "18:30",
                                              "description": text, "consent": consent},
                                   headers={"x-csrf-token": token})
        assert answer.status_code == 201, answer.text
        made[consent] = answer.json()["id"]
    by_page = legal.post_form(f"/archivo/casos/{world.case_id}/cronologia",
                              {"happened_on": "2026-01-08", "happened_at": "",
                               "description": "Convocatoria", "consent": "federation"})
    assert by_page.status_code == 303, by_page.text[:300]
    public = Browser(app).get(api).json()
    assert [e["description"] for e in public] == ["Marcha pacífica"]
    assert public[0]["happened_at"] == "18:30"
    other = Browser(app).logged_in_as(world.names["other"]).get(api).json()
    assert [e["description"] for e in other] == ["Convocatoria", "Marcha pacífica"]
    memorial = Browser(app).get(f"/memoria/{world.case_id}").text
    assert "Marcha pacífica" in memorial
    assert "Reunión del equipo" not in memorial
    assert "Convocatoria" not in memorial
    page = legal.get(f"/archivo/casos/{world.case_id}").text
    assert "Reunión del equipo" in page
    member = Browser(app, lang="es").logged_in_as(world.names["member"])
    refused = member.client.post(api, json={"happened_on": "2026-01-09", "description": "x",
                                            "consent": "public"},
                                 headers={"x-csrf-token": member.csrf()})
    assert_refused(refused, "es", 403)
    gone = legal.client.delete(f"/api/v1/archive/timeline/{made['team']}",
                               headers={"x-csrf-token": token})
    assert gone.status_code == 204
    assert_refused(legal.client.delete(f"/api/v1/archive/timeline/{made['team']}",
                                       headers={"x-csrf-token": token, "accept-language": "es"}),
                   "es", 404)


def test_a_timeline_event_is_edited_by_page_and_api(app: FastAPI, world: World) -> None:
    legal = unlocked(app, world)
    token = legal.csrf()
    api = f"/api/v1/archive/cases/{world.case_id}/timeline"
    made = legal.client.post(api, json={"happened_on": "2026-01-10", "description": "Vigilia",
                                        "consent": "public"}, headers={"x-csrf-token": token})
    event_id = made.json()["id"]
    with app.state.web.readers.begin() as db:
        before = len(ArchiveRepository(db).records(world.case_id))
    case_page = legal.get(f"/archivo/casos/{world.case_id}").text
    assert f'href="/archivo/cronologia/{event_id}/editar"' in case_page
    form = legal.get(f"/archivo/cronologia/{event_id}/editar")
    assert form.status_code == 200
    assert "Vigilia</textarea>" in form.text
    assert 'value="public" selected' in form.text
    sent = legal.post_form(f"/archivo/cronologia/{event_id}/editar",
                           {"happened_on": "2026-01-11", "happened_at": "20:15",
                            "description": "Vigilia con velas", "consent": "team"})
    assert sent.status_code == 303, sent.text[:300]
    assert sent.headers["location"] == f"/archivo/casos/{world.case_id}#evento-{event_id}"
    assert "Vigilia" not in Browser(app).get(f"/memoria/{world.case_id}").text
    shown = legal.get(f"/archivo/casos/{world.case_id}").text
    assert "Vigilia con velas" in shown
    assert 'role="status"' in shown
    put = legal.client.put(f"/api/v1/archive/timeline/{event_id}",
                           json={"happened_on": "2026-01-11", "happened_at": "20:15",
                                 "description": "Vigilia con velas", "consent": "public"},
                           headers={"x-csrf-token": token})
    assert put.status_code == 200, put.text
    assert put.json()["consent"] == "public"
    with app.state.web.readers.begin() as db:
        log = ArchiveRepository(db).records(world.case_id)[before:]
    assert [(r.entry.action, r.entry.detail["changed"]) for r in log if r.entry] == [
        (Action.EVENT_EDITED, ["happened_on", "happened_at", "description", "consent"]),
        (Action.EVENT_EDITED, ["consent"])]
    assert "velas" not in str([r.entry.to_json() for r in log if r.entry])
    member = Browser(app, lang="es").logged_in_as(world.names["member"])
    assert_refused(member.get(f"/archivo/cronologia/{event_id}/editar"), "es", 403)
    refused = member.client.put(f"/api/v1/archive/timeline/{event_id}",
                                json={"happened_on": "2026-01-11", "description": "x",
                                      "consent": "public"},
                                headers={"x-csrf-token": member.csrf(), "accept-language": "en"})
    assert_refused(refused, "en", 403)
    bad = legal.post_form(f"/archivo/cronologia/{event_id}/editar",
                          {"happened_on": "2026-01-11", "happened_at": "25:00",
                           "description": "x", "consent": "public"})
    assert_refused(bad, "es", 422)


def test_team_page_adds_and_removes_members(app: FastAPI, world: World) -> None:
    member = Browser(app, lang="es").logged_in_as(world.names["member"])
    assert_refused(member.get(f"/archivo/casos/{world.case_id}/equipo"), "es", 403)
    legal = Browser(app, lang="es").logged_in_as(world.names["legal"])
    page = legal.get(f"/archivo/casos/{world.case_id}/equipo")
    assert page.status_code == 200
    assert world.names["member"] not in page.text
    assert 'name="username"' not in page.text  # locked: unlock first
    refused = legal.post_form(f"/archivo/casos/{world.case_id}/equipo",
                              {"username": world.names["member"], "role": "team"})
    assert_refused(refused, "es", 422)
    legal = unlocked(app, world)
    added = legal.post_form(f"/archivo/casos/{world.case_id}/equipo",
                            {"username": world.names["member"], "role": "team"})
    assert added.status_code == 303, added.text[:300]
    assert world.names["member"] in legal.get(f"/archivo/casos/{world.case_id}/equipo").text
    assert member.get(f"/archivo/casos/{world.case_id}/equipo").status_code == 200
    stranger = legal.post_form(f"/archivo/casos/{world.case_id}/equipo",
                               {"username": world.names["other"], "role": "team"})
    assert_refused(stranger, "es", 422)
    with app.state.web.sessions.begin() as db:
        person_id = person(db, world.names["member"]).id
    removed = legal.post_form(f"/archivo/casos/{world.case_id}/equipo/{person_id}/quitar", {})
    assert removed.status_code == 303, removed.text[:300]
    assert_refused(member.get(f"/archivo/casos/{world.case_id}/equipo"), "es", 403)
