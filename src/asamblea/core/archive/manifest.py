"""The manifest of an exported case bundle, and the checks a verifier makes on a bundle.

A bundle holds the originals the legal team chose (decrypted, as received: a prosecutor must be
able to recompute each SHA-256 taken at intake), the case's custody log (entries about items not
handed over are redacted: digest, head and signature only) and this manifest, signed with the
archive's key::

    {"schema": "asamblea-archive-bundle/1", "case": <case header>, "exported_at", "recipient",
     "files": [{"path", "item", "sha256", "size", "media_type"}, ...],
     "custody": {"length", "head"}}

`verify_bundle` returns every problem as a `Finding` (the ledger's), each with a stable code:
``manifest.signature`` (the manifest was altered or its signature replaced), ``file.missing``,
``file.changed`` (hash or size differs), ``file.extra``, ``file.intake`` (no received entry with
that hash: not the original taken at intake), ``file.withdrawn``, ``custody.missing`` (an entry
removed), ``custody.order`` (entries reordered or repeated), ``custody.altered`` (an entry's text
changed), ``custody.chain``, ``custody.signature`` (a signature replaced), ``custody.length``
(entries removed at the end), ``custody.export`` (the last entry is not this export).
The file digests are computed by the reader (`asamblea.formats.archive`): this module does no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from asamblea.core.archive.custody import (
    HASH_SIZE,
    Action,
    CaseHeader,
    HeadStatement,
    Record,
    entry_digest,
    entry_problem,
    genesis,
    next_head,
)
from asamblea.core.ledger import Finding, JsonValue, is_signed
from asamblea.core.ledger.canonical import is_hex

BUNDLE_SCHEMA = "asamblea-archive-bundle/1"


@dataclass(frozen=True)
class ManifestFile:
    """One original in the bundle: where it is, which item it is, and its digest."""

    path: str
    item: str
    sha256: str
    size: int
    media_type: str

    def to_json(self) -> dict[str, JsonValue]:
        """The file's line in the manifest."""
        return {"path": self.path, "item": self.item, "sha256": self.sha256,
                "size": self.size, "media_type": self.media_type}


@dataclass(frozen=True)
class Manifest:
    """What a bundle says it holds (signed as a whole)."""

    case: CaseHeader
    exported_at: str
    recipient: str
    files: tuple[ManifestFile, ...]
    custody_length: int
    custody_head: str

    def to_json(self) -> dict[str, JsonValue]:
        """The manifest as plain JSON; its canonical bytes are what the signature covers."""
        return {"schema": BUNDLE_SCHEMA, "case": self.case.to_json(),
                "exported_at": self.exported_at, "recipient": self.recipient,
                "files": [item.to_json() for item in self.files],
                "custody": {"length": self.custody_length, "head": self.custody_head}}


@dataclass(frozen=True)
class FileDigest:
    """What the reader measured of a file in the bundle."""

    sha256: str
    size: int


def verify_bundle(
    manifest: Manifest, signature: str, records: Sequence[Record],
    actual: Mapping[str, FileDigest], *, public_key: str | None = None,
) -> list[Finding]:
    """Every problem with a bundle; an empty list means it verifies.

    ``actual`` maps each file found under ``originals/`` to its measured digest. ``public_key``,
    when given, is the key published for the archive (else the manifest's own is trusted only
    for consistency).
    """
    key = manifest.case.public_key
    findings: list[Finding] = []
    if public_key is not None and public_key != key:
        findings.append(Finding("manifest.key", "La clave pública del paquete no es la "
                                f"anunciada ({public_key})", "manifest.case.public_key"))
    if not is_signed(key, manifest, signature):
        findings.append(Finding("manifest.signature", "La firma del manifiesto no es válida: "
                                "el manifiesto fue alterado o su firma reemplazada",
                                "manifest.signature"))
    findings += verify_custody(manifest.case, records)
    findings += _length_findings(manifest, records)
    findings += _file_findings(manifest, actual)
    findings += provenance_findings(manifest, records)
    return findings


def holds_receipt(records: Sequence[Record], seq: int, head: str) -> bool:
    """Whether the log holds ``head`` after its entry ``seq`` (a witness's intake receipt)."""
    return any(record.seq == seq and record.head == head for record in records)


