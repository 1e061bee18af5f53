"""Cases and their archive team: opening a case, members joining and leaving (keys re-wrapped).

A facilitator of an assembly opens a case for it and is its first member, of the legal team. A
legal-team member adds active members of the assembly who have made their archive key (a key is
needed: every file key is wrapped to every member at intake). When a member leaves, the member
who removes them re-wraps every file key of the case to the members who stay, with their own
unlocked key, in the same transaction; the leaver's wraps are gone (docs/archive.md says what
this cannot undo).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.archive import Action, Consent, keys
from asamblea.core.archive.case import Case
from asamblea.core.errors import N_, Conflict, Forbidden, Invalid
from asamblea.core.people import Person
from asamblea.services.archive import custody
from asamblea.services.archive.access import case_for, team_member
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.federation_repository import AuditRepository, FederationRepository

MAX_TEXT = 200


_LENGTH = {
    "title": N_("The title must have 1 to {n} characters"),
    "place": N_("The place must have 1 to {n} characters"),
    "name": N_("The name must have 1 to {n} characters"),
}


def _text(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not 1 <= len(cleaned) <= MAX_TEXT:
        raise Invalid(_LENGTH[what], n=MAX_TEXT)
    return cleaned


def _handle(person: Person) -> str:
    """A pseudonymous handle for the custody log (never the account name)."""
    return f"m-{secrets.token_hex(4)}-{person.id % 97:02d}"


def open_case(db: Session, actor: Person, assembly_id: int, *, title: str, place: str,
              occurred_on: date) -> Case:
    """A facilitator opens a case for their assembly and becomes its legal team's first member."""
    membership = FederationRepository(db).membership_of(assembly_id, actor.id)
    if membership is None or not membership.is_facilitator:
        raise Forbidden(N_("Only a facilitator of the assembly may open a case"))
    repo = ArchiveRepository(db)
    if repo.member_key(actor.id) is None:
        raise Invalid(N_("Make your archive key first"))
    case = repo.add_case(secrets.token_hex(16), assembly_id, title=_text(title, "title"),
                         place=_text(place, "place"), occurred_on=occurred_on,
                         created_by=actor.id)
    repo.put_member(case.id, actor.id, _handle(actor), legal=True)
    AuditRepository(db).record(actor.id, "archive.case_opened", assembly_id, case.id)
    return case


def add_member(db: Session, actor: Person, case_id: str, person: Person, *, legal: bool,
               private: PrivateKey) -> None:
    """A legal-team member adds an active member of the assembly (who has a key) to the team.

    Every existing file key of the case is wrapped to the new member with the actor's unlocked
    key, so the newcomer can read what the team holds.
    """
    case = case_for(db, actor, case_id)
    team_member(db, actor, case, legal=True)
    membership = FederationRepository(db).membership_of(case.assembly_id, person.id)
    if membership is None or not membership.is_active:
        raise Invalid(N_("Only active members of the assembly can join its archive team"))
    repo = ArchiveRepository(db)
    stored = repo.member_key(person.id)
    if stored is None:
        raise Invalid(N_("This member has not made an archive key yet"))
    existing = repo.team_member(case.id, person.id)
    if existing is not None and existing.active and existing.legal == legal:
        raise Conflict(N_("Already in the team"))
    handle = existing.handle if existing is not None else _handle(person)
    repo.put_member(case.id, person.id, handle, legal=legal)
    for item_id in repo.item_ids(case.id):
        mine = repo.wrap_for(item_id, actor.id)
        if mine is None:
            continue
        wraps = {p: w for p in repo.team_keys(case.id) if (w := repo.wrap_for(item_id, p))}
        wraps[person.id] = keys.wrap(keys.unwrap(mine, private), stored[0])
        repo.put_wraps(item_id, wraps)
    AuditRepository(db).record(actor.id, "archive.member_added", case.assembly_id, case.id)


def remove_member(db: Session, key: SigningKey, actor: Person, case_id: str, person_id: int, *,
                  private: PrivateKey, now: datetime) -> int:
    """A legal-team member removes a member and re-wraps every file key without them.

    Returns how many file keys were re-wrapped.
    """
    case = case_for(db, actor, case_id)
    me = team_member(db, actor, case, legal=True)
    repo = ArchiveRepository(db)
    leaving = repo.team_member(case.id, person_id)
    if leaving is None or not leaving.active:
        raise Invalid(N_("Not a member of this team"))
    if person_id == actor.id and sum(m.legal for m in repo.team(case.id)) == 1:
        raise Conflict(N_("The last member of the legal team cannot leave"))
    repo.deactivate_member(case.id, person_id)
    staying = repo.team_keys(case.id)
    count = 0
    for item_id in repo.item_ids(case.id):
        mine = repo.wrap_for(item_id, actor.id)
        if mine is None:
            raise Conflict(N_("A file key of this case is not wrapped for you"))
        repo.put_wraps(item_id, keys.rewrap(mine, private, staying))
        count += 1
    custody.record(db, key, case.id, Action.KEYS_REWRAPPED, me.handle,
                   detail={"removed": leaving.handle, "recipients": len(staying)}, now=now)
    AuditRepository(db).record(actor.id, "archive.member_removed", case.assembly_id, case.id)
    return count


def add_victim(db: Session, actor: Person, case_id: str, name: str | None,
               consent: Consent) -> None:
    """Record a victim of the case, named as the family wishes (or not named at all)."""
    case = case_for(db, actor, case_id)
    team_member(db, actor, case)
    shown = None if name is None or not name.strip() else _text(name, "name")
    ArchiveRepository(db).add_victim(case.id, shown, consent)
