"""Participatory budgeting use cases (issue 6), phase by phase as in Ley 28056: preparation
(the process, its ceiling and calendar; agents register, are challenged, the final list),
workshops (agents submit projects), technical evaluation, prioritisation (members vote),
formalisation (the outcome by the core's rule, the Acta signed by two facilitators, the
oversight committee elected by the members: `asamblea.services.budgeting.committee`) and oversight
(the committee records progress).

Every use case takes a Session and never commits; each refusal is raised before anything is
written. Only the assembly's active members see a process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from asamblea.core.budgeting import BallotKind, Ballots, Completion, Instance, Project, Rule, select
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import MembershipState
from asamblea.core.people import Person
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.budgeting.access import (
    audit,
    check_facilitator,
    check_member,
    check_phase,
    find_process,
    membership,
)
from asamblea.services.budgeting.committee import Committee
from asamblea.store.budgeting_repository import (
    Agent,
    BudgetProject,
    BudgetRepository,
    Process,
    Progress,
)

# The read models pages and the API are given (they never import the store themselves).
__all__ = ["Agent", "BudgetProject", "Process"]
from asamblea.store.federation_repository import FederationRepository, PeopleRepository

PHASES = ("preparation", "workshops", "evaluation", "prioritisation", "formalisation", "oversight")
BALLOT_KINDS = ("approval", "cumulative")
RULES = ("greedy", "mes")
TITLE_MAX = 200
TEXT_MAX = 4000
BUDGET_MAX = 10**15  # céntimos: ten billion soles is more than any assembly's ceiling
POINTS_MAX = 1000


@dataclass(frozen=True)
class ProcessView:
    """A process as one active member sees it."""

    process: Process
    assembly_name: str
    agents: tuple[Agent, ...]
    projects: tuple[BudgetProject, ...]
    names: Mapping[int, str]
    members: tuple[tuple[int, str], ...]
    technicians: frozenset[int]
    committee: Committee
    progress: tuple[Progress, ...]
    voters: int
    me: int
    is_facilitator: bool
    is_technician: bool
    has_voted: bool
    my_agent: Agent | None

    @property
    def on_committee(self) -> bool:
        """Whether the viewer sits on the oversight committee."""
        return self.committee.holds_seat(self.me)

    @property
    def final_agents(self) -> tuple[Agent, ...]:
        """The agents on the list (the final list once preparation is over)."""
        return tuple(a for a in self.agents if a.state == "listed")

    @property
    def viable(self) -> tuple[BudgetProject, ...]:
        """The projects put to the vote."""
        return tuple(p for p in self.projects if p.viable)

    @property
    def funded(self) -> frozenset[int]:
        """The ids of the funded projects (empty before formalisation)."""
        result = self.process.result
        return frozenset(int(i) for i in result["selected"]) if result else frozenset()


def create_process(
    db: Session,
    actor: Person,
    assembly_id: int,
    *,
    title: str,
    budget: int,
    calendar: Mapping[str, date],
    ballot_kind: str = "approval",
    max_choices: int | None = None,
    within_budget: bool = False,
    points: int | None = None,
    rule: str = "mes",
) -> Process:
    """A facilitator opens a process with its ceiling (céntimos) and the start of each phase."""
    check_facilitator(membership(db, assembly_id, actor), assembly_id)
    title = title.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise Invalid(N_("The title must have between 1 and {max} characters."), max=TITLE_MAX)
    if not 0 < budget <= BUDGET_MAX:
        raise Invalid(N_("The budget must be a positive amount."))
    if ballot_kind not in BALLOT_KINDS or rule not in RULES:
        raise Invalid(N_("Unknown ballot or rule."))
    if set(calendar) != set(PHASES):
        raise Invalid(N_("Give a date for every phase."))
    dates = [calendar[p] for p in PHASES]
    if dates != sorted(dates):
        raise Invalid(N_("The phases' dates must follow one another in order."))
    if max_choices is not None and not 1 <= max_choices <= POINTS_MAX:
        raise Invalid(
            N_("The most projects per ballot must be between 1 and {max}."), max=POINTS_MAX
        )
    if ballot_kind == "cumulative":
        if points is None or not 1 <= points <= POINTS_MAX:
            raise Invalid(N_("Cumulative ballots need between 1 and {max} points."), max=POINTS_MAX)
        max_choices, within_budget = None, False
    else:
        points = None
    process = BudgetRepository(db).add(
        assembly_id,
        actor.id,
        title=title,
        budget=budget,
        calendar={p: calendar[p].isoformat() for p in PHASES},
        ballot_kind=ballot_kind,
        max_choices=max_choices,
        within_budget=within_budget,
        points=points,
        rule=rule,
    )
    audit(db, actor, "budget.created", process, {"budget": budget, "rule": rule})
    return process


def register_agent(db: Session, actor: Person, process_id: int, organisation: str) -> Agent:
    """An active member registers as the accredited delegate of an organisation."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    check_phase(process, "preparation")
    organisation = organisation.strip()
    if not 1 <= len(organisation) <= TITLE_MAX:
        raise Invalid(
            N_("The organisation's name must have between 1 and {max} characters."), max=TITLE_MAX
        )
    if any(a.delegate_id == actor.id for a in repo.agents(process.id)):
        raise Conflict(N_("You are already registered in this process."))
    agent = repo.add_agent(process.id, organisation, actor.id)
    audit(db, actor, "budget.agent_registered", process, {"agent": agent.id})
    return agent


