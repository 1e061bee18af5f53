"""Participatory budgeting processes: every query for them. Rows are mapped to frozen
dataclasses here and never leave the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from asamblea.store.budgeting_models import (
    BudgetAgentRow,
    BudgetBallotRow,
    BudgetCandidateRow,
    BudgetCommitteeRow,
    BudgetElectionRow,
    BudgetProcessRow,
    BudgetProgressRow,
    BudgetProjectRow,
    BudgetTechnicianRow,
    BudgetVoterRow,
)
from asamblea.store.locking import for_update


@dataclass(frozen=True)
class Process:
    """A participatory budgeting process as stored (money in integer céntimos)."""

    id: int
    assembly_id: int
    title: str
    budget: int
    calendar: Mapping[str, str]
    phase: str
    ballot_kind: str
    max_choices: int | None
    within_budget: bool
    points: int | None
    rule: str
    created_by: int
    created_at: datetime
    result: Mapping[str, Any] | None
    signed_by: int | None
    signed_at: datetime | None
    cosigned_by: int | None
    cosigned_at: datetime | None


@dataclass(frozen=True)
class Agent:
    """A participating agent: an organisation and its accredited delegate."""

    id: int
    process_id: int
    organisation: str
    delegate_id: int
    state: str
    challenge: str
    challenged_by: int | None
    resolution: str
    resolved_by: int | None


@dataclass(frozen=True)
class BudgetProject:
    """A project, with its technical evaluation (``viable`` is None until evaluated)."""

    id: int
    process_id: int
    agent_id: int
    title: str
    description: str
    place: str
    cost: int
    proposed_cost: int
    beneficiaries: int
    viable: bool | None
    evaluation: str
    evaluated_by: int | None


@dataclass(frozen=True)
class Seat:
    """A seat on the oversight committee, won in the election ``vote_id`` (None: carried over
    from before committees were elected)."""

    person_id: int
    vote_id: int | None


@dataclass(frozen=True)
class Election:
    """The members' STV vote electing the committee: candidates (person ids) in option order."""

    vote_id: int
    process_id: int
    candidates: tuple[int, ...]
    settled: bool


@dataclass(frozen=True)
class Progress:
    """A milestone of a funded project."""

    id: int
    project_id: int
    percent: int
    note: str
    on_date: str
    recorded_by: int


def _process(row: BudgetProcessRow) -> Process:
    return Process(
        id=row.id,
        assembly_id=row.assembly_id,
        title=row.title,
        budget=row.budget,
        calendar=dict(row.calendar),
        phase=row.phase,
        ballot_kind=row.ballot_kind,
        max_choices=row.max_choices,
        within_budget=row.within_budget,
        points=row.points,
        rule=row.rule,
        created_by=row.created_by,
        created_at=row.created_at,
        result=row.result,
        signed_by=row.signed_by,
        signed_at=row.signed_at,
        cosigned_by=row.cosigned_by,
        cosigned_at=row.cosigned_at,
    )


def _agent(row: BudgetAgentRow) -> Agent:
    return Agent(
        row.id,
        row.process_id,
        row.organisation,
        row.delegate_id,
        row.state,
        row.challenge,
        row.challenged_by,
        row.resolution,
        row.resolved_by,
    )


def _project(row: BudgetProjectRow) -> BudgetProject:
    return BudgetProject(
        row.id,
        row.process_id,
        row.agent_id,
        row.title,
        row.description,
        row.place,
        row.cost,
        row.proposed_cost,
        row.beneficiaries,
        row.viable,
        row.evaluation,
        row.evaluated_by,
    )


def _election(row: BudgetElectionRow) -> Election:
    return Election(row.vote_id, row.process_id, tuple(int(c) for c in row.candidates), row.settled)


