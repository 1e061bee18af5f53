"""Participatory budgeting pages: the processes of an assembly, a new process, and one page per
process with the forms of its current phase; the results (chart and explanations), the
printable Acta de Acuerdos y Compromisos, the election of the oversight committee (candidacies
here, the vote itself on the votes pages) and its oversight of funded projects."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BeforeValidator, Field

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core import edge
from asamblea.core.errors import N_, DomainError, Invalid
from asamblea.core.votes import MAX_DURATION
from asamblea.i18n import translate_error
from asamblea.services.budgeting import committee as budget_committee
from asamblea.services.budgeting import process as budgeting
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.web.context import Ctx, CtxDep
from asamblea.web.forms import MAX_ID, Form, OptionalId, parse
from asamblea.web.render import redirect, render
from asamblea.web.routes.common import Id, posted, posted_form

router = APIRouter()
NOT_ON_BALLOT = N_("That project is not on the ballot.")
PHASE_LABELS = {
    "preparation": N_("Preparation"),
    "workshops": N_("Workshops"),
    "evaluation": N_("Technical evaluation"),
    "prioritisation": N_("Prioritisation"),
    "formalisation": N_("Formalisation"),
    "oversight": N_("Oversight"),
}


def _blank(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


#: A count that may be left blank (the bounds on the int itself, as forms.OptionalId does).
OptionalCount = Annotated[
    Annotated[int, Field(ge=1, le=budgeting.POINTS_MAX)] | None,
    BeforeValidator(_blank),
    Field(default=None),
]


class ProcessForm(Form):
    """Open a process."""

    title: str = Field(min_length=1, max_length=budgeting.TITLE_MAX)
    budget: str = Field(max_length=30)
    ballot_kind: str = Field(default="approval", max_length=16)
    max_choices: OptionalCount
    within_budget: bool = False
    points: OptionalCount
    rule: str = Field(default="mes", max_length=8)


class AgentForm(Form):
    """Register as an organisation's delegate."""

    organisation: str = Field(min_length=1, max_length=budgeting.TITLE_MAX)


class ChallengeForm(Form):
    """Challenge a registration, or resolve a challenge."""

    agent_id: OptionalId
    reason: str = Field(default="", max_length=budgeting.TEXT_MAX)
    decision: str = Field(default="", max_length=16)


class PersonForm(Form):
    """Name a member (technical team, committee)."""

    person_id: OptionalId


class ElectionForm(Form):
    """Open the committee's election: how many seats, how many days the vote stays open."""

    seats: int = Field(ge=1, le=budget_committee.SEATS_MAX)
    days: int = Field(default=7, ge=1, le=MAX_DURATION.days)


class ProjectForm(Form):
    """Submit a project."""

    title: str = Field(min_length=1, max_length=budgeting.TITLE_MAX)
    description: str = Field(min_length=1, max_length=budgeting.TEXT_MAX)
    place: str = Field(min_length=1, max_length=budgeting.TITLE_MAX)
    cost: str = Field(max_length=30)
    beneficiaries: int = Field(default=0, ge=0, le=10**9)


class EvaluationForm(Form):
    """Evaluate a project."""

    project_id: OptionalId
    viable: str = Field(max_length=4)
    reason: str = Field(min_length=1, max_length=budgeting.TEXT_MAX)
    cost: str = Field(default="", max_length=30)


class ProgressForm(Form):
    """Record a milestone."""

    project_id: OptionalId
    percent: int = Field(ge=0, le=100)
    note: str = Field(min_length=1, max_length=budgeting.TEXT_MAX)
    on_date: str = Field(max_length=10)


CENT = Decimal("0.01")


def soles(cents: int | float | Fraction | None, locale: str = i18n.DEFAULT_LOCALE) -> str:
    """An amount in céntimos as «S/ 1,234.50» through Babel in the page's language; whole soles
    without céntimos («S/ 1,200»), the same everywhere on the budget pages."""
    value = Fraction(cents or 0) / 100
    where = i18n.format_locale(locale)
    if value.denominator == 1:
        return "S/ " + format_decimal(value.numerator, format="#,##0", locale=where)
    exact = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT)
    return "S/ " + format_decimal(exact, format="#,##0.00", locale=where)


def cents_of(text: str) -> int:
    """Soles as typed («1234.50», «1234,5», «1 234») into integer céntimos."""
    return edge.parse_cents(text, message=N_("Give amounts in soles, like 1500.50."))


def _date(text: str) -> date:
    return edge.parse_date(text)


@router.get("/asambleas/{assembly_id}/presupuestos")
def processes_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The assembly's participatory budgeting processes (for its members)."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        processes = budgeting.processes_of(db, ctx.person, assembly_id)
    return render(ctx, "budget_list.html", view=view, processes=processes, phases=PHASE_LABELS)


