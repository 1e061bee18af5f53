"""Reads and writes for mail: addresses, the outbox, deliveries and digests.

Work is taken the way the runner takes due votes (store/runner_repository.py): ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, so two runners never take the same row; SQLite's ``BEGIN
IMMEDIATE`` gives one writer at a time. Sending is not done inside a transaction: a delivery
is *leased* (its next attempt moved `LEASE` ahead) in one short transaction, sent, then marked
sent or failed in another. A runner that dies between the two leaves the lease to expire and
the message is sent again, with the same Message-ID: at least once, never lost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from asamblea.core.notices import Event
from asamblea.store.deliberation_models import ProposalRow
from asamblea.store.federation_models import AuditRow, MembershipRow, PersonRow
from asamblea.store.mail_models import MailAddressRow, MailDeliveryRow, MailOutboxRow
from asamblea.store.notices_models import NoticePreferenceRow


@dataclass(frozen=True)
class MailAddress:
    """A person's address and where their digest stands."""

    person_id: int
    address: str
    locale: str | None
    digest_up_to: int
    digest_sent_at: datetime | None


@dataclass(frozen=True)
class Candidate:
    """A person with an address whom an event may concern: their membership of the event's
    assembly (if any) and whether the event's subject names them."""

    person_id: int
    membership: tuple[int, str, str, datetime] | None  # assembly, role, state, since
    named: bool


@dataclass(frozen=True)
class Delivery:
    """A message to send (or send again)."""

    id: int
    person_id: int
    message_id: str
    event_id: int | None
    digest_on: date | None
    after_id: int
    up_to: int
    attempts: int


def _event(row: AuditRow) -> Event:
    return Event(
        row.id, row.at, row.action, row.assembly_id, row.subject, row.actor_id, dict(row.details)
    )


