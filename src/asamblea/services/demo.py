"""The demo federation: a national assembly, four regions and ten base assemblies in Peru.

About 300 members with pseudonyms, some pending requests with vouches under way, one
suspension. Every demo account shares one password (hashed once: the seed stays fast).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.delegation import MandateChoice
from asamblea.core.deliberation import ProposalKind, ProposalState, Side
from asamblea.core.federation import AssemblyKind, AssemblyRules, MembershipState, Role
from asamblea.core.people import Person, username_key
from asamblea.core.votes import Mode, make_spec
from asamblea.services import charter, delegation, deliberation, votes
from asamblea.services.accounts import hash_password
from asamblea.services.deliberation import VoteTerms
from asamblea.services.demo_budget import seed_budget
from asamblea.services.demo_planning import seed_planning
from asamblea.store.repositories import AuditRepository, FederationRepository, PeopleRepository
from asamblea.store.types import utcnow

DEMO_PASSWORD = "asamblea-demo-2026"  # noqa: S105 - printed to the organiser on purpose
NATIONAL = "Asamblea Nacional Constituyente Popular"
FIRST_NAMES = (
    "rosa",
    "juana",
    "maria",
    "luz",
    "carmen",
    "yolanda",
    "nelly",
    "flor",
    "gladys",
    "ruth",
    "quispe",
    "mamani",
    "huaman",
    "condori",
    "pedro",
    "jose",
    "wilber",
    "edwin",
    "hugo",
    "raul",
    "teodoro",
    "alicia",
    "sonia",
    "felipa",
    "marcos",
    "cirilo",
    "pilar",
    "nancy",
    "walter",
    "elmer",
)


@dataclass(frozen=True)
class Seat:
    """A demo assembly: name, kind, parent's key, description, size and its own key."""

    key: str
    name: str
    kind: AssemblyKind
    parent: str | None
    description: str
    members: int = 0


FEDERATION = (
    Seat(
        "nacional",
        NATIONAL,
        AssemblyKind.NATIONAL,
        None,
        "Delegadas y delegados de las regiones redactan la nueva Constitución desde abajo.",
    ),
    Seat(
        "lima",
        "Asamblea Regional de Lima",
        AssemblyKind.REGION,
        "nacional",
        "Lima Metropolitana y provincias.",
    ),
    Seat(
        "cusco",
        "Asamblea Regional del Cusco",
        AssemblyKind.REGION,
        "nacional",
        "Provincias del Cusco.",
    ),
    Seat(
        "puno",
        "Asamblea Regional de Puno",
        AssemblyKind.REGION,
        "nacional",
        "Comunidades quechuas y aymaras del altiplano.",
    ),
    Seat(
        "loreto",
        "Asamblea Regional de Loreto",
        AssemblyKind.REGION,
        "nacional",
        "Pueblos de la Amazonía.",
    ),
    Seat(
        "ves",
        "Asamblea Distrital de Villa El Salvador",
        AssemblyKind.DISTRICT,
        "lima",
        "Sectores, mercados y comedores del distrito.",
    ),
    Seat("comas", "Asamblea Distrital de Comas", AssemblyKind.DISTRICT, "lima", "Lima Norte."),
    Seat(
        "chucuito",
        "Asamblea Provincial de Chucuito",
        AssemblyKind.PROVINCE,
        "puno",
        "Juli, Pomata, Zepita y Desaguadero.",
    ),
    Seat(
        "transporte",
        "Sindicato de Trabajadores del Transporte de Lima Norte",
        AssemblyKind.UNION,
        "comas",
        "Choferes y cobradores de las rutas de Lima Norte.",
        45,
    ),
    Seat(
        "vecinal_ves",
        "Asamblea Vecinal de Villa El Salvador — Sector 3",
        AssemblyKind.NEIGHBOURHOOD,
        "ves",
        "Agua, pistas y seguridad del sector.",
        40,
    ),
    Seat(
        "mercado",
        "Trabajadoras del Mercado Modelo de Villa El Salvador",
        AssemblyKind.WORKPLACE,
        "ves",
        "Comerciantes y cargadores del mercado.",
        30,
    ),
    Seat(
        "estudiantes_cusco",
        "Federación Universitaria del Cusco",
        AssemblyKind.STUDENT,
        "cusco",
        "Estudiantes de la universidad pública del Cusco.",
        35,
    ),
    Seat(
        "construccion",
        "Sindicato de Construcción Civil del Cusco",
        AssemblyKind.UNION,
        "cusco",
        "Obreros de construcción civil.",
        25,
    ),
    Seat(
        "chucuito_cc",
        "Comunidad Campesina de Chucuito",
        AssemblyKind.PEASANT_COMMUNITY,
        "chucuito",
        "Comuneras y comuneros a orillas del Titicaca.",
        30,
    ),
    Seat(
        "pomata",
        "Comunidad Campesina Aymara de Pomata",
        AssemblyKind.PEASANT_COMMUNITY,
        "chucuito",
        "Asamblea comunal aymara.",
        25,
    ),
    Seat(
        "mineros",
        "Trabajadores Mineros de La Rinconada",
        AssemblyKind.WORKPLACE,
        "puno",
        "Mineros artesanales de Ananea.",
        20,
    ),
    Seat(
        "kukama",
        "Comunidad Nativa Kukama Kukamiria de Nauta",
        AssemblyKind.INDIGENOUS_COMMUNITY,
        "loreto",
        "Pueblo kukama del río Marañón.",
        25,
    ),
    Seat(
        "estudiantes_loreto",
        "Estudiantes de la Universidad Nacional de la Amazonía Peruana",
        AssemblyKind.STUDENT,
        "loreto",
        "Federación de estudiantes en Iquitos.",
        25,
    ),
)

