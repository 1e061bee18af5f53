"""The archive's plain records, as repositories hand them to services (never rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from asamblea.core.archive.consent import Consent, ItemAccess
from asamblea.core.archive.media import Kind


@dataclass(frozen=True)
class Case:
    """An event kept by an archive team: its public name, place and date."""

    id: str
    assembly_id: int
    title: str
    place: str
    occurred_on: date
    memorial: str
    created_at: datetime


@dataclass(frozen=True)
class TeamMember:
    """A member of a case's team; ``legal`` when also of its legal team."""

    person_id: int
    handle: str
    legal: bool
    active: bool


@dataclass(frozen=True)
class Victim:
    """A victim, named as the family wishes (``name`` None: not named)."""

    id: int
    name: str | None
    consent: Consent


@dataclass(frozen=True)
class Item:
    """A testimony or a file of a case (its content is never here)."""

    id: str
    case_id: str
    kind: Kind
    media_type: str
    size: int
    sha256: str
    consent: Consent
    withdrawn: bool
    title: str | None
    tags: str | None
    received_seq: int
    has_shown_copy: bool
    created_at: datetime

    @property
    def access(self) -> ItemAccess:
        """What the access rule needs."""
        return ItemAccess(self.consent, self.withdrawn)


@dataclass(frozen=True)
class IntakeLink:
    """A one-time intake link (only the digest of its token is kept)."""

    id: int
    case_id: str
    consent: Consent
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class UploadState:
    """A resumable upload in progress."""

    id: str
    case_id: str
    link_id: int | None
    person_id: int | None
    length: int
    offset: int
    segments: int
    consent: Consent
    title: str | None = None


@dataclass(frozen=True)
class TimelineEvent:
    """A dated event of a case (what happened when), consent-levelled like an item; ``items``
    are the ids of the items linked to it (a reader is shown only those they may see)."""

    id: int
    case_id: str
    happened_on: date
    happened_at: time | None
    description: str
    consent: Consent
    items: tuple[str, ...]

    @property
    def access(self) -> ItemAccess:
        """What the access rule needs (an event is never withdrawn: it is deleted)."""
        return ItemAccess(self.consent, withdrawn=False)