@router.get("/asambleas/{assembly_id}/presupuestos/nuevo")
def new_process_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The form to open a process (facilitators)."""
    if ctx.person is None:
        return redirect(ctx, f"/entrar?next=/asambleas/{assembly_id}/presupuestos/nuevo")
    with ctx.reading() as db:
        federation.assembly_view(db, ctx.person, assembly_id)  # NotFound for unknown assemblies
    today = utcnow().date()
    values = {f"date_{p}": today.replace(day=1).isoformat() for p in budgeting.PHASES}
    values |= {"rule": "mes", "ballot_kind": "approval"}
    return _process_form(ctx, assembly_id, values)


@router.post("/asambleas/{assembly_id}/presupuestos")
async def create_process(ctx: CtxDep, assembly_id: Id) -> Response:
    """Open a process."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    try:
        form = parse(ProcessForm, data)
        calendar = {p: _date(data.get(f"date_{p}", "")) for p in budgeting.PHASES}
        with ctx.transaction() as db:
            process = budgeting.create_process(
                db,
                person,
                assembly_id,
                title=form.title,
                budget=cents_of(form.budget),
                calendar=calendar,
                ballot_kind=form.ballot_kind,
                max_choices=form.max_choices,
                within_budget=form.within_budget,
                points=form.points,
                rule=form.rule,
            )
    except DomainError as error:
        message = translate_error(error.message, dict(error.params))
        return _process_form(ctx, assembly_id, data, status=error.status, error=message)
    return redirect(ctx, f"/presupuestos/{process.id}")


@router.get("/presupuestos/{process_id}")
def process_page(ctx: CtxDep, process_id: Id) -> Response:
    """A process: its calendar and phase, agents, projects, and the current phase's forms."""
    return _render(ctx, "budget.html", process_view(ctx, process_id))


@router.get("/presupuestos/{process_id}/resultados")
def results_page(ctx: CtxDep, process_id: Id) -> Response:
    """The outcome: funded projects against the budget (chart) and every project explained."""
    with ctx.reading() as db:
        view = budgeting.process_view(db, ctx.person, process_id)
    return _render(ctx, "budget_results.html", view)


@router.get("/presupuestos/{process_id}/acta")
def acta_page(ctx: CtxDep, process_id: Id) -> Response:
    """The printable Acta de Acuerdos y Compromisos."""
    return _render(ctx, "budget_acta.html", process_view(ctx, process_id))


@router.post("/presupuestos/{process_id}/agentes")
async def register_agent(ctx: CtxDep, process_id: Id) -> Response:
    """Register as the delegate of an organisation."""
    person, form = await posted_form(ctx, AgentForm)
    with ctx.transaction() as db:
        budgeting.register_agent(db, person, process_id, form.organisation)
    return redirect(ctx, f"/presupuestos/{process_id}#agentes")


@router.post("/presupuestos/{process_id}/impugnar")
async def challenge(ctx: CtxDep, process_id: Id) -> Response:
    """Challenge a registration, with a reason."""
    person, form = await posted_form(ctx, ChallengeForm)
    with ctx.transaction() as db:
        budgeting.challenge_agent(
            db, person, budgeting.agent_in(db, process_id, form.agent_id), form.reason
        )
    return redirect(ctx, f"/presupuestos/{process_id}#agentes")


@router.post("/presupuestos/{process_id}/resolver")
async def resolve(ctx: CtxDep, process_id: Id) -> Response:
    """A facilitator resolves a challenge."""
    person, form = await posted_form(ctx, ChallengeForm)
    if form.decision not in {"uphold", "dismiss"}:
        raise Invalid(N_("Uphold or dismiss the challenge."))
    with ctx.transaction() as db:
        budgeting.resolve_challenge(
            db,
            person,
            budgeting.agent_in(db, process_id, form.agent_id),
            uphold=form.decision == "uphold",
            resolution=form.reason,
        )
    return redirect(ctx, f"/presupuestos/{process_id}#agentes")


@router.post("/presupuestos/{process_id}/tecnicos")
async def name_technician(ctx: CtxDep, process_id: Id) -> Response:
    """A facilitator names a member to the technical team."""
    person, form = await posted_form(ctx, PersonForm)
    with ctx.transaction() as db:
        budgeting.name_technician(db, person, process_id, _required(form.person_id))
    return redirect(ctx, f"/presupuestos/{process_id}#equipo-tecnico")


@router.post("/presupuestos/{process_id}/proyectos")
async def submit_project(ctx: CtxDep, process_id: Id) -> Response:
    """An agent submits a project."""
    person, form = await posted_form(ctx, ProjectForm)
    with ctx.transaction() as db:
        budgeting.submit_project(
            db,
            person,
            process_id,
            title=form.title,
            description=form.description,
            place=form.place,
            cost=cents_of(form.cost),
            beneficiaries=form.beneficiaries,
        )
    return redirect(ctx, f"/presupuestos/{process_id}#proyectos")


@router.post("/presupuestos/{process_id}/evaluar")
async def evaluate(ctx: CtxDep, process_id: Id) -> Response:
    """The technical team evaluates a project."""
    person, form = await posted_form(ctx, EvaluationForm)
    if form.viable not in {"si", "no"}:
        raise Invalid(N_("Say whether the project is viable."))
    cost = cents_of(form.cost) if form.cost else None
    with ctx.transaction() as db:
        budgeting.evaluate_project(
            db,
            person,
            budgeting.project_in(db, process_id, form.project_id),
            viable=form.viable == "si",
            reason=form.reason,
            cost=cost,
        )
    return redirect(ctx, f"/presupuestos/{process_id}#proyectos")


