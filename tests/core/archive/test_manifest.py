"""Export and bundle verification: a valid bundle verifies, and every tampering is named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from asamblea.core.archive import Action, FileDigest, Manifest, export_case, verify_bundle
from asamblea.core.archive.export import Export
from asamblea.core.errors import Invalid
from asamblea.core.ledger import sign
from tests.core.archive.sample import (
    HEADER,
    KEY,
    ORIGINALS,
    OTHER_KEY,
    manifest_file,
    sample_case,
    sample_export,
)


def actual_of(export: Export) -> dict[str, FileDigest]:
    return {f.path: FileDigest(f.sha256, f.size) for f in export.manifest.files}


def check(export: Export, *, manifest: Manifest | None = None, signature: str | None = None,
          records: list | None = None, actual: dict[str, FileDigest] | None = None,
          public_key: str | None = None) -> list[str]:
    found = verify_bundle(manifest or export.manifest, signature or export.signature,
                          export.records if records is None else records,
                          actual_of(export) if actual is None else actual, public_key=public_key)
    return [finding.code for finding in found]


def test_export_verifies_and_redacts_items_not_handed_over() -> None:
    export = sample_export()
    assert check(export, public_key=HEADER.public_key) == []
    shown = {r.entry.item for r in export.records if r.entry is not None}
    assert "item-c" not in shown  # withdrawn, not exported: only its digest remains
    assert shown >= {"item-a", "item-b", None}
    last = export.records[-1].entry
    assert last is not None
    assert last.action is Action.EXPORTED
    assert last.detail["items"] == ["item-a", "item-b"]


def test_withdrawn_item_cannot_be_exported() -> None:
    with pytest.raises(Invalid, match="retirado"):
        sample_export(items=("item-a", "item-c"))


def test_file_not_received_at_intake_cannot_be_exported() -> None:
    case = sample_case()
    with pytest.raises(Invalid, match="recepción"):
        export_case(case.key, case.header, case.log, [manifest_file("item-a", b"otra cosa")],
                    at="2026-12-03T09:00:00Z", actor="legal-1", recipient="Fiscalía")


def test_file_changed() -> None:
    export = sample_export()
    actual = actual_of(export)
    path = export.manifest.files[0].path
    actual[path] = FileDigest("00" * 32, actual[path].size)
    assert check(export, actual=actual) == ["file.changed"]


def test_file_missing_and_extra() -> None:
    export = sample_export()
    actual = actual_of(export)
    del actual[export.manifest.files[1].path]
    actual["originals/item-z/x.bin"] = FileDigest("00" * 32, 1)
    assert check(export, actual=actual) == ["file.missing", "file.extra"]


def test_log_entry_removed() -> None:
    export = sample_export()
    records = list(export.records)
    del records[4]
    assert check(export, records=records)[:2] == ["custody.missing", "custody.chain"]


def test_log_entries_reordered() -> None:
    export = sample_export()
    records = list(export.records)
    records[3], records[4] = records[4], records[3]
    assert "custody.order" in check(export, records=records)


def test_log_cut_at_the_end() -> None:
    export = sample_export()
    assert "custody.length" in check(export, records=list(export.records[:-1]))


def test_signature_replaced_on_a_log_entry() -> None:
    export = sample_export()
    records = list(export.records)
    records[2] = replace(records[2], signature=records[1].signature)
    assert check(export, records=records) == ["custody.signature"]


def test_manifest_altered() -> None:
    export = sample_export()
    altered = replace(export.manifest, recipient="Otra persona")
    assert check(export, manifest=altered) == ["manifest.signature"]
    files = (replace(export.manifest.files[0], sha256="11" * 32), *export.manifest.files[1:])
    assert set(check(export, manifest=replace(export.manifest, files=files))) == {
        "manifest.signature", "file.changed", "file.intake"}


def test_manifest_signature_replaced_with_another_key() -> None:
    export = sample_export()
    assert check(export, signature=sign(OTHER_KEY, export.manifest)) == ["manifest.signature"]


def test_whole_bundle_resigned_with_another_key_is_caught_by_the_published_key() -> None:
    export = sample_export()
    assert "manifest.key" in check(export, public_key=OTHER_KEY.verify_key.encode().hex())


def test_export_entry_must_list_the_files() -> None:
    export = sample_export()
    fewer = replace(export.manifest, files=export.manifest.files[:1])
    resigned = sign(KEY, fewer)
    assert check(export, manifest=fewer, signature=resigned,
                 actual={fewer.files[0].path: FileDigest(fewer.files[0].sha256,
                                                         fewer.files[0].size)}) == [
        "custody.export"]


def test_originals_sample_is_fictional_and_distinct() -> None:
    assert len(set(ORIGINALS.values())) == len(ORIGINALS)
