"""Accounts: register, log in (rate limited), sessions, API tokens, passwords, language."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asamblea import i18n
from asamblea.clock import utcnow
from asamblea.core.errors import N_, Conflict, Invalid, RateLimited, Unauthenticated
from asamblea.core.federation import Membership
from asamblea.core.people import Person, check_password, normalise_username, username_key
from asamblea.core.throttle import Failures, Throttle, Verdict, verdict
from asamblea.core.username import login_key, skeleton_of
from asamblea.store.federation_repository import AuditRepository, PeopleRepository

LOCALES = i18n.LOCALES  # every language of the interface, first drafts included
TOKEN_PREFIX = "asb_"  # noqa: S105 - a public prefix that marks our tokens, not a secret
TOKEN_SHAPE = re.compile(r"asb_[A-Za-z0-9_-]{43}")  # the prefix and token_urlsafe(32)
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (64 MiB, t=3)
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


@dataclass(frozen=True)
class LoginKeys:
    """Keyed hashes under which failed logins are counted (no raw name or address is stored).

    `pair` and `account` are None when the name cannot be an account (the profile refuses it):
    then only the address counts the failure, and nothing is looked up.
    """

    pair: str | None
    address: str
    account: str | None
    name_key: str | None

    def stored(self) -> list[str]:
        """The keys a failure is recorded under."""
        return [key for key in (self.pair, self.address, self.account) if key is not None]


@dataclass(frozen=True)
class LoginPolicy:
    """The throttle on failed logins (`asamblea.core.throttle`) and its window."""

    hmac_key: bytes
    throttle: Throttle = field(default_factory=Throttle)
    window: timedelta = timedelta(minutes=15)

    def keys(self, username: str, address: str) -> LoginKeys:
        """The keys of a login attempt: the name is read through the one username profile."""
        name_key = login_key(username)
        by_address = "i:" + _mac(self.hmac_key, "address:" + address)
        if name_key is None:
            return LoginKeys(pair=None, address=by_address, account=None, name_key=None)
        return LoginKeys(
            pair="p:" + _mac(self.hmac_key, "pair:" + name_key + "\n" + address),
            address=by_address,
            account="a:" + _mac(self.hmac_key, "account:" + name_key),
            name_key=name_key,
        )


@dataclass(frozen=True)
class NewSession:
    """What the browser gets back after logging in: the session token and its CSRF token."""

    token: str
    csrf: str
    person: Person


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Swap the hasher (the test suite uses argon2's cheapest profile to stay fast).

    Stored hashes carry their own parameters, so accounts keep working across a swap.
    """
    global _hasher, _DUMMY_HASH  # noqa: PLW0603 - one process-wide hasher, set at start-up
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password that meets the rules."""
    check_password(password)
    return _hasher.hash(password)


def register(db: Session, username: str, password: str, locale: str | None = None) -> Person:
    """Create an account whose name is unique, ignoring case, and looks like no other's."""
    name = normalise_username(username)
    password_hash = hash_password(password)
    people = PeopleRepository(db)
    key, skeleton = username_key(name), skeleton_of(name)
    _refuse_taken(people, key, skeleton)
    try:
        # Two people may register look-alike names at the same moment: both pass the checks
        # above, and the unique indexes on the key and the skeleton let only one insert in.
        # The other's savepoint is rolled back and they are told why, as if they came second.
        with db.begin_nested():
            person = people.add(name, key, password_hash, _known_locale(locale), skeleton=skeleton)
    except IntegrityError:
        _refuse_taken(people, key, skeleton)
        raise
    AuditRepository(db).record(person.id, "person.registered", subject=f"person:{person.id}")
    return person


def _refuse_taken(people: PeopleRepository, key: str, skeleton: str) -> None:
    """`Conflict` when an account has this name (ignoring case) or one that looks like it."""
    if people.key_taken(key):
        raise Conflict(N_("That username is taken. Choose another one."))
    if people.skeleton_taken(skeleton):
        raise Conflict(N_("That username looks like one that is taken. Choose another one."))


def login_delay(db: Session, username: str, address: str, policy: LoginPolicy) -> float:
    """How long to wait before checking this attempt's password (the caller waits without
    holding a thread); `RateLimited` when this address may not try now."""
    return _verdict(PeopleRepository(db), policy.keys(username, address), policy).delay