class BudgetRepository:
    """Reads and writes of budgeting processes."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # ------------------------------------------------------------ processes

    def add(self, assembly_id: int, created_by: int, **fields: Any) -> Process:
        """A new process, in preparation."""
        row = BudgetProcessRow(
            assembly_id=assembly_id, created_by=created_by, phase="preparation", **fields
        )
        self.db.add(row)
        self.db.flush()
        return _process(row)

    def get(self, process_id: int, *, lock: bool = False) -> Process | None:
        """A process by id (locked for update when asked)."""
        query = select(BudgetProcessRow).where(BudgetProcessRow.id == process_id)
        if lock:
            query = for_update(query)
        row = self.db.scalars(query).first()
        return _process(row) if row else None

    def of_assembly(self, assembly_id: int) -> list[Process]:
        """An assembly's processes, newest first."""
        rows = self.db.scalars(
            select(BudgetProcessRow)
            .where(BudgetProcessRow.assembly_id == assembly_id)
            .order_by(BudgetProcessRow.id.desc())
        )
        return [_process(r) for r in rows]

    def change(self, process_id: int, **fields: Any) -> None:
        """Change a process's columns."""
        self.db.execute(
            update(BudgetProcessRow).where(BudgetProcessRow.id == process_id).values(**fields)
        )

    # ------------------------------------------------------------ agents

    def add_agent(self, process_id: int, organisation: str, delegate_id: int) -> Agent:
        """Register an agent on the preliminary list."""
        row = BudgetAgentRow(
            process_id=process_id, organisation=organisation, delegate_id=delegate_id,
            state="listed",
        )  # fmt: skip
        self.db.add(row)
        self.db.flush()
        return _agent(row)

    def agent(self, agent_id: int) -> Agent | None:
        """An agent by id."""
        row = self.db.get(BudgetAgentRow, agent_id)
        return _agent(row) if row else None

    def agents(self, process_id: int) -> list[Agent]:
        """A process's agents in the order they registered."""
        rows = self.db.scalars(
            select(BudgetAgentRow)
            .where(BudgetAgentRow.process_id == process_id)
            .order_by(BudgetAgentRow.id)
        )
        return [_agent(r) for r in rows]

    def set_agent(self, agent_id: int, **fields: Any) -> None:
        """Change an agent's columns."""
        self.db.execute(
            update(BudgetAgentRow).where(BudgetAgentRow.id == agent_id).values(**fields)
        )

    # ------------------------------------------------------------ projects

    def add_project(self, process_id: int, agent_id: int, **fields: Any) -> BudgetProject:
        """A project submitted in the workshops."""
        row = BudgetProjectRow(
            process_id=process_id, agent_id=agent_id, proposed_cost=fields["cost"], **fields
        )
        self.db.add(row)
        self.db.flush()
        return _project(row)

    def project(self, project_id: int) -> BudgetProject | None:
        """A project by id."""
        row = self.db.get(BudgetProjectRow, project_id)
        return _project(row) if row else None

    def projects(self, process_id: int) -> list[BudgetProject]:
        """A process's projects in the order they were submitted."""
        rows = self.db.scalars(
            select(BudgetProjectRow)
            .where(BudgetProjectRow.process_id == process_id)
            .order_by(BudgetProjectRow.id)
        )
        return [_project(r) for r in rows]

    def set_project(self, project_id: int, **fields: Any) -> None:
        """Change a project's columns."""
        self.db.execute(
            update(BudgetProjectRow).where(BudgetProjectRow.id == project_id).values(**fields)
        )

    # ------------------------------------------------------------ technical team

    def add_technician(self, process_id: int, person_id: int) -> None:
        """Name a member to the technical team."""
        self.db.add(BudgetTechnicianRow(process_id=process_id, person_id=person_id))
        self.db.flush()

    def technicians(self, process_id: int) -> set[int]:
        """The members named to the technical team."""
        return set(
            self.db.scalars(
                select(BudgetTechnicianRow.person_id).where(
                    BudgetTechnicianRow.process_id == process_id
                )
            )
        )

    # ------------------------------------------------------------ voting

    def has_voted(self, process_id: int, person_id: int) -> bool:
        """Whether this person has voted in the process."""
        row = self.db.get(BudgetVoterRow, (process_id, person_id))
        return row is not None

    def cast(self, process_id: int, person_id: int, points: Mapping[str, int]) -> None:
        """Mark the voter and put the ballot in the box, with nothing that links the two."""
        self.db.execute(insert(BudgetVoterRow).values(process_id=process_id, person_id=person_id))
        self.db.execute(insert(BudgetBallotRow).values(process_id=process_id, points=dict(points)))

    def voters(self, process_id: int) -> int:
        """How many have voted."""
        return int(
            self.db.scalar(select(func.count()).where(BudgetVoterRow.process_id == process_id)) or 0
        )

    def ballots(self, process_id: int) -> list[dict[str, int]]:
        """Every ballot's points, in no meaningful order."""
        rows = self.db.scalars(
            select(BudgetBallotRow.points)
            .where(BudgetBallotRow.process_id == process_id)
            .order_by(BudgetBallotRow.id)
        )
        return [{str(k): int(v) for k, v in r.items()} for r in rows]

    # ------------------------------------------------------------ committee and progress

    def add_candidate(self, process_id: int, person_id: int) -> None:
        """A member stands for the committee."""
        self.db.add(BudgetCandidateRow(process_id=process_id, person_id=person_id))
        self.db.flush()

    def remove_candidate(self, process_id: int, person_id: int) -> None:
        """A member withdraws their candidacy."""
        self.db.execute(
            delete(BudgetCandidateRow).where(
                BudgetCandidateRow.process_id == process_id,
                BudgetCandidateRow.person_id == person_id,
            )
        )

    def candidates(self, process_id: int) -> list[int]:
        """Who stands for the committee (by person id)."""
        return list(
            self.db.scalars(
                select(BudgetCandidateRow.person_id)
                .where(BudgetCandidateRow.process_id == process_id)
                .order_by(BudgetCandidateRow.person_id)
            )
        )

    def add_election(self, process_id: int, vote_id: int, candidates: Sequence[int]) -> None:
        """Link the committee's STV vote to the process."""
        self.db.add(
            BudgetElectionRow(vote_id=vote_id, process_id=process_id, candidates=list(candidates))
        )
        self.db.flush()

    def election(self, vote_id: int, *, lock: bool = False) -> Election | None:
        """A committee election by its vote (locked for update when asked)."""
        query = select(BudgetElectionRow).where(BudgetElectionRow.vote_id == vote_id)
        if lock:
            query = for_update(query)
        row = self.db.scalars(query).first()
        return _election(row) if row else None

    def elections(self, process_id: int) -> list[Election]:
        """A process's committee elections, oldest first."""
        rows = self.db.scalars(
            select(BudgetElectionRow)
            .where(BudgetElectionRow.process_id == process_id)
            .order_by(BudgetElectionRow.vote_id)
        )
        return [_election(r) for r in rows]

    def mark_settled(self, vote_id: int) -> None:
        """The election's winners have taken their seats."""
        self.db.execute(
            update(BudgetElectionRow)
            .where(BudgetElectionRow.vote_id == vote_id)
            .values(settled=True)
        )

    def add_seat(self, process_id: int, person_id: int, vote_id: int | None) -> None:
        """Seat a member on the committee."""
        self.db.add(BudgetCommitteeRow(process_id=process_id, person_id=person_id, vote_id=vote_id))
        self.db.flush()

    def seats(self, process_id: int) -> list[Seat]:
        """The committee's seats."""
        rows = self.db.scalars(
            select(BudgetCommitteeRow)
            .where(BudgetCommitteeRow.process_id == process_id)
            .order_by(BudgetCommitteeRow.person_id)
        )
        return [Seat(r.person_id, r.vote_id) for r in rows]

    def add_progress(
        self, project_id: int, percent: int, note: str, on_date: str, recorded_by: int
    ) -> None:
        """Record a milestone."""
        self.db.add(
            BudgetProgressRow(
                project_id=project_id,
                percent=percent,
                note=note,
                on_date=on_date,
                recorded_by=recorded_by,
            )
        )
        self.db.flush()

    def progress(self, project_ids: Sequence[int]) -> list[Progress]:
        """The milestones of these projects, oldest first."""
        if not project_ids:
            return []
        rows = self.db.scalars(
            select(BudgetProgressRow)
            .where(BudgetProgressRow.project_id.in_(list(project_ids)))
            .order_by(BudgetProgressRow.id)
        )
        return [
            Progress(r.id, r.project_id, r.percent, r.note, r.on_date, r.recorded_by) for r in rows
        ]
