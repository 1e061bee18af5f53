"""Upload benchmark: a video sent through a throttled link, cut twice, resumed, hash intact.

Usage: ``.venv/bin/python benchmarks/bench_archive_upload.py [--mb 200] [--link-mbps 40]``
(run by ``make bench-archive`` after bench_archive.py). The real app is served by uvicorn on a
fresh SQLite database; a witness's client creates the upload through a one-time intake link and
sends it over a raw socket at ``--link-mbps`` MB/s, dropping the connection at one third and at
two thirds; each time it asks ``HEAD`` for the offset and resumes from there with tus ``PATCH``.
The figures: wall time, bytes the server kept at each cut, and whether the SHA-256 the server
took at intake equals the file's. Results are added to benchmarks/results/archive.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from nacl import pwhash

from asamblea.clock import utcnow
from asamblea.core.archive import Consent
from asamblea.core.federation import AssemblyKind
from asamblea.services.archive import intake, keys, team
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.settings import Settings
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.migrate import upgrade
from asamblea.web.app import create_app

RESULTS = Path(__file__).resolve().parent / "results" / "archive.json"
TUS = {"Tus-Resumable": "1.0.0"}
PIECE = 256 * 1024


def serve(folder: Path) -> tuple[str, Any, uvicorn.Server]:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(database_url=url, instance_dir=folder,
                              secret_key="bench-" + "k" * 40))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", app, server


def case_and_link(app: Any) -> tuple[str, str]:
    keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)
    with app.state.web.sessions.begin() as db:
        ana = accounts.register(db, "ana.bench", "una contraseña larga")
        assembly = federation.create_assembly(db, ana, name="Familiares",
                                              kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None)
        keys.set_up_key(db, ana, "frase de paso del equipo")
        case = team.open_case(db, ana, assembly.id, title="Caso de prueba", place="Lugar",
                              occurred_on=date(2026, 1, 1))
        link = intake.create_link(db, ana, case.id, Consent.TEAM, now=utcnow())
    return case.id, link


def send(url: str, at: int, data: memoryview, stop: int, rate: float) -> None:
    """PATCH promising all of ``data`` from ``at``; send up to ``stop`` at ``rate`` B/s."""
    target = httpx.URL(url)
    head = (f"PATCH {target.raw_path.decode()} HTTP/1.1\r\nHost: {target.host}\r\n"
            "Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
            f"Upload-Offset: {at}\r\nContent-Length: {len(data)}\r\n\r\n").encode()
    started = time.perf_counter()
    with socket.create_connection((target.host, target.port)) as connection:
        connection.sendall(head)
        sent = 0
        while sent < stop:
            piece = data[sent:min(stop, sent + PIECE)]
            connection.sendall(piece)
            sent += len(piece)
            ahead = sent / rate - (time.perf_counter() - started)
            if ahead > 0:
                time.sleep(ahead)
        if stop == len(data):
            connection.settimeout(120)
            answer = connection.recv(4096)  # the server's answer
            if not answer.startswith(b"HTTP/1.1 204"):
                raise RuntimeError(answer[:300].decode(errors="replace"))


def offset(url: str, floor: int) -> int:
    for _ in range(600):
        found = int(httpx.head(url, headers=TUS).headers.get("upload-offset", "-1"))
        if found > floor:
            return found
        time.sleep(0.05)
    return floor


def run(mb: int, mbps: float) -> dict[str, Any]:
    video = b"\x00\x00\x00\x18ftypmp42" + os.urandom(mb * 1024 * 1024 - 12)  # an MP4 signature
    digest = hashlib.sha256(video).hexdigest()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as folder:
        base, app, server = serve(Path(folder))
        case_id, link = case_and_link(app)
        created = httpx.post(f"{base}/api/v1/archive/cases/{case_id}/uploads", headers=TUS | {
            "Upload-Length": str(len(video)), "Archive-Intake-Link": link})
        url = base + created.headers["location"]
        view, rate = memoryview(video), mbps * 1024 * 1024
        started = time.perf_counter()
        send(url, 0, view, len(video) // 3, rate)
        first = offset(url, 0)
        send(url, first, view[first:], 2 * len(video) // 3 - first, rate)
        second = offset(url, first)
        send(url, second, view[second:], len(video) - second, rate)
        elapsed = time.perf_counter() - started
        with app.state.web.sessions.begin() as db:
            repo = ArchiveRepository(db)
            found = repo.items(case_id, list(Consent))
        server.should_exit = True
    return {"mb": mb, "link_mb_per_s": mbps, "seconds_wall": round(elapsed, 2),
            "kept_at_first_cut": first, "kept_at_second_cut": second,
            "ideal_seconds_at_link_rate": round(mb / mbps, 2),
            "hash_intact": len(found) == 1 and found[0].sha256 == digest,
            "load_average_1min": round(os.getloadavg()[0], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--link-mbps", type=float, default=40.0)
    args = parser.parse_args()
    figures = run(args.mb, args.link_mbps)
    report = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    report["upload_cut_twice"] = figures
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
