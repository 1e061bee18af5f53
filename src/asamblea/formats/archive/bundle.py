"""An exported case bundle on disk: a directory or a ZIP file, schema ``asamblea-archive-bundle/1``.

Layout (the same names in a directory or in a ZIP archive, stored uncompressed)::

    manifest.json     {"manifest": <Manifest.to_json()>, "signature": {"algorithm": "ed25519",
                       "value": "<hex>"}}  — the signature covers the canonical JSON of "manifest"
    custody.jsonl     one record per line: {"seq", "digest", "head", "signature",
                       "entry": <Entry.to_json()> | null}   (null: redacted)
    originals/<item>/<file name>   each original as received at intake (decrypted)

`read_bundle` checks the *shape* (exact keys, no decimals, safe paths) and raises `FormatError`
naming the file and the line; it measures every other file's SHA-256 and size by streaming (1 MiB
at a time). `asamblea.core.archive.verify_bundle` checks the *content*.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from asamblea.core.archive import (
    Action,
    CaseHeader,
    Entry,
    Export,
    FileDigest,
    Manifest,
    ManifestFile,
    Record,
)
from asamblea.core.archive.manifest import BUNDLE_SCHEMA
from asamblea.core.errors import DomainError
from asamblea.formats.errors import FormatError

MANIFEST, CUSTODY = "manifest.json", "custody.jsonl"
READ_SIZE = 1024 * 1024
_SAFE_PATH = re.compile(r"originals/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9._-]{1,128}")


def safe_name(name: str) -> str:
    """A file name fit for a bundle path (letters, digits, ``._-``; others become ``_``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")[:128]
    return cleaned or "archivo"


def is_safe_path(path: str) -> bool:
    """Whether ``path`` is ``originals/<item>/<name>`` with nothing that could climb out."""
    return _SAFE_PATH.fullmatch(path) is not None and ".." not in path.split("/")


# ---- writing -------------------------------------------------------------------------------

def _manifest_bytes(export: Export) -> bytes:
    document = {"manifest": export.manifest.to_json(),
                "signature": {"algorithm": "ed25519", "value": export.signature}}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _custody_bytes(records: Iterable[Record]) -> bytes:
    lines = [json.dumps({"seq": r.seq, "digest": r.digest, "head": r.head,
                         "signature": r.signature,
                         "entry": None if r.entry is None else r.entry.to_json()},
                        ensure_ascii=False, separators=(",", ":")) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_bundle(path: str | Path, export: Export,
                 originals: Mapping[str, Iterable[bytes]]) -> None:
    """Write the bundle: a ZIP file when ``path`` ends in ``.zip``, else a new directory.

    ``originals`` maps each manifest path to its plaintext chunks (streamed, never held whole).
    """
    target = Path(path)
    if set(originals) != {item.path for item in export.manifest.files}:
        raise FormatError("los originales no son los del manifiesto", path=target)
    if not all(is_safe_path(name) for name in originals):
        raise FormatError("ruta de original no permitida", path=target)
    if target.suffix == ".zip":
        with target.open("xb") as out:
            write_zip(out, export, originals)
        return
    target.mkdir()
    (target / MANIFEST).write_bytes(_manifest_bytes(export))
    (target / CUSTODY).write_bytes(_custody_bytes(export.records))
    for name, chunks in originals.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        with (target / name).open("xb") as out:
            _copy(chunks, out)


def write_zip(out: IO[bytes], export: Export, originals: Mapping[str, Iterable[bytes]]) -> None:
    """The bundle as an uncompressed ZIP written to ``out`` (a file, or memory for a download)."""
    if set(originals) != {item.path for item in export.manifest.files}:
        raise FormatError("los originales no son los del manifiesto")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(MANIFEST, _manifest_bytes(export))
        archive.writestr(CUSTODY, _custody_bytes(export.records))
        for name, chunks in originals.items():
            with archive.open(name, "w", force_zip64=True) as item:
                _copy(chunks, item)


def _copy(chunks: Iterable[bytes], out: IO[bytes]) -> None:
    for chunk in chunks:
        out.write(chunk)


# ---- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bundle:
    """A bundle as read: what it says (manifest, log) and what was measured (file digests)."""

    manifest: Manifest
    signature: str
    records: tuple[Record, ...]
    actual: Mapping[str, FileDigest]


def read_bundle(path: str | Path) -> Bundle:
    """Read and measure a bundle (directory or ZIP); `FormatError` naming file and line."""
    source = Path(path)
    try:
        if source.is_dir():
            return _read(_DirectorySource(source))
        with zipfile.ZipFile(source) as archive:
            return _read(_ZipSource(archive))
    except FormatError as error:
        raise error.at(error.path or source) from None
    except zipfile.BadZipFile:
        raise FormatError("no es un directorio ni un archivo ZIP de paquete", path=source) from None
    except OSError as error:
        raise FormatError(f"no se puede leer el paquete: {error.strerror}", path=source) from None


class _DirectorySource:
    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file())

    def chunks(self, name: str) -> Iterator[bytes]:
        with (self.root / name).open("rb") as handle:
            while chunk := handle.read(READ_SIZE):
                yield chunk

    def where(self, name: str) -> str:
        return str(self.root / name)


class _ZipSource:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def names(self) -> list[str]:
        return sorted(n for n in self.archive.namelist() if not n.endswith("/"))

    def chunks(self, name: str) -> Iterator[bytes]:
        with self.archive.open(name) as handle:
            while chunk := handle.read(READ_SIZE):
                yield chunk

    def where(self, name: str) -> str:
        return f"{self.archive.filename}:{name}"


def _read(source: _DirectorySource | _ZipSource) -> Bundle:
    names = source.names()
    for required in (MANIFEST, CUSTODY):
        if required not in names:
            raise FormatError(f"falta {required}: no es un paquete de archivo")
    try:
        manifest, signature = _manifest(b"".join(source.chunks(MANIFEST)))
    except FormatError as error:
        raise error.at(source.where(MANIFEST)) from None
    try:
        records = _records(b"".join(source.chunks(CUSTODY)))
    except FormatError as error:
        raise error.at(source.where(CUSTODY)) from None
    actual = {name: _measure(source.chunks(name)) for name in names
              if name not in (MANIFEST, CUSTODY)}
    return Bundle(manifest, signature, records, actual)


def _measure(chunks: Iterable[bytes]) -> FileDigest:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return FileDigest(digest.hexdigest(), size)


def _no_decimals(text: str) -> Any:
    raise FormatError(f"número con decimales no permitido: {text}")


def _json(data: bytes, line: int | None = None) -> Any:
    try:
        return json.loads(data, parse_float=_no_decimals, parse_constant=_no_decimals)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"JSON no válido: {error}", line=line) from None
    except FormatError as error:
        raise FormatError(error.message, line=line) from None


