"""The archive of testimonies (Memory): consent, custody log, envelope, keys, bundle manifest.

Pure: no database, no files, no clock (times are passed in). Modules:

- `consent` — the four consent levels and the access rule (who may see, export, re-consent);
- `custody` — the custody log: entries, ``h_i = SHA-256(h_{i-1} || d_i)``, signed heads;
- `envelope` — one file encrypted with its own key by secretstream, streaming in chunks;
- `keys` — members' X25519 keys under an Argon2id passphrase; file keys sealed to the team;
- `manifest` — an exported bundle's manifest and every check a verifier makes on a bundle;
- `export` — the closing custody entry, the redacted log and the signed manifest of an export.

The protocol, byte for byte, and what it protects against: docs/archive.md.
"""

from asamblea.core.archive.consent import (
    Consent,
    ItemAccess,
    Viewer,
    can_change_consent,
    can_export,
    can_see,
    check_consent_change,
    visible,
)
from asamblea.core.archive.custody import (
    Action,
    CaseHeader,
    Entry,
    HeadStatement,
    Record,
    append,
    entry_digest,
    genesis,
    new_entry,
    next_head,
)
from asamblea.core.archive.export import Export, export_case
from asamblea.core.archive.manifest import (
    FileDigest,
    Manifest,
    ManifestFile,
    holds_receipt,
    verify_bundle,
    verify_custody,
)

__all__ = [
    "Action", "CaseHeader", "Consent", "Entry", "Export", "FileDigest", "HeadStatement",
    "ItemAccess", "Manifest", "ManifestFile", "Record", "Viewer", "append", "can_change_consent",
    "can_export", "can_see", "check_consent_change", "entry_digest", "export_case", "genesis",
    "holds_receipt", "new_entry", "next_head", "verify_bundle", "verify_custody", "visible",
]