def challenge_agent(db: Session, actor: Person, agent_id: int, reason: str) -> None:
    """An active member challenges a registration on the preliminary list, with a reason."""
    repo = BudgetRepository(db)
    agent, process = _agent(db, repo, agent_id)
    check_member(membership(db, process.assembly_id, actor))
    check_phase(process, "preparation")
    reason = reason.strip()
    if not 1 <= len(reason) <= TEXT_MAX:
        raise Invalid(N_("Give a reason of between 1 and {max} characters."), max=TEXT_MAX)
    if agent.state != "listed":
        raise Conflict(N_("This registration is not on the list or is already challenged."))
    if agent.delegate_id == actor.id:
        raise Forbidden(N_("You cannot challenge your own registration."))
    repo.set_agent(agent.id, state="challenged", challenge=reason, challenged_by=actor.id)
    audit(db, actor, "budget.agent_challenged", process, {"agent": agent.id})


def resolve_challenge(
    db: Session, actor: Person, agent_id: int, *, uphold: bool, resolution: str
) -> None:
    """A facilitator resolves a challenge: upheld excludes the agent, dismissed keeps them."""
    repo = BudgetRepository(db)
    agent, process = _agent(db, repo, agent_id)
    check_facilitator(membership(db, process.assembly_id, actor), process.assembly_id)
    check_phase(process, "preparation")
    resolution = resolution.strip()
    if not 1 <= len(resolution) <= TEXT_MAX:
        raise Invalid(N_("Give a reason of between 1 and {max} characters."), max=TEXT_MAX)
    if agent.state != "challenged":
        raise Conflict(N_("This registration has no challenge to resolve."))
    state = "excluded" if uphold else "listed"
    repo.set_agent(agent.id, state=state, resolution=resolution, resolved_by=actor.id)
    audit(db, actor, "budget.challenge_resolved", process, {"agent": agent.id, "state": state})


def name_technician(db: Session, actor: Person, process_id: int, person_id: int) -> None:
    """A facilitator names an active member to the technical team."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_facilitator(membership(db, process.assembly_id, actor), process.assembly_id)
    if PHASES.index(process.phase) > PHASES.index("evaluation"):
        raise Conflict(N_("The technical evaluation is over."))
    member = FederationRepository(db).membership_of(process.assembly_id, person_id)
    if member is None or not member.is_active:
        raise Invalid(N_("Only active members of this assembly can be named."))
    if person_id in repo.technicians(process.id):
        raise Conflict(N_("This member is already on the technical team."))
    repo.add_technician(process.id, person_id)
    audit(db, actor, "budget.technician_named", process, {"person": person_id})


def submit_project(
    db: Session,
    actor: Person,
    process_id: int,
    *,
    title: str,
    description: str,
    place: str,
    cost: int,
    beneficiaries: int,
) -> BudgetProject:
    """An agent on the final list submits a project in the workshops."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    agent = next(
        (a for a in repo.agents(process.id) if a.delegate_id == actor.id and a.state == "listed"),
        None,
    )
    if agent is None:
        raise Forbidden(N_("Only participating agents on the final list can submit projects."))
    check_phase(process, "workshops")
    title, description, place = title.strip(), description.strip(), place.strip()
    if not 1 <= len(title) <= TITLE_MAX or not 1 <= len(place) <= TITLE_MAX:
        raise Invalid(N_("The title must have between 1 and {max} characters."), max=TITLE_MAX)
    if not 1 <= len(description) <= TEXT_MAX:
        raise Invalid(N_("Give a reason of between 1 and {max} characters."), max=TEXT_MAX)
    if not 0 < cost <= BUDGET_MAX or not 0 <= beneficiaries <= 10**9:
        raise Invalid(N_("The cost must be a positive amount."))
    project = repo.add_project(
        process.id,
        agent.id,
        title=title,
        description=description,
        place=place,
        cost=cost,
        beneficiaries=beneficiaries,
    )
    audit(db, actor, "budget.project_submitted", process, {"project": project.id})
    return project


