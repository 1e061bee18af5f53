"""Building an export: the closing custody entry, the redacted log and the signed manifest.

`export_case` is what the archive service calls with the case's whole log and the originals the
legal team chose (already decrypted by a member's unlocked key, and hashed as they stream). It
refuses a withdrawn item or a file that is not the original received at intake, appends the
``exported`` entry, redacts every entry about an item not handed over, and signs the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nacl.signing import SigningKey

from asamblea.core.archive.custody import (
    Action,
    CaseHeader,
    Record,
    append,
    genesis,
    new_entry,
)
from asamblea.core.archive.manifest import Manifest, ManifestFile, provenance_findings
from asamblea.core.errors import N_, Invalid
from asamblea.core.ledger import sign


@dataclass(frozen=True)
class Export:
    """What an export produces: the new log record to store, and the bundle's contents."""

    record: Record
    manifest: Manifest
    signature: str
    records: tuple[Record, ...]


def export_case(
    key: SigningKey, header: CaseHeader, log: Sequence[Record], files: Sequence[ManifestFile],
    *, at: str, actor: str, recipient: str,
) -> Export:
    """The export of ``files`` to ``recipient``; `Invalid` when an item may not leave."""
    if not files:
        raise Invalid(N_("Choose at least one item to export"))
    draft = Manifest(header, at, recipient, tuple(files), len(log), "")
    problems = provenance_findings(draft, log)
    if problems:
        raise Invalid(N_("This item cannot be exported: {reason}"), reason=problems[0].message)
    items = sorted({item.item for item in files})
    previous = bytes.fromhex(log[-1].head) if log else genesis(header)
    entry = new_entry(len(log) + 1, Action.EXPORTED, at, actor,
                      detail={"items": list(items), "recipient": recipient})
    record = append(key, header, previous, entry)
    shown = set(items)
    records = tuple(
        r if r.entry is None or r.entry.item is None or r.entry.item in shown else r.redacted()
        for r in (*log, record)
    )
    manifest = Manifest(header, at, recipient, tuple(files), record.seq, record.head)
    return Export(record, manifest, sign(key, manifest), records)