#: Named demo accounts: (username, where, role or state, what to tell the organiser).
NAMED = (
    (
        "coordinadora",
        "nacional",
        "facilitator",
        "facilitadora de la Asamblea Nacional y regionales",
    ),
    (
        "facilitadora.ves",
        "vecinal_ves",
        "facilitator",
        "facilitadora de la Asamblea Vecinal de VES",
    ),
    ("comunera.chucuito", "chucuito_cc", "member", "comunera activa de Chucuito"),
    ("estudiante.cusco", "estudiantes_cusco", "member", "estudiante activo en Cusco"),
    ("nueva.vecina", "vecinal_ves", "pending", "pide unirse a VES (tiene 1 aval de 2)"),
)


def seed_demo(db: Session, key: SigningKey | None = None) -> tuple[list[tuple[str, str]], bool]:
    """Create the demo federation unless it is there; return the logins and whether it was new."""
    logins = [(name, what) for name, _, _, what in NAMED]
    federation = FederationRepository(db)
    if any(a.name == NATIONAL for a in federation.assemblies()):
        return logins, False
    people = PeopleRepository(db)
    password_hash = hash_password(DEMO_PASSWORD)
    rng = random.Random(2026)  # noqa: S311 - not security: the same demo every time

    def person(username: str) -> int:
        return people.add(username, username_key(username), password_hash, "es").id

    named = {name: person(name) for name, *_ in NAMED}
    ids = _assemblies(federation, named["coordinadora"])
    _named_memberships(federation, named, ids)
    for seat in FEDERATION:
        if seat.members:
            _populate(federation, people, seat, ids[seat.key], make=person, rng=rng)
    if key is not None:
        _votes(db, ids, key, rng)
        _from_below(db, ids, key, rng)
        skip = {p.id for p in _demo_people(db)}
        seed_planning(db, ids, key, skip=skip)
        seed_budget(db, ids["vecinal_ves"], key, rng, skip=skip)
    AuditRepository(db).record(
        named["coordinadora"], "demo.seeded", details={"assemblies": len(ids)}
    )
    return logins, True


