"""A fictional case for the archive tests: a log of custody entries and its originals.

No real person's name: the case is invented, the witnesses are handles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from nacl.signing import SigningKey

from asamblea.core.archive import (
    Action,
    CaseHeader,
    Export,
    ManifestFile,
    Record,
    append,
    export_case,
    genesis,
    new_entry,
)
from asamblea.core.ledger import JsonValue, public_key_hex, signing_key_from_seed

KEY = signing_key_from_seed(bytes(range(32)))
OTHER_KEY = signing_key_from_seed(bytes(range(1, 33)))
HEADER = CaseHeader("caso-puente-7", "2026-12-01T15:00:00Z", public_key_hex(KEY))


@dataclass
class Case:
    """A case log being built, entry by entry."""

    key: SigningKey
    header: CaseHeader
    log: list[Record]

    def add(self, action: Action, item: str | None,
            detail: dict[str, JsonValue] | None = None, actor: str = "equipo-1") -> Record:
        previous = bytes.fromhex(self.log[-1].head) if self.log else genesis(self.header)
        at = f"2026-12-02T10:{len(self.log) % 60:02d}:00Z"
        entry = new_entry(len(self.log) + 1, action, at, actor, item, detail=detail)
        record = append(self.key, self.header, previous, entry)
        self.log.append(record)
        return record


ORIGINALS = {
    "item-a": b"Testimonio de la testigo A: lo que vio en el puente.\n" * 20,
    "item-b": bytes(range(256)) * 40,  # a photo, say
    "item-c": b"Documento medico (ficticio).\n",
}


def receive(case: Case, item: str, data: bytes, media_type: str = "text/plain") -> None:
    case.add(Action.RECEIVED, item, {"sha256": hashlib.sha256(data).hexdigest(),
                                     "size": len(data), "media_type": media_type},
             actor="testigo")


def sample_case() -> Case:
    """Three items received, viewed, one annotated, one withdrawn by the family."""
    case = Case(KEY, HEADER, [])
    for item, data in ORIGINALS.items():
        receive(case, item, data)
    case.add(Action.VIEWED, "item-a")
    case.add(Action.ANNOTATED, "item-b", {"note_sha256": "ab" * 32})
    case.add(Action.CONSENT_CHANGED, "item-a", {"from": "team", "to": "legal", "by": "holder"})
    case.add(Action.WITHDRAWN, "item-c", {"by": "holder"}, actor="familia")
    case.add(Action.KEYS_REWRAPPED, None, {"removed": "equipo-3", "recipients": 2})
    return case


def manifest_file(item: str, data: bytes, name: str = "original.bin") -> ManifestFile:
    return ManifestFile(f"originals/{item}/{name}", item, hashlib.sha256(data).hexdigest(),
                        len(data), "application/octet-stream")


def sample_export(case: Case | None = None, items: tuple[str, ...] = ("item-a", "item-b")
                  ) -> Export:
    case = case or sample_case()
    files = [manifest_file(item, ORIGINALS[item]) for item in items]
    return export_case(case.key, case.header, case.log, files, at="2026-12-03T09:00:00Z",
                       actor="legal-1", recipient="Fiscalía (ficticia)")
