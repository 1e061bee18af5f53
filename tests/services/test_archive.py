"""The archive's use cases on both databases: intake (by a member and through a one-time link with
a resumable upload), encryption at rest (no plaintext in the database or on disk), reading, consent
and withdrawal, re-wrapping when a member leaves, export and verification, and who sees what."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from nacl import pwhash
from nacl.public import PrivateKey
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, verify_bundle, verify_custody
from asamblea.core.archive.tus import OFFSET_CONTENT_TYPE
from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind, MembershipState, Role
from asamblea.core.people import Person
from asamblea.formats.archive import read_bundle
from asamblea.services.archive import custody, intake, items, keys, team
from asamblea.services.archive.custody import Vault
from asamblea.services.archive.export import export_bundle
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.archive_blobs import BlobStore
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import FederationRepository

keys.use_kdf_limits(pwhash.argon2id.OPSLIMIT_MIN, pwhash.argon2id.MEMLIMIT_MIN)

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
PASSPHRASE = "frase de paso del equipo"
SECRET_TEXT = "Vi al agente con casco 4471 disparar junto al puente Ficticio"
SECRET_NAME = "testimonio-de-rosa-ficticia.txt"


@dataclass
class World:
    db: Session
    vault: Vault
    ana: Person  # facilitator, legal team
    beto: Person  # team member
    chela: Person  # member of the assembly, not in the team
    dora: Person  # member of another assembly of the federation
    case_id: str
    private: dict[int, PrivateKey]


@pytest.fixture
def world(db: Session, tmp_path: Path) -> World:
    tag = secrets.token_hex(3)
    people = [accounts.register(db, f"{name}{tag}", "una contraseña larga")
              for name in ("ana", "beto", "chela", "dora")]
    ana, beto, chela, dora = people
    familiares = federation.create_assembly(db, ana, name=f"Familiares {tag}",
                                            kind=AssemblyKind.NEIGHBOURHOOD, parent_id=None)
    federation.create_assembly(db, dora, name=f"Otra {tag}", kind=AssemblyKind.UNION,
                               parent_id=None)
    repo = FederationRepository(db)
    for person in (beto, chela):
        repo.add_membership(familiares.id, person.id, MembershipState.ACTIVE, Role.MEMBER)
    for person in people:
        keys.set_up_key(db, person, PASSPHRASE)
    private = {p.id: keys.unlock(db, p, PASSPHRASE) for p in people}
    case = team.open_case(db, ana, familiares.id, title="Puente Ficticio, 12 de diciembre",
                          place="Ciudad Ficticia", occurred_on=date(2026, 12, 12))
    vault = Vault(custody.archive_key("secreto de prueba"), BlobStore(tmp_path / "archivo"))
    team.add_member(db, vault.key, ana, case.id, beto, legal=False, private=private[ana.id],
                    now=NOW)
    return World(db, vault, ana, beto, chela, dora, case.id, private)


def add_text(w: World, consent: Consent = Consent.TEAM, text_: str = SECRET_TEXT
             ) -> tuple[str, str]:
    received = items.add_item(w.db, w.vault, w.ana, w.case_id, [text_.encode()],
                              incoming=items.Incoming(consent, file_name=SECRET_NAME), now=NOW)
    return received.item.id, received.holder_token


def read(w: World, person: Person, item_id: str) -> bytes:
    opened = items.open_item(w.db, w.vault, person, item_id, private=w.private[person.id],
                             now=NOW)
    return b"".join(opened.content)


def all_database_text(db: Session) -> bytes:
    """Every value of every table, as bytes (the whole database as a seizure would see it)."""
    out: list[bytes] = []
    for table in inspect(db.get_bind()).get_table_names():
        for row in db.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - table names from the schema
            for value in row:
                out.append(value if isinstance(value, bytes) else str(value).encode())
    return b"\n".join(out)


def all_disk_bytes(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def assert_no_plaintext(w: World, *secrets_: bytes) -> None:
    db_text, disk = all_database_text(w.db), all_disk_bytes(w.vault.blobs.root)
    for secret in secrets_:
        for form in (secret, base64.b64encode(secret), secret.hex().encode()):
            assert form not in db_text
            assert form not in disk


def test_member_intake_is_encrypted_at_rest_and_readable_by_the_team(world: World) -> None:
    item_id, _ = add_text(world)
    assert_no_plaintext(world, SECRET_TEXT.encode(), SECRET_NAME.encode())
    assert read(world, world.beto, item_id) == SECRET_TEXT.encode()
    opened = items.open_item(world.db, world.vault, world.ana, item_id,
                             private=world.private[world.ana.id], now=NOW)
    assert opened.file_name == SECRET_NAME
    assert opened.item.sha256 == hashlib.sha256(SECRET_TEXT.encode()).hexdigest()
    log = ArchiveRepository(world.db).records(world.case_id)
    assert [r.entry.action for r in log if r.entry] == [Action.MEMBER_ADDED, Action.RECEIVED,
                                                        Action.VIEWED, Action.VIEWED]
    case = ArchiveRepository(world.db).case(world.case_id)
    assert case is not None
    assert verify_custody(custody.header_of(case, world.vault.key), log) == []


def test_custody_log_is_append_only_in_the_database(world: World) -> None:
    add_text(world)
    for statement in ("UPDATE archive_custody SET seq = seq + 1", "DELETE FROM archive_custody"):
        with pytest.raises(DBAPIError, match="append-only"), world.db.begin_nested():
            world.db.execute(text(statement))


def test_who_sees_what(world: World) -> None:
    ids = {level: add_text(world, level)[0] for level in Consent}
    seen = {
        "anonymous": items.visible_items(world.db, None, world.case_id),
        "other assembly": items.visible_items(world.db, world.dora, world.case_id),
        "assembly member": items.visible_items(world.db, world.chela, world.case_id),
        "team": items.visible_items(world.db, world.beto, world.case_id),
        "legal": items.visible_items(world.db, world.ana, world.case_id),
    }
    expected = {
        "anonymous": {Consent.PUBLIC}, "other assembly": {Consent.PUBLIC, Consent.FEDERATION},
        "assembly member": {Consent.PUBLIC, Consent.FEDERATION},
        "team": {Consent.PUBLIC, Consent.FEDERATION, Consent.TEAM}, "legal": set(Consent),
    }
    for who, found in seen.items():
        assert {i.id for i in found} == {ids[level] for level in expected[who]}, who
    for outsider in (world.chela, world.dora):
        with pytest.raises(NotFound):  # not "forbidden": existence is not confirmed
            read(world, outsider, ids[Consent.TEAM])
    with pytest.raises(NotFound):
        read(world, world.beto, ids[Consent.LEGAL])


def test_consent_changes_and_withdrawal(world: World) -> None:
    item_id, holder = add_text(world, Consent.TEAM)
    with pytest.raises(Invalid, match="widen"):
        items.change_consent(world.db, world.vault, item_id, Consent.PUBLIC, actor=world.beto,
                             now=NOW)
    items.change_consent(world.db, world.vault, item_id, Consent.PUBLIC, holder_token=holder,
                         now=NOW)
    assert [i.id for i in items.visible_items(world.db, None, world.case_id)] == [item_id]
    items.change_consent(world.db, world.vault, item_id, Consent.LEGAL, actor=world.ana, now=NOW)
    assert items.visible_items(world.db, None, world.case_id) == []
    with pytest.raises(NotFound):
        items.change_consent(world.db, world.vault, "x" * 32, None, holder_token=holder, now=NOW)
    items.change_consent(world.db, world.vault, item_id, None, holder_token=holder, now=NOW)
    assert items.visible_items(world.db, world.ana, world.case_id) == []
    with pytest.raises(NotFound):
        read(world, world.ana, item_id)
    assert ArchiveRepository(world.db).wrap_for(item_id, world.ana.id) is None
    with pytest.raises(Invalid, match="withdrawn"):
        items.change_consent(world.db, world.vault, item_id, Consent.PUBLIC,
                             holder_token=holder, now=NOW)
    log = ArchiveRepository(world.db).records(world.case_id)
    assert [r.entry.action for r in log if r.entry][-1] is Action.WITHDRAWN
    assert_no_plaintext(world, SECRET_TEXT.encode(), SECRET_NAME.encode())


def test_rewrap_when_a_member_leaves(world: World) -> None:
    item_id, _ = add_text(world)
    assert read(world, world.beto, item_id) == SECRET_TEXT.encode()
    with pytest.raises(Forbidden):
        team.remove_member(world.db, world.vault.key, world.beto, world.case_id, world.ana.id,
                           private=world.private[world.beto.id], now=NOW)
    count = team.remove_member(world.db, world.vault.key, world.ana, world.case_id,
                               world.beto.id, private=world.private[world.ana.id], now=NOW)
    assert count == 1
    assert ArchiveRepository(world.db).wrap_for(item_id, world.beto.id) is None
    with pytest.raises(NotFound):  # no longer in the team: the item is not theirs to know of
        read(world, world.beto, item_id)
    assert read(world, world.ana, item_id) == SECRET_TEXT.encode()
    with pytest.raises(Conflict, match="last member"):
        team.remove_member(world.db, world.vault.key, world.ana, world.case_id, world.ana.id,
                           private=world.private[world.ana.id], now=NOW)


def test_resumable_upload_through_a_one_time_link(world: World) -> None:
    token = intake.create_link(world.db, world.beto, world.case_id, Consent.TEAM, now=NOW)
    photo = b"\xff\xd8\xff\xe0" + secrets.token_bytes(300_000)  # JPEG signature, then noise
    started = intake.start_upload(world.db, case_id=world.case_id, length=len(photo),
                                  file_name="foto-del-puente.jpg", link_token=token, now=NOW)
    parts = [photo[:100_000], photo[100_000:250_000], photo[250_000:]]
    first = intake.append(world.db, world.vault, started.upload_id, started.secret, [parts[0]],
                          content_type=OFFSET_CONTENT_TYPE, offset="0", now=NOW)
    assert first.state.offset == 100_000
    assert_no_plaintext(world, parts[0][4:5000])  # mid-upload: the segment is ciphertext
    with pytest.raises(Conflict):  # a client that lost track sends the wrong offset
        intake.append(world.db, world.vault, started.upload_id, started.secret, [parts[1]],
                      content_type=OFFSET_CONTENT_TYPE, offset="0", now=NOW)
    with pytest.raises(NotFound):
        intake.upload_state(world.db, started.upload_id, "not the secret")
    resumed = intake.upload_state(world.db, started.upload_id, started.secret)
    assert resumed.offset == 100_000
    for part, offset in ((parts[1], "100000"), (parts[2], "250000")):
        done = intake.append(world.db, world.vault, started.upload_id, started.secret, [part],
                             content_type=OFFSET_CONTENT_TYPE, offset=offset, now=NOW)
    assert done.received is not None
    item = done.received.item
    assert item.sha256 == hashlib.sha256(photo).hexdigest()
    assert item.media_type == "image/jpeg"
    assert read(world, world.ana, item.id) == photo
    seq, head = done.received.receipt.split(":")
    assert ArchiveRepository(world.db).records(world.case_id)[int(seq) - 1].head == head
    with pytest.raises(NotFound, match="already used"):
        intake.start_upload(world.db, case_id=world.case_id, length=1, file_name=None,
                            link_token=token, now=NOW)
    assert not (world.vault.blobs.root / "uploads" / started.upload_id).exists()
    assert_no_plaintext(world, photo[4:5000], b"foto-del-puente")


def test_upload_refuses_extra_bytes_and_bad_types(world: World) -> None:
    started = intake.start_upload(world.db, case_id=world.case_id, length=10, file_name=None,
                                  actor=world.beto, consent=Consent.TEAM, now=NOW)
    with pytest.raises(Exception, match="Upload-Length"):
        intake.append(world.db, world.vault, started.upload_id, started.secret, [b"x" * 11],
                      content_type=OFFSET_CONTENT_TYPE, offset="0", now=NOW)
    binary = intake.start_upload(world.db, case_id=world.case_id, length=4, file_name=None,
                                 actor=world.beto, consent=Consent.TEAM, now=NOW)
    with pytest.raises(Invalid, match="not of a kind"):
        intake.append(world.db, world.vault, binary.upload_id, binary.secret, [b"\x00\x01MZ"],
                      content_type=OFFSET_CONTENT_TYPE, offset="0", now=NOW)
    with pytest.raises(Forbidden):
        intake.start_upload(world.db, case_id=world.case_id, length=4, file_name=None,
                            actor=world.chela, now=NOW)
    expired = intake.create_link(world.db, world.ana, world.case_id, Consent.TEAM,
                                 now=NOW - timedelta(days=30))
    with pytest.raises(NotFound, match="expired"):
        intake.start_upload(world.db, case_id=world.case_id, length=4, file_name=None,
                            link_token=expired, now=NOW)


def test_export_then_verify(world: World, tmp_path: Path) -> None:
    chosen, _ = add_text(world, Consent.LEGAL)
    other, holder = add_text(world, Consent.TEAM, "otro testimonio ficticio")
    items.change_consent(world.db, world.vault, other, None, holder_token=holder, now=NOW)
    with pytest.raises(Forbidden):
        export_bundle(world.db, world.vault, world.beto, world.case_id, tmp_path / "b",
                      item_ids=[chosen], recipient="Fiscalía", private=world.private[world.beto.id],
                      now=NOW)
    with pytest.raises(NotFound):
        export_bundle(world.db, world.vault, world.ana, world.case_id, tmp_path / "b",
                      item_ids=[other], recipient="Fiscalía", private=world.private[world.ana.id],
                      now=NOW)
    target = tmp_path / "paquete.zip"
    export_bundle(world.db, world.vault, world.ana, world.case_id, target, item_ids=[chosen],
                  recipient="Fiscalía Ficticia", private=world.private[world.ana.id],
                  now=NOW + timedelta(hours=1))
    bundle = read_bundle(target)
    assert verify_bundle(bundle.manifest, bundle.signature, bundle.records, bundle.actual,
                         public_key=bundle.manifest.case.public_key) == []
    assert [f.path for f in bundle.manifest.files] == [f"originals/{chosen}/{SECRET_NAME}"]
    redacted = [r for r in bundle.records if r.entry is None]
    assert len(redacted) == 2  # the withdrawn item's received and withdrawn entries
    stored = ArchiveRepository(world.db).records(world.case_id)
    assert stored[-1].entry is not None
    assert stored[-1].entry.action is Action.EXPORTED
    rows = world.db.execute(select(text("count(*)")).select_from(text("archive_custody")))
    assert rows.scalar_one() >= len(bundle.records)


def test_demo_case_is_fictional_encrypted_and_its_bundle_verifies(world: World,
                                                                  tmp_path: Path) -> None:
    from asamblea.services.demo.archive import TESTIMONIES, seed_archive  # noqa: PLC0415

    assembly_id = ArchiveRepository(world.db).case(world.case_id).assembly_id  # type: ignore[union-attr]
    bundle_path = tmp_path / "demo.zip"
    case_id = seed_archive(world.db, world.vault, world.ana, assembly_id, now=NOW,
                           export_to=bundle_path, passphrase=PASSPHRASE)
    levels = {i.consent for i in items.visible_items(world.db, world.ana, case_id)}
    assert levels == set(Consent)
    assert len(items.visible_items(world.db, None, case_id)) == 1
    from asamblea.services.archive import timeline  # noqa: PLC0415

    assert [len(e.items) for e in timeline.timeline(world.db, None, case_id)] == [1]
    assert len(timeline.timeline(world.db, world.ana, case_id)) == 2
    bundle = read_bundle(bundle_path)
    assert verify_bundle(bundle.manifest, bundle.signature, bundle.records, bundle.actual) == []
    assert len(bundle.manifest.files) == 4
    assert_no_plaintext(world, *(text.encode() for _, _, text in TESTIMONIES))
