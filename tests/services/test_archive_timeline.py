"""The archive's phase-B use cases on both databases: a case's timeline (consent-levelled, links
filtered per reader), the team formed by username with its custody entries, the memorial's
shown copies of photos (no EXIF GPS in the copy, the sealed original keeps it), and the sweep of
unreferenced blobs as the runner schedules it."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from datetime import time as clock_time

import pytest
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from asamblea.core.archive import Action, Consent, verify_custody
from asamblea.core.errors import Forbidden, Invalid, NotFound
from asamblea.services.archive import custody, items, shown, team, timeline
from asamblea.services.archive.sweep import BlobSweep
from asamblea.services.runner import Runner
from asamblea.store.archive_blobs import new_blob_id
from asamblea.store.archive_repository import ArchiveRepository
from tests.formats.test_archive_media import GPS_IFD, jpeg_with_gps
from tests.services.test_archive import NOW, World, add_text, read
from tests.services.test_archive import world as world  # noqa: PLC0414 - the shared fixture


def add_photo(w: World, consent: Consent) -> str:
    received = items.add_item(w.db, w.vault, w.ana, w.case_id, [jpeg_with_gps()],
                              incoming=items.Incoming(consent, "foto.jpg", "Puente"), now=NOW)
    return received.item.id


# ---- timeline ----------------------------------------------------------------------------

def test_timeline_is_levelled_like_items_and_links_only_what_the_reader_sees(world: World
                                                                             ) -> None:
    public_item, _ = add_text(world, Consent.PUBLIC)
    team_item, _ = add_text(world, Consent.TEAM)
    early = timeline.add_event(world.db, world.beto, world.case_id, happened_on=date(2026, 12, 12),
                               happened_at=clock_time(18, 30), description="Llega  la policía",
                               consent=Consent.PUBLIC, item_ids=[public_item, team_item])
    timeline.add_event(world.db, world.ana, world.case_id, happened_on=date(2026, 12, 12),
                       happened_at=None, description="Reunión del equipo legal",
                       consent=Consent.LEGAL)
    timeline.add_event(world.db, world.beto, world.case_id, happened_on=date(2026, 12, 11),
                       happened_at=None, description="Convocatoria", consent=Consent.FEDERATION)

    def seen(person: object) -> list[tuple[str, tuple[str, ...]]]:
        return [(e.description, e.items)
                for e in timeline.timeline(world.db, person, world.case_id)]  # type: ignore[arg-type]

    assert early.description == "Llega la policía"
    assert seen(None) == [("Llega la policía", (public_item,))]
    assert seen(world.dora) == [("Convocatoria", ()), ("Llega la policía", (public_item,))]
    assert seen(world.beto) == [("Convocatoria", ()),
                                ("Llega la policía", tuple(sorted([public_item, team_item])))]
    assert [d for d, _ in seen(world.ana)] == ["Convocatoria", "Reunión del equipo legal",
                                               "Llega la policía"]  # undated hour first


def test_only_the_team_writes_the_timeline_and_links_must_be_visible(world: World) -> None:
    legal_item, _ = add_text(world, Consent.LEGAL)
    kwargs = {"happened_on": date(2026, 12, 12), "happened_at": None, "description": "x",
              "consent": Consent.PUBLIC}
    for outsider in (world.chela, world.dora):
        with pytest.raises(Forbidden):
            timeline.add_event(world.db, outsider, world.case_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFound):  # beto is not in the legal team: the item does not exist for him
        timeline.add_event(world.db, world.beto, world.case_id, item_ids=[legal_item],
                           **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        timeline.add_event(world.db, world.beto, world.case_id, item_ids=["ab" * 16],
                           **kwargs)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        timeline.add_event(world.db, world.beto, world.case_id,
                           **(kwargs | {"description": "  "}))  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        timeline.add_event(world.db, world.beto, world.case_id,
                           **(kwargs | {"happened_on": date(1900, 1, 1)}))  # type: ignore[arg-type]
    assert timeline.timeline(world.db, world.ana, world.case_id) == []


def test_removing_an_event_needs_the_team_and_sight_of_it(world: World) -> None:
    legal = timeline.add_event(world.db, world.ana, world.case_id, happened_on=date(2026, 12, 1),
                               happened_at=None, description="solo legal", consent=Consent.LEGAL)
    for person in (world.beto, world.chela):  # beto is in the team, not the legal team
        with pytest.raises(NotFound):
            timeline.remove_event(world.db, world.vault, person, legal.id, now=NOW)
    public = timeline.add_event(world.db, world.ana, world.case_id,
                                happened_on=date(2026, 12, 1), happened_at=None,
                                description="público", consent=Consent.PUBLIC)
    with pytest.raises(Forbidden):
        timeline.remove_event(world.db, world.vault, world.chela, public.id, now=NOW)
    assert timeline.remove_event(world.db, world.vault, world.beto, public.id,
                                 now=NOW) == world.case_id
    assert [e.id for e in timeline.timeline(world.db, world.ana, world.case_id)] == [legal.id]


def test_a_withdrawn_item_leaves_the_events_that_linked_it(world: World) -> None:
    item_id, holder = add_text(world, Consent.PUBLIC)
    timeline.add_event(world.db, world.ana, world.case_id, happened_on=date(2026, 12, 12),
                       happened_at=None, description="x", consent=Consent.PUBLIC,
                       item_ids=[item_id])
    items.change_consent(world.db, world.vault, item_id, None, holder_token=holder, now=NOW)
    assert [e.items for e in timeline.timeline(world.db, world.ana, world.case_id)] == [()]


# ---- team --------------------------------------------------------------------------------

def test_team_formed_by_username_logs_handles_and_rewraps_on_removal(world: World) -> None:
    item_id, _ = add_text(world)
    key, private = world.vault.key, world.private[world.ana.id]
    with pytest.raises(Forbidden):  # only the legal team adds, and learns nothing about names
        team.add_member_named(world.db, key, world.beto, world.case_id, "nadie",
                              legal=False, private=world.private[world.beto.id], now=NOW)
    with pytest.raises(Invalid):
        team.add_member_named(world.db, key, world.ana, world.case_id, "nadie-existe",
                              legal=False, private=private, now=NOW)
    with pytest.raises(Invalid):  # dora is in another assembly
        team.add_member_named(world.db, key, world.ana, world.case_id, world.dora.username,
                              legal=False, private=private, now=NOW)
    team.add_member_named(world.db, key, world.ana, world.case_id, world.chela.username.upper(),
                          legal=False, private=private, now=NOW)
    assert read(world, world.chela, item_id)
    names = {m.username: m.legal for m in team.team_of(world.db, world.beto, world.case_id)}
    assert names == {world.ana.username: True, world.beto.username: False,
                     world.chela.username: False}
    with pytest.raises(Forbidden):
        team.team_of(world.db, world.dora, world.case_id)
    team.remove_member(world.db, key, world.ana, world.case_id, world.chela.id, private=private,
                       now=NOW)
    with pytest.raises(NotFound):  # out of the team: the team's item is not there for her
        read(world, world.chela, item_id)
    repo = ArchiveRepository(world.db)
    log = repo.records(world.case_id)
    added = [r.entry for r in log if r.entry and r.entry.action is Action.MEMBER_ADDED]
    assert [e.detail["role"] for e in added] == ["team", "team"]
    assert all(world.chela.username not in str(r.entry) for r in log)  # handles only
    case = repo.case(world.case_id)
    assert case is not None
    assert verify_custody(custody.header_of(case, world.vault.key), log) == []


def test_editing_an_event_is_logged_by_field_not_by_text(world: World) -> None:
    public_item, _ = add_text(world, Consent.PUBLIC)
    legal_item, _ = add_text(world, Consent.LEGAL)
    event = timeline.add_event(world.db, world.ana, world.case_id, happened_on=date(2026, 12, 1),
                               happened_at=None, description="Marcha al puente",
                               consent=Consent.PUBLIC, item_ids=[public_item, legal_item])
    repo = ArchiveRepository(world.db)
    before = len(repo.records(world.case_id))
    # beto (team, not legal) edits: the legal link he cannot see stays, and is not shown to him
    edited = timeline.edit_event(world.db, world.vault, world.beto, event.id,
                                 happened_on=date(2026, 12, 2), happened_at=clock_time(17, 5),
                                 description="Detenido  en la marcha (nombre reservado)",
                                 consent=Consent.TEAM, item_ids=[], now=NOW)
    assert edited.items == ()
    assert edited.description == "Detenido en la marcha (nombre reservado)"
    as_ana = timeline.timeline(world.db, world.ana, world.case_id)
    assert [(e.happened_on, e.happened_at, e.consent, e.items) for e in as_ana] == [
        (date(2026, 12, 2), clock_time(17, 5), Consent.TEAM, (legal_item,))]
    assert timeline.timeline(world.db, None, world.case_id) == []  # narrowed: off the memorial
    log = repo.records(world.case_id)
    assert len(log) == before + 1
    entry = log[-1].entry
    assert entry is not None
    assert entry.action is Action.EVENT_EDITED
    assert entry.item is None
    assert dict(entry.detail) == {
        "event": event.id, "from": "public", "to": "team",
        "changed": ["happened_on", "happened_at", "description", "consent", "items"]}
    assert "reservado" not in str(entry.to_json())
    assert "Marcha" not in str(entry.to_json())
    same = timeline.edit_event(world.db, world.vault, world.beto, event.id,
                               happened_on=date(2026, 12, 2), happened_at=clock_time(17, 5),
                               description=edited.description, consent=Consent.TEAM, now=NOW)
    assert same == edited
    assert len(repo.records(world.case_id)) == before + 1  # nothing changed, nothing logged
    timeline.remove_event(world.db, world.vault, world.ana, event.id, now=NOW)
    removed = repo.records(world.case_id)[-1].entry
    assert removed is not None
    assert removed.action is Action.EVENT_REMOVED
    assert dict(removed.detail) == {"event": event.id, "consent": "team"}
    case = repo.case(world.case_id)
    assert case is not None
    assert verify_custody(custody.header_of(case, world.vault.key),
                          repo.records(world.case_id)) == []


def test_only_the_team_edits_events_it_may_see(world: World) -> None:
    legal = timeline.add_event(world.db, world.ana, world.case_id, happened_on=date(2026, 12, 1),
                               happened_at=None, description="solo legal", consent=Consent.LEGAL)
    public = timeline.add_event(world.db, world.ana, world.case_id,
                                happened_on=date(2026, 12, 1), happened_at=None,
                                description="público", consent=Consent.PUBLIC)
    kwargs = {"happened_on": date(2026, 12, 3), "happened_at": None, "description": "x",
              "consent": Consent.PUBLIC, "now": NOW}
    for person in (world.beto, world.chela):
        with pytest.raises(NotFound):
            timeline.edit_event(world.db, world.vault, person, legal.id, **kwargs)  # type: ignore[arg-type]
    for outsider in (world.chela, world.dora):
        with pytest.raises(Forbidden):
            timeline.edit_event(world.db, world.vault, outsider, public.id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        timeline.edit_event(world.db, world.vault, world.beto, 2**31 - 1, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        timeline.edit_event(world.db, world.vault, world.beto, public.id,
                            **(kwargs | {"description": " "}))  # type: ignore[arg-type]
    legal_item, _ = add_text(world, Consent.LEGAL)
    with pytest.raises(NotFound):  # a link to an item beto may not see
        timeline.edit_event(world.db, world.vault, world.beto, public.id, item_ids=[legal_item],
                            **kwargs)  # type: ignore[arg-type]
    assert [e.description for e in timeline.timeline(world.db, None, world.case_id)] == [
        "público"]


# ---- shown copies ------------------------------------------------------------------------

def test_memorial_copy_has_no_gps_while_the_sealed_original_keeps_it(world: World) -> None:
    item_id = add_photo(world, Consent.PUBLIC)
    with pytest.raises(NotFound):  # no copy yet
        shown.public_copy(world.db, world.vault, world.case_id, item_id)
    with pytest.raises(Forbidden):
        shown.make_shown_copy(world.db, world.vault, world.chela, item_id,
                              private=world.private[world.chela.id], now=NOW)
    digest = shown.make_shown_copy(world.db, world.vault, world.beto, item_id,
                                   private=world.private[world.beto.id], now=NOW)
    copy = shown.public_copy(world.db, world.vault, world.case_id, item_id)
    assert copy.media_type == "image/jpeg"
    served = Image.open(io.BytesIO(copy.content))
    assert not served.getexif().get_ifd(GPS_IFD)
    assert b"TelefonoMarca" not in copy.content
    original = read(world, world.ana, item_id)
    assert original == jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    entries = [r.entry for r in ArchiveRepository(world.db).records(world.case_id) if r.entry]
    assert entries[-2].action is Action.COPY_SHOWN
    assert entries[-2].detail == {"sha256": digest}
    with pytest.raises(NotFound):  # the copy is served under its own case only
        shown.public_copy(world.db, world.vault, "cd" * 16, item_id)


def test_no_copy_for_narrower_consent_and_narrowing_takes_it_down(world: World) -> None:
    team_photo = add_photo(world, Consent.TEAM)
    with pytest.raises(Invalid):
        shown.make_shown_copy(world.db, world.vault, world.ana, team_photo,
                              private=world.private[world.ana.id], now=NOW)
    text_item, _ = add_text(world, Consent.PUBLIC)
    with pytest.raises(Invalid):
        shown.make_shown_copy(world.db, world.vault, world.ana, text_item,
                              private=world.private[world.ana.id], now=NOW)
    public_photo = add_photo(world, Consent.PUBLIC)
    shown.make_shown_copy(world.db, world.vault, world.ana, public_photo,
                          private=world.private[world.ana.id], now=NOW)
    items.change_consent(world.db, world.vault, public_photo, Consent.FEDERATION,
                         actor=world.ana, now=NOW)
    with pytest.raises(NotFound):
        shown.public_copy(world.db, world.vault, world.case_id, public_photo)


# ---- the sweep, as the runner runs it ------------------------------------------------------

def test_runner_sweeps_withdrawn_blobs_after_the_grace(world: World) -> None:
    item_id, holder = add_text(world, Consent.TEAM)
    kept, _ = add_text(world, Consent.TEAM)
    blob_id = ArchiveRepository(world.db).blobs(item_id)[0]
    assert blob_id is not None
    items.change_consent(world.db, world.vault, item_id, None, holder_token=holder, now=NOW)
    fresh = new_blob_id()  # a blob some transaction is writing right now
    world.vault.blobs.write(fresh, [b"ciphertext"])
    old = time.time() - 7200
    os.utime(world.vault.blobs._path(blob_id), (old, old))
    world.db.flush()
    sessions = sessionmaker(bind=world.db.connection(), join_transaction_mode="create_savepoint")
    job = BlobSweep(sessions, world.vault.blobs.root)
    runner = Runner(sessions, world.vault.key, jobs=(job,))
    runner.run_jobs()
    on_disk = world.vault.blobs.blob_ids()
    assert blob_id not in on_disk
    assert fresh in on_disk
    assert ArchiveRepository(world.db).blobs(kept)[0] in on_disk
    assert job() == 0  # not again within the hour
    assert read(world, world.ana, kept)


def test_sweep_failure_is_logged_not_raised(world: World) -> None:
    broken: sessionmaker[Session] = sessionmaker()  # bound to nothing: every query fails
    assert BlobSweep(broken, world.vault.blobs.root)() == 0
