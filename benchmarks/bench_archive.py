"""Archive benchmark: envelope throughput per core beside raw secretstream and OpenSSL; 1 GB verify.

Usage: ``.venv/bin/python benchmarks/bench_archive.py [--mb 128] [--bundle-mb 1024]``.

- **Envelope** (`asamblea.core.archive.envelope`): encrypt and decrypt ``--mb`` MiB given as
  1 MiB pieces (as a file or an upload arrives), 64 KiB chunks; MB/s per core = bytes / CPU
  seconds of this process (target ≥ 100 MB/s).
- **Peers, same run**: raw libsodium secretstream through PyNaCl without our framing (the same
  push/pull calls on 64 KiB slices: what our framing and buffering cost), and OpenSSL's
  ChaCha20-Poly1305 (``openssl speed -evp chacha20-poly1305`` at 64 KiB blocks: the same cipher
  family in optimised C, no Python at all). ``age`` is used too when installed.
- **Bundle verify**: a bundle of ``--bundle-mb`` MiB of originals (4 files) written to a temporary
  directory, then `read_bundle` + `verify_bundle` timed (target ≤ 30 s for 1 GB). The files were
  just written, so they are read from the page cache: this measures hashing and checking, not the
  disk.

Writes benchmarks/results/archive.json with the load average beside the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nacl import bindings as sodium

from asamblea.core.archive import (
    Action,
    CaseHeader,
    ManifestFile,
    Record,
    append,
    export_case,
    genesis,
    new_entry,
    verify_bundle,
)
from asamblea.core.archive.envelope import CHUNK_SIZE, decrypt, encrypt, new_file_key
from asamblea.core.ledger import public_key_hex, signing_key_from_seed
from asamblea.formats.archive import read_bundle, write_bundle

MIB = 1024 * 1024
RESULTS = Path(__file__).resolve().parent / "results" / "archive.json"


def measure(action: Callable[[], int]) -> dict[str, float]:
    """Run ``action`` (returns bytes processed): wall and CPU seconds, MB/s per core."""
    wall, cpu = time.perf_counter(), time.process_time()
    processed = action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds_wall": round(wall, 3), "seconds_cpu": round(cpu, 3),
            "mb_per_s_per_core": round(processed / MIB / max(cpu, 1e-9), 1),
            "mb_per_s_wall": round(processed / MIB / max(wall, 1e-9), 1)}


def pieces(block: bytes, mb: int) -> Iterator[bytes]:
    """``mb`` MiB as 1 MiB pieces (one random block repeated: the cipher does not care)."""
    for _ in range(mb):
        yield block


def envelope_figures(block: bytes, mb: int) -> dict[str, Any]:
    """Encrypt and decrypt through the envelope, and the raw secretstream peer."""
    key = new_file_key()
    frames: list[bytes] = []

    def encrypt_all() -> int:
        for frame in encrypt(key, pieces(block, mb)):
            frames.append(frame)
        return mb * MIB

    def decrypt_all() -> int:
        return sum(len(chunk) for chunk in decrypt(key, iter(frames)))

    figures = {"envelope_encrypt": measure(encrypt_all), "envelope_decrypt": measure(decrypt_all)}
    frames.clear()
    figures |= raw_secretstream(block, mb, key)
    return figures


def raw_secretstream(block: bytes, mb: int, key: bytes) -> dict[str, Any]:
    """The peer: the same libsodium calls on 64 KiB slices, no framing, no buffering."""
    slices = [block[i:i + CHUNK_SIZE] for i in range(0, len(block), CHUNK_SIZE)]
    push = sodium.crypto_secretstream_xchacha20poly1305_push
    pull = sodium.crypto_secretstream_xchacha20poly1305_pull
    out: list[bytes] = []

    def push_all() -> int:
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        out.append(sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key))
        for _ in range(mb):
            out.extend(push(state, piece) for piece in slices)
        return mb * MIB

    def pull_all() -> int:
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, out[0], key)
        return sum(len(pull(state, frame)[0]) for frame in out[1:])

    return {"raw_secretstream_push": measure(push_all), "raw_secretstream_pull": measure(pull_all)}


def openssl_figure() -> dict[str, Any] | None:
    """``openssl speed`` for ChaCha20-Poly1305 at 64 KiB blocks (1 s), if openssl is installed."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    done = subprocess.run(  # noqa: S603 - a fixed command line, no user input
        [openssl, "speed", "-seconds", "1", "-bytes", str(CHUNK_SIZE), "-evp",
         "chacha20-poly1305"], capture_output=True, text=True, check=False, timeout=60)
    found = re.search(r"chacha20-poly1305\s+([\d.]+)k", done.stdout, re.IGNORECASE)
    if found is None:
        return {"error": done.stderr.strip()[-200:]}
    return {"mb_per_s_per_core": round(float(found.group(1)) * 1000 / MIB, 1),
            "command": "openssl speed -seconds 1 -bytes 65536 -evp chacha20-poly1305"}