def _votes(db: Session, ids: dict[str, int], key: SigningKey, rng: random.Random) -> None:
    """A published vote, a published delegate election, an open motion, a count to confirm."""
    now = utcnow().replace(second=0, microsecond=0)
    past = now - timedelta(days=3)
    ves = ids["vecinal_ves"]
    _published(
        db,
        ves,
        key,
        rng,
        question="¿Qué medida tomamos por el corte de agua del sector?",
        options=["Plantón frente a SEDAPAL", "Marcha a la municipalidad", "Mesa de diálogo"],
        rule="plurality",
        seats=1,
        start=past,
    )
    _published(
        db,
        ids["transporte"],
        key,
        rng,
        question="Delegados a la Asamblea Distrital de Comas",
        options=["Wilber Quispe", "Nelly Huamán", "Raúl Condori", "Gladys Mamani", "Edwin Rojas"],
        rule="stv",
        seats=2,
        start=past,
    )
    facilitator = _facilitator(db, ves)
    motion = votes.draft_vote(
        db,
        facilitator,
        ves,
        make_spec(
            question="¿Apoyamos el paro regional del 5 de diciembre?",
            options=[],
            rule="majority",
            seats=1,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.SECRET,
            public=False,
            opens_at=now,
            closes_at=now + timedelta(days=5),
        ),
    )
    votes.open_vote(db, facilitator, motion.id, now)
    skip = {p.id for p in _demo_people(db)}
    for person in _members(db, ves)[:18]:
        if person.id not in skip:
            votes.cast(db, person, motion.id, [rng.choice([0, 0, 0, 1, 2])], now=now, key=key)
    chucuito = ids["chucuito_cc"]
    count = votes.draft_vote(
        db,
        _facilitator(db, chucuito),
        chucuito,
        make_spec(
            question="¿Participamos en la marcha a Puno?",
            options=[],
            rule="majority",
            seats=1,
            threshold="two_thirds",
            quorum_percent=50,
            mode=Mode.IN_PERSON,
            public=False,
            opens_at=past,
            closes_at=past + timedelta(hours=3),
        ),
    )
    votes.record_in_person(
        db, _facilitator(db, chucuito), count.id, counts=[19, 4, 2], attendance=26, acta=ACTA
    )


def _from_below(db: Session, ids: dict[str, int], key: SigningKey, rng: random.Random) -> None:
    """Proposals in debate, an adopted proposal sent up and adopted by a sibling, the national
    charter with a second version of one article, delegates with mandates, a recall petition."""
    now = utcnow().replace(second=0, microsecond=0)
    past = now - timedelta(days=2)
    ves, mercado = ids["vecinal_ves"], ids["mercado"]
    fac, neighbours = _facilitator(db, ves), _members(db, ves)
    skip = {p.id for p in _demo_people(db)}
    voters = [p for p in neighbours if p.id not in skip]

    def proposal(author: Person, title: str, text: str, supporters: list[Person]) -> int:
        drafted = deliberation.draft_proposal(
            db, author, ves, title=title, text=text, kind=ProposalKind.DEMAND
        )
        deliberation.publish(db, author, drafted.id)
        for person in supporters:  # until the threshold moves it to debate
            if deliberation.support(db, person, drafted.id).state is not ProposalState.OPEN:
                break
        return drafted.id

    water = proposal(
        voters[1],
        "Agua potable las 24 horas para el Sector 3",
        "Exigimos a SEDAPAL agua potable las 24 horas y un cronograma público de obras.",
        voters[2:12],
    )
    deliberation.argue(
        db, voters[3], water, side=Side.FOR, text="Sin agua no hay salud ni dignidad."
    )
    against = deliberation.argue(
        db, voters[4], water, side=Side.AGAINST, text="Primero hay que arreglar las tuberías."
    )
    deliberation.argue(
        db, voters[5], water, reply_to=against.id, text="Por eso pedimos un cronograma de obras."
    )
    deliberation.propose_amendment(
        db,
        voters[6],
        water,
        "Exigimos a SEDAPAL agua potable las 24 horas, un cronograma público de obras y "
        "una veeduría vecinal que las vigile.",
    )
    proposal(
        voters[8],
        "Alumbrado en el parque zonal",
        "Pedimos a la municipalidad postes de luz en el parque zonal antes de fin de año.",
        voters[22:23],
    )
    lights = proposal(
        voters[10],
        "Comedor popular con apoyo municipal",
        "Que la municipalidad financie los insumos del comedor popular del sector.",
        voters[12:22],
    )
    vote = deliberation.start_voting(
        db, fac, lights, VoteTerms(past, past + timedelta(days=1), public=True)
    )
    _decide(db, fac, vote.id, voters[:16], key=key, start=past, choices=[0, 0, 0, 1])
    deliberation.settle_proposal(db, lights)
    deliberation.escalate(db, fac, lights)
    escalation = deliberation.escalations_to(db, ids["ves"])[0].escalation
    deliberation.adopt_escalation(db, _facilitator(db, mercado), escalation.id, mercado)
    _charter(db, ids, key, past)
    _delegates(db, ids, key, rng, past=past, now=now)