class MailRepository:
    """Queries and writes for addresses, the outbox and deliveries."""

    def __init__(self, db: Session) -> None:
        self.db = db

    # Addresses -----------------------------------------------------------------------------
    def address(self, person_id: int) -> MailAddress | None:
        """The person's address, or None."""
        return self.addresses([person_id]).get(person_id)

    def addresses(self, person_ids: Collection[int]) -> dict[int, MailAddress]:
        """Addresses (with each person's language) by person id."""
        if not person_ids:
            return {}
        rows = self.db.execute(
            select(
                MailAddressRow.person_id,
                MailAddressRow.address,
                PersonRow.locale,
                MailAddressRow.digest_up_to,
                MailAddressRow.digest_sent_at,
            )
            .join(PersonRow, PersonRow.id == MailAddressRow.person_id)
            .where(MailAddressRow.person_id.in_(list(person_ids)))
        )
        return {row[0]: MailAddress(*row) for row in rows}

    def set_address(self, person_id: int, address: str, now: datetime) -> None:
        """Give or change the address. A new address starts its digest from now on (the
        notices before it stay in the inbox)."""
        row = self.db.get(MailAddressRow, person_id, with_for_update=True)
        if row is None:
            last = int(self.db.scalar(select(func.max(AuditRow.id))) or 0)
            row = MailAddressRow(
                person_id=person_id,
                address=address,
                added_at=now,
                digest_up_to=last,
                digest_sent_at=now,
            )
            self.db.add(row)
        else:
            row.address = address
        self.db.flush()

    def remove_address(self, person_id: int) -> bool:
        """Forget the address and every message not sent yet. True when there was one."""
        self.db.execute(
            delete(MailDeliveryRow).where(
                MailDeliveryRow.person_id == person_id, MailDeliveryRow.sent_at.is_(None)
            )
        )
        gone = self.db.execute(delete(MailAddressRow).where(MailAddressRow.person_id == person_id))
        return bool(gone.rowcount)  # type: ignore[attr-defined]

    # The outbox ----------------------------------------------------------------------------
    def take_outbox(self, limit: int) -> list[tuple[int, Event]]:
        """Lock and return up to ``limit`` outbox rows with their events, oldest first."""
        rows = self.db.execute(
            select(MailOutboxRow.id, AuditRow)
            .join(AuditRow, AuditRow.id == MailOutboxRow.event_id)
            .order_by(MailOutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=MailOutboxRow)
        )
        return [(outbox_id, _event(row)) for outbox_id, row in rows]

    def delete_outbox(self, ids: Collection[int]) -> None:
        """The rows were expanded: remove them."""
        if ids:
            self.db.execute(delete(MailOutboxRow).where(MailOutboxRow.id.in_(list(ids))))

    def clear_outbox(self) -> int:
        """Delete every outbox row (mail is off); returns how many there were."""
        gone = self.db.execute(delete(MailOutboxRow))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def outbox_size(self) -> int:
        """Rows waiting to be expanded (for the tests and the logs)."""
        return int(self.db.scalar(select(func.count()).select_from(MailOutboxRow)) or 0)

    def candidates(self, event: Event) -> list[Candidate]:
        """People who gave an address before ``event`` and whom it may concern: the members of
        its assembly and the person its subject names. `core.notices.in_audience` decides each
        (mail starts with the address; what came before is in the inbox)."""
        found: dict[int, Candidate] = {}
        if event.assembly_id is not None:
            rows = self.db.execute(
                select(
                    MailAddressRow.person_id,
                    MembershipRow.assembly_id,
                    MembershipRow.role,
                    MembershipRow.state,
                    MembershipRow.created_at,
                )
                .join(MembershipRow, MembershipRow.person_id == MailAddressRow.person_id)
                .where(
                    MembershipRow.assembly_id == event.assembly_id,
                    MailAddressRow.added_at <= event.at,
                )
            )
            for person_id, assembly_id, role, state, since in rows:
                found[person_id] = Candidate(person_id, (assembly_id, role, state, since), False)
        named = self._named(event.subject)
        given = self.db.get(MailAddressRow, named) if named is not None else None
        if named is not None and given is not None and given.added_at <= event.at:
            seat = found[named].membership if named in found else None
            found[named] = Candidate(named, seat, True)
        return list(found.values())

    def _named(self, subject: str) -> int | None:
        kind, _, key = subject.partition(":")
        if not (key.isascii() and key.isdecimal()) or len(key) > 18:
            return None
        if kind == "membership":
            return self.db.scalar(
                select(MembershipRow.person_id).where(MembershipRow.id == int(key))
            )
        if kind == "proposal":
            return self.db.scalar(select(ProposalRow.author_id).where(ProposalRow.id == int(key)))
        return None

    def chosen(
        self, person_ids: Collection[int], kind: str | None = None
    ) -> dict[int, dict[str, str]]:
        """The kinds each person chose a delivery for (``kind``: that one only)."""
        query = select(
            NoticePreferenceRow.person_id, NoticePreferenceRow.kind, NoticePreferenceRow.delivery
        ).where(NoticePreferenceRow.person_id.in_(list(person_ids)))
        if kind is not None:
            query = query.where(NoticePreferenceRow.kind == kind)
        out: dict[int, dict[str, str]] = {p: {} for p in person_ids}
        for person_id, chosen_kind, delivery in self.db.execute(query):
            out[person_id][chosen_kind] = delivery
        return out

    # Deliveries ----------------------------------------------------------------------------
    def add_delivery(
        self,
        person_id: int,
        message_id: str,
        now: datetime,
        *,
        event_id: int | None = None,
        digest_on: date | None = None,
        after_id: int = 0,
        up_to: int = 0,
    ) -> bool:
        """Queue one message (False when its Message-ID is queued already: idempotent)."""
        exists = self.db.scalar(
            select(MailDeliveryRow.id).where(MailDeliveryRow.message_id == message_id)
        )
        if exists is not None:
            return False
        self.db.add(
            MailDeliveryRow(
                person_id=person_id,
                message_id=message_id,
                event_id=event_id,
                digest_on=digest_on,
                after_id=after_id,
                up_to=up_to,
                next_attempt_at=now,
            )
        )
        return True

    def add_notices(self, event_id: int, recipients: Mapping[int, str], now: datetime) -> None:
        """Queue one event's notice to many people (person id → Message-ID), in one insert."""
        if recipients:
            self.db.execute(
                insert(MailDeliveryRow),
                [
                    {
                        "person_id": person_id,
                        "message_id": key,
                        "event_id": event_id,
                        "after_id": 0,
                        "up_to": 0,
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                    for person_id, key in recipients.items()
                ],
            )

    def lease_due(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Lock up to ``limit`` unsent messages due at ``now`` and move their next attempt to
        ``until`` (the lease): another runner leaves them alone until then."""
        rows = self.db.execute(
            select(
                MailDeliveryRow.id,
                MailDeliveryRow.person_id,
                MailDeliveryRow.message_id,
                MailDeliveryRow.event_id,
                MailDeliveryRow.digest_on,
                MailDeliveryRow.after_id,
                MailDeliveryRow.up_to,
                MailDeliveryRow.attempts,
            )
            .where(MailDeliveryRow.sent_at.is_(None), MailDeliveryRow.next_attempt_at <= now)
            .order_by(MailDeliveryRow.next_attempt_at, MailDeliveryRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        leased = [Delivery(*row) for row in rows]
        if leased:
            self.db.execute(
                update(MailDeliveryRow)
                .where(MailDeliveryRow.id.in_([d.id for d in leased]))
                .values(next_attempt_at=until)
            )
        return leased

    def mark_sent(self, ids: Iterable[int], now: datetime) -> None:
        """These messages left (the server accepted them)."""
        ids = list(ids)
        if ids:
            self.db.execute(
                update(MailDeliveryRow)
                .where(MailDeliveryRow.id.in_(ids), MailDeliveryRow.sent_at.is_(None))
                .values(sent_at=now, last_error=None)
            )

    def mark_failed(self, delivery_id: int, attempts: int, retry_at: datetime, error: str) -> None:
        """A failed attempt: counted, and tried again at ``retry_at``."""
        self.db.execute(
            update(MailDeliveryRow)
            .where(MailDeliveryRow.id == delivery_id, MailDeliveryRow.sent_at.is_(None))
            .values(attempts=attempts, next_attempt_at=retry_at, last_error=error[:200])
        )

    def drop(self, ids: Collection[int]) -> None:
        """Messages with nothing left to say (address removed, notice no longer for them)."""
        if ids:
            self.db.execute(delete(MailDeliveryRow).where(MailDeliveryRow.id.in_(list(ids))))

    def forget_sent(self, before: datetime) -> int:
        """Delete the records of messages sent before ``before`` (ids and times only)."""
        gone = self.db.execute(delete(MailDeliveryRow).where(MailDeliveryRow.sent_at < before))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def events(self, ids: Collection[int]) -> dict[int, Event]:
        """Audit events by id."""
        if not ids:
            return {}
        rows = self.db.scalars(select(AuditRow).where(AuditRow.id.in_(list(ids))))
        return {row.id: _event(row) for row in rows}

    # Digests -------------------------------------------------------------------------------
    def take_digests_due(self, since: datetime, limit: int) -> list[MailAddress]:
        """Lock up to ``limit`` addresses whose last digest was queued before ``since``."""
        rows = self.db.scalars(
            select(MailAddressRow)
            .where(
                or_(MailAddressRow.digest_sent_at.is_(None), MailAddressRow.digest_sent_at < since)
            )
            .order_by(MailAddressRow.person_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [
            MailAddress(r.person_id, r.address, None, r.digest_up_to, r.digest_sent_at)
            for r in rows
        ]

    def digest_done(self, person_id: int, up_to: int, now: datetime) -> None:
        """The digest of the events up to ``up_to`` is queued (or had nothing to say)."""
        self.db.execute(
            update(MailAddressRow)
            .where(MailAddressRow.person_id == person_id)
            .values(digest_up_to=up_to, digest_sent_at=now)
        )

    def last_event_id(self) -> int:
        """The newest audit event's id (0: none)."""
        return int(self.db.scalar(select(func.max(AuditRow.id))) or 0)

    def sent_message_ids(self) -> list[str]:
        """Message-IDs of messages sent (for the tests)."""
        query = select(MailDeliveryRow.message_id).where(MailDeliveryRow.sent_at.is_not(None))
        return list(self.db.scalars(query.order_by(MailDeliveryRow.id)))

    def pending_count(self) -> int:
        """Messages not sent yet."""
        query = select(func.count()).where(MailDeliveryRow.sent_at.is_(None))
        return int(self.db.scalar(query) or 0)