def evaluate_project(
    db: Session,
    actor: Person,
    project_id: int,
    *,
    viable: bool,
    reason: str,
    cost: int | None = None,
) -> None:
    """The technical team marks a project viable or not, with a reason; it may correct the cost."""
    repo = BudgetRepository(db)
    project = repo.project(project_id)
    if project is None:
        raise NotFound(N_("That project does not exist."))
    process = find_process(repo, project.process_id, lock=True)
    mine = membership(db, process.assembly_id, actor)
    check_member(mine)
    if not (mine and mine.is_facilitator) and actor.id not in repo.technicians(process.id):
        raise Forbidden(N_("Only the technical team can evaluate projects."))
    check_phase(process, "evaluation")
    reason = reason.strip()
    if not 1 <= len(reason) <= TEXT_MAX:
        raise Invalid(N_("Give a reason of between 1 and {max} characters."), max=TEXT_MAX)
    if cost is not None and not 0 < cost <= BUDGET_MAX:
        raise Invalid(N_("The cost must be a positive amount."))
    fields: dict[str, Any] = {"viable": viable, "evaluation": reason, "evaluated_by": actor.id}
    if cost is not None:
        fields["cost"] = cost
    repo.set_project(project.id, **fields)
    audit(db, actor, "budget.project_evaluated", process, {"project": project.id, "viable": viable})


def cast_ballot(db: Session, actor: Person, process_id: int, points: Mapping[int, int]) -> None:
    """An active member votes once: approvals (1 each) or cumulative points, viable ones only."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    check_phase(process, "prioritisation")
    viable = {p.id: p for p in repo.projects(process.id) if p.viable}
    chosen = {k: v for k, v in points.items() if v}
    if any(k not in viable for k in chosen) or any(v < 0 for v in chosen.values()):
        raise Invalid(N_("That project is not on the ballot."))
    if process.ballot_kind == "approval":
        if any(v != 1 for v in chosen.values()):
            raise Invalid(N_("That project is not on the ballot."))
        if process.max_choices is not None and len(chosen) > process.max_choices:
            raise Invalid(N_("Choose at most {max} projects."), max=process.max_choices)
        if process.within_budget and sum(viable[k].cost for k in chosen) > process.budget:
            raise Invalid(N_("The projects you chose cost more than the budget."))
    elif sum(chosen.values()) > (process.points or 0):
        raise Invalid(N_("You may give at most {max} points in all."), max=process.points or 0)
    if repo.has_voted(process.id, actor.id):
        raise Conflict(N_("You have already voted in this process."))
    repo.cast(process.id, actor.id, {str(k): v for k, v in sorted(chosen.items())})


def advance(db: Session, actor: Person, process_id: int) -> Process:
    """A facilitator moves the process to its next phase, once the current one is complete."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_facilitator(membership(db, process.assembly_id, actor), process.assembly_id)
    phase = process.phase
    fields = _check_complete(db, repo, process)
    nxt = PHASES[PHASES.index(phase) + 1]
    repo.change(process.id, phase=nxt, **fields)
    audit(db, actor, "budget.advanced", process, {"phase": nxt})
    return find_process(repo, process.id)


