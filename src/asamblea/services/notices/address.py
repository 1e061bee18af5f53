"""The address a person gives for their notices: given, changed, removed by them alone.

It is used for nothing but notices, shown to nobody but its owner (on their own page and API),
and removing it deletes it with every message still waiting for it (store/mail_models.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.notices.address import parse_address
from asamblea.core.people import Person
from asamblea.store.mail_repository import MailRepository


def my_address(db: Session, person: Person) -> str | None:
    """The address the person gave (shown to them alone), or None."""
    found = MailRepository(db).address(person.id)
    return found.address if found else None


def set_address(db: Session, person: Person, text: str, now: datetime) -> str:
    """Give or change the person's address for notices (parsed; `Invalid` writes nothing)."""
    address = parse_address(text)
    MailRepository(db).set_address(person.id, address, now)
    return address


def remove_address(db: Session, person: Person) -> bool:
    """Forget the address and every message still waiting for it."""
    return MailRepository(db).remove_address(person.id)
