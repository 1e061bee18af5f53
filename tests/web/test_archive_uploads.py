"""The tus 1.0 upload API on both databases: a witness's upload through a one-time link, cut twice
on a real socket and resumed, arrives with its hash intact; every protocol error has its status."""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from nacl import pwhash

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.federation import AssemblyKind
from asamblea.services.archive import intake, keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.archive_repository import ArchiveRepository
from tests.web.conftest import PASSWORD, assert_refused, unique

keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
TUS = {"Tus-Resumable": "1.0.0"}
PATCH_HEADERS = TUS | {"Content-Type": "application/offset+octet-stream"}


@pytest.fixture(scope="module")
def case_id(app: FastAPI) -> str:
    """A case whose team is one facilitator with a key."""
    with app.state.web.sessions.begin() as db:
        ana = accounts.register(db, unique("ana"), PASSWORD)
        assembly = federation.create_assembly(db, ana, name=unique("Familiares"),
                                              kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None)
        keys.set_up_key(db, ana, "frase de paso del equipo")
        case = team.open_case(db, ana, assembly.id, title="Caso ficticio", place="Lugar",
                              occurred_on=date(2026, 12, 12))
        app.state.test_ana = ana
    return case.id


def new_link(app: FastAPI, case_id: str) -> str:
    with app.state.web.sessions.begin() as db:
        return intake.create_link(db, app.state.test_ana, case_id, Consent.TEAM, now=utcnow())


@pytest.fixture(scope="module")
def server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free port (a real socket, so a cut is a real cut)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(200):
        if running.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=5)


def create(base: str, case_id: str, link: str, length: int) -> str:
    name = base64.b64encode(b"video-del-puente.mp4").decode()
    response = httpx.post(f"{base}/api/v1/archive/cases/{case_id}/uploads",
                          headers=TUS | {"Upload-Length": str(length),
                                         "Upload-Metadata": f"filename {name}",
                                         "Archive-Intake-Link": link})
    assert response.status_code == 201, response.text
    return base + response.headers["location"]


def offset(url: str) -> int:
    response = httpx.head(url, headers=TUS)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    return int(response.headers["upload-offset"])


def cut_patch(url: str, at: int, data: bytes, sent: int) -> None:
    """A PATCH that promises all of ``data`` but sends only ``sent`` bytes, then the line drops."""
    target = httpx.URL(url)
    head = (f"PATCH {target.raw_path.decode()} HTTP/1.1\r\nHost: {target.host}\r\n"
            f"Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Offset: {at}\r\nContent-Length: {len(data)}\r\n\r\n").encode()
    with socket.create_connection((target.host, target.port)) as connection:
        connection.sendall(head + data[:sent])
        time.sleep(0.2)


def test_upload_cut_twice_resumes_with_its_hash_intact(app: FastAPI, case_id: str,
                                                       server: str) -> None:
    video = b"\x00\x00\x00\x18ftypmp42" + secrets.token_bytes(3_000_000)
    url = create(server, case_id, new_link(app, case_id), len(video))
    cut_patch(url, 0, video, 1_000_000)
    for _ in range(100):  # the server finishes the cut request after the socket closes
        if offset(url) > 0:
            break
        time.sleep(0.05)
    first = offset(url)
    assert 0 < first <= 1_000_000
    cut_patch(url, first, video[first:], 900_000)
    for _ in range(100):
        if offset(url) > first:
            break
        time.sleep(0.05)
    second = offset(url)
    assert first < second <= first + 900_000
    done = httpx.patch(url, headers=PATCH_HEADERS | {"Upload-Offset": str(second)},
                       content=video[second:], timeout=60)
    assert done.status_code == 204, done.text
    assert done.headers["upload-offset"] == str(len(video))
    item_id = done.headers["archive-item"]
    seq, head = done.headers["archive-receipt"].split(":")
    assert int(seq) >= 1
    assert len(head) == 64
    with app.state.web.sessions.begin() as db:
        item = ArchiveRepository(db).item(item_id)
    assert item is not None
    assert item.sha256 == hashlib.sha256(video).hexdigest()
    assert item.media_type == "video/mp4"
    assert httpx.head(url, headers=TUS).status_code == 404  # the upload is gone


def test_protocol_errors_have_their_status(app: FastAPI, case_id: str, server: str) -> None:
    url = create(server, case_id, new_link(app, case_id), 10)
    language = {"Accept-Language": "es"}
    checks = [
        (httpx.head(url, headers={"Tus-Resumable": "0.2.2", **language}), 412),
        (httpx.patch(url, headers=TUS | language | {"Upload-Offset": "0",
                                                    "Content-Type": "text/plain"},
                     content=b"x"), 415),
        (httpx.patch(url, headers=PATCH_HEADERS | language | {"Upload-Offset": "3"},
                     content=b"x"), 409),
        (httpx.patch(url, headers=PATCH_HEADERS | language | {"Upload-Offset": "0"},
                     content=b"x" * 11), 413),
        (httpx.head(url.rsplit("/", 1)[0] + "/" + "A" * 43, headers=TUS | language), 404),
        (httpx.post(f"{server}/api/v1/archive/cases/{case_id}/uploads",
                    headers=TUS | language | {"Upload-Length": str(10**13),
                                              "Archive-Intake-Link": new_link(app, case_id)}),
         413),
        (httpx.post(f"{server}/api/v1/archive/cases/{case_id}/uploads",
                    headers=TUS | language | {"Upload-Length": "5",
                                              "Archive-Intake-Link": "not-a-link"}), 404),
    ]
    for response, status in checks:
        if response.request.method == "HEAD":
            assert response.status_code == status
        else:
            assert_refused(response, "es", status)
    assert offset(url) == 0
    assert httpx.delete(url, headers=TUS).status_code == 204
    assert httpx.head(url, headers=TUS).status_code == 404


def test_options_describes_the_server(server: str) -> None:
    response = httpx.options(f"{server}/api/v1/archive/uploads")
    assert response.status_code == 200
    assert response.headers["tus-version"] == "1.0.0"
    assert response.headers["tus-extension"] == "creation,termination"
    assert int(response.headers["tus-max-size"]) >= 2_000_000_000