def phase_due(process: Process, today: date) -> str | None:
    """The phase the process is due to enter by its calendar on ``today`` (UTC), or None: the
    calendar gives the day each phase starts, and a process still in an earlier phase on that
    day is due to move on."""
    if process.phase not in PHASES[:-1]:
        return None
    nxt = PHASES[PHASES.index(process.phase) + 1]
    starts = process.calendar.get(nxt)
    return nxt if starts is not None and date.fromisoformat(str(starts)) <= today else None


def advance_due(db: Session, process_id: int, now: datetime) -> str | None:
    """The runner moves a process whose next phase's day has come into that phase, as a
    facilitator's `advance` would (the ballot box closes and is counted at the start of
    formalisation); returns the new phase. None, with nothing written, when it is not due or
    the current phase is not complete (a missing evaluation, an unsigned Acta: that waits for
    the people whose work it is — the runner tries again on its next pass)."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    nxt = phase_due(process, now.date())
    if nxt is None:
        return None
    try:
        with db.begin_nested():  # leaving formalisation may seat a committee: all or nothing
            fields = _check_complete(db, repo, process)
            repo.change(process.id, phase=nxt, **fields)
            audit(db, None, "budget.advanced", process, {"phase": nxt, "by": "system"})
    except Conflict:
        return None
    return nxt


def _check_complete(  # noqa: PLR0912
    db: Session, repo: BudgetRepository, process: Process
) -> dict[str, Any]:
    """Refuse to leave a phase that is not complete; the columns that leaving it sets."""
    fields: dict[str, Any] = {}
    phase = process.phase
    if phase == "preparation":
        agents = repo.agents(process.id)
        if any(a.state == "challenged" for a in agents):
            raise Conflict(N_("Resolve every challenge before closing the final list."))
        if not any(a.state == "listed" for a in agents):
            raise Conflict(N_("The final list has no participating agents."))
    elif phase == "workshops":
        if not repo.projects(process.id):
            raise Conflict(N_("No project has been submitted yet."))
    elif phase == "evaluation":
        projects = repo.projects(process.id)
        if any(p.viable is None for p in projects):
            raise Conflict(N_("Every project needs its technical evaluation first."))
        if not any(p.viable for p in projects):
            raise Conflict(N_("No project is viable."))
    elif phase == "prioritisation":
        fields["result"] = outcome_of(process, repo.projects(process.id), repo.ballots(process.id))
    elif phase == "formalisation":
        if process.cosigned_by is None:
            raise Conflict(N_("Two facilitators must sign the Acta first."))
        budget_committee.settle_published(db, process.id)  # a published election seats now
        if not repo.seats(process.id):
            raise Conflict(N_("The oversight committee has not been elected yet."))
    else:
        raise Conflict(N_("The process is already in its last phase."))
    return fields


def outcome_of(
    process: Process, projects: list[BudgetProject], ballots: list[dict[str, int]]
) -> dict[str, Any]:
    """The outcome of the vote by the process's rule (the core's `select`), as JSON data."""
    viable = [p for p in projects if p.viable]
    position = {str(p.id): i for i, p in enumerate(viable)}
    instance = Instance(
        budget=process.budget,
        projects=tuple(Project(str(p.id), p.cost, p.title) for p in viable),
    )
    kind = BallotKind.APPROVAL if process.ballot_kind == "approval" else BallotKind.CUMULATIVE
    merged = Ballots.merge(
        kind,
        len(viable),
        [{position[k]: v for k, v in b.items() if k in position and v > 0} for b in ballots],
    )
    if process.rule == "mes":
        outcome = select(instance, merged, rule=Rule.EQUAL_SHARES, completion=Completion.ADD1)
    else:
        outcome = select(instance, merged, rule=Rule.GREEDY)
    data = outcome.as_dict()
    data["voters"] = len(ballots)
    return data


def sign_acta(db: Session, actor: Person, process_id: int, now: datetime) -> None:
    """A facilitator signs the Acta; a second, different facilitator countersigns it."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_facilitator(membership(db, process.assembly_id, actor), process.assembly_id)
    check_phase(process, "formalisation")
    if process.signed_by is None:
        repo.change(process.id, signed_by=actor.id, signed_at=now)
    elif process.cosigned_by is not None:
        raise Conflict(N_("The Acta is already signed by two facilitators."))
    elif process.signed_by == actor.id:
        raise Forbidden(N_("The Acta must be countersigned by another facilitator."))
    else:
        repo.change(process.id, cosigned_by=actor.id, cosigned_at=now)
    audit(db, actor, "budget.acta_signed", process)