def _decide(
    db: Session,
    facilitator: Person,
    vote_id: int,
    voters: list[Person],
    *,
    key: SigningKey,
    start: datetime,
    choices: list[int],
) -> None:
    """Open a vote at `start`, let `voters` vote (cycling through `choices`), publish it."""
    votes.open_vote(db, facilitator, vote_id, start)
    for number, person in enumerate(voters):
        choice = [choices[number % len(choices)]]
        votes.cast(db, person, vote_id, choice, now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, facilitator, vote_id, start + timedelta(days=1), key)


def _charter(db: Session, ids: dict[str, int], key: SigningKey, past: datetime) -> None:
    national = ids["nacional"]
    coordinator = _facilitator(db, national)
    held = charter.create_charter(
        db,
        coordinator,
        national,
        title="Constitución Política desde Abajo",
        articles=[
            ("Soberanía popular", "El poder emana del pueblo organizado en sus asambleas."),
            ("El agua", "El agua es un derecho humano y no puede privatizarse."),
            ("Revocatoria", "Toda autoridad elegida puede ser revocada por quienes la eligieron."),
            (
                "Lenguas",
                "El castellano, el quechua, el aimara y las lenguas amazónicas son oficiales.",
            ),
        ],
    )
    wording = charter.propose_wording(
        db,
        coordinator,
        national,
        held.id,
        target=2,
        article_title="El agua",
        text="El agua es un derecho humano y un bien común: no puede privatizarse y su gestión "
        "es pública y comunitaria.",
    )
    deliberation.publish(db, coordinator, wording.id)
    vote = charter.start_charter_vote(
        db, coordinator, [wording.id], VoteTerms(past, past + timedelta(days=1), public=True)
    )
    votes.open_vote(db, coordinator, vote.id, past)
    for person in _members(db, national):
        votes.cast(db, person, vote.id, [1, 0], now=past + timedelta(hours=1), key=key)
    votes.close_vote(db, coordinator, vote.id, past + timedelta(days=1), key)
    charter.settle_charter_vote(db, vote.id)


def _delegates(
    db: Session,
    ids: dict[str, int],
    key: SigningKey,
    rng: random.Random,
    *,
    past: datetime,
    now: datetime,
) -> None:
    """Each base assembly of Villa El Salvador elects its delegate to the district by STV;
    they carry mandates on the district's roll-call motion; a recall petition gathers names."""
    district = ids["ves"]
    seated = {}
    for child in (ids["vecinal_ves"], ids["mercado"]):
        fac = _facilitator(db, child)
        members = [p for p in _members(db, child) if p.id != fac.id]
        election = delegation.open_delegate_election(
            db,
            fac,
            child,
            candidates=[p.id for p in members[:3]],
            terms=VoteTerms(past, past + timedelta(days=1), public=True),
            term=(past, past + timedelta(days=365)),
        )
        votes.open_vote(db, fac, election.id, past)
        for person in members[:15]:  # a small turnout keeps the seed quick
            order = sorted(range(3), key=lambda _: rng.random())
            votes.cast(db, person, election.id, order, now=past + timedelta(hours=1), key=key)
        votes.close_vote(db, fac, election.id, past + timedelta(days=1), key)
        seated[child] = delegation.settle_delegate_election(db, election.id, now=now)
    coordinator = _facilitator(db, district)
    motion = votes.draft_vote(
        db,
        coordinator,
        district,
        make_spec(
            question="¿Convocamos un paro distrital por el agua?",
            options=[],
            rule="majority",
            seats=1,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.ROLL_CALL,
            public=True,
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=3),
        ),
    )
    delegation.set_mandate(
        db, _facilitator(db, ids["vecinal_ves"]), ids["vecinal_ves"], motion.id, MandateChoice.FOR
    )
    delegation.set_mandate(
        db, _facilitator(db, ids["mercado"]), ids["mercado"], motion.id, MandateChoice.FREE
    )
    delegate = seated[ids["mercado"]][0]
    signers = [p for p in _members(db, ids["mercado"]) if p.id != delegate.person_id][5:8]
    petition = delegation.open_recall(db, signers[0], delegate.id, now=now)
    for person in signers[1:]:
        delegation.sign_recall(db, person, petition.id, now=now)


ACTA = (
    "En la comunidad de Chucuito, reunida la asamblea comunal, se debatió la participación en la "
    "marcha a Puno. Votaron a mano alzada: 19 a favor, 4 en contra, 2 abstenciones; asistieron 26 "
    "comuneras y comuneros. Firman la presidenta y el secretario de actas."
)


