"""A person's inbox: their notices read from the audit log (fan-out on read), the unread
count for the header, marking read, and their preferences per kind.

Each notice's text is a message id with fields taken only from what the page it links to
shows the reader (`asamblea.core.notices.SAFE_PARAMS`); the web layer translates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core import notices
from asamblea.core.errors import N_, Invalid
from asamblea.core.notices import Delivery, Notice, Seat, Standing
from asamblea.core.people import Person
from asamblea.store.notices_repository import NoticesRepository

PAGE = 50
UNREAD_CAP = 99
#: Events read beyond what a page needs, for those the core rules set aside (a proposal
#: settled as rejected, a facilitators' event): most pages then take one statement.
OVERREAD = 20
#: Where a notice about a subject links to (the page that shows it, with its own checks).
LINKS = {
    "vote": "/votaciones/{}",
    "proposal": "/propuestas/{}",
    "budget": "/presupuestos/{}",
    "planning_round": "/planificacion/{}",
    "delegate": "/delegados/{}/revocatoria",
    "roll_call": "/votaciones/{}/nominal",
    "action": "/acciones/{}",
}


@dataclass(frozen=True)
class NoticeLine:
    """One notice as shown: its kind, text (message id + fields), link, time, read or not."""

    event_id: int
    kind: str
    text: str
    params: Mapping[str, str]
    link: str
    at: datetime
    read: bool


@dataclass(frozen=True)
class Inbox:
    """A page of a person's inbox, newest first, and what is due within 24 hours."""

    lines: tuple[NoticeLine, ...]
    closing: tuple[NoticeLine, ...]
    unread: int
    newest: int
    older_than: int | None


def _standing(repo: NoticesRepository, person: Person) -> Standing:
    seats = repo.seats(person.id)
    subjects = {f"membership:{s.membership_id}" for s in seats}
    subjects |= {f"proposal:{p}" for p in repo.authored_proposals(person.id)}
    active = [s.assembly_id for s in seats if s.state == "active"]
    subjects |= repo.mobilisation_subjects(person.id, active)
    return Standing(
        person.id,
        tuple(Seat(s.assembly_id, s.role, s.state, s.since) for s in seats),
        frozenset(subjects),
    )


def _notices(
    repo: NoticesRepository,
    standing: Standing,
    marker: int,
    *,
    after_id: int = 0,
    before_id: int | None = None,
    limit: int = PAGE,
) -> list[Notice]:
    """Up to ``limit`` notices, newest first: the query over-selects, the core rules decide.

    Keyset pagination: each round reads, per assembly and for the person's own subjects, the
    newest events below ``before_id`` (index (assembly_id, id) or (subject, id), backwards);
    a round that fills nothing moves ``before_id`` below what it read."""
    active = [(s.assembly_id, s.since) for s in standing.seats if s.state == "active"]
    found: list[Notice] = []
    while len(found) < limit:
        events = repo.events(
            actions=notices.actions(),
            assemblies=active,
            subjects=standing.subjects,
            person_id=standing.person_id,
            after_id=after_id,
            before_id=before_id,
            limit=limit + OVERREAD,
        )
        found += notices.inbox(events, standing, marker, limit=limit - len(found))
        if len(events) < limit + OVERREAD:
            break
        before_id = events[-1].id
    return found


def _lines(repo: NoticesRepository, found: list[Notice]) -> list[NoticeLine]:
    subjects: dict[str, set[int]] = {}
    for notice in found:
        kind, _, key = notice.event.subject.partition(":")
        if key.isascii() and key.isdecimal():
            subjects.setdefault(kind, set()).add(int(key))
    titles = {kind: repo.titles(kind, ids) for kind, ids in subjects.items()}
    names = repo.assembly_names({n.event.assembly_id for n in found if n.event.assembly_id})
    return [_line(notice, titles, names) for notice in found]


