"""The demo federation: a national assembly, four regions and ten base assemblies in Peru.

About 300 members with pseudonyms, some pending requests with vouches under way, one
suspension. Every demo account shares one password (hashed once: the seed stays fast).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyKind, AssemblyRules, MembershipState, Role
from asamblea.core.people import Person, username_key
from asamblea.core.username import skeleton_of
from asamblea.services.demo.budget import seed_budget
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.demo.from_below import seed_from_below
from asamblea.services.demo.mobilisation import seed_mobilisation
from asamblea.services.demo.planning import seed_planning
from asamblea.services.demo.votes import seed_votes
from asamblea.services.federation.accounts import hash_password
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)

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


def seed_demo(
    db: Session, key: SigningKey | None = None, *, now: datetime | None = None
) -> tuple[list[tuple[str, str]], bool]:
    """Create the demo federation unless it is there; return the logins and whether it was new.
    Its dates are relative to `now` (the clock's, when not given): see `DemoCalendar`."""
    logins = [(name, what) for name, _, _, what in NAMED]
    federation = FederationRepository(db)
    if any(a.name == NATIONAL for a in federation.assemblies()):
        return logins, False
    people = PeopleRepository(db)
    password_hash = hash_password(DEMO_PASSWORD)
    rng = random.Random(2026)  # noqa: S311 - not security: the same demo every time

    def person(username: str) -> int:
        return people.add(
            username, username_key(username), password_hash, "es", skeleton=skeleton_of(username)
        ).id

    named = {name: person(name) for name, *_ in NAMED}
    ids = _assemblies(federation, named["coordinadora"])
    _named_memberships(federation, named, ids)
    for seat in FEDERATION:
        if seat.members:
            _populate(federation, people, seat, ids[seat.key], make=person, rng=rng)
    if key is not None:
        skip = {p.id for p in _demo_people(db)}
        calendar = DemoCalendar.at(now)
        seed_votes(db, ids, key, rng, skip=skip, calendar=calendar)
        seed_from_below(db, ids, key, rng, skip=skip, calendar=calendar)
        seed_planning(db, ids, key, skip=skip, calendar=calendar)
        seed_budget(db, ids["vecinal_ves"], key, rng, skip=skip, calendar=calendar)
        seed_mobilisation(db, ids, key, skip=skip, calendar=calendar)
    AuditRepository(db).record(
        named["coordinadora"], "demo.seeded", details={"assemblies": len(ids)}
    )
    return logins, True


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
        # Her request and the vouch are recorded as the services record them: her inbox
        # (docs/notices.md) shows "a member vouched for you", the members' "someone asked".
        audit = AuditRepository(federation.db)
        audit.record(
            newcomer[0].id, "membership.requested", assembly_id, f"membership:{pending.id}"
        )
        audit.record(
            members[2].person_id, "membership.vouched", assembly_id, f"membership:{pending.id}"
        )