def record_progress(
    db: Session, actor: Person, project_id: int, *, percent: int, note: str, on_date: date
) -> None:
    """A member of the oversight committee records a milestone of a funded project."""
    repo = BudgetRepository(db)
    project = repo.project(project_id)
    if project is None:
        raise NotFound(N_("That project does not exist."))
    process = find_process(repo, project.process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    if not any(s.person_id == actor.id for s in repo.seats(process.id)):
        raise Forbidden(N_("Only the oversight committee can record progress."))
    check_phase(process, "oversight")
    if not process.result or str(project.id) not in process.result["selected"]:
        raise Conflict(N_("Progress is recorded only for funded projects."))
    note = note.strip()
    if not 0 <= percent <= 100 or not 1 <= len(note) <= TEXT_MAX:
        raise Invalid(N_("Give a percentage from 0 to 100 and a note."))
    repo.add_progress(project.id, percent, note, on_date.isoformat(), actor.id)
    audit(db, actor, "budget.progress_recorded", process, {"project": project.id})


def processes_of(db: Session, viewer: Person | None, assembly_id: int) -> list[Process]:
    """An assembly's processes, for its active members."""
    if FederationRepository(db).assembly(assembly_id) is None:
        raise NotFound(N_("That assembly does not exist."))
    mine = membership(db, assembly_id, viewer)
    if mine is None or not mine.is_active:
        return []
    return BudgetRepository(db).of_assembly(assembly_id)


def process_view(db: Session, viewer: Person | None, process_id: int) -> ProcessView:
    """A process page's data, for the assembly's active members only; no ballot names a voter."""
    repo = BudgetRepository(db)
    process = repo.get(process_id)
    mine = membership(db, process.assembly_id, viewer) if process else None
    if process is None or viewer is None or mine is None or not mine.is_active:
        raise NotFound(N_("That process does not exist."))
    federation = FederationRepository(db)
    agents = repo.agents(process.id)
    projects = repo.projects(process.id)
    members = federation.memberships(process.assembly_id, MembershipState.ACTIVE)
    technicians = repo.technicians(process.id)
    committee = budget_committee.committee_of(db, process.id)
    ids = {m.person_id for m in members} | {a.delegate_id for a in agents}
    ids |= set(committee.candidates) | {s.person_id for s in committee.seats}
    ids |= {process.signed_by or 0, process.cosigned_by or 0}
    names = PeopleRepository(db).usernames(ids - {0})
    assembly = federation.assembly(process.assembly_id)
    return ProcessView(
        process=process,
        assembly_name=assembly.name if assembly else "",
        agents=tuple(agents),
        projects=tuple(projects),
        names=names,
        members=tuple(
            sorted(
                ((m.person_id, names.get(m.person_id, "")) for m in members),
                key=lambda x: x[1].lower(),
            )
        ),
        technicians=frozenset(technicians),
        committee=committee,
        progress=tuple(repo.progress([p.id for p in projects])),
        voters=repo.voters(process.id),
        me=viewer.id,
        is_facilitator=mine.is_facilitator,
        is_technician=mine.is_facilitator or viewer.id in technicians,
        has_voted=repo.has_voted(process.id, viewer.id),
        my_agent=next((a for a in agents if a.delegate_id == viewer.id), None),
    )


def _agent(db: Session, repo: BudgetRepository, agent_id: int) -> tuple[Agent, Process]:
    agent = repo.agent(agent_id)
    if agent is None:
        raise NotFound(N_("That registration does not exist."))
    return agent, find_process(repo, agent.process_id, lock=True)


def agent_in(db: Session, process_id: int, agent_id: int | None) -> int:
    """The id of a registration of this process (forms name it by id)."""
    agent = BudgetRepository(db).agent(agent_id or 0)
    if agent is None or agent.process_id != process_id:
        raise Invalid(N_("That registration does not exist."))
    return agent.id


def project_in(db: Session, process_id: int, project_id: int | None) -> int:
    """The id of a project of this process (forms name it by id)."""
    project = BudgetRepository(db).project(project_id or 0)
    if project is None or project.process_id != process_id:
        raise Invalid(N_("That project does not exist."))
    return project.id
