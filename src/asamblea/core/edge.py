"""Numbers and moments as people and programs send them: parsed in one place, at the edge.

The problem. `str.isdigit()` is true for '²' and '٣', and `int()` then fails on the first and
quietly reads the second; a 5,000-digit string passes `isdigit()` but exceeds Python's limit
on integer strings; `datetime.fromisoformat` reads year 9999 with a +14:00 offset, and the first
conversion to UTC then overflows. Each of these became an HTTP 500.

The design. Every form and API schema reads numbers and moments through the functions below:
ASCII digits 0-9 only, a bounded length (checked before any conversion), a stated maximum;
moments in ISO 8601 with years in `EARLIEST_YEAR`..`LATEST_YEAR` and offsets between -12:00 and
+14:00 (the ones in use on Earth), so that converting to UTC, or adding a few years, can never
overflow. Anything else is `Invalid` (422) with a message the web layer translates.

The promise. These functions either return a value in the stated range or raise `Invalid`; no
other exception leaves them, whatever text they are given.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from asamblea.core.errors import N_, Invalid

DIGITS = frozenset("0123456789")
#: Blanks a person or a form may leave around a value (Python's `strip()` also takes \x1c-\x1f,
#: which no person types: those are refused, not removed).
BLANKS = " \t\r\n"
#: The longest run of digits read at all (leading zeros included): far below Python's limit.
MAX_DIGITS = 30
EARLIEST_YEAR, LATEST_YEAR = 1970, 2999
EARLIEST_OFFSET, LATEST_OFFSET = timedelta(hours=-12), timedelta(hours=14)
#: The longest ISO 8601 moment read ("2026-11-28T18:30:00.000000+05:45" has 32 characters).
MAX_MOMENT = 40

_MONEY = re.compile(r"([0-9]{1,13})(?:[.,]([0-9]{1,2}))?", re.ASCII)

NOT_A_NUMBER = N_("Write a whole number with the digits 0 to 9.")
TOO_LARGE = N_("The number is too large (at most {maximum}).")
TOO_SMALL = N_("The number is too small (at least {minimum}).")
NOT_A_MOMENT = N_("Give dates and times like 2026-11-28 18:30.")
NOT_A_DATE = N_("Give dates like 2026-11-28.")
OUT_OF_RANGE = N_("Give a date between the years {earliest} and {latest}.")
BAD_OFFSET = N_("The time zone must be between -12:00 and +14:00.")


def parse_natural(text: str, *, maximum: int, minimum: int = 0, message: str = NOT_A_NUMBER) -> int:
    """A whole number written with ASCII digits, in `minimum`..`maximum`.

    `message` replaces the generic one when the text is not a number at all (e.g. "That option
    does not exist." for an option index).
    """
    digits = text.strip(BLANKS)
    if not digits or len(digits) > MAX_DIGITS or not DIGITS.issuperset(digits):
        raise Invalid(message)
    value = int(digits)
    if value > maximum:
        raise Invalid(TOO_LARGE, maximum=maximum)
    if value < minimum:
        raise Invalid(TOO_SMALL, minimum=minimum)
    return value


def parse_cents(text: str, *, message: str) -> int:
    """An amount of money as typed («1234.50», «1234,5», «1 234», «S/ 20») in hundredths,
    ASCII digits only."""
    cleaned = text.replace(" ", "").replace("S/", "").strip(BLANKS)
    match = _MONEY.fullmatch(cleaned) if len(cleaned) <= MAX_DIGITS else None
    if match is None:
        raise Invalid(message)
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def natural_suffix(key: str, prefix: str, *, maximum: int) -> int | None:
    """The number after `prefix` in a field name such as ``propuesta_12``; None if the name is
    not of that shape (another field), `Invalid` if it is but the number is not acceptable."""
    if not key.startswith(prefix):
        return None
    return parse_natural(key[len(prefix) :], maximum=maximum, minimum=1)


def parse_moment(text: str, *, zone: tzinfo) -> datetime:
    """An ISO 8601 date and time; one without an offset is read in `zone`.

    The answer is aware, in range (see `check_moment`) and in the offset it was given.
    """
    cleaned = text.strip(BLANKS)
    if not cleaned or len(cleaned) > MAX_MOMENT or not cleaned.isascii():
        raise Invalid(NOT_A_MOMENT)
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise Invalid(NOT_A_MOMENT) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return check_moment(moment)


def check_moment(moment: datetime) -> datetime:
    """`moment` itself if its offset and year are in range, else `Invalid` (a naive moment is
    taken as UTC, as the JSON API documents)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        offset = moment.utcoffset()
    except (ValueError, OverflowError):
        raise Invalid(BAD_OFFSET) from None
    if offset is None or not EARLIEST_OFFSET <= offset <= LATEST_OFFSET:
        raise Invalid(BAD_OFFSET)
    check_date(moment.date())
    return moment


def check_date(day: date) -> date:
    """`day` itself if its year is in range, else `Invalid`."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise Invalid(OUT_OF_RANGE, earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
    return day


def parse_date(text: str, *, message: str = NOT_A_DATE) -> date:
    """An ISO 8601 calendar date (2026-11-28) in range."""
    cleaned = text.strip(BLANKS)
    if not cleaned or len(cleaned) > MAX_MOMENT or not cleaned.isascii():
        raise Invalid(message)
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise Invalid(message) from None
    return check_date(day)
