"""People: accounts as the rules see them, and what a valid username and password are."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from asamblea.core.errors import N_, Invalid

USERNAME_MIN, USERNAME_MAX = 3, 40
PASSWORD_MIN, PASSWORD_MAX = 10, 256
_USERNAME = re.compile(r"^[\w.\-]+$")


@dataclass(frozen=True)
class Person:
    """An account: a chosen name (pseudonyms welcome) and a preferred language."""

    id: int
    username: str
    locale: str | None


def normalise_username(username: str) -> str:
    """The form that is shown: NFC, trimmed. Raises `Invalid` when it is not acceptable."""
    name = unicodedata.normalize("NFC", username.strip())
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        raise Invalid(
            N_("The username must have between {min} and {max} characters."),
            min=USERNAME_MIN,
            max=USERNAME_MAX,
        )
    if not _USERNAME.match(name):
        raise Invalid(N_("The username may only have letters, digits, dots, dashes and _."))
    return name


def username_key(username: str) -> str:
    """The form that must be unique: case and compatibility variants fold together."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_password(password: str) -> None:
    """A passphrase long enough to resist guessing; no other composition rules."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid(
            N_("The password must have between {min} and {max} characters."),
            min=PASSWORD_MIN,
            max=PASSWORD_MAX,
        )
