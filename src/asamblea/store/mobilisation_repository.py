"""Every mobilisation query: struggles, adhesions, actions, tasks, checklists, pledges.

Rows are mapped to frozen dataclasses here. Pledges leave this module as counts, or as the
yes/no answer to "has this person pledged" — never as a list of people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Result,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyKind, Placed
from asamblea.core.mobilisation.actions import ActionKind, ActionState, TaskRole, Visibility
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.mobilisation.struggles import Sector, StruggleState
from asamblea.store.federation_models import AssemblyRow
from asamblea.store.locking import for_update
from asamblea.store.mobilisation_models import (
    ActionRow,
    ActionTaskRow,
    ActionUpdateRow,
    AdhesionRow,
    ChecklistItemRow,
    PledgeCampaignRow,
    PledgeRow,
    PledgeTallyRow,
    StruggleRow,
    StruggleUpdateRow,
    TaskSignupRow,
)


@dataclass(frozen=True)
class Struggle:
    id: int
    assembly_id: int
    title: str
    demands: str
    against: str
    region: str
    province: str | None
    district: str | None
    sector: Sector
    since: date
    state: StruggleState
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True)
class StruggleUpdate:
    at: datetime
    text: str
    state: StruggleState | None


@dataclass(frozen=True)
class Adhesion:
    id: int
    target: str
    target_id: int
    assembly_id: int
    kind: str
    state: str
    vote_id: int | None


@dataclass(frozen=True)
class Action:
    id: int
    assembly_id: int
    struggle_id: int | None
    kind: ActionKind
    title: str
    description: str
    region: str
    starts_at: datetime
    places: tuple[str, ...]
    reveal_at: datetime | None
    visibility: Visibility
    state: ActionState
    report: dict[str, Any] | None


@dataclass(frozen=True)
class Task:
    id: int
    role: TaskRole
    needed: int
    signed: int


@dataclass(frozen=True)
class ChecklistItem:
    id: int
    text: str
    done: bool


@dataclass(frozen=True)
class Campaign:
    id: int
    action_id: int
    thresholds: Thresholds
    triggered_at: datetime | None


@dataclass(frozen=True)
class PledgeBook:
    """What a batch of pledges reads under its campaign's lock (`pledge_book`): the
    federation's tree, the assemblies that joined the action, pledges per assembly, and the
    assembly each of the batch's people pledged from (for those who have) — counts, never a
    list of who pledged."""

    placements: list[Placed]
    joined: set[int]
    counts: dict[int, int]
    pledged: dict[int, int]


def _struggle(row: StruggleRow) -> Struggle:
    return Struggle(
        row.id,
        row.assembly_id,
        row.title,
        row.demands,
        row.against,
        row.region,
        row.province,
        row.district,
        Sector(row.sector),
        row.since,
        StruggleState(row.state),
        Visibility(row.visibility),
    )


def _action(row: ActionRow) -> Action:
    return Action(
        row.id,
        row.assembly_id,
        row.struggle_id,
        ActionKind(row.kind),
        row.title,
        row.description,
        row.region,
        row.starts_at,
        tuple(row.places),
        row.reveal_at,
        Visibility(row.visibility),
        ActionState(row.state),
        row.report,
    )


def _campaign(row: PledgeCampaignRow) -> Campaign:
    thresholds = Thresholds(row.members, row.assemblies, row.people)
    return Campaign(row.id, row.action_id, thresholds, row.triggered_at)


def _joined(target_id: Any, target: str) -> tuple[Any, ...]:
    """Adhesions by which an assembly's members voted to join ``target`` (a struggle or an
    action) — the one definition of "joined", read by `joined_assemblies` and `pledge_book`."""
    return (
        AdhesionRow.target == target,
        AdhesionRow.target_id == target_id,
        AdhesionRow.kind == "adhesion",
        AdhesionRow.state == "joined",
    )


def _adding_to_tally(upsert: Any) -> Any:
    """An INSERT into the tally that adds its pledges to the row already there (one per
    campaign and assembly) instead of failing on it."""
    return upsert.on_conflict_do_update(
        index_elements=[PledgeTallyRow.campaign_id, PledgeTallyRow.assembly_id],
        set_={"pledges": PledgeTallyRow.pledges + upsert.excluded.pledges},
    )


def _pledge_book_query() -> CompoundSelect[int, int, int | None, Any]:
    """`MobilisationRepository.pledge_book`'s one query, tagged rows of four kinds; parameters
    ``action_id``, ``campaign_id`` and ``people`` (a list)."""
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    campaign = bindparam("campaign_id", type_=Integer)
    places = select(literal(0, Integer), AssemblyRow.id, AssemblyRow.parent_id, AssemblyRow.kind)
    joined = select(literal(1, Integer), AdhesionRow.assembly_id, no_int, no_text).where(
        *_joined(bindparam("action_id", type_=Integer), "action")
    )
    counts = select(
        literal(2, Integer), PledgeTallyRow.assembly_id, PledgeTallyRow.pledges, no_text
    ).where(PledgeTallyRow.campaign_id == campaign, PledgeTallyRow.pledges > 0)
    mine = select(literal(3, Integer), PledgeRow.person_id, PledgeRow.assembly_id, no_text).where(
        PledgeRow.campaign_id == campaign,
        PledgeRow.person_id.in_(bindparam("people", expanding=True)),
    )
    return union_all(places, joined, counts, mine)


def _pledge_writes() -> tuple[Any, Any, Any]:
    """PostgreSQL's statements for a batch's pledges (`apply_pledges`): (the pledges and the
    tally together, the pledges alone, the tally alone). Parameters: ``campaign_id``, and the
    arrays ``people`` with ``homes`` (the assembly each pledged from), ``assemblies`` with
    ``steps`` (what each assembly's tally moves by); unnested on the server."""
    numbers = postgresql.ARRAY(Integer)
    campaign = bindparam("campaign_id", type_=Integer)
    rows = (
        func.unnest(bindparam("people", type_=numbers), bindparam("homes", type_=numbers))
        .table_valued("person_id", "assembly_id")
        .render_derived()
    )
    pledged = insert(PledgeRow).from_select(
        ["campaign_id", "person_id", "assembly_id"],
        select(campaign, rows.c.person_id, rows.c.assembly_id),
    )
    tally = (
        func.unnest(bindparam("assemblies", type_=numbers), bindparam("steps", type_=numbers))
        .table_valued("assembly_id", "pledges")
        .render_derived()
    )
    upsert = _adding_to_tally(
        postgresql.insert(PledgeTallyRow).from_select(
            ["campaign_id", "assembly_id", "pledges"],
            select(campaign, tally.c.assembly_id, tally.c.pledges),
        )
    )
    return upsert.add_cte(pledged.cte("pledged")), pledged, upsert


# Built once: a pledge batch runs them many times a second, and building a statement costs
# more of the writer's time than compiling it (which SQLAlchemy caches).
PLEDGE_BOOK = _pledge_book_query()
PLEDGES_AND_TALLY, PLEDGES_ONLY, TALLY_ONLY = _pledge_writes()


class MobilisationRepository:
    """Queries for struggles, actions and pledges."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # Struggles ---------------------------------------------------------------------------
    def add_struggle(self, **fields: Any) -> Struggle:
        row = StruggleRow(**fields)
        self.db.add(row)
        self.db.flush()
        return _struggle(row)

    def struggle(self, struggle_id: int, *, lock: bool = False) -> Struggle | None:
        stmt = select(StruggleRow).where(StruggleRow.id == struggle_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else _struggle(row)

    def struggles(self, region: str | None = None, sector: str | None = None) -> list[Struggle]:
        stmt = select(StruggleRow).order_by(StruggleRow.id.desc())
        if region is not None:
            stmt = stmt.where(StruggleRow.region == region)
        if sector is not None:
            stmt = stmt.where(StruggleRow.sector == sector)
        return [_struggle(row) for row in self.db.scalars(stmt)]

    def set_struggle_state(self, struggle_id: int, state: StruggleState) -> None:
        self.db.execute(
            update(StruggleRow).where(StruggleRow.id == struggle_id).values(state=state.value)
        )

    def add_struggle_update(
        self, struggle_id: int, text: str, state: StruggleState | None, author: int, at: datetime
    ) -> None:
        value = None if state is None else state.value
        self.db.add(
            StruggleUpdateRow(
                struggle_id=struggle_id, text=text, state=value, author_id=author, at=at
            )
        )

    def struggle_updates(self, struggle_id: int) -> list[StruggleUpdate]:
        rows = self.db.scalars(
            select(StruggleUpdateRow)
            .where(StruggleUpdateRow.struggle_id == struggle_id)
            .order_by(StruggleUpdateRow.id.desc())
        )
        return [
            StruggleUpdate(r.at, r.text, None if r.state is None else StruggleState(r.state))
            for r in rows
        ]

    # Adhesions ---------------------------------------------------------------------------
    def add_adhesion(
        self,
        target: str,
        target_id: int,
        *,
        assembly_id: int,
        kind: str,
        state: str,
        vote_id: int | None,
        at: datetime,
    ) -> Adhesion:
        row = AdhesionRow(
            target=target,
            target_id=target_id,
            assembly_id=assembly_id,
            kind=kind,
            state=state,
            vote_id=vote_id,
            at=at,
        )
        self.db.add(row)
        self.db.flush()
        return self._adhesion(row)

    @staticmethod
    def _adhesion(row: AdhesionRow) -> Adhesion:
        return Adhesion(
            row.id, row.target, row.target_id, row.assembly_id, row.kind, row.state, row.vote_id
        )

    def adhesions(self, target: str, target_id: int) -> list[Adhesion]:
        rows = self.db.scalars(
            select(AdhesionRow)
            .where(AdhesionRow.target == target, AdhesionRow.target_id == target_id)
            .order_by(AdhesionRow.id)
        )
        return [self._adhesion(r) for r in rows]

    def joined_assemblies(self, target: str, target_id: int) -> list[int]:
        """Assemblies whose members voted to join a struggle or an action, in joining order."""
        rows = self.db.scalars(
            select(AdhesionRow.assembly_id)
            .where(*_joined(target_id, target))
            .order_by(AdhesionRow.id)
        )
        return list(rows)

    def adhesion_for_vote(self, vote_id: int) -> Adhesion | None:
        stmt = select(AdhesionRow).where(AdhesionRow.vote_id == vote_id)
        row = self.db.scalar(for_update(stmt))
        return None if row is None else self._adhesion(row)

    def set_adhesion_state(self, adhesion_id: int, state: str) -> None:
        self.db.execute(
            update(AdhesionRow).where(AdhesionRow.id == adhesion_id).values(state=state)
        )

    # Actions -----------------------------------------------------------------------------
    def add_action(self, **fields: Any) -> Action:
        row = ActionRow(**fields)
        self.db.add(row)
        self.db.flush()
        return _action(row)

    def action(self, action_id: int, *, lock: bool = False) -> Action | None:
        stmt = select(ActionRow).where(ActionRow.id == action_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else _action(row)

    def actions(self, region: str | None = None, kind: str | None = None) -> list[Action]:
        stmt = select(ActionRow).order_by(ActionRow.starts_at)
        if region is not None:
            stmt = stmt.where(ActionRow.region == region)
        if kind is not None:
            stmt = stmt.where(ActionRow.kind == kind)
        return [_action(row) for row in self.db.scalars(stmt)]

    def set_action(self, action_id: int, **values: Any) -> None:
        self.db.execute(update(ActionRow).where(ActionRow.id == action_id).values(**values))

    def add_task(self, action_id: int, role: TaskRole, needed: int) -> None:
        self.db.add(ActionTaskRow(action_id=action_id, role=role.value, needed=needed))

    def tasks(self, action_id: int) -> list[Task]:
        signed = (
            select(TaskSignupRow.task_id, func.count().label("n"))
            .group_by(TaskSignupRow.task_id)
            .subquery()
        )
        rows = self.db.execute(
            select(ActionTaskRow.id, ActionTaskRow.role, ActionTaskRow.needed, signed.c.n)
            .outerjoin(signed, signed.c.task_id == ActionTaskRow.id)
            .where(ActionTaskRow.action_id == action_id)
            .order_by(ActionTaskRow.id)
        )
        return [Task(i, TaskRole(role), needed, n or 0) for i, role, needed, n in rows]

    def task_action(self, task_id: int) -> int | None:
        return self.db.scalar(select(ActionTaskRow.action_id).where(ActionTaskRow.id == task_id))

    def signed_up(self, task_id: int) -> list[int]:
        """Who signed up for a task: for its coordinators' page only."""
        return list(
            self.db.scalars(select(TaskSignupRow.person_id).where(TaskSignupRow.task_id == task_id))
        )

    def my_tasks(self, action_id: int, person_id: int) -> set[int]:
        rows = self.db.scalars(
            select(TaskSignupRow.task_id)
            .join(ActionTaskRow, ActionTaskRow.id == TaskSignupRow.task_id)
            .where(ActionTaskRow.action_id == action_id, TaskSignupRow.person_id == person_id)
        )
        return set(rows)

    def add_signup(self, task_id: int, person_id: int) -> None:
        self.db.add(TaskSignupRow(task_id=task_id, person_id=person_id))
        self.db.flush()

    def remove_signup(self, task_id: int, person_id: int) -> int:
        result = self.db.execute(
            delete(TaskSignupRow).where(
                TaskSignupRow.task_id == task_id, TaskSignupRow.person_id == person_id
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def add_checklist_item(self, action_id: int, text: str) -> None:
        self.db.add(ChecklistItemRow(action_id=action_id, text=text, done=False))

    def checklist(self, action_id: int) -> list[ChecklistItem]:
        rows = self.db.scalars(
            select(ChecklistItemRow)
            .where(ChecklistItemRow.action_id == action_id)
            .order_by(ChecklistItemRow.id)
        )
        return [ChecklistItem(r.id, r.text, r.done) for r in rows]

    def set_checklist_item(self, action_id: int, item_id: int, done: bool) -> int:
        result = self.db.execute(
            update(ChecklistItemRow)
            .where(ChecklistItemRow.id == item_id, ChecklistItemRow.action_id == action_id)
            .values(done=done)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def add_live_update(self, action_id: int, text: str, at: datetime) -> None:
        self.db.add(ActionUpdateRow(action_id=action_id, text=text, at=at))

    def live_updates(self, action_id: int) -> list[tuple[datetime, str]]:
        rows = self.db.execute(
            select(ActionUpdateRow.at, ActionUpdateRow.text)
            .where(ActionUpdateRow.action_id == action_id)
            .order_by(ActionUpdateRow.id.desc())
        )
        return [(at, text) for at, text in rows]

    # Pledges -----------------------------------------------------------------------------
    def add_campaign(self, action_id: int, thresholds: Thresholds) -> Campaign:
        row = PledgeCampaignRow(
            action_id=action_id,
            members=thresholds.members,
            assemblies=thresholds.assemblies,
            people=thresholds.people,
        )
        self.db.add(row)
        self.db.flush()
        return _campaign(row)

    def campaign_of(self, action_id: int, *, lock: bool = False) -> Campaign | None:
        stmt = select(PledgeCampaignRow).where(PledgeCampaignRow.action_id == action_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return None if row is None else _campaign(row)

    def campaign_for_pledging(self, action_id: int) -> tuple[Action, Campaign] | None:
        """The action and its campaign in one read, the campaign's row locked (``FOR UPDATE OF``
        it on PostgreSQL): what a batch of pledges starts with. None when either is missing."""
        stmt = (
            select(ActionRow, PledgeCampaignRow)
            .join(PledgeCampaignRow, PledgeCampaignRow.action_id == ActionRow.id)
            .where(ActionRow.id == action_id)
            .with_for_update(of=PledgeCampaignRow)
            .execution_options(populate_existing=True)
        )
        found = self.db.execute(stmt).first()
        return None if found is None else (_action(found[0]), _campaign(found[1]))

    def pledge_book(
        self, action_id: int, campaign_id: int, person_ids: Iterable[int]
    ) -> PledgeBook:
        """What a batch of pledges reads under its campaign's lock, in one round trip (one
        ``UNION ALL``, rows tagged by kind): every assembly's place, the assemblies that joined
        the action, the tally, and the assembly each of these people pledged from."""
        book = PledgeBook([], set(), {}, {})
        rows: Result[int, int, int | None, Any] = self.db.execute(
            PLEDGE_BOOK,
            {"action_id": action_id, "campaign_id": campaign_id, "people": sorted(set(person_ids))},
        )
        for tag, key, value, kind in rows:
            if tag == 0:
                book.placements.append(Placed(key, AssemblyKind(kind), value))
            elif tag == 1:
                book.joined.add(key)
            else:  # tallies and the batch's pledges have a value
                (book.counts if tag == 2 else book.pledged)[key] = int(value or 0)
        return book

    def pledge_counts(self, campaign_id: int) -> dict[int, int]:
        """Pledges per assembly (the tally kept beside the pledges): counts only."""
        rows = self.db.execute(
            select(PledgeTallyRow.assembly_id, PledgeTallyRow.pledges).where(
                PledgeTallyRow.campaign_id == campaign_id, PledgeTallyRow.pledges > 0
            )
        )
        return {assembly: int(n) for assembly, n in rows}

    def has_pledged(self, campaign_id: int, person_id: int) -> bool:
        found = self.db.scalar(
            select(PledgeRow.id).where(
                PledgeRow.campaign_id == campaign_id, PledgeRow.person_id == person_id
            )
        )
        return found is not None

    def apply_pledges(
        self, campaign_id: int, added: Mapping[int, int], removed: Mapping[int, int]
    ) -> None:
        """A batch's pledges at once (callers hold the campaign's row lock): delete `removed`
        (person → assembly), insert `added` in person order — not in the order they came, so
        row ids say nothing about who pledged when — and move each assembly's tally once.
        On PostgreSQL the insert and the tally are one statement (one round trip, arrays
        unnested on the server); SQLite, in process, runs them one after the other."""
        if removed:  # a statement of its own: a person may withdraw and pledge in one batch
            self.db.execute(
                delete(PledgeRow).where(
                    PledgeRow.campaign_id == campaign_id,
                    PledgeRow.person_id.in_(sorted(removed)),
                )
            )
        steps: dict[int, int] = {}
        for assembly in added.values():
            steps[assembly] = steps.get(assembly, 0) + 1
        for assembly in removed.values():
            steps[assembly] = steps.get(assembly, 0) - 1
        moved = {a: steps[a] for a in sorted(steps) if steps[a]}
        people = sorted(added)
        if self.db.get_bind().dialect.name == "postgresql":
            self._apply_pledges_postgresql(campaign_id, people, added, moved)
            return
        if people:
            self.db.connection().execute(  # Core, not the ORM's bulk machinery per row
                insert(PledgeRow),
                [
                    {"campaign_id": campaign_id, "person_id": p, "assembly_id": added[p]}
                    for p in people
                ],
            )
        if moved:  # every assembly's tally in one statement: insert, or add to what is there
            self.db.connection().execute(
                _adding_to_tally(sqlite.insert(PledgeTallyRow)),
                [
                    {"campaign_id": campaign_id, "assembly_id": a, "pledges": n}
                    for a, n in moved.items()
                ],
            )

    def _apply_pledges_postgresql(
        self, campaign_id: int, people: list[int], added: Mapping[int, int], moved: dict[int, int]
    ) -> None:
        """``WITH pledged AS (INSERT INTO pledge … SELECT … FROM unnest(people, homes))
        INSERT INTO pledge_tally … SELECT … FROM unnest(assemblies, steps) ON CONFLICT … DO
        UPDATE``: one round trip, and the same SQL whatever the batch's size. Either half
        alone when the other has nothing to do (a withdrawal and a pledge from the same
        assembly leave its tally as it was)."""
        values = {
            "campaign_id": campaign_id,
            "people": people,
            "homes": [added[p] for p in people],
            "assemblies": list(moved),
            "steps": list(moved.values()),
        }
        if people and moved:
            self.db.connection().execute(PLEDGES_AND_TALLY, values)
        elif people:
            self.db.connection().execute(PLEDGES_ONLY, values)
        elif moved:
            self.db.connection().execute(TALLY_ONLY, values)

    def mark_triggered(self, campaign_id: int, at: datetime) -> None:
        self.db.execute(
            update(PledgeCampaignRow)
            .where(PledgeCampaignRow.id == campaign_id)
            .values(triggered_at=at)
        )

    def all_pledge_pairs(self) -> list[tuple[int, int, int]]:
        """(campaign, assembly, count) for every campaign: for re-evaluating them all at once."""
        rows = self.db.execute(
            select(PledgeRow.campaign_id, PledgeRow.assembly_id, func.count()).group_by(
                PledgeRow.campaign_id, PledgeRow.assembly_id
            )
        )
        return [(c, a, int(n)) for c, a, n in rows]