def bundle_figures(block: bytes, bundle_mb: int) -> dict[str, Any]:
    """Write a bundle of ``bundle_mb`` MiB (4 originals) and time reading and verifying it."""
    key = signing_key_from_seed(bytes(32))
    header = CaseHeader("caso-bench", "2026-12-01T00:00:00Z", public_key_hex(key))
    per_file = bundle_mb // 4
    digest = hashlib.sha256()
    for _ in range(per_file):
        digest.update(block)
    sha = digest.hexdigest()
    log: list[Record] = []
    files = []
    for index in range(4):
        item = f"item-{index}"
        previous = bytes.fromhex(log[-1].head) if log else genesis(header)
        entry = new_entry(index + 1, Action.RECEIVED, "2026-12-01T00:00:00Z", "testigo", item,
                          detail={"sha256": sha, "size": per_file * MIB,
                                  "media_type": "video/mp4"})
        log.append(append(key, header, previous, entry))
        files.append(ManifestFile(f"originals/{item}/video.mp4", item, sha, per_file * MIB,
                                  "video/mp4"))
    export = export_case(key, header, log, files, at="2026-12-02T00:00:00Z", actor="legal",
                         recipient="bench")
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as folder:
        path = Path(folder) / "bundle"
        started = time.perf_counter()
        write_bundle(path, export, {f.path: pieces(block, per_file) for f in files})
        written = time.perf_counter() - started
        findings: list[Any] = []

        def verify() -> int:
            bundle = read_bundle(path)
            findings.extend(verify_bundle(bundle.manifest, bundle.signature, bundle.records,
                                          bundle.actual))
            return 4 * per_file * MIB

        figures = measure(verify)
    return {"bundle_mb": 4 * per_file, "write_seconds": round(written, 3),
            "verify": figures, "verify_findings": len(findings), "target_verify_s": 30.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=128)
    parser.add_argument("--bundle-mb", type=int, default=1024)
    args = parser.parse_args()
    block = os.urandom(MIB)
    report: dict[str, Any] = {"mb": args.mb, "chunk_size": CHUNK_SIZE,
                              "load_average_1min_before": round(os.getloadavg()[0], 2)}
    report |= envelope_figures(block, args.mb)
    report["openssl_chacha20_poly1305"] = openssl_figure()
    report["bundle"] = bundle_figures(block, args.bundle_mb)
    report["target_mb_per_s_per_core"] = 100.0
    report["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    report["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "platform": platform.platform(),
                         "libsodium": sodium.sodium_version_string()
                         if hasattr(sodium, "sodium_version_string") else "bundled with PyNaCl"}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for name in ("envelope_encrypt", "envelope_decrypt", "raw_secretstream_push",
                 "raw_secretstream_pull"):
        print(f"{name:<24} {report[name]['mb_per_s_per_core']:8.1f} MB/s per core")
    if report["openssl_chacha20_poly1305"]:
        print(f"{'openssl (C, 64 KiB)':<24} "
              f"{report['openssl_chacha20_poly1305'].get('mb_per_s_per_core')} MB/s per core")
    bundle = report["bundle"]
    print(f"bundle verify {bundle['bundle_mb']} MiB: {bundle['verify']['seconds_wall']} s wall, "
          f"{bundle['verify_findings']} findings (target ≤ 30 s)")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
