"""Usernames: one profile for registration, login, the login limits and every lookup.

The problem. The login limit was keyed on the name as typed and the lookup on `name.strip()`:
Python strips '\\x1c' where Pydantic does not, so each such variant got fresh tries. And
`f\\u0430cilitadora` (a Cyrillic а) registered beside `facilitadora`, identical on screen in
member lists and join requests, where people decide whom to vouch for.

The design. Three forms of a name, each from a maintained implementation of a standard:
- the *shown* form: RFC 8265's UsernameCasePreserved profile (PRECIS, via `precis-i18n`):
  full-width letters mapped to their usual width, NFC, and control, space, invisible and
  compatibility characters refused; then our own narrower rule (letters, digits, '.', '-', '_'),
  3 to 40 characters, and one script (Unicode TS #39 "highly restrictive": Latin, Greek or
  Cyrillic alone; Han may go with kana, Hangul or Bopomofo, and with Latin), no invisible
  characters and one numbering system (ICU's spoof checker);
- the *key*: the shown form case-folded (NFKC_Casefold as before, so stored keys stay valid):
  unique, so `Ana` and `ana` are one account;
- the *skeleton*: TS #39's confusable skeleton (ICU, with Unicode's confusables data) of the
  case-folded skeleton: unique, so a name that looks like another account's is refused.
Login reads a name through the same profile: a name that the profile refuses cannot be an
account, so it is never looked up, and the limits count it under no account.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import icu  # ICU: Unicode's own implementation of TS #39 (skeletons, restriction levels)
from precis_i18n import get_profile  # RFC 8264/8265

from asamblea.core.errors import N_, Invalid

USERNAME_MIN, USERNAME_MAX = 3, 40
#: Blanks a phone keyboard may add around a name; every other space or control is refused.
BLANKS = " \t\r\n"
_CHARACTERS = re.compile(r"[\w.\-]+")
_PROFILE = get_profile("UsernameCasePreserved")

LENGTH = N_("The username must have between {min} and {max} characters.")
CHARACTERS = N_("The username may only have letters, digits, dots, dashes and _.")
MIXED = N_("The username mixes alphabets (like Latin and Cyrillic) or kinds of digits.")


@cache
def _checker() -> icu.SpoofChecker:
    checker = icu.SpoofChecker()
    checker.setChecks(
        icu.USpoofChecks.RESTRICTION_LEVEL
        | icu.USpoofChecks.INVISIBLE
        | icu.USpoofChecks.MIXED_NUMBERS
    )
    checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
    return checker


def shown_username(text: str) -> str:
    """The form of a name that is stored and shown; `Invalid` when it is not acceptable."""
    raw = text.strip(BLANKS)
    if len(raw) > 4 * USERNAME_MAX:  # before any Unicode work on a long text
        raise Invalid(LENGTH, min=USERNAME_MIN, max=USERNAME_MAX)
    try:
        name = str(_PROFILE.enforce(raw))
    except UnicodeError:
        raise Invalid(CHARACTERS) from None
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        raise Invalid(LENGTH, min=USERNAME_MIN, max=USERNAME_MAX)
    if not _CHARACTERS.fullmatch(name):
        raise Invalid(CHARACTERS)
    if _checker().check(name) != 0:
        raise Invalid(MIXED)
    return name


def key_of(shown: str) -> str:
    """The unique, case-insensitive form of a shown name."""
    return unicodedata.normalize("NFKC", shown).casefold()


def skeleton_of(shown: str) -> str:
    """The TS #39 skeleton of a shown name, case-insensitive: equal for names that look alike
    (`facilitadora`, `f\\u0430cilitadora`, `FaciIitadora`)."""
    checker = _checker()
    folded = unicodedata.normalize("NFKC", checker.getSkeleton(0, shown)).casefold()
    return str(checker.getSkeleton(0, folded))


def login_key(text: str) -> str | None:
    """The key of the account a login names, or None when no account can have that name."""
    try:
        return key_of(shown_username(text))
    except Invalid:
        return None
