"""Queries of the archive: every read and write of its rows, mapped to `asamblea.core.archive`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, Entry, Record
from asamblea.core.archive.case import (
    Case,
    IntakeLink,
    Item,
    TeamMember,
    UploadState,
    Victim,
)
from asamblea.core.archive.keys import ProtectedKey
from asamblea.core.archive.media import Kind
from asamblea.store.archive_models import (
    ArchiveCaseRow,
    ArchiveCustodyRow,
    ArchiveIntakeLinkRow,
    ArchiveItemRow,
    ArchiveMemberKeyRow,
    ArchiveTeamRow,
    ArchiveUnlockRow,
    ArchiveUploadRow,
    ArchiveVictimRow,
    ArchiveWrappedKeyRow,
)
from asamblea.store.archive_search import SearchIndex
from asamblea.store.locking import for_update


def _case(row: ArchiveCaseRow) -> Case:
    return Case(row.id, row.assembly_id, row.title, row.place, row.occurred_on, row.memorial,
                row.created_at)


def _item(row: ArchiveItemRow) -> Item:
    return Item(row.id, row.case_id, Kind(row.kind), row.media_type, row.size, row.sha256,
                Consent.parse(row.consent), row.withdrawn, row.title, row.tags,
                row.received_seq, row.shown_blob_id is not None, row.created_at)


def _entry(data: Mapping[str, Any]) -> Entry:
    return Entry(data["seq"], Action(data["action"]), data["at"], data["actor"], data["item"],
                 dict(data["detail"]), data["nonce"])


def _upload(row: ArchiveUploadRow) -> UploadState:
    return UploadState(row.id, row.case_id, row.link_id, row.person_id, row.length, row.offset,
                       row.segments, Consent.parse(row.consent), row.title)


class ArchiveRepository:
    """Cases, team, items, keys, custody log, intake links and uploads."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # ---- member keys -------------------------------------------------------------------
    def member_key(self, person_id: int) -> tuple[bytes, ProtectedKey] | None:
        """A person's public key and protected private key, if they made one."""
        row = self.db.get(ArchiveMemberKeyRow, person_id)
        if row is None:
            return None
        p = row.protected
        return row.public_key, ProtectedKey(bytes.fromhex(p["salt"]), p["opslimit"],
                                            p["memlimit"], bytes.fromhex(p["box"]))

    def set_member_key(self, person_id: int, public: bytes, protected: ProtectedKey) -> None:
        """Store (or replace) a person's key pair."""
        row = self.db.get(ArchiveMemberKeyRow, person_id)
        if row is None:
            self.db.add(ArchiveMemberKeyRow(person_id=person_id, public_key=public,
                                            protected=protected.to_json()))
        else:
            row.public_key, row.protected = public, protected.to_json()

    def put_unlock(self, session_digest: str, person_id: int, held: bytes,
                   expires_at: datetime) -> None:
        """Keep a session's sealed unlocked key (replacing any)."""
        self.db.execute(delete(ArchiveUnlockRow)
                        .where(ArchiveUnlockRow.session_digest == session_digest))
        self.db.add(ArchiveUnlockRow(session_digest=session_digest, person_id=person_id,
                                     held=held, expires_at=expires_at))

    def unlock_of(self, session_digest: str, person_id: int, now: datetime) -> bytes | None:
        """The session's sealed key, if it is there, theirs and not expired."""
        row = self.db.get(ArchiveUnlockRow, session_digest)
        if row is None or row.person_id != person_id or row.expires_at <= now:
            return None
        return row.held

    # ---- cases and team ----------------------------------------------------------------
    def add_case(self, case_id: str, assembly_id: int, *, title: str, place: str,
                 occurred_on: date, created_by: int) -> Case:
        """A new case."""
        row = ArchiveCaseRow(id=case_id, assembly_id=assembly_id, title=title, place=place,
                             occurred_on=occurred_on, memorial="", created_by=created_by)
        self.db.add(row)
        self.db.flush()
        return _case(row)

    def case(self, case_id: str, *, lock: bool = False) -> Case | None:
        """A case (locked: appends to its custody log wait for each other)."""
        stmt = select(ArchiveCaseRow).where(ArchiveCaseRow.id == case_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else _case(row)

    def cases_of(self, assembly_ids: Iterable[int]) -> list[Case]:
        """The cases kept by these assemblies, newest event first."""
        rows = self.db.scalars(select(ArchiveCaseRow)
                               .where(ArchiveCaseRow.assembly_id.in_(list(assembly_ids)))
                               .order_by(ArchiveCaseRow.occurred_on.desc(), ArchiveCaseRow.id))
        return [_case(row) for row in rows]

    def set_memorial(self, case_id: str, text: str) -> None:
        """The case's public memorial text."""
        self.db.execute(update(ArchiveCaseRow).where(ArchiveCaseRow.id == case_id)
                        .values(memorial=text))

    def team(self, case_id: str, *, active: bool = True) -> list[TeamMember]:
        """The case's team (active members only, unless asked)."""
        stmt = select(ArchiveTeamRow).where(ArchiveTeamRow.case_id == case_id)
        if active:
            stmt = stmt.where(ArchiveTeamRow.active.is_(True))
        return [TeamMember(r.person_id, r.handle, r.role == "legal", r.active)
                for r in self.db.scalars(stmt.order_by(ArchiveTeamRow.joined_at,
                                                       ArchiveTeamRow.person_id))]

    def team_member(self, case_id: str, person_id: int) -> TeamMember | None:
        """One person's place in a case's team, active or not."""
        row = self.db.get(ArchiveTeamRow, (case_id, person_id))
        return None if row is None else TeamMember(row.person_id, row.handle,
                                                   row.role == "legal", row.active)

    def teams_of(self, person_id: int) -> list[tuple[str, bool]]:
        """The cases whose team this person is active in, and whether in its legal team."""
        rows = self.db.scalars(select(ArchiveTeamRow).where(
            ArchiveTeamRow.person_id == person_id, ArchiveTeamRow.active.is_(True)))
        return [(r.case_id, r.role == "legal") for r in rows]

    def put_member(self, case_id: str, person_id: int, handle: str, *, legal: bool) -> None:
        """Add a person to a case's team (or bring them back, with this role)."""
        row = self.db.get(ArchiveTeamRow, (case_id, person_id))
        role = "legal" if legal else "team"
        if row is None:
            self.db.add(ArchiveTeamRow(case_id=case_id, person_id=person_id, role=role,
                                       handle=handle, active=True))
        else:
            row.role, row.active = role, True

    def deactivate_member(self, case_id: str, person_id: int) -> None:
        """A member leaves the team (the row stays: the custody log names their handle)."""
        self.db.execute(update(ArchiveTeamRow)
                        .where(ArchiveTeamRow.case_id == case_id,
                               ArchiveTeamRow.person_id == person_id)
                        .values(active=False))

    def team_keys(self, case_id: str) -> dict[int, bytes]:
        """The public keys of the case's active team members."""
        rows = self.db.execute(
            select(ArchiveTeamRow.person_id, ArchiveMemberKeyRow.public_key)
            .join(ArchiveMemberKeyRow, ArchiveMemberKeyRow.person_id == ArchiveTeamRow.person_id)
            .where(ArchiveTeamRow.case_id == case_id, ArchiveTeamRow.active.is_(True)))
        return {person_id: public for person_id, public in rows}  # noqa: C416 - rows, not pairs

    def add_victim(self, case_id: str, name: str | None, consent: Consent) -> None:
        """A victim, named as the family wishes."""
        self.db.add(ArchiveVictimRow(case_id=case_id, name=name, consent=consent.code))

    def victims(self, case_id: str) -> list[Victim]:
        """The case's victims."""
        rows = self.db.scalars(select(ArchiveVictimRow).where(ArchiveVictimRow.case_id == case_id)
                               .order_by(ArchiveVictimRow.id))
        return [Victim(r.id, r.name, Consent.parse(r.consent)) for r in rows]

    # ---- items and keys ----------------------------------------------------------------
    def add_item(self, item: Item, *, blob_id: str, name_box: bytes | None,
                 holder_digest: str | None) -> None:
        """Store a received item (its content is already in the blob directory)."""
        self.db.add(ArchiveItemRow(
            id=item.id, case_id=item.case_id, kind=item.kind.value, media_type=item.media_type,
            size=item.size, sha256=item.sha256, consent=item.consent.code, withdrawn=False,
            holder_digest=holder_digest, title=item.title, tags=item.tags, name_box=name_box,
            blob_id=blob_id, shown_blob_id=None, received_seq=item.received_seq))
        self.db.flush()
        SearchIndex(self.db).put(item.id, item.case_id, item.consent,
                                 created_at=item.created_at, title=item.title, tags=item.tags)

    def item(self, item_id: str, *, lock: bool = False) -> Item | None:
        """An item."""
        stmt = select(ArchiveItemRow).where(ArchiveItemRow.id == item_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else _item(row)

    def items_by_id(self, item_ids: list[str]) -> list[Item]:
        """These items, in the order given (ids that name no item are left out)."""
        rows = {r.id: r for r in self.db.scalars(
            select(ArchiveItemRow).where(ArchiveItemRow.id.in_(item_ids)))}
        return [_item(rows[i]) for i in item_ids if i in rows]

    def item_by_holder(self, holder_digest: str) -> Item | None:
        """The item whose consent holder has this token digest."""
        row = self.db.scalar(select(ArchiveItemRow)
                             .where(ArchiveItemRow.holder_digest == holder_digest))
        return None if row is None else _item(row)

    def items(self, case_id: str, levels: Iterable[Consent]) -> list[Item]:
        """The case's items that are not withdrawn and have one of these consent levels.

        The levels are given by the caller from the viewer's clearance, so the query never
        touches what the viewer may not see.
        """
        rows = self.db.scalars(
            select(ArchiveItemRow)
            .where(ArchiveItemRow.case_id == case_id, ArchiveItemRow.withdrawn.is_(False),
                   ArchiveItemRow.consent.in_([level.code for level in levels]))
            .order_by(ArchiveItemRow.created_at, ArchiveItemRow.id))
        return [_item(row) for row in rows]

    def blobs(self, item_id: str) -> tuple[str | None, str | None, bytes | None]:
        """An item's content blob, shown copy blob, and sealed original file name."""
        row = self.db.get(ArchiveItemRow, item_id)
        if row is None:
            return None, None, None
        return row.blob_id, row.shown_blob_id, row.name_box

    def set_consent(self, item_id: str, consent: Consent) -> None:
        """An item's new consent level; its searchable words move to that circle's index."""
        self.db.execute(update(ArchiveItemRow).where(ArchiveItemRow.id == item_id)
                        .values(consent=consent.code))
        row = self.db.get(ArchiveItemRow, item_id)
        if row is not None:
            SearchIndex(self.db).put(row.id, row.case_id, consent, created_at=row.created_at,
                                     title=row.title, tags=row.tags)

    def set_shown_copy(self, item_id: str, blob_id: str | None) -> None:
        """Point an item at its shown copy (None: no copy)."""
        self.db.execute(update(ArchiveItemRow).where(ArchiveItemRow.id == item_id)
                        .values(shown_blob_id=blob_id))

    def withdraw(self, item_id: str) -> None:
        """Withdraw an item: its content, copy, file name, keys and index entry are forgotten."""
        SearchIndex(self.db).remove(item_id)
        self.db.execute(update(ArchiveItemRow).where(ArchiveItemRow.id == item_id).values(
            withdrawn=True, blob_id=None, shown_blob_id=None, name_box=None, title=None,
            tags=None))
        self.db.execute(delete(ArchiveWrappedKeyRow)
                        .where(ArchiveWrappedKeyRow.item_id == item_id))

    def put_wraps(self, item_id: str, wraps: Mapping[int, bytes]) -> None:
        """Replace every wrap of an item's key by these (person id → sealed key)."""
        self.db.execute(delete(ArchiveWrappedKeyRow)
                        .where(ArchiveWrappedKeyRow.item_id == item_id))
        self.db.add_all(ArchiveWrappedKeyRow(item_id=item_id, person_id=person, wrapped=wrapped)
                        for person, wrapped in wraps.items())

    def wrap_for(self, item_id: str, person_id: int) -> bytes | None:
        """The item's key sealed for this person, if it is."""
        row = self.db.get(ArchiveWrappedKeyRow, (item_id, person_id))
        return None if row is None else row.wrapped

    def item_ids(self, case_id: str) -> list[str]:
        """Every item of a case that still has a key (not withdrawn)."""
        return list(self.db.scalars(select(ArchiveItemRow.id)
                                    .where(ArchiveItemRow.case_id == case_id,
                                           ArchiveItemRow.withdrawn.is_(False))
                                    .order_by(ArchiveItemRow.id)))

    # ---- custody log -------------------------------------------------------------------
    def records(self, case_id: str) -> list[Record]:
        """The case's whole custody log, in order."""
        rows = self.db.scalars(select(ArchiveCustodyRow)
                               .where(ArchiveCustodyRow.case_id == case_id)
                               .order_by(ArchiveCustodyRow.seq))
        return [Record(r.seq, r.digest, r.head, r.signature, _entry(r.entry)) for r in rows]

    def last_record(self, case_id: str) -> tuple[int, str] | None:
        """The last entry's number and head (call with the case locked)."""
        row = self.db.execute(select(ArchiveCustodyRow.seq, ArchiveCustodyRow.head)
                              .where(ArchiveCustodyRow.case_id == case_id)
                              .order_by(ArchiveCustodyRow.seq.desc()).limit(1)).first()
        return None if row is None else (row.seq, row.head)

    def add_record(self, case_id: str, record: Record) -> None:
        """Append a record (``(case, seq)`` is the key: a second writer of a number fails)."""
        if record.entry is None:
            msg = "a stored custody record keeps its entry"
            raise ValueError(msg)
        self.db.add(ArchiveCustodyRow(case_id=case_id, seq=record.seq, digest=record.digest,
                                      head=record.head, signature=record.signature,
                                      entry=record.entry.to_json()))
        self.db.flush()

    # ---- intake links and uploads ------------------------------------------------------
    def add_link(self, case_id: str, token_digest: str, consent: Consent, created_by: int,
                 expires_at: datetime) -> int:
        """A new intake link; its id."""
        row = ArchiveIntakeLinkRow(case_id=case_id, token_digest=token_digest,
                                   consent=consent.code, created_by=created_by,
                                   expires_at=expires_at)
        self.db.add(row)
        self.db.flush()
        return row.id

    def link(self, token_digest: str, *, lock: bool = False) -> IntakeLink | None:
        """The link with this token digest."""
        stmt = select(ArchiveIntakeLinkRow).where(
            ArchiveIntakeLinkRow.token_digest == token_digest)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else IntakeLink(row.id, row.case_id,
                                                    Consent.parse(row.consent), row.expires_at,
                                                    row.used_at)

    def spend_link(self, link_id: int, at: datetime) -> None:
        """Mark a link used."""
        self.db.execute(update(ArchiveIntakeLinkRow).where(ArchiveIntakeLinkRow.id == link_id)
                        .values(used_at=at))

    def add_upload(self, upload: UploadState, *, held_key: bytes, wraps: Mapping[int, bytes],
                   name_box: bytes | None, title: str | None = None,
                   now: datetime | None = None) -> None:
        """A new resumable upload (begun ``now``, or at the database's default time)."""
        self.db.add(ArchiveUploadRow(
            id=upload.id, case_id=upload.case_id, link_id=upload.link_id,
            person_id=upload.person_id, length=upload.length, offset=0, segments=0,
            held_key=held_key, wraps={str(k): v.hex() for k, v in wraps.items()},
            name_box=name_box, consent=upload.consent.code, title=title,
            **({} if now is None else {"created_at": now, "touched_at": now})))
        self.db.flush()

    def upload(self, upload_id: str, *, lock: bool = False
               ) -> tuple[UploadState, bytes, dict[int, bytes], bytes | None] | None:
        """An upload, its held key, the key's wraps to the team, and its sealed file name."""
        stmt = select(ArchiveUploadRow).where(ArchiveUploadRow.id == upload_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        if row is None:
            return None
        wraps = {int(k): bytes.fromhex(v) for k, v in row.wraps.items()}
        return _upload(row), row.held_key, wraps, row.name_box

    def advance_upload(self, upload_id: str, offset: int, segments: int, *,
                       now: datetime) -> None:
        """Record bytes received and segments written (and when, for the sweep)."""
        self.db.execute(update(ArchiveUploadRow).where(ArchiveUploadRow.id == upload_id)
                        .values(offset=offset, segments=segments, touched_at=now))

    def drop_idle_uploads(self, before: datetime) -> list[str]:
        """Forget the uploads that received nothing since ``before``; their ids.

        The condition is in the ``DELETE`` itself: an upload a ``PATCH`` holds (row lock) is
        re-checked once that ``PATCH`` commits, and kept, since it was just touched.
        """
        return list(self.db.scalars(delete(ArchiveUploadRow)
                                    .where(ArchiveUploadRow.touched_at < before)
                                    .returning(ArchiveUploadRow.id)))

    def upload_ids(self) -> set[str]:
        """Every upload in progress (for the sweep of segment folders left on disk)."""
        return set(self.db.scalars(select(ArchiveUploadRow.id)))

    def delete_upload(self, upload_id: str) -> None:
        """Forget an upload (completed or terminated): its held key goes with it."""
        self.db.execute(delete(ArchiveUploadRow).where(ArchiveUploadRow.id == upload_id))

    def referenced_blobs(self) -> set[str]:
        """Every blob id the archive points to (for the orphan sweep)."""
        rows = self.db.execute(select(ArchiveItemRow.blob_id, ArchiveItemRow.shown_blob_id))
        return {blob for pair in rows for blob in pair if blob is not None}