def _published(
    db: Session,
    assembly_id: int,
    key: SigningKey,
    rng: random.Random,
    *,
    question: str,
    options: list[str],
    rule: str,
    seats: int,
    start: datetime,
) -> None:
    facilitator = _facilitator(db, assembly_id)
    vote = votes.draft_vote(
        db,
        facilitator,
        assembly_id,
        make_spec(
            question=question,
            options=options,
            rule=rule,
            seats=seats,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.SECRET,
            public=True,
            opens_at=start,
            closes_at=start + timedelta(days=1),
        ),
    )
    votes.open_vote(db, facilitator, vote.id, start)
    weights = list(range(len(options), 0, -1))
    for person in _members(db, assembly_id)[:-4]:
        order = sorted(range(len(options)), key=lambda i: -rng.random() * weights[i])
        selection = order[: rng.randint(1, len(options))] if rule == "stv" else order[:1]
        votes.cast(db, person, vote.id, selection, now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, facilitator, vote.id, start + timedelta(days=1), key)


def _facilitator(db: Session, assembly_id: int) -> Person:
    repo = FederationRepository(db)
    for membership in repo.memberships(assembly_id, MembershipState.ACTIVE):
        if membership.role is Role.FACILITATOR:
            person = PeopleRepository(db).get(membership.person_id)
            assert person is not None  # noqa: S101 - memberships point at people
            return person
    msg = f"assembly {assembly_id} has no facilitator"
    raise LookupError(msg)


def _members(db: Session, assembly_id: int) -> list[Person]:
    people = PeopleRepository(db)
    found = [
        people.get(m.person_id)
        for m in FederationRepository(db).memberships(assembly_id, MembershipState.ACTIVE)
    ]
    return [p for p in found if p is not None]


def _demo_people(db: Session) -> list[Person]:
    people = PeopleRepository(db)
    found = [people.by_key(username_key(name)) for name, *_ in NAMED]
    return [f[0] for f in found if f is not None]


def _assemblies(federation: FederationRepository, founder: int) -> dict[str, int]:
    ids: dict[str, int] = {}
    for seat in FEDERATION:
        parent = ids[seat.parent] if seat.parent else None
        assembly = federation.add_assembly(
            seat.name, seat.kind, parent, seat.description, AssemblyRules()
        )
        ids[seat.key] = assembly.id
        if seat.members == 0:  # federated: the coordinator founded it and facilitates it
            federation.add_membership(
                assembly.id, founder, MembershipState.ACTIVE, Role.FACILITATOR
            )
    return ids


def _named_memberships(
    federation: FederationRepository, named: dict[str, int], ids: dict[str, int]
) -> None:
    for username, where, what, _ in NAMED:
        if where == "nacional" or what == "pending":
            continue
        role = Role.FACILITATOR if what == "facilitator" else Role.MEMBER
        federation.add_membership(ids[where], named[username], MembershipState.ACTIVE, role)


def _populate(
    federation: FederationRepository,
    people: PeopleRepository,
    seat: Seat,
    assembly_id: int,
    *,
    make: Callable[[str], int],
    rng: random.Random,
) -> None:
    members = []
    already_facilitated = federation.count(assembly_id, MembershipState.ACTIVE, Role.FACILITATOR)
    for number in range(seat.members):
        username = f"{rng.choice(FIRST_NAMES)}.{seat.key}{number + 1}"
        role = Role.FACILITATOR if number == 0 and not already_facilitated else Role.MEMBER
        members.append(
            federation.add_membership(assembly_id, make(username), MembershipState.ACTIVE, role)
        )
    for number in range(3):  # requests waiting for vouches, some with one already
        pending = federation.add_membership(
            assembly_id,
            make(f"solicitante.{seat.key}{number + 1}"),
            MembershipState.PENDING,
            Role.MEMBER,
        )
        if number == 0:
            federation.add_vouch(pending.id, members[1].person_id)
    federation.set_state(members[-1].id, MembershipState.SUSPENDED)
    if seat.key == "vecinal_ves":
        newcomer = people.by_key("nueva.vecina")
        assert newcomer is not None  # noqa: S101 - created above
        pending = federation.add_membership(
            assembly_id, newcomer[0].id, MembershipState.PENDING, Role.MEMBER
        )
        federation.add_vouch(pending.id, members[2].person_id)