@router.post("/presupuestos/{process_id}/votar")
async def vote(ctx: CtxDep, process_id: Id) -> Response:
    """Cast a ballot: checkboxes `project_N` (approval) or numbers `points_N` (cumulative)."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    points: dict[int, int] = {}
    for key, value in data.items():
        name, _, raw = key.partition("_")
        if name not in {"project", "points"} or not value.strip():
            continue
        project = edge.parse_natural(raw, maximum=MAX_ID, message=NOT_ON_BALLOT)
        points[project] = 1 if name == "project" else edge.parse_natural(value, maximum=999_999)
    with ctx.transaction() as db:
        budgeting.cast_ballot(db, person, process_id, points)
    return redirect(ctx, f"/presupuestos/{process_id}#votacion")


@router.post("/presupuestos/{process_id}/avanzar")
async def advance(ctx: CtxDep, process_id: Id) -> Response:
    """A facilitator moves the process to its next phase."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        process = budgeting.advance(db, person, process_id)
    if process.phase == "formalisation":
        return redirect(ctx, f"/presupuestos/{process_id}/resultados")
    return redirect(ctx, f"/presupuestos/{process_id}")


@router.post("/presupuestos/{process_id}/firmar")
async def sign(ctx: CtxDep, process_id: Id) -> Response:
    """A facilitator signs the Acta (two different facilitators)."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        budgeting.sign_acta(db, person, process_id, utcnow())
    return redirect(ctx, f"/presupuestos/{process_id}/acta")


@router.post("/presupuestos/{process_id}/comite/candidatura")
async def stand(ctx: CtxDep, process_id: Id) -> Response:
    """An active member stands for the oversight committee."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        budget_committee.stand(db, person, process_id)
    return redirect(ctx, f"/presupuestos/{process_id}#comite")


@router.post("/presupuestos/{process_id}/comite/candidatura/retirar")
async def withdraw(ctx: CtxDep, process_id: Id) -> Response:
    """A candidate withdraws before the election opens."""
    await posted(ctx)
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        budget_committee.withdraw(db, person, process_id)
    return redirect(ctx, f"/presupuestos/{process_id}#comite")


@router.post("/presupuestos/{process_id}/comite/eleccion")
async def open_election(ctx: CtxDep, process_id: Id) -> Response:
    """A facilitator opens the committee's election; members vote on the vote's own page."""
    person, form = await posted_form(ctx, ElectionForm)
    now = utcnow().replace(microsecond=0)
    closes = now + timedelta(days=form.days)
    with ctx.transaction() as db:
        vote = budget_committee.open_committee_election(
            db, person, process_id, seats=form.seats, now=now, closes_at=closes
        )
    return redirect(ctx, f"/votaciones/{vote.id}")


@router.post("/presupuestos/{process_id}/avances")
async def record_progress(ctx: CtxDep, process_id: Id) -> Response:
    """The committee records a milestone of a funded project."""
    person, form = await posted_form(ctx, ProgressForm)
    with ctx.transaction() as db:
        budgeting.record_progress(
            db,
            person,
            budgeting.project_in(db, process_id, form.project_id),
            percent=form.percent,
            note=form.note,
            on_date=_date(form.on_date),
        )
    return redirect(ctx, f"/presupuestos/{process_id}#vigilancia")


def process_view(ctx: Ctx, process_id: int) -> budgeting.ProcessView:
    """The process as the viewer sees it (a committee election's winners were seated when
    it was published: services.closing)."""
    with ctx.reading() as db:
        return budgeting.process_view(db, ctx.person, process_id)


def _required(value: int | None) -> int:
    if value is None:
        raise Invalid(N_("Choose a member."))
    return value


def _render(ctx: Ctx, template: str, view: budgeting.ProcessView) -> Response:
    return render(
        ctx,
        template,
        view=view,
        p=view.process,
        soles=lambda cents: soles(cents, ctx.locale),
        phases=PHASE_LABELS,
        phase_order=budgeting.PHASES,
        explanations=_explanations(view),
    )


def _explanations(view: budgeting.ProcessView) -> list[dict[str, Any]]:
    result = view.process.result
    if not result:
        return []
    titles = {str(p.id): p for p in view.projects}
    rows = []
    for item in result["explanations"]:
        project = titles.get(str(item["project"]))
        rows.append({**item, "title": project.title if project else item["project"]})
    rows.sort(key=lambda r: (not r["funded"], -int(r["support"])))
    return rows


def _process_form(
    ctx: Ctx, assembly_id: int, values: dict[str, str], status: int = 200, error: str = ""
) -> Response:
    return render(
        ctx,
        "budget_new.html",
        status=status,
        error=error,
        values=values,
        assembly_id=assembly_id,
        phases=PHASE_LABELS,
        phase_order=budgeting.PHASES,
    )
