"""The demo's mobilisation, seeded through the real use cases.

- Struggles in four regions: Villa El Salvador's water cut and Comas's transport workers (Lima),
  Cusco's construction workers, Chucuito's defence of Lake Titicaca (Puno), the Kukama people
  against the oil spill in the Marañón (Loreto); solidarity declared between some of them.
- The Lima regional assembly convenes a 48-hour regional strike; the Mercado Modelo, the
  transport union and Cusco's students join it by votes of their members.
- A conditional pledge for an indefinite regional strike stands at 70 % of its threshold:
  T = 100 people, counting assemblies with at least N = 10 pledged (three have 30, 20, 20).
- Villa El Salvador's sit-in over the water cut, convened by `facilitadora.ves`, has its tasks
  half filled and a pledge of its own; the Mercado Modelo has joined it.
- The national unified platform of six points, built from the struggles' demands as they rise
  (`asamblea.services.demo.platform`).

The demo logins never pledge or sign up here, so a visitor can try every step themselves.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.federation import MembershipState, Role
from asamblea.core.mobilisation.actions import ActionKind, Task, TaskRole
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.mobilisation.struggles import Place, Sector
from asamblea.core.people import Person
from asamblea.services.demo.calendar import DemoCalendar, day_and_month
from asamblea.services.demo.platform import seed_platform
from asamblea.services.mobilisation import actions, pledges, struggles
from asamblea.services.votes import closing, votes
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from asamblea.store.mobilisation_repository import MobilisationRepository

STRUGGLES = (
    (
        "vecinal_ves",
        "Agua para el Sector 3",
        "Reposición inmediata del servicio de agua potable, cortado desde el {since}; cisternas "
        "gratuitas mientras dure el corte.",
        "Sedapal",
        Place("15", "1501"),
        "Villa El Salvador",
        Sector.WATER_ENVIRONMENT,
    ),
    (
        "transporte",
        "Tarifa justa y seguridad en las rutas",
        "Alto a las extorsiones; paraderos seguros; combustible a precio justo.",
        "Municipalidad de Lima",
        Place("15", "1501"),
        "Comas",
        Sector.WORKERS,
    ),
    (
        "construccion",
        "Pliego de reclamos {year}-{next_year}",
        "Aumento del jornal básico; seguridad en obra; alto al cobro de cupos.",
        "CAPECO",
        Place("08", "0801"),
        None,
        Sector.WORKERS,
    ),
    (
        "chucuito_cc",
        "Defensa del lago Titicaca",
        "Cierre de los relaves que contaminan el lago; agua limpia para las comunidades.",
        "Empresas mineras informales",
        Place("21", "2104"),
        "Juli",
        Sector.PEASANTS,
    ),
    (
        "kukama",
        "Remediación del derrame en el Marañón",
        "Limpieza del río, agua y salud para las comunidades, indemnización justa.",
        "Petroperú",
        Place("16", "1603"),
        "Nauta",
        Sector.INDIGENOUS,
    ),
)
"""(assembly, title, demands, against, place, district, sector): a title or demands may name the
struggle's start ({since}, {year}, {next_year}), taken from the record's `since`."""
YES_MOSTLY = [0, 0, 0, 1]


def seed_mobilisation(
    db: Session, ids: dict[str, int], key: SigningKey, *, skip: set[int], calendar: DemoCalendar
) -> None:
    """Seed struggles, the regional strike, the conditional pledge and the sit-in."""
    registered, start = calendar.struggles_registered, calendar.convened
    found = {}
    for seat, title, demands, against, place, district, sector in STRUGGLES:
        fac = _facilitator(db, ids[seat])
        since = calendar.since(seat)
        form = struggles.StruggleForm(
            _dated(title, since, fac),
            _dated(demands, since, fac),
            against,
            place,
            sector,
            since,
            district,
        )
        found[seat] = struggles.register(db, fac, ids[seat], form, now=registered).id
    for seat, helped in (("mercado", "vecinal_ves"), ("estudiantes_cusco", "construccion")):
        struggles.declare_solidarity(
            db, _facilitator(db, ids[seat]), found[helped], ids[seat], now=registered
        )
    lima = _facilitator(db, ids["lima"])
    strike = _convene(
        db,
        lima,
        ids["lima"],
        kind=ActionKind.STRIKE_48H,
        title="Paro regional de 48 horas",
        now=start,
        starts_at=calendar.regional_strike,
        places=["Plaza Dos de Mayo", "Plaza San Martín"],
        struggle=found["transporte"],
    )
    for seat in ("mercado", "transporte", "estudiantes_cusco"):
        _join(db, ids[seat], strike, key, start, skip=skip)
    indefinite = _convene(
        db,
        lima,
        ids["lima"],
        kind=ActionKind.STRIKE_INDEFINITE,
        title="Paro indefinido regional por el agua y la vida",
        now=start,
        starts_at=calendar.indefinite_strike,
        places=["Plaza Dos de Mayo"],
        pledge=Thresholds(10, people=100),
    )
    for seat, count in (("vecinal_ves", 30), ("mercado", 20), ("transporte", 20)):
        for person in _members(db, ids[seat], skip)[:count]:
            pledges.pledge(db, person, indefinite, ids[seat], now=start)
    _sit_in(db, ids, struggle=found["vecinal_ves"], key=key, calendar=calendar, skip=skip)
    seed_platform(db, ids, found, key, skip=skip, calendar=calendar)


def _dated(text: str, since: date, author: Person) -> str:
    """A struggle's text with the day it began (in its author's language) and its year."""
    return text.format(
        since=day_and_month(since, author.locale), year=since.year, next_year=since.year + 1
    )


def _sit_in(
    db: Session,
    ids: dict[str, int],
    *,
    struggle: int,
    key: SigningKey,
    calendar: DemoCalendar,
    skip: set[int],
) -> None:
    ves = ids["vecinal_ves"]
    start = calendar.convened
    tasks = [
        Task(TaskRole.KITCHEN, 6),
        Task(TaskRole.FIRST_AID, 2),
        Task(TaskRole.LEGAL_OBSERVER, 2),
        Task(TaskRole.PRESS, 2),
    ]
    sit_in = _convene(
        db,
        _facilitator(db, ves),
        ves,
        kind=ActionKind.SIT_IN,
        title="Plantón frente a Sedapal por el corte de agua",
        now=start,
        starts_at=calendar.sit_in,
        places=["Puerta principal de Sedapal, Surquillo"],
        struggle=struggle,
        tasks=tasks,
        pledge=Thresholds(25),
        checklist=["Carteles y banderolas", "Ollas y cocina", "Botiquín", "Megáfono"],
    )
    _join(db, ids["mercado"], sit_in, key, start, skip=skip)
    members = _members(db, ves, skip)
    repo = MobilisationRepository(db)
    signers = iter(members)
    for task in repo.tasks(sit_in):  # half filled: 3 of 6, 1 of 2, 1 of 2, 1 of 2
        for _ in range(task.needed // 2):
            actions.sign_up(db, next(signers), sit_in, task.id)
    for person in members[10:28]:
        pledges.pledge(db, person, sit_in, ves, now=start)
    facilitator = _facilitator(db, ves)
    actions.live_update(
        db,
        facilitator,
        sit_in,
        text=f"El {day_and_month(calendar.sit_in, facilitator.locale)}, a las 7 a. m., nos "
        "reunimos en el local comunal para ir juntas y juntos al plantón.",
        now=start,
    )


def _convene(
    db: Session,
    actor: Person,
    assembly: int,
    *,
    kind: ActionKind,
    title: str,
    now: datetime,
    starts_at: datetime,
    places: list[str],
    struggle: int | None = None,
    tasks: list[Task] | None = None,
    pledge: Thresholds | None = None,
    checklist: list[str] | None = None,
) -> int:
    spec = actions.Convening(
        kind=kind,
        title=title,
        region="15",
        starts_at=starts_at,
        places=places,
        description="Convocado en asamblea.",
        struggle_id=struggle,
        tasks=tasks or [],
        checklist=checklist or [],
        pledge=pledge,
    )
    return actions.convene(db, actor, assembly, spec, now=now).id


def _join(
    db: Session, assembly: int, action: int, key: SigningKey, start: datetime, *, skip: set[int]
) -> None:
    """The assembly's members vote to join the action; the vote closes a day later."""
    facilitator = _facilitator(db, assembly)
    adhesion = struggles.propose_adhesion(
        db, facilitator, "action", action, assembly, now=start, days=1
    )
    assert adhesion.vote_id is not None  # noqa: S101 - an adhesion always has its vote
    for number, person in enumerate(_members(db, assembly, skip)):
        choice = [YES_MOSTLY[number % len(YES_MOSTLY)]]
        votes.cast(db, person, adhesion.vote_id, choice, now=start + timedelta(hours=1), key=key)
    closing.close_vote(db, facilitator, adhesion.vote_id, start + timedelta(days=1), key)


def _members(db: Session, assembly_id: int, skip: set[int]) -> list[Person]:
    people = PeopleRepository(db)
    found = [
        people.get(m.person_id)
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
        if m.person_id not in skip
    ]
    return [p for p in found if p is not None]


def _facilitator(db: Session, assembly_id: int) -> Person:
    people = PeopleRepository(db)
    for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE):
        if m.role is Role.FACILITATOR:
            person = people.get(m.person_id)
            if person is not None:
                return person
    msg = f"assembly {assembly_id} has no facilitator"
    raise LookupError(msg)
