"""Numbers on pages are plain figures in the page's language (issue 13, findings 8, 9 and 12):
an STV tally of "18.00000" reads 18, a fraction two decimals at most, through Babel."""

from __future__ import annotations

from fractions import Fraction

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea import i18n
from asamblea.web.render import environment

FIGURE = environment.from_string("{{ value|figure }}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18.00000", "18"),
        ("18", "18"),
        ("7/3", "2.33"),
        ("12.5", "12.5"),
        ("1234567", "1,234,567"),
        ("0", "0"),
        ("not a number", "not a number"),
        ("1/0", "1/0"),
    ],
)
def test_exact_numbers_read_as_plain_figures_in_peru(value: str, expected: str) -> None:
    for locale in ("es", "ay"):  # Aymara pages write numbers as Peru's Spanish does
        assert FIGURE.render(locale=locale, value=value) == expected


@settings(max_examples=60, deadline=None)
@given(
    st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=1000),
    st.sampled_from(i18n.LOCALES),
)
def test_a_figure_is_the_number_rounded_to_two_places(number: Fraction, locale: str) -> None:
    shown = FIGURE.render(locale=locale, value=str(number))
    babel_locale = i18n.format_locale(locale)
    if number.denominator == 1:
        assert shown == format_decimal(number.numerator, locale=babel_locale)
    else:
        # Independent of the filter's own arithmetic: parse what it wrote back.
        group = "," if babel_locale != "qu_PE" else format_decimal(1000, locale=babel_locale)[1]
        plain = shown.replace(group, "").replace(format_decimal(0.5, locale=babel_locale)[1], ".")
        assert abs(Fraction(plain) - number) <= Fraction(1, 200)
