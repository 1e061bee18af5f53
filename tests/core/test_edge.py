"""The edge parser: whatever text comes in, a value in range or `Invalid` — nothing else."""

from __future__ import annotations

import re
import sys
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asamblea.core.edge import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_DIGITS,
    check_moment,
    natural_suffix,
    parse_date,
    parse_moment,
    parse_natural,
)
from asamblea.core.errors import Invalid

LIMA = timezone(timedelta(hours=-5))
#: Every character that Python counts as a decimal digit but that is not 0-9 (Arabic-Indic,
#: Devanagari, fullwidth, mathematical...), and the superscripts `isdigit()` also accepts.
FOREIGN_DIGITS = [
    chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdigit() and not "0" <= chr(c) <= "9"
]
# An independent statement of what a number is: ASCII digits, optional blanks, bounded length.
ORACLE = re.compile(rf"[ \t\r\n]*([0-9]{{1,{MAX_DIGITS}}})[ \t\r\n]*")

texts = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from([*FOREIGN_DIGITS[:400], *"0123456789 \t\x1c\u200b"])),
    st.integers(min_value=0, max_value=10**60).map(str),
    st.integers(min_value=1, max_value=6000).map(lambda n: "9" * n),
)


@settings(max_examples=300, deadline=None)
@given(text=texts, maximum=st.integers(min_value=0, max_value=2**63))
@example(text="²", maximum=10)
@example(text="٣", maximum=10)
@example(text="9" * 5000, maximum=10)
@example(text="1_000", maximum=10**6)
@example(text="\x1c7", maximum=10)
def test_a_number_is_ascii_digits_in_range_or_invalid(text: str, maximum: int) -> None:
    match = ORACLE.fullmatch(text)
    expected = int(match.group(1)) if match and int(match.group(1)) <= maximum else None
    try:
        value = parse_natural(text, maximum=maximum)
    except Invalid:
        assert expected is None
    else:
        assert value == expected


@pytest.mark.parametrize("digit", FOREIGN_DIGITS[::37])
def test_digits_of_other_scripts_are_refused(digit: str) -> None:
    with pytest.raises(Invalid):
        parse_natural(digit * 2, maximum=10**9)
    assert unicodedata.category(digit).startswith("N")


@given(value=st.integers(min_value=0, max_value=10**18))
def test_every_number_in_range_reads_back(value: int) -> None:
    assert parse_natural(f" {value}\n", maximum=10**18) == value
    assert parse_natural(f"{value:020d}", maximum=10**18) == value


def test_bounds_and_messages() -> None:
    with pytest.raises(Invalid) as high:
        parse_natural("11", maximum=10)
    assert high.value.params == {"maximum": 10}
    with pytest.raises(Invalid) as low:
        parse_natural("0", maximum=10, minimum=1)
    assert low.value.params == {"minimum": 1}
    with pytest.raises(Invalid) as custom:
        parse_natural("x", maximum=10, message="That option does not exist.")
    assert custom.value.message == "That option does not exist."


def test_field_name_suffixes() -> None:
    assert natural_suffix("propuesta_12", "propuesta_", maximum=100) == 12
    assert natural_suffix("csrf_token", "propuesta_", maximum=100) is None
    for bad in ("propuesta_²", "propuesta_" + "1" * 5000, "propuesta_0", "propuesta_"):
        with pytest.raises(Invalid):
            natural_suffix(bad, "propuesta_", maximum=100)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=50),
        st.datetimes(
            min_value=datetime(1, 1, 1),  # noqa: DTZ001
            max_value=datetime(9999, 12, 31, 23, 59),  # noqa: DTZ001
        ).map(datetime.isoformat),
        st.builds(
            lambda d, h: d.isoformat() + f"{h:+03d}:00",
            st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),  # noqa: DTZ001
            st.integers(min_value=-23, max_value=23),
        ),
    )
)
@example(text="9999-12-31T23:59:59+14:00")
@example(text="0001-01-01T00:00:00-12:00")
@example(text="0001-01-01T00:00")
@example(text="２０２６-11-28T18:30")
@example(text="2026-11-28T18:30+23:59")
def test_a_moment_is_in_range_or_invalid(text: str) -> None:
    try:
        moment = parse_moment(text, zone=LIMA)
    except Invalid:
        return
    # What the services do with it can never overflow.
    utc = moment.astimezone(UTC)
    assert EARLIEST_YEAR - 1 <= utc.year <= LATEST_YEAR + 1
    assert (utc + timedelta(days=3660)).year <= LATEST_YEAR + 11
    assert (utc - timedelta(days=3660)).year >= EARLIEST_YEAR - 11
    offset = moment.utcoffset()
    assert offset is not None
    assert timedelta(hours=-12) <= offset <= timedelta(hours=14)


@given(
    moment=st.datetimes(
        min_value=datetime(EARLIEST_YEAR, 1, 1),  # noqa: DTZ001
        max_value=datetime(LATEST_YEAR, 12, 31, 23, 59),  # noqa: DTZ001
    ),
    minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_every_moment_in_range_reads_back(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_moment(aware.isoformat(), zone=LIMA) == aware
    assert parse_moment(moment.isoformat(), zone=LIMA) == moment.replace(tzinfo=LIMA)


def test_a_moment_without_offset_is_read_in_the_zone_given() -> None:
    assert parse_moment("2026-11-28 18:30", zone=LIMA) == datetime(2026, 11, 28, 23, 30, tzinfo=UTC)


def test_checked_moments_from_a_schema() -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the API reads a naive moment as UTC
    assert check_moment(naive) == naive.replace(tzinfo=UTC)
    with pytest.raises(Invalid):
        check_moment(datetime(9999, 12, 31, tzinfo=timezone(timedelta(hours=14))))
    with pytest.raises(Invalid):
        check_moment(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=15))))


def test_dates() -> None:
    assert parse_date(" 2026-11-28 ").isoformat() == "2026-11-28"
    for bad in ("9999-12-31", "0001-01-01", "2026-13-01", "２０２６-01-01", "", "x" * 100):
        with pytest.raises(Invalid):
            parse_date(bad)
