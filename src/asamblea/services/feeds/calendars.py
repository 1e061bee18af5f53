"""iCalendar files (RFC 5545) of an assembly, of a person, and of the federation's actions.

Each item is read as its page would show it to the feed's reader (`asamblea.core.feeds`):
the public calendar as a visitor, a private calendar as a member of the assemblies the person
is an active member of (never as a coordinator). A vote is two events, its opening and its
closing (a reminder set on the closing is the one that matters); a participatory budget is one
event per phase, from the day it starts to the day the next one does; an action is one event
from its start (for its fixed length, when its kind has one), with its places only when the
reader may see them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from asamblea import i18n
from asamblea.core.errors import N_, NotFound
from asamblea.core.feeds import Reader, shows_action, shows_place, shows_vote
from asamblea.core.mobilisation.actions import DURATION, ActionState, Viewer
from asamblea.core.people import Person
from asamblea.formats.calendar import CalendarItem, dump_calendar
from asamblea.formats.places import region_name
from asamblea.services.feeds.tokens import private_assembly
from asamblea.services.mobilisation import access, views
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.feeds_repository import DatedBudget, DatedVote, FeedsRepository
from asamblea.store.mobilisation_repository import Action, MobilisationRepository

LIMA = ZoneInfo("America/Lima")
#: How far back a calendar reaches: what is past is on the pages; a calendar is for what comes
#: (and a long history costs its readers, and the server, at every fetch).
HISTORY = timedelta(days=90)

PHASE_NAMES = {
    "preparation": N_("Preparation"),
    "workshops": N_("Workshops"),
    "evaluation": N_("Technical evaluation"),
    "prioritisation": N_("Prioritisation"),
    "formalisation": N_("Formalisation"),
    "oversight": N_("Oversight"),
}
KIND_NAMES = {
    "strike_24h": N_("24-hour strike"),
    "strike_48h": N_("48-hour strike"),
    "strike_indefinite": N_("Indefinite strike"),
    "sit_in": N_("Sit-in"),
    "march": N_("March"),
    "road_block": N_("Road block"),
    "rally": N_("Rally"),
    "public_assembly": N_("Public assembly"),
    "olla_comun": N_("Olla común (common pot)"),
}


@dataclass(frozen=True)
class Links:
    """Where the server is (absolute links in feeds) — ``https://host`` without a slash."""

    base: str

    @property
    def host(self) -> str:
        """The host part, for the events' UIDs."""
        return urlsplit(self.base).hostname or "asamblea"

    def uid(self, kind: str, key: str) -> str:
        """A stable UID: the same item keeps it from one fetch to the next."""
        return f"{kind}-{key}@{self.host}"


def _t(message: str, **params: object) -> str:
    return i18n.translate_error(message, dict(params))


def _vote_items(found: Iterable[DatedVote], reader: Reader, links: Links) -> Iterator[CalendarItem]:
    for vote in found:
        if not shows_vote(vote.public, reader):
            continue
        url = f"{links.base}/votaciones/{vote.id}"
        changed = vote.closed_at or vote.opens_at
        yield CalendarItem(
            links.uid("vote", f"{vote.id}-opens"),
            _t(N_("Vote opens: {question}"), question=vote.question),
            vote.opens_at,
            None,
            url,
            changed,
        )
        yield CalendarItem(
            links.uid("vote", f"{vote.id}-closes"),
            _t(N_("Vote closes: {question}"), question=vote.question),
            vote.closes_at,
            None,
            url,
            changed,
        )


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=LIMA)


def _budget_items(found: Iterable[DatedBudget], links: Links) -> Iterator[CalendarItem]:
    for budget in found:
        phases = [(p, d) for p, d in budget.calendar.items() if p in PHASE_NAMES]
        phases.sort(key=lambda item: item[1])
        for index, (phase, day) in enumerate(phases):
            starts = _midnight(day)
            following = phases[index + 1][1] if index + 1 < len(phases) else None
            ends = _midnight(following) if following else starts + timedelta(days=1)
            yield CalendarItem(
                links.uid("budget", f"{budget.id}-{phase}"),
                _t(
                    N_("Participatory budget {title}: {phase}"),
                    title=budget.title,
                    phase=i18n.gettext(PHASE_NAMES[phase]),
                ),
                starts,
                max(ends, starts),
                f"{links.base}/presupuestos/{budget.id}",
                budget.created_at,
            )


