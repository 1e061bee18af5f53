"""Repositories: every query lives here, and rows come out as frozen core dataclasses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from asamblea.core.federation import (
    Assembly,
    AssemblyKind,
    AssemblyRules,
    Membership,
    MembershipState,
    Placed,
    Role,
    WeightRule,
    rules_to_dict,
)
from asamblea.core.notices import rule_for
from asamblea.core.people import Person
from asamblea.store.federation_models import (
    ApiTokenRow,
    AssemblyRow,
    AuditRow,
    LoginAttemptRow,
    MembershipRow,
    PersonRow,
    SessionRow,
    VouchRow,
)
from asamblea.store.locking import for_update
from asamblea.store.mail_models import MailOutboxRow


def to_person(row: PersonRow) -> Person:
    """Map a person row."""
    return Person(id=row.id, username=row.username, locale=row.locale)


def to_assembly(row: AssemblyRow) -> Assembly:
    """Map an assembly row with its rules."""
    return Assembly(
        id=row.id,
        name=row.name,
        kind=AssemblyKind(row.kind),
        parent_id=row.parent_id,
        description=row.description,
        rules=AssemblyRules(
            vouches_needed=row.vouches_needed,
            quorum_percent=row.quorum_percent,
            delegate_ratio=row.delegate_ratio,
            recall_percent=row.recall_percent,
            support_percent=row.support_percent,
            escalation_percent=row.escalation_percent,
            delegate_weight=WeightRule(row.delegate_weight),
        ),
    )


def to_membership(row: MembershipRow) -> Membership:
    """Map a membership row."""
    return Membership(
        id=row.id,
        assembly_id=row.assembly_id,
        person_id=row.person_id,
        state=MembershipState(row.state),
        role=Role(row.role),
    )


class PeopleRepository:
    """Accounts, sessions, API tokens and failed-login records."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(
        self, username: str, key: str, password_hash: str, locale: str | None, *, skeleton: str
    ) -> Person:
        """Create an account."""
        row = PersonRow(
            username=username,
            username_key=key,
            username_skeleton=skeleton,
            password_hash=password_hash,
            locale=locale,
        )
        self.db.add(row)
        self.db.flush()
        return to_person(row)

    def get(self, person_id: int) -> Person | None:
        """An account by id."""
        row = self.db.get(PersonRow, person_id)
        return to_person(row) if row else None

    def by_key(self, key: str) -> tuple[Person, str] | None:
        """An account and its password hash, by normalised username."""
        row = self.db.scalar(select(PersonRow).where(PersonRow.username_key == key))
        return (to_person(row), row.password_hash) if row else None

    def key_taken(self, key: str) -> bool:
        """Whether a normalised username is already in use."""
        return self.db.scalar(select(PersonRow.id).where(PersonRow.username_key == key)) is not None

    def skeleton_taken(self, skeleton: str) -> bool:
        """Whether an account's name already looks like this (an index lookup)."""
        return (
            self.db.scalar(select(PersonRow.id).where(PersonRow.username_skeleton == skeleton))
            is not None
        )

    def password_hash(self, person_id: int) -> str:
        """The stored hash of an existing account."""
        return self.db.get_one(PersonRow, person_id).password_hash

    def set_password_hash(self, person_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        self.db.get_one(PersonRow, person_id).password_hash = password_hash

    def set_locale(self, person_id: int, locale: str) -> None:
        """Remember the account's language."""
        self.db.get_one(PersonRow, person_id).locale = locale

    def usernames(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Usernames by id, for display."""
        ids = list(set(person_ids))
        if not ids:
            return {}
        rows = self.db.execute(
            select(PersonRow.id, PersonRow.username).where(PersonRow.id.in_(ids))
        )
        return {row.id: row.username for row in rows}

    def add_session(self, token_hash: str, person_id: int, csrf: str, expires: datetime) -> None:
        """Record a new login session."""
        self.db.add(
            SessionRow(
                token_hash=token_hash, person_id=person_id, csrf_token=csrf, expires_at=expires
            )
        )

    def session(self, token_hash: str, now: datetime) -> tuple[Person, str] | None:
        """The person and CSRF token of a live session."""
        found = self.db.execute(
            select(PersonRow, SessionRow.csrf_token)
            .join(SessionRow, SessionRow.person_id == PersonRow.id)
            .where(SessionRow.token_hash == token_hash, SessionRow.expires_at > now)
        ).first()
        return (to_person(found[0]), found[1]) if found else None

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        self.db.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def delete_sessions(self, person_id: int, keep_hash: str | None = None) -> None:
        """End every session of a person (but the current one, if given)."""
        stmt = delete(SessionRow).where(SessionRow.person_id == person_id)
        if keep_hash is not None:
            stmt = stmt.where(SessionRow.token_hash != keep_hash)
        self.db.execute(stmt)

    def add_token(self, token_hash: str, person_id: int, expires: datetime) -> None:
        """Record an API token (its hash only)."""
        self.db.add(ApiTokenRow(token_hash=token_hash, person_id=person_id, expires_at=expires))

    def token_person(self, token_hash: str, now: datetime) -> Person | None:
        """The owner of a live API token."""
        row = self.db.scalar(
            select(PersonRow)
            .join(ApiTokenRow, ApiTokenRow.person_id == PersonRow.id)
            .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.expires_at > now)
        )
        return to_person(row) if row else None

    def token_people(self, token_hashes: Sequence[str], now: datetime) -> dict[str, Person]:
        """The owners of several live API tokens, by token hash (one query for a batch)."""
        rows = self.db.execute(
            select(ApiTokenRow.token_hash, PersonRow.id, PersonRow.username, PersonRow.locale)
            .join(PersonRow, ApiTokenRow.person_id == PersonRow.id)
            .where(ApiTokenRow.token_hash.in_(set(token_hashes)), ApiTokenRow.expires_at > now)
        )  # plain columns, not ORM rows: a writer's batch asks for hundreds at once
        return {token_hash: Person(id_, name, locale) for token_hash, id_, name, locale in rows}

    def token_members(
        self, token_hashes: Sequence[str], now: datetime
    ) -> dict[str, tuple[Person, list[Membership]]]:
        """`token_people` with every membership of each owner, in the same round trip (a
        writer's batch needs both: who is asking, and where they are a member)."""
        rows = self.db.execute(
            select(
                ApiTokenRow.token_hash,
                PersonRow.id,
                PersonRow.username,
                PersonRow.locale,
                MembershipRow.id,
                MembershipRow.assembly_id,
                MembershipRow.state,
                MembershipRow.role,
            )
            .join(PersonRow, ApiTokenRow.person_id == PersonRow.id)
            .outerjoin(MembershipRow, MembershipRow.person_id == PersonRow.id)
            .where(ApiTokenRow.token_hash.in_(set(token_hashes)), ApiTokenRow.expires_at > now)
        )
        found: dict[str, tuple[Person, list[Membership]]] = {}
        for token_hash, id_, name, locale, m_id, assembly_id, state, role in rows:
            _owner, held = found.setdefault(token_hash, (Person(id_, name, locale), []))
            if m_id is not None:
                held.append(Membership(m_id, assembly_id, id_, MembershipState(state), Role(role)))
        return found

    def delete_token(self, token_hash: str) -> None:
        """Revoke an API token."""
        self.db.execute(delete(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash))

    def delete_tokens(self, person_id: int) -> None:
        """Revoke every API token of a person."""
        self.db.execute(delete(ApiTokenRow).where(ApiTokenRow.person_id == person_id))

    def count_failures(self, keys: Sequence[str], since: datetime) -> dict[str, int]:
        """Failed logins per key since a moment."""
        rows = self.db.execute(
            select(LoginAttemptRow.key, func.count())
            .where(LoginAttemptRow.key.in_(keys), LoginAttemptRow.at > since)
            .group_by(LoginAttemptRow.key)
        )
        return {row[0]: row[1] for row in rows}

    def add_failure(self, keys: Sequence[str], at: datetime) -> None:
        """Record a failed login under each key."""
        self.db.add_all(LoginAttemptRow(key=key, at=at) for key in keys)

    def forget_failures(self, before: datetime) -> None:
        """Drop failed-login records older than the window (keep the minimum)."""
        self.db.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < before))


class FederationRepository:
    """Assemblies, memberships and vouches."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add_assembly(
        self,
        name: str,
        kind: AssemblyKind,
        parent_id: int | None,
        description: str,
        rules: AssemblyRules,
    ) -> Assembly:
        """Create an assembly."""
        row = AssemblyRow(
            name=name,
            kind=kind.value,
            parent_id=parent_id,
            description=description,
            **rules_to_dict(rules),
        )
        self.db.add(row)
        self.db.flush()
        return to_assembly(row)

    def assembly(self, assembly_id: int, *, lock: bool = False) -> Assembly | None:
        """An assembly by id (locked for update when asked)."""
        stmt = select(AssemblyRow).where(AssemblyRow.id == assembly_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_assembly(row) if row else None

    def set_rules(self, assembly_id: int, rules: AssemblyRules) -> None:
        """Replace an assembly's rules."""
        row = self.db.get_one(AssemblyRow, assembly_id)
        for column, value in rules_to_dict(rules).items():
            setattr(row, column, value)
        self.db.flush()

    def assemblies(self) -> list[Assembly]:
        """Every assembly, by name."""
        rows = self.db.scalars(select(AssemblyRow).order_by(AssemblyRow.name))
        return [to_assembly(row) for row in rows]

    def placements(self) -> list[Placed]:
        """Every assembly's id, kind and parent: the tree without names or rules, as plain
        columns (who takes part in an action walks it; a federation has thousands of
        assemblies; a pledge batch reads the same columns inside `pledge_book`'s query)."""
        rows = self.db.execute(select(AssemblyRow.id, AssemblyRow.kind, AssemblyRow.parent_id))
        return [Placed(id_, AssemblyKind(kind), parent) for id_, kind, parent in rows]

    def parent_map(self) -> dict[int, int | None]:
        """Each assembly's parent, for tree walks and cycle checks."""
        rows = self.db.execute(select(AssemblyRow.id, AssemblyRow.parent_id))
        return {row[0]: row[1] for row in rows}

    def children(self, assembly_id: int) -> list[Assembly]:
        """The assemblies directly under one."""
        rows = self.db.scalars(
            select(AssemblyRow)
            .where(AssemblyRow.parent_id == assembly_id)
            .order_by(AssemblyRow.name)
        )
        return [to_assembly(row) for row in rows]

    def active_counts(self) -> dict[int, int]:
        """Active members per assembly."""
        rows = self.db.execute(
            select(MembershipRow.assembly_id, func.count())
            .where(MembershipRow.state == MembershipState.ACTIVE.value)
            .group_by(MembershipRow.assembly_id)
        )
        return {row[0]: row[1] for row in rows}

    def add_membership(
        self, assembly_id: int, person_id: int, state: MembershipState, role: Role
    ) -> Membership:
        """Create a membership."""
        row = MembershipRow(
            assembly_id=assembly_id, person_id=person_id, state=state.value, role=role.value
        )
        self.db.add(row)
        self.db.flush()
        return to_membership(row)

    def membership(self, membership_id: int, *, lock: bool = False) -> Membership | None:
        """A membership by id (locked for update when asked)."""
        stmt = select(MembershipRow).where(MembershipRow.id == membership_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_membership(row) if row else None

    def membership_of(self, assembly_id: int, person_id: int) -> Membership | None:
        """A person's membership of an assembly, if any."""
        row = self.db.scalar(
            select(MembershipRow).where(
                MembershipRow.assembly_id == assembly_id, MembershipRow.person_id == person_id
            )
        )
        return to_membership(row) if row else None

    def memberships_of_person(self, person_id: int) -> list[Membership]:
        """Every membership a person holds."""
        rows = self.db.scalars(select(MembershipRow).where(MembershipRow.person_id == person_id))
        return [to_membership(row) for row in rows]

    def memberships_of_people(self, person_ids: Iterable[int]) -> dict[int, list[Membership]]:
        """Every membership of several people, by person (one query)."""
        found: dict[int, list[Membership]] = {}
        ids = sorted(set(person_ids))
        if not ids:
            return found
        columns = (
            MembershipRow.id,
            MembershipRow.assembly_id,
            MembershipRow.person_id,
            MembershipRow.state,
            MembershipRow.role,
        )  # plain columns, not ORM rows: a batch asks for hundreds at once
        rows = self.db.execute(select(*columns).where(MembershipRow.person_id.in_(ids)))
        for id_, assembly_id, person_id, state, role in rows:
            found.setdefault(person_id, []).append(
                Membership(
                    id=id_,
                    assembly_id=assembly_id,
                    person_id=person_id,
                    state=MembershipState(state),
                    role=Role(role),
                )
            )
        return found

    def memberships(
        self, assembly_id: int, state: MembershipState | None = None
    ) -> list[Membership]:
        """An assembly's memberships, optionally in one state."""
        stmt = select(MembershipRow).where(MembershipRow.assembly_id == assembly_id)
        if state is not None:
            stmt = stmt.where(MembershipRow.state == state.value)
        return [to_membership(row) for row in self.db.scalars(stmt.order_by(MembershipRow.id))]

    def set_state(
        self, membership_id: int, state: MembershipState, role: Role | None = None
    ) -> None:
        """Move a membership to a new state (and role)."""
        row = self.db.get_one(MembershipRow, membership_id)
        row.state = state.value
        if role is not None:
            row.role = role.value

    def count(self, assembly_id: int, state: MembershipState, role: Role | None = None) -> int:
        """How many memberships of an assembly are in a state (and role)."""
        stmt = (
            select(func.count())
            .select_from(MembershipRow)
            .where(MembershipRow.assembly_id == assembly_id, MembershipRow.state == state.value)
        )
        if role is not None:
            stmt = stmt.where(MembershipRow.role == role.value)
        return self.db.scalar(stmt) or 0

    def add_vouch(self, membership_id: int, voucher_id: int) -> None:
        """Record an *aval*."""
        self.db.add(VouchRow(membership_id=membership_id, voucher_id=voucher_id))
        self.db.flush()

    def vouchers(self, membership_id: int) -> set[int]:
        """Who has vouched for a membership."""
        rows = self.db.scalars(
            select(VouchRow.voucher_id).where(VouchRow.membership_id == membership_id)
        )
        return set(rows)

    def vouch_counts(self, membership_ids: Sequence[int]) -> dict[int, set[int]]:
        """Vouchers for several memberships at once."""
        if not membership_ids:
            return {}
        rows = self.db.execute(
            select(VouchRow.membership_id, VouchRow.voucher_id).where(
                VouchRow.membership_id.in_(membership_ids)
            )
        )
        found: dict[int, set[int]] = {}
        for membership_id, voucher_id in rows:
            found.setdefault(membership_id, set()).add(voucher_id)
        return found

    def clear_vouches(self, membership_id: int) -> None:
        """Forget old vouches (a returning member starts again)."""
        self.db.execute(delete(VouchRow).where(VouchRow.membership_id == membership_id))


_AUDIT_INSERT = insert(cast("Table", AuditRow.__table__))
_AUDIT_INSERT_ID = _AUDIT_INSERT.returning(cast("Table", AuditRow.__table__).c.id)
_OUTBOX_INSERT = insert(cast("Table", MailOutboxRow.__table__))


class AuditRepository:
    """The append-only audit log."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def record(
        self,
        actor_id: int | None,
        action: str,
        assembly_id: int | None = None,
        subject: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        """Append one event (a plain INSERT, built once: no ORM object to track and flush) and,
        when it can be a notice, its mail outbox row: same transaction, so neither is ever
        recorded without the other (store/mail_models.py)."""
        said = details or {}
        values = {
            "actor_id": actor_id,
            "action": action,
            "assembly_id": assembly_id,
            "subject": subject,
            "details": said,
        }
        if rule_for(action, said) is None:
            self.db.execute(_AUDIT_INSERT, values)
            return
        event_id = self.db.execute(_AUDIT_INSERT_ID, values).scalar_one()
        self.db.execute(_OUTBOX_INSERT, {"event_id": event_id})

    def first_id(self, assembly_id: int, action: str, subject: str) -> int | None:
        """The id of the first event of ``action`` on ``subject`` (ids grow with time)."""
        return self.db.scalar(
            select(func.min(AuditRow.id)).where(
                AuditRow.assembly_id == assembly_id,
                AuditRow.action == action,
                AuditRow.subject == subject,
            )
        )

    def first_details_after(
        self, assembly_id: int, action: str, after_id: int
    ) -> dict[str, Any] | None:
        """The details of the first event of ``action`` in an assembly after event ``after_id``."""
        return self.db.scalar(
            select(AuditRow.details)
            .where(
                AuditRow.assembly_id == assembly_id,
                AuditRow.action == action,
                AuditRow.id > after_id,
            )
            .order_by(AuditRow.id)
            .limit(1)
        )

    def for_assembly(
        self, assembly_id: int, limit: int = 50
    ) -> list[tuple[datetime, int | None, str, str]]:
        """Latest events of an assembly: (when, actor, action, subject)."""
        rows = self.db.execute(
            select(AuditRow.at, AuditRow.actor_id, AuditRow.action, AuditRow.subject)
            .where(AuditRow.assembly_id == assembly_id)
            .order_by(AuditRow.id.desc())
            .limit(limit)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]