def verify_custody(header: CaseHeader, records: Sequence[Record]) -> list[Finding]:
    """The chain and signatures of a custody log: one finding per broken place."""
    findings: list[Finding] = []
    start = genesis(header)
    previous, expected = start, 1
    for index, record in enumerate(records):
        where = f"custody.jsonl[{index}]"
        if record.seq > expected:
            findings.append(Finding("custody.missing", f"Faltan las entradas {expected} a "
                                    f"{record.seq - 1} del registro de custodia", where, index))
        elif record.seq < expected:
            findings.append(Finding("custody.order", f"La entrada {record.seq} está fuera de "
                                    "orden o repetida", where, index))
        findings += _record_findings(header, start, previous, record, where=where, index=index)
        expected = max(expected, record.seq + 1)
        previous = bytes.fromhex(record.head) if is_hex(record.head, HASH_SIZE) else previous
    return findings


def _record_findings(header: CaseHeader, start: bytes, previous: bytes, record: Record, *,
                     where: str, index: int) -> list[Finding]:
    """The checks of one record against the head before it."""
    if not (is_hex(record.digest, HASH_SIZE) and is_hex(record.head, HASH_SIZE)):
        return [Finding("custody.format", "Resumen o cabeza mal escritos", where, index)]
    if record.entry is not None:
        problem = entry_problem(record.entry)
        if problem is not None:
            return [Finding("custody.format", f"Entrada mal formada: {problem}", where, index)]
        if entry_digest(record.entry).hex() != record.digest or record.entry.seq != record.seq:
            return [Finding("custody.altered", f"La entrada {record.seq} fue modificada: su "
                            "contenido no corresponde a su resumen", where, index)]
    findings: list[Finding] = []
    if next_head(previous, bytes.fromhex(record.digest)).hex() != record.head:
        findings.append(Finding("custody.chain", f"La cadena se rompe en la entrada "
                                f"{record.seq}: una entrada anterior fue quitada, movida o "
                                "cambiada", where, index))
    statement = HeadStatement(header.case_id, start.hex(), record.seq, record.head)
    if not is_signed(header.public_key, statement, record.signature):
        findings.append(Finding("custody.signature", f"La firma de la entrada {record.seq} no "
                                "es válida (firma reemplazada o cabeza alterada)", where, index))
    return findings


def _length_findings(manifest: Manifest, records: Sequence[Record]) -> list[Finding]:
    """The log ends where the manifest says, with this export."""
    last = records[-1] if records else None
    if last is None or last.seq != manifest.custody_length or last.head != manifest.custody_head:
        return [Finding("custody.length", f"El registro de custodia no termina donde dice el "
                        f"manifiesto (entrada {manifest.custody_length}): se quitaron entradas "
                        "del final o se añadieron", "manifest.custody")]
    entry = last.entry
    items = sorted({item.item for item in manifest.files})
    if entry is None or entry.action is not Action.EXPORTED or entry.detail.get("items") != items:
        return [Finding("custody.export", "La última entrada del registro no es esta "
                        "exportación con estos ítems", f"custody.jsonl[{len(records) - 1}]")]
    return []


def _file_findings(manifest: Manifest, actual: Mapping[str, FileDigest]) -> list[Finding]:
    """Each listed file present and unchanged; no file that the manifest does not list."""
    findings: list[Finding] = []
    listed = {item.path for item in manifest.files}
    for index, item in enumerate(manifest.files):
        where = f"manifest.files[{index}]"
        found = actual.get(item.path)
        if found is None:
            findings.append(Finding("file.missing", f"Falta el archivo {item.path}", where, index))
        elif (found.sha256, found.size) != (item.sha256, item.size):
            findings.append(Finding("file.changed", f"El archivo {item.path} fue modificado: su "
                                    "SHA-256 o su tamaño no es el del manifiesto", where, index))
    findings += [Finding("file.extra", f"El archivo {path} no está en el manifiesto", path)
                 for path in sorted(set(actual) - listed)]
    return findings


def provenance_findings(manifest: Manifest, records: Sequence[Record]) -> list[Finding]:
    """Each file is the original taken at intake, and none was withdrawn."""
    received: dict[str, set[str]] = {}
    withdrawn: set[str] = set()
    for record in records:
        entry = record.entry
        if entry is None or entry.item is None:
            continue
        if entry.action is Action.RECEIVED:
            received.setdefault(entry.item, set()).add(str(entry.detail["sha256"]))
        elif entry.action is Action.WITHDRAWN:
            withdrawn.add(entry.item)
    findings: list[Finding] = []
    for index, item in enumerate(manifest.files):
        where = f"manifest.files[{index}]"
        if item.sha256 not in received.get(item.item, set()):
            findings.append(Finding("file.intake", f"El archivo {item.path} no tiene en el "
                                    "registro una recepción con ese SHA-256", where, index))
        if item.item in withdrawn:
            findings.append(Finding("file.withdrawn", f"El ítem {item.item} fue retirado y no "
                                    "debía exportarse", where, index))
    return findings
