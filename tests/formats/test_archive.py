"""Case bundles on disk (directory and ZIP): written, read back, measured, shape errors named."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from asamblea.core.archive import verify_bundle
from asamblea.core.archive.export import Export
from asamblea.formats.archive import is_safe_path, read_bundle, safe_name, write_bundle
from asamblea.formats.errors import FormatError
from tests.core.archive.sample import ORIGINALS, sample_export


def write_sample(tmp_path: Path, name: str = "paquete") -> tuple[Path, Export]:
    export = sample_export()
    originals = {f.path: iter([ORIGINALS[f.item][:7], ORIGINALS[f.item][7:]])
                 for f in export.manifest.files}
    path = tmp_path / name
    write_bundle(path, export, originals)
    return path, export


def codes(path: Path) -> list[str]:
    bundle = read_bundle(path)
    return [f.code for f in verify_bundle(bundle.manifest, bundle.signature, bundle.records,
                                          bundle.actual)]


@pytest.mark.parametrize("name", ["paquete", "paquete.zip"])
def test_round_trip_verifies(tmp_path: Path, name: str) -> None:
    path, export = write_sample(tmp_path, name)
    bundle = read_bundle(path)
    assert bundle.manifest == export.manifest
    assert bundle.records == export.records
    assert codes(path) == []
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())


def test_file_changed_on_disk(tmp_path: Path) -> None:
    path, export = write_sample(tmp_path)
    target = path / export.manifest.files[0].path
    data = bytearray(target.read_bytes())
    data[10] ^= 1
    target.write_bytes(bytes(data))
    assert codes(path) == ["file.changed"]


def test_log_line_removed_or_reordered_on_disk(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    log = path / "custody.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join(lines[:3] + lines[4:]) + "\n", encoding="utf-8")
    assert "custody.missing" in codes(path)
    log.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert "custody.order" in codes(path)


def test_signature_replaced_on_disk(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    log = path / "custody.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    lines[2]["signature"] = lines[1]["signature"]
    log.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert codes(path) == ["custody.signature"]


def test_manifest_edited_on_disk(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    doc = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    doc["manifest"]["recipient"] = "Otra institución"
    (path / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    assert codes(path) == ["manifest.signature"]


def test_extra_file_on_disk(tmp_path: Path) -> None:
    path, _ = write_sample(tmp_path)
    (path / "originals" / "item-a" / "añadido.txt").write_bytes(b"x")
    assert codes(path) == ["file.extra"]


def _broken(tmp_path: Path, edit: str) -> FormatError:
    path, _ = write_sample(tmp_path)
    log, manifest = path / "custody.jsonl", path / "manifest.json"
    lines = log.read_text(encoding="utf-8").splitlines()
    if edit == "json line":
        lines[2] = lines[2][:-3]
        log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif edit == "decimal":
        lines[1] = lines[1].replace('"seq":2', '"seq":2.0')
        log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif edit == "unsafe path":
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        doc["manifest"]["files"][0]["path"] = "../../etc/passwd"
        manifest.write_text(json.dumps(doc), encoding="utf-8")
    elif edit == "no manifest":
        manifest.unlink()
    with pytest.raises(FormatError) as caught:
        read_bundle(path)
    return caught.value


@pytest.mark.parametrize(("edit", "where", "words"), [
    ("json line", "custody.jsonl:3", "JSON no válido"),
    ("decimal", "custody.jsonl:2", "decimales"),
    ("unsafe path", "manifest.json", "ruta no permitida"),
    ("no manifest", "paquete", "falta manifest.json"),
])
def test_shape_errors_name_the_file_and_line(tmp_path: Path, edit: str, where: str,
                                             words: str) -> None:
    error = _broken(tmp_path, edit)
    assert where in str(error)
    assert words in str(error)


def test_not_a_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "x.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(FormatError, match="ni un archivo ZIP"):
        read_bundle(junk)
    with pytest.raises(FormatError, match="no se puede leer"):
        read_bundle(tmp_path / "missing")


def test_names_and_paths() -> None:
    assert safe_name("../foto de Ana (1).jpg") == "_foto_de_Ana__1_.jpg"
    assert safe_name("...") == "archivo"
    assert is_safe_path("originals/item-1/foto.jpg")
    for bad in ["originals/../x/y", "/etc/passwd", "originals/a/b/c", "originals/a/..",
                "manifest.json"]:
        assert not is_safe_path(bad)