def _action_item(action: Action, reader: Reader, links: Links, now: datetime) -> CalendarItem:
    duration = DURATION.get(action.kind)
    region = region_name(action.region) or action.region
    lines = [action.description] if action.description else []
    location = region
    if shows_place(action.visibility, reader, action.reveal_at, now):
        location = "; ".join([*action.places, region])
    elif action.reveal_at is not None and reader is Reader.MEMBER:
        local = action.reveal_at.astimezone(LIMA).strftime("%Y-%m-%d %H:%M")
        lines.append(_t(N_("The exact place is shown to members from {at}."), at=local))
    else:
        lines.append(i18n.gettext(N_("The exact place is shown to members only.")))
    kind = i18n.gettext(KIND_NAMES.get(action.kind.value, action.kind.value))
    return CalendarItem(
        links.uid("action", str(action.id)),
        f"{kind}: {action.title}",
        action.starts_at,
        None if duration is None else action.starts_at + duration,
        f"{links.base}/acciones/{action.id}",
        now,
        description="\n\n".join(lines),
        location=location,
        cancelled=action.state is ActionState.CANCELLED,
    )


def _reader_of(db: Session, person: Person | None, action: Action) -> Reader:
    """A private feed reads an action as a member only if its person takes part in it."""
    if person is None:
        return Reader.PUBLIC
    taking_part = access.viewer_of(db, person, action) is not Viewer.ANYONE
    return Reader.MEMBER if taking_part else Reader.PUBLIC


def _action_items(
    db: Session,
    actions: Iterable[Action],
    person: Person | None,
    links: Links,
    now: datetime,
    *,
    members_of: Collection[int] = (),
) -> Iterator[CalendarItem]:
    """Items of ``actions`` as ``person`` reads them; the actions in ``members_of`` are known
    to include the person (convened or joined by an assembly they are an active member of),
    so their reader is a member without asking again."""
    for action in actions:
        reader = Reader.MEMBER if action.id in members_of else _reader_of(db, person, action)
        if shows_action(action.visibility, reader):
            yield _action_item(action, reader, links, now)


def _assembly_actions(db: Session, assembly_ids: Iterable[int], now: datetime) -> list[Action]:
    repo = MobilisationRepository(db)
    ids = FeedsRepository(db).action_ids(list(assembly_ids), since=now - HISTORY)
    found = (repo.action(i) for i in ids)
    return [a for a in found if a is not None]


def assembly_calendar(
    db: Session, assembly_id: int, links: Links, now: datetime, *, person: Person | None = None
) -> bytes:
    """The assembly's calendar: public, or (``person`` given, an active member) private."""
    assembly = FederationRepository(db).assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    if person is not None:
        private_assembly(db, person, assembly_id)
    reader = Reader.PUBLIC if person is None else Reader.MEMBER
    repo = FeedsRepository(db)
    found = _assembly_actions(db, [assembly_id], now)
    own = {a.id for a in found} if person is not None else set()  # checked: an active member
    items = [
        *_vote_items(repo.votes([assembly_id], since=now - HISTORY), reader, links),
        *_budget_items(repo.budgets([assembly_id]), links),
        *_action_items(db, found, person, links, now, members_of=own),
    ]
    return dump_calendar(assembly.name, items)


def person_calendar(db: Session, person: Person, links: Links, now: datetime) -> bytes:
    """One calendar of everything the person reads as a member: their assemblies' votes and
    budgets, and every action they take part in (convened or joined by their assemblies, or by
    an assembly above theirs)."""
    active = list(access.active_memberships(db, person))
    repo = FeedsRepository(db)
    parents = FederationRepository(db).parent_map()
    reach = set(active)  # an action convened or joined above one's assembly may include it
    for assembly_id in active:
        parent = parents.get(assembly_id)
        while parent is not None and parent not in reach:
            reach.add(parent)
            parent = parents.get(parent)
    own = set(repo.action_ids(active, since=now - HISTORY))  # convened or joined by hers
    actions = [
        a
        for a in _assembly_actions(db, reach, now)
        if a.id in own or access.viewer_of(db, person, a) is not Viewer.ANYONE
    ]
    items = [
        *_vote_items(repo.votes(active, since=now - HISTORY), Reader.MEMBER, links),
        *_budget_items(repo.budgets(active), links),
        *_action_items(db, actions, person, links, now, members_of=own),
    ]
    return dump_calendar(i18n.gettext(N_("My calendar")), items)


def actions_calendar(
    db: Session,
    links: Links,
    now: datetime,
    *,
    person: Person | None = None,
    region: str | None = None,
    kind: str | None = None,
) -> bytes:
    """The federation's actions (filtered by region and kind, both checked by the caller),
    public, or as ``person`` may read them."""
    shown = views.visible_actions(db, person, region=region, kind=kind)
    items = list(_action_items(db, shown, person, links, now))
    return dump_calendar(i18n.gettext(N_("Actions of the federation")), items)
