"""The demo's archive: one fictional case — no real victim's name — with a testimony at each consent
level, one withdrawn by its family, two events of its timeline (one public), and an exported
bundle to check with ``asamblea archive verify``. Seeded through the real use cases, so the demo
is encrypted like real material."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from asamblea.core.archive import Consent
from asamblea.core.people import Person, username_key
from asamblea.services.archive import items, keys, team, timeline
from asamblea.services.archive.custody import Vault
from asamblea.services.archive.export import export_bundle
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import FederationRepository, PeopleRepository

DEMO_PASSPHRASE = "memoria-demo-2026"  # noqa: S105 - the demo's published passphrase
KEEPER = "facilitadora.ves"  # the demo's facilitator of the Asamblea Vecinal de VES
TESTIMONIES = (
    (
        Consent.PUBLIC,
        "Recuerdo público",
        "Texto ficticio de demostración: la familia quiere que se recuerde su nombre y su lucha.",
    ),
    (
        Consent.FEDERATION,
        "Relato para la federación",
        "Texto ficticio: lo que vio una vecina desde la esquina, para las asambleas federadas.",
    ),
    (
        Consent.TEAM,
        "Testimonio para el equipo",
        "Texto ficticio: un testigo describe la hora y el lugar; solo el equipo del caso lo lee.",
    ),
    (
        Consent.LEGAL,
        "Declaración para el equipo legal",
        "Texto ficticio: detalles que solo el equipo legal debe conocer, para la fiscalía.",
    ),
    (
        Consent.TEAM,
        "Testimonio retirado",
        "Texto ficticio que la familia retiró: su contenido ya no puede leerse.",
    ),
)
#: How long before the demo is seeded its fictional events happened (the case is opened now).
OCCURRED_AGO = 330


def seed_archive(
    db: Session,
    vault: Vault,
    facilitator: Person,
    assembly_id: int,
    *,
    now: datetime,
    export_to: Path | None = None,
    passphrase: str = DEMO_PASSPHRASE,
) -> str:
    """Seed the demo case for ``facilitator``'s assembly; its id."""
    if not keys.has_key(db, facilitator):
        keys.set_up_key(db, facilitator, passphrase)
    private = keys.unlock(db, facilitator, passphrase)
    occurred = DemoCalendar.at(now).day_ago(OCCURRED_AGO)
    case = team.open_case(
        db,
        facilitator,
        assembly_id,
        title="Caso demostrativo: Puente de la Memoria (ficticio)",
        place="Lugar ficticio",
        occurred_on=occurred,
    )
    team.add_victim(db, facilitator, case.id, "Víctima ficticia A", Consent.PUBLIC)
    team.add_victim(db, facilitator, case.id, None, Consent.TEAM)  # the family asked: no name
    received = [
        items.add_item(
            db,
            vault,
            facilitator,
            case.id,
            [text.encode()],
            incoming=items.Incoming(consent, file_name=f"{title}.txt", title=title),
            now=now,
        )
        for consent, title, text in TESTIMONIES
    ]
    timeline.add_event(
        db,
        facilitator,
        case.id,
        happened_on=occurred,
        happened_at=time(17, 30),
        consent=Consent.PUBLIC,
        description="Marcha pacífica hacia el puente (hecho ficticio).",
        item_ids=[received[0].item.id],
    )
    timeline.add_event(
        db,
        facilitator,
        case.id,
        happened_on=occurred + timedelta(days=1),
        happened_at=None,
        consent=Consent.TEAM,
        description="El equipo recibe los primeros testimonios (ficticio).",
        item_ids=[received[2].item.id],
    )
    withdrawn = received[-1]
    items.change_consent(
        db, vault, withdrawn.item.id, None, holder_token=withdrawn.holder_token, now=now
    )
    if export_to is not None and not export_to.exists():
        export_bundle(
            db,
            vault,
            facilitator,
            case.id,
            export_to,
            item_ids=[r.item.id for r in received[:4]],
            recipient="Fiscalía (destinataria ficticia de la demostración)",
            private=private,
            now=now,
        )
    return case.id


def seed_demo_archive(db: Session, vault: Vault, *, now: datetime, export_to: Path) -> bool:
    """Seed the demo case in the demo federation (once); whether it was seeded now."""
    found = PeopleRepository(db).by_key(username_key(KEEPER))
    if found is None:
        return False
    keeper = found[0]
    assemblies = [
        m.assembly_id
        for m in FederationRepository(db).memberships_of_person(keeper.id)
        if m.is_facilitator
    ]
    if not assemblies or ArchiveRepository(db).cases_of(assemblies):
        return False
    seed_archive(db, vault, keeper, assemblies[0], now=now, export_to=export_to)
    return True