def _object(value: object, where: str, keys: frozenset[str], line: int | None = None
            ) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{where}: se esperaba un objeto JSON", line=line)
    if set(value) != keys:
        missing, extra = sorted(keys - set(value)), sorted(set(value) - keys)
        raise FormatError(f"{where}: campos que faltan {missing}, campos de más {extra}",
                          line=line)
    return value


def _typed(value: object, kind: type, where: str, line: int | None = None) -> Any:
    if type(value) is not kind:
        names = {str: "un texto", int: "un entero", list: "una lista", dict: "un objeto"}
        raise FormatError(f"{where}: se esperaba {names.get(kind, kind.__name__)}", line=line)
    return value


def _manifest(data: bytes) -> tuple[Manifest, str]:
    top = _object(_json(data), "manifest.json", frozenset({"manifest", "signature"}))
    signature = _object(top["signature"], "signature", frozenset({"algorithm", "value"}))
    if signature["algorithm"] != "ed25519":
        raise FormatError("signature.algorithm: solo se admite 'ed25519'")
    body = _object(top["manifest"], "manifest", frozenset(
        {"schema", "case", "exported_at", "recipient", "files", "custody"}))
    if body["schema"] != BUNDLE_SCHEMA:
        raise FormatError(f"esquema {body['schema']!r} desconocido; se esperaba {BUNDLE_SCHEMA!r}")
    case = _object(body["case"], "manifest.case",
                   frozenset({"schema", "case_id", "created_at", "public_key"}))
    custody = _object(body["custody"], "manifest.custody", frozenset({"length", "head"}))
    files = tuple(_file(item, i) for i, item in
                  enumerate(_typed(body["files"], list, "manifest.files")))
    header = CaseHeader(_typed(case["case_id"], str, "manifest.case.case_id"),
                        _typed(case["created_at"], str, "manifest.case.created_at"),
                        _typed(case["public_key"], str, "manifest.case.public_key"))
    if header.to_json() != case:
        raise FormatError("manifest.case.schema: esquema de caso desconocido")
    manifest = Manifest(header, _typed(body["exported_at"], str, "manifest.exported_at"),
                        _typed(body["recipient"], str, "manifest.recipient"), files,
                        _typed(custody["length"], int, "manifest.custody.length"),
                        _typed(custody["head"], str, "manifest.custody.head"))
    return manifest, _typed(signature["value"], str, "signature.value")


def _file(value: object, index: int) -> ManifestFile:
    where = f"manifest.files[{index}]"
    item = _object(value, where, frozenset({"path", "item", "sha256", "size", "media_type"}))
    path = _typed(item["path"], str, f"{where}.path")
    if not is_safe_path(path):
        raise FormatError(f"{where}.path: ruta no permitida {path!r} (se espera "
                          "originals/<ítem>/<nombre>)")
    return ManifestFile(path, _typed(item["item"], str, f"{where}.item"),
                        _typed(item["sha256"], str, f"{where}.sha256"),
                        _typed(item["size"], int, f"{where}.size"),
                        _typed(item["media_type"], str, f"{where}.media_type"))


def _records(data: bytes) -> tuple[Record, ...]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return tuple(_record(raw, number) for number, raw in enumerate(lines, start=1))


def _record(raw: bytes, line: int) -> Record:
    keys = frozenset({"seq", "digest", "head", "signature", "entry"})
    item = _object(_json(raw, line), "registro", keys, line)
    entry = None
    if item["entry"] is not None:
        fields = _object(item["entry"], "entry", frozenset(
            {"seq", "action", "at", "actor", "item", "detail", "nonce"}), line)
        try:
            entry = Entry(_typed(fields["seq"], int, "entry.seq", line), Action(fields["action"]),
                          _typed(fields["at"], str, "entry.at", line),
                          _typed(fields["actor"], str, "entry.actor", line),
                          None if fields["item"] is None else
                          _typed(fields["item"], str, "entry.item", line),
                          _typed(fields["detail"], dict, "entry.detail", line),
                          _typed(fields["nonce"], str, "entry.nonce", line))
        except (ValueError, DomainError) as error:
            if isinstance(error, FormatError):
                raise
            raise FormatError(f"entry.action: acción desconocida {fields['action']!r}",
                              line=line) from None
    return Record(_typed(item["seq"], int, "seq", line),
                  _typed(item["digest"], str, "digest", line),
                  _typed(item["head"], str, "head", line),
                  _typed(item["signature"], str, "signature", line), entry)
