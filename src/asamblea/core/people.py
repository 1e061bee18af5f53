"""People: accounts as the rules see them, and what a valid username and password are."""

from __future__ import annotations

from dataclasses import dataclass

from asamblea.core.errors import N_, Invalid
from asamblea.core.username import USERNAME_MAX, USERNAME_MIN, key_of, shown_username

__all__ = [
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "USERNAME_MAX",
    "USERNAME_MIN",
    "Person",
    "check_password",
    "normalise_username",
    "username_key",
]

PASSWORD_MIN, PASSWORD_MAX = 10, 256


@dataclass(frozen=True)
class Person:
    """An account: a chosen name (pseudonyms welcome) and a preferred language."""

    id: int
    username: str
    locale: str | None


def normalise_username(username: str) -> str:
    """The form that is shown (see `asamblea.core.username`). Raises `Invalid` when it is not
    acceptable."""
    return shown_username(username)


def username_key(username: str) -> str:
    """The form that must be unique: case and compatibility variants fold together."""
    return key_of(username)


def check_password(password: str) -> None:
    """A passphrase long enough to resist guessing; no other composition rules. It is kept
    exactly as typed, but blanks around it do not count towards its length."""
    if len(password.strip()) < PASSWORD_MIN or len(password) > PASSWORD_MAX:
        raise Invalid(
            N_("The password must have between {min} and {max} characters."),
            min=PASSWORD_MIN,
            max=PASSWORD_MAX,
        )