def _line(
    notice: Notice, titles: Mapping[str, Mapping[int, str]], names: Mapping[int, str]
) -> NoticeLine:
    event = notice.event
    kind, _, key = event.subject.partition(":")
    number = int(key) if key.isascii() and key.isdecimal() else 0
    title = titles.get(kind, {}).get(number, "")
    params = {
        "assembly": names.get(event.assembly_id or 0, ""),
        "question": title,
        "title": title,
        "phase": str(event.details.get("phase", "")),
        "state": str(event.details.get("state", "")),
    }
    link = LINKS[kind].format(number) if kind in LINKS and number else ""
    action_id = event.details.get("action_id")
    if kind == "pledge_campaign" and isinstance(action_id, int):  # the campaign's action
        link = LINKS["action"].format(action_id)
    if not link and event.assembly_id:
        link = f"/asambleas/{event.assembly_id}"
    return NoticeLine(event.id, notice.kind, notice.rule.text, params, link, event.at, notice.read)


def inbox(db: Session, person: Person, *, now: datetime, before: int | None = None) -> Inbox:
    """A page of the person's notices (older than event ``before`` when given), with the
    unread count for the header (``Inbox.unread``: a page needs no second count).

    The first page reads the newest `UNREAD_CAP` + 1 notices in one statement: the page is the
    first `PAGE` of them, and the unread ones among them are the count (unread notices are the
    newest ones, so when not all of them are unread the count is exact, and when all are it
    is "99+")."""
    repo = NoticesRepository(db)
    standing = _standing(repo, person)
    marker = repo.read_up_to(person.id)
    if before is None:
        found = _notices(repo, standing, marker, limit=UNREAD_CAP + 1)
        unread = sum(1 for notice in found if not notice.read)
    else:
        found = _notices(repo, standing, marker, before_id=before, limit=PAGE + 1)
        unread = _unread(repo, standing, marker)
    lines = _lines(repo, found[:PAGE])
    return Inbox(
        lines=tuple(lines),
        closing=tuple(_closing(repo, standing, now)),
        unread=unread,
        newest=max((line.event_id for line in lines), default=0),
        older_than=lines[-1].event_id if len(found) > PAGE else None,
    )


def _unread(repo: NoticesRepository, standing: Standing, marker: int) -> int:
    """How many notices are unread, at most `UNREAD_CAP` + 1 ("99+")."""
    return len(_notices(repo, standing, marker, after_id=marker, limit=UNREAD_CAP + 1))


def _closing(repo: NoticesRepository, standing: Standing, now: datetime) -> list[NoticeLine]:
    active = {s.assembly_id for s in standing.seats if s.state == "active"}
    soon = repo.closing_votes(active, now, now + notices.due.CLOSES_SOON)
    names = repo.assembly_names({assembly for _, assembly, _, _ in soon})
    text = notices.CLOSING_SOON.text
    return [
        NoticeLine(
            0,
            notices.CLOSING_SOON.kind,
            text,
            {"assembly": names.get(assembly, ""), "question": question},
            LINKS["vote"].format(vote_id),
            closes_at,
            read=False,
        )
        for vote_id, assembly, question, closes_at in soon
    ]


def unread_count(db: Session, person: Person) -> int:
    """How many notices the person has not read (at most `UNREAD_CAP` + 1: "99+")."""
    repo = NoticesRepository(db)
    return _unread(repo, _standing(repo, person), repo.read_up_to(person.id))


def mark_read(db: Session, person: Person, up_to: int) -> None:
    """Everything up to event ``up_to`` is read (the marker never moves back)."""
    repo = NoticesRepository(db)
    if not 0 <= up_to <= repo.last_event_id():
        raise Invalid(N_("That notice does not exist."))
    repo.mark_read(person.id, up_to)


def preferences(db: Session, person: Person) -> dict[str, Delivery]:
    """Every kind with the person's delivery (their choice, or the kind's default)."""
    chosen = NoticesRepository(db).preferences(person.id)
    return {
        kind: Delivery(chosen[kind]) if kind in chosen else notices.default_delivery(kind)
        for kind in notices.kinds()
    }


def set_preferences(db: Session, person: Person, choices: Mapping[str, str]) -> None:
    """Record the person's deliveries (unknown kinds or deliveries: refused, nothing written)."""
    known = set(notices.kinds())
    parsed: dict[str, Delivery] = {}
    for kind, value in choices.items():
        if kind not in known:
            raise Invalid(N_("Unknown kind of notice."))
        try:
            parsed[kind] = Delivery(value)
        except ValueError:
            raise Invalid(N_("Choose at once, daily or never.")) from None
    repo = NoticesRepository(db)
    for kind, delivery in parsed.items():
        repo.set_preference(person.id, kind, delivery.value)
