"""A small federation for the mobilisation tests, built through the real services.

National N; region Lima (L) with two base assemblies — union A (facilitator `a_fac`, members
a1-a3) and neighbourhood B (`b_fac`, b1-b2) — and region Arequipa (Q) with community C (`c_fac`,
c1). `outsider` belongs nowhere. Members are added directly as active (vouching is tested
elsewhere) so that building the world stays cheap.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from asamblea.core.federation import AssemblyKind, AssemblyRules, MembershipState, Role
from asamblea.core.mobilisation.actions import ActionKind, Task, TaskRole, Visibility
from asamblea.core.mobilisation.pledges import Thresholds
from asamblea.core.people import Person
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.mobilisation import actions
from asamblea.services.votes import votes
from asamblea.store.federation_repository import FederationRepository

PASSWORD = "una frase larga y secreta"
T0 = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)
KEY = votes.signing_key("clave-de-prueba-" + "x" * 40)
TWO = Thresholds(2)
MEMBERS = {"A": ("a1", "a2", "a3"), "B": ("b1", "b2"), "C": ("c1",)}


class World:
    def __init__(self, db: Session, prefix: str = "mo") -> None:
        names = ("nat", "l_fac", "q_fac", "a_fac", "b_fac", "c_fac", "outsider")
        names += tuple(n for members in MEMBERS.values() for n in members)
        self.p: dict[str, Person] = {
            n: accounts.register(db, f"{prefix}_{n}", PASSWORD) for n in names
        }
        rules = AssemblyRules(vouches_needed=1, quorum_percent=50)

        def found(who: str, name: str, kind: AssemblyKind, parent: int | None) -> int:
            return federation.create_assembly(
                db, self.p[who], name=name, kind=kind, parent_id=parent, assembly_rules=rules
            ).id

        self.nat = found("nat", "Nacional", AssemblyKind.NATIONAL, None)
        self.lima = found("nat", "Región Lima", AssemblyKind.REGION, self.nat)
        self.arequipa = found("nat", "Región Arequipa", AssemblyKind.REGION, self.nat)
        self.a = found("a_fac", "Sindicato A", AssemblyKind.UNION, self.lima)
        self.b = found("b_fac", "Barrio B", AssemblyKind.NEIGHBOURHOOD, self.lima)
        self.c = found("c_fac", "Comunidad C", AssemblyKind.PEASANT_COMMUNITY, self.arequipa)
        repo = FederationRepository(db)
        for who, region in (("l_fac", self.lima), ("q_fac", self.arequipa)):
            repo.add_membership(region, self.p[who].id, MembershipState.ACTIVE, Role.FACILITATOR)
        for key, assembly in (("A", self.a), ("B", self.b), ("C", self.c)):
            for name in MEMBERS[key]:
                repo.add_membership(assembly, self.p[name].id, MembershipState.ACTIVE, Role.MEMBER)


def convene(
    db: Session,
    w: World,
    *,
    by: str = "a_fac",
    assembly: int | None = None,
    pledge: Thresholds | None = TWO,
    visibility: Visibility = Visibility.PUBLIC,
    kind: ActionKind = ActionKind.SIT_IN,
) -> int:
    spec = actions.Convening(
        kind=kind,
        title="Plantón por el agua",
        region="15",
        starts_at=T0 + timedelta(days=3),
        places=["Plaza de Villa El Salvador"],
        visibility=visibility,
        tasks=[Task(TaskRole.KITCHEN, 2), Task(TaskRole.FIRST_AID, 1)],
        checklist=["Megáfono", "Botiquín"],
        pledge=pledge,
    )
    return actions.convene(db, w.p[by], assembly or w.a, spec, now=T0).id
