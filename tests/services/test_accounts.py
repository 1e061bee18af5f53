"""Accounts on both databases: registration, login limits, sessions, tokens, passwords, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.errors import Conflict, Invalid, RateLimited, Unauthenticated
from asamblea.core.throttle import Throttle
from asamblea.services.federation import accounts
from asamblea.services.federation.accounts import LoginPolicy
from asamblea.store.federation_models import AuditRow, LoginAttemptRow, PersonRow

PASSWORD = "una frase larga y secreta"
POLICY = LoginPolicy(
    hmac_key=b"k" * 32,
    throttle=Throttle(per_pair=3, per_address=5, free_per_account=3, base_delay=1, max_delay=10),
    window=timedelta(minutes=15),
)


def test_register_keeps_only_name_hash_and_language(db: Session) -> None:
    person = accounts.register(db, "  Ñusta.Qispe ", PASSWORD, "es")
    row = db.get_one(PersonRow, person.id)
    assert (row.username, row.locale) == ("Ñusta.Qispe", "es")
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    columns = set(PersonRow.__table__.columns.keys())
    assert columns == {
        "id",
        "username",
        "username_key",
        "username_skeleton",
        "password_hash",
        "locale",
        "created_at",
    }


def test_usernames_are_unique_ignoring_case(db: Session) -> None:
    accounts.register(db, "Rosa", PASSWORD)
    with pytest.raises(Conflict):
        accounts.register(db, "rOSA", PASSWORD)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ab", PASSWORD),
        ("x" * 41, PASSWORD),
        ("<script>", PASSWORD),
        ("con espacio", PASSWORD),
        ("valida", "corta"),
        ("valida", "x" * 257),
    ],
)
def test_bad_registrations_write_nothing(db: Session, username: str, password: str) -> None:
    before = db.scalar(select(func.count()).select_from(PersonRow))
    with pytest.raises(Invalid):
        accounts.register(db, username, password)
    assert db.scalar(select(func.count()).select_from(PersonRow)) == before


def test_login_and_session(db: Session) -> None:
    person = accounts.register(db, "wilber", PASSWORD)
    assert accounts.authenticate(db, "WILBER", PASSWORD, "10.0.0.1", POLICY) == person
    assert accounts.authenticate(db, "wilber", "otra cosa distinta", "10.0.0.1", POLICY) is None
    new = accounts.open_session(db, person, days=1)
    assert accounts.session_person(db, new.token) == (person, new.csrf)
    accounts.close_session(db, new.token, person)
    assert accounts.session_person(db, new.token) is None


def test_failures_from_elsewhere_only_slow_an_account_down(db: Session) -> None:
    person = accounts.register(db, "hugo", PASSWORD)
    for address in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"):
        assert accounts.authenticate(db, "hugo", "adivinanza mala", address, POLICY) is None
    # The owner, from an address that has not failed, waits (2 s: one failure over the free
    # three) and gets in: nobody can lock an account by failing on it.
    assert accounts.login_delay(db, "hugo", "5.5.5.5", POLICY) == 2.0
    assert accounts.authenticate(db, "hugo", PASSWORD, "5.5.5.5", POLICY) == person
    # One address that keeps failing on the account is refused there, right password or not.
    for _ in range(2):
        assert accounts.authenticate(db, "HUGO", "adivinanza mala", "1.1.1.1", POLICY) is None
    with pytest.raises(RateLimited):
        accounts.login_delay(db, "hugo", "1.1.1.1", POLICY)
    with pytest.raises(RateLimited):
        accounts.authenticate(db, "hugo", PASSWORD, "1.1.1.1", POLICY)
    keys = set(db.scalars(select(LoginAttemptRow.key)))
    assert all(len(k) == 66 for k in keys)  # keyed hashes, never the raw name or address
    assert not any("hugo" in k or "1.1.1.1" in k for k in keys)


def test_a_name_no_account_can_have_is_never_looked_up(db: Session) -> None:
    accounts.register(db, "nilda", PASSWORD)
    for variant in ("\x1cnilda", "nilda\x1f", "ni\u200blda", "nilda\x00"):
        assert accounts.authenticate(db, variant, PASSWORD, "6.6.6.6", POLICY) is None
    assert accounts.authenticate(db, " nilda\n", PASSWORD, "6.6.6.6", POLICY) is not None


def test_login_is_rate_limited_per_address(db: Session) -> None:
    for number in range(5):
        accounts.register(db, f"persona{number}", PASSWORD)
        assert (
            accounts.authenticate(db, f"persona{number}", "mala mala mala", "9.9.9.9", POLICY)
            is None
        )
    with pytest.raises(RateLimited):
        accounts.authenticate(db, "persona0", PASSWORD, "9.9.9.9", POLICY)
    assert accounts.authenticate(db, "persona0", PASSWORD, "8.8.8.8", POLICY) is not None


def test_change_password_ends_other_sessions_and_tokens(db: Session) -> None:
    person = accounts.register(db, "alicia", PASSWORD)
    here, elsewhere = accounts.open_session(db, person, 1), accounts.open_session(db, person, 1)
    token = accounts.issue_token(db, person, 1)
    with pytest.raises(Invalid):
        accounts.change_password(db, person, "no es la clave", "nueva frase secreta", here.token)
    accounts.change_password(db, person, PASSWORD, "nueva frase secreta", here.token)
    assert accounts.session_person(db, here.token) is not None
    assert accounts.session_person(db, elsewhere.token) is None
    assert accounts.token_person(db, token) is None
    assert accounts.authenticate(db, "alicia", "nueva frase secreta", "1.2.3.4", POLICY) == person


def test_tokens(db: Session) -> None:
    person = accounts.register(db, "marcos", PASSWORD)
    token = accounts.issue_token(db, person, 1)
    assert accounts.token_person(db, token) == person
    assert accounts.token_person(db, token + "x") is None
    accounts.revoke_token(db, token, person)
    assert accounts.token_person(db, token) is None


def test_every_change_is_audited(db: Session) -> None:
    person = accounts.register(db, "sonia", PASSWORD)
    session = accounts.open_session(db, person, 1)
    accounts.set_locale(db, person, "en")
    accounts.close_session(db, session.token, person)
    actions = list(db.scalars(select(AuditRow.action).where(AuditRow.actor_id == person.id)))
    assert actions == ["person.registered", "session.opened", "person.locale_set", "session.closed"]


def test_require_login() -> None:
    with pytest.raises(Unauthenticated):
        accounts.require(None)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("facilitadora.ves", "FaciIitadora.ves"),  # a capital I for the l
        ("marta.q", "rnarta.q"),  # rn for m
        ("aca", "\u0430\u0441\u0430"),  # all Cyrillic, looks Latin
    ],
)
def test_a_name_that_looks_like_another_account_s_is_refused(
    db: Session, first: str, second: str
) -> None:
    accounts.register(db, first, PASSWORD)
    before = db.scalar(select(func.count()).select_from(PersonRow))
    with pytest.raises(Conflict) as refused:
        accounts.register(db, second, PASSWORD)
    assert (
        refused.value.message == "That username looks like one that is taken. Choose another one."
    )
    assert db.scalar(select(func.count()).select_from(PersonRow)) == before


def test_a_name_mixing_alphabets_is_refused(db: Session) -> None:
    with pytest.raises(Invalid):
        accounts.register(db, "f\u0430cilitadora.ves", PASSWORD)  # Latin with a Cyrillic а
