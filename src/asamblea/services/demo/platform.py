"""The demo's unified platform of six points, seeded through the real use cases.

Seven demands rise from the base assemblies, each raised from a struggle (the five the demo
registers, and the students' struggle for the public university in Cusco and in Loreto), each
adopted by its members' vote, sent up, adopted by the
assemblies above by their own votes, and sent up again until it reaches the national agenda
(where a second region's adoption puts it on the agenda). The two demands for the public
university's budget (Cusco's and Loreto's students) are duplicates: the national assembly's
members merged them by a vote, so the national platform shows **six points**, one with the
other in its history. The Lima regional platform holds the two Lima demands on their way up.
Each level votes two days after the one below it adopted the demand and sent it up, and the
merge comes after the last demand reached the national agenda (`DemoCalendar.platform_started`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.deliberation import ProposalState
from asamblea.core.mobilisation.struggles import Place, Sector
from asamblea.core.people import Person
from asamblea.services import deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.demo.people import facilitator_of, members_of
from asamblea.services.mobilisation import platform, struggles
from asamblea.services.votes import closing, votes


@dataclass(frozen=True)
class Demand:
    """A demand of a base assembly (from its struggle, if it has one), the assemblies it rises
    through, and the region that adopts it beside its own at the national level."""

    seat: str
    title: str
    text: str
    path: tuple[str, ...]  # the assemblies above, nearest first, ending at "nacional"
    seconded_by: str


DEMANDS = (
    Demand(
        "vecinal_ves",
        "Agua potable las 24 horas en todos los barrios",
        "Que Sedapal reponga el agua de inmediato, con cisternas gratuitas mientras dure un corte "
        "y un cronograma público de obras vigilado por los vecinos.",
        ("ves", "lima", "nacional"),
        "puno",
    ),
    Demand(
        "transporte",
        "Alto a las extorsiones y al cobro de cupos",
        "Protección a choferes, comerciantes y obreros amenazados; investigación de las mafias.",
        ("comas", "lima", "nacional"),
        "cusco",
    ),
    Demand(
        "construccion",
        "Aumento general de salarios",
        "Jornal y sueldo mínimo que alcancen para la canasta familiar, negociados cada año.",
        ("cusco", "nacional"),
        "lima",
    ),
    Demand(
        "chucuito_cc",
        "Agua limpia: cierre de los relaves que contaminan el Titicaca",
        "Cierre y remediación de los relaves, monitoreo comunal del agua del lago.",
        ("chucuito", "puno", "nacional"),
        "loreto",
    ),
    Demand(
        "kukama",
        "Remediación de los ríos amazónicos y salud para sus pueblos",
        "Limpieza del Marañón, agua segura y atención de salud para las comunidades afectadas.",
        ("loreto", "nacional"),
        "puno",
    ),
    Demand(
        "estudiantes_cusco",
        "Presupuesto justo para la universidad pública",
        "Presupuesto que cubra docentes, comedores y laboratorios de las universidades públicas.",
        ("cusco", "nacional"),
        "lima",
    ),
    Demand(
        "estudiantes_loreto",
        "Más presupuesto para las universidades públicas",
        "Que el presupuesto de las universidades públicas de la Amazonía no se recorte más.",
        ("loreto", "nacional"),
        "cusco",
    ),
)


#: Between a level's vote on a demand and the next level's (each vote runs a day).
LEVEL_GAP = timedelta(days=2)
UNIVERSITY = {
    "estudiantes_cusco": Place("08", "0801"),
    "estudiantes_loreto": Place("16", "1601"),
}


def seed_platform(
    db: Session,
    ids: dict[str, int],
    found: dict[str, int],
    key: SigningKey,
    *,
    skip: set[int],
    calendar: DemoCalendar,
) -> None:
    """Raise, adopt and send up every demand; merge the two university demands nationally.

    ``found`` maps a base assembly's key to its struggle; the students' struggles are
    registered here."""
    start = calendar.platform_started
    sources = dict(found)
    for seat, place in UNIVERSITY.items():
        form = struggles.StruggleForm(
            "Presupuesto para la universidad pública",
            "Presupuesto para docentes, comedores y laboratorios; ningún recorte más.",
            "Ministerio de Economía y Finanzas",
            place,
            Sector.STUDENTS,
            calendar.since(seat),
        )
        fac = facilitator_of(db, ids[seat])
        registered = calendar.struggles_registered
        sources[seat] = struggles.register(db, fac, ids[seat], form, now=registered).id
    reached = {}
    for demand in DEMANDS:
        reached[demand.seat] = _rise(db, ids, sources, demand, key, skip=skip, start=start)
    national = ids["nacional"]
    coordinator = facilitator_of(db, national)
    start += LEVEL_GAP * max(len(d.path) + 1 for d in DEMANDS)  # once every demand is there
    merge = platform.propose_merge(
        db,
        coordinator,
        national,
        into=reached["estudiantes_cusco"],
        merged=[reached["estudiantes_loreto"]],
        now=start,
        days=1,
    )
    for person in members_of(db, national):
        votes.cast(db, person, merge.vote_id, [0], now=start + timedelta(hours=1), key=key)
    closing.close_vote(db, coordinator, merge.vote_id, start + timedelta(days=1), key)


def _rise(
    db: Session,
    ids: dict[str, int],
    sources: dict[str, int],
    demand: Demand,
    key: SigningKey,
    *,
    skip: set[int],
    start: datetime,
) -> int:
    """The demand adopted at every level up to the national agenda; its national point's id."""
    base = ids[demand.seat]
    fac = facilitator_of(db, base)
    proposal = platform.raise_demand(
        db, fac, sources[demand.seat], title=demand.title, text=demand.text
    ).id
    voters = [p for p in members_of(db, base) if p.id not in skip][:6]
    for person in (p for p in voters if p.id != fac.id):  # supports until it goes to debate
        if deliberation.support(db, person, proposal).state is not ProposalState.OPEN:
            break
    escalation = 0
    for step, level in enumerate(demand.path):
        _adopt(db, fac, proposal, voters=voters, key=key, start=start + step * LEVEL_GAP)
        escalation = deliberation.escalate(db, fac, proposal).escalation.id
        if level == "nacional":
            second = ids[demand.seconded_by]
            deliberation.adopt_escalation(db, facilitator_of(db, second), escalation, second)
        view = deliberation.escalation_view(db, escalation)
        if view.agenda_proposal_id is None:
            msg = f"{demand.seat}: not on the agenda of {level}"
            raise LookupError(msg)
        proposal = view.agenda_proposal_id
        fac = facilitator_of(db, ids[level])
        voters = members_of(db, ids[level])
    return escalation


def _adopt(
    db: Session,
    fac: Person,
    proposal: int,
    *,
    voters: list[Person],
    key: SigningKey,
    start: datetime,
) -> None:
    """A yes/no vote of the proposal's assembly (public board), published a day later."""
    terms = VoteTerms(start, start + timedelta(days=1), public=True)
    vote = deliberation.start_voting(db, fac, proposal, terms)
    votes.open_vote(db, fac, vote.id, start)
    for person in voters:
        votes.cast(db, person, vote.id, [0], now=start + timedelta(hours=1), key=key)
    closing.close_vote(db, fac, vote.id, start + timedelta(days=1), key)