def authenticate(
    db: Session, username: str, password: str, address: str, policy: LoginPolicy
) -> Person | None:
    """The account if the password is right; None (and the failure recorded) if not.

    Raises `RateLimited` when this (account, address) pair or this address has failed too
    often lately; failures on the account from elsewhere only slow it (see `login_delay`).
    The caller must commit even when None comes back, so that the failure counts.
    """
    people = PeopleRepository(db)
    keys = policy.keys(username, address)
    _verdict(people, keys, policy)
    found = people.by_key(keys.name_key) if keys.name_key is not None else None
    stored_hash = found[1] if found else _DUMMY_HASH  # same work whether or not the name exists
    if not _verify(stored_hash, password) or found is None:
        now = utcnow()
        people.add_failure(keys.stored(), now)
        people.forget_failures(now - 4 * policy.window)
        return None
    return found[0]


def _verdict(people: PeopleRepository, keys: LoginKeys, policy: LoginPolicy) -> Verdict:
    counted = people.count_failures(keys.stored(), utcnow() - policy.window)
    failures = Failures(
        pair=counted.get(keys.pair, 0) if keys.pair else 0,
        address=counted.get(keys.address, 0),
        account=counted.get(keys.account, 0) if keys.account else 0,
    )
    found = verdict(failures, policy.throttle)
    if found.refused:
        raise RateLimited(N_("Too many failed attempts. Wait a few minutes and try again."))
    return found


def open_session(db: Session, person: Person, days: int) -> NewSession:
    """Start a login session for an authenticated person."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    PeopleRepository(db).add_session(
        _digest(token), person.id, csrf, utcnow() + timedelta(days=days)
    )
    AuditRepository(db).record(person.id, "session.opened", subject=f"person:{person.id}")
    return NewSession(token=token, csrf=csrf, person=person)


def session_person(db: Session, token: str) -> tuple[Person, str] | None:
    """The person and CSRF token behind a session token, if it is live."""
    return PeopleRepository(db).session(_digest(token), utcnow())


def close_session(db: Session, token: str, person: Person) -> None:
    """Log out."""
    PeopleRepository(db).delete_session(_digest(token))
    AuditRepository(db).record(person.id, "session.closed", subject=f"person:{person.id}")


def issue_token(db: Session, person: Person, days: int) -> str:
    """A bearer token for the JSON API (shown once; only its hash is kept)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    PeopleRepository(db).add_token(_digest(token), person.id, utcnow() + timedelta(days=days))
    AuditRepository(db).record(person.id, "token.issued", subject=f"person:{person.id}")
    return token


def token_person(db: Session, token: str) -> Person | None:
    """The owner of a live API token."""
    return PeopleRepository(db).token_person(_digest(token), utcnow())


def token_people(db: Session, tokens: Sequence[str]) -> dict[str, Person]:
    """The owners of several live API tokens, by token (unknown or expired ones are left out)."""
    digests = {_digest(token): token for token in tokens}
    found = PeopleRepository(db).token_people(list(digests), utcnow())
    return {digests[digest]: person for digest, person in found.items()}


def token_members(db: Session, tokens: Sequence[str]) -> dict[str, tuple[Person, list[Membership]]]:
    """`token_people` with each owner's memberships, in one query (a writer's batch)."""
    digests = {_digest(token): token for token in tokens}
    found = PeopleRepository(db).token_members(list(digests), utcnow())
    return {digests[digest]: owner for digest, owner in found.items()}


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if that is what it holds."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


def plausible_token(token: str) -> bool:
    """Whether a token has the shape `issue_token` gives (no database needed to say no)."""
    return TOKEN_SHAPE.fullmatch(token) is not None


def revoke_token(db: Session, token: str, person: Person) -> None:
    """Revoke the API token in use."""
    PeopleRepository(db).delete_token(_digest(token))
    AuditRepository(db).record(person.id, "token.revoked", subject=f"person:{person.id}")


def change_password(
    db: Session, person: Person, current: str, new: str, keep_session: str | None = None
) -> None:
    """Change a password; every other session and every API token is ended."""
    people = PeopleRepository(db)
    if not _verify(people.password_hash(person.id), current):
        raise Invalid(N_("The current password is not right."))
    people.set_password_hash(person.id, hash_password(new))
    people.delete_sessions(person.id, keep_hash=_digest(keep_session) if keep_session else None)
    people.delete_tokens(person.id)
    AuditRepository(db).record(person.id, "person.password_changed", subject=f"person:{person.id}")


def set_locale(db: Session, person: Person, locale: str) -> None:
    """Remember the language an account reads in."""
    if locale not in LOCALES:
        raise Invalid(N_("Unknown language."))
    PeopleRepository(db).set_locale(person.id, locale)
    AuditRepository(db).record(person.id, "person.locale_set", details={"locale": locale})


def require(person: Person | None) -> Person:
    """The logged-in person, or `Unauthenticated`."""
    if person is None:
        raise Unauthenticated(N_("Log in to do this."))
    return person


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _known_locale(locale: str | None) -> str | None:
    return locale if locale in LOCALES else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:64]
