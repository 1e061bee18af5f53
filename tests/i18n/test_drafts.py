"""Quechua and Aymara are first drafts: what they translate is shown in them, what they do not is
shown in Spanish (never in English) and listed in untranslated.txt, kept exact by `make i18n`."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.numbers import format_decimal

from asamblea import i18n
from asamblea.i18n import drafts
from tests.i18n.test_catalogs import catalog, source_messages

DRAFTS = i18n.SPANISH_FALLBACK


@pytest.mark.parametrize("locale", DRAFTS)
def test_every_message_is_translated_or_declared_as_falling_back(locale: str) -> None:
    translated = catalog(locale)
    listed = i18n.untranslated_path(locale).read_text(encoding="utf-8").splitlines()
    assert listed == drafts.untranslated(locale), "run `make i18n` to refresh untranslated.txt"
    declared = {json.loads(line) for line in listed}
    for message in source_messages():
        key = message[0] if isinstance(message, tuple) else message
        assert message in translated, f"run `make i18n`: {message!r} is not in {locale}"
        assert i18n.is_translated(translated[message]) or key in declared, (locale, message)


@pytest.mark.parametrize("locale", DRAFTS)
def test_the_drafts_cover_the_pages_a_newcomer_meets_first(locale: str) -> None:
    listed = set(drafts.untranslated(locale))
    first_pages = [
        "Log in",
        "Register",
        "Your ballot",
        "Cast my ballot",
        "Your receipt",
        "I vouch: I know this person",
        "Results",
        "Members",
        "Language",
    ]
    assert not [m for m in first_pages if drafts.message_key(m) in listed]


@pytest.mark.parametrize(
    ("locale", "login", "ballot"),
    [
        ("qu", "Yaykuy", "Akllana p'anqayki"),
        ("ay", "Mantaña", "Chhijllañ laphima"),
    ],
)
def test_a_draft_speaks_its_language_and_falls_back_to_spanish(
    locale: str, login: str, ballot: str
) -> None:
    i18n.activate(locale)
    try:
        assert i18n.gettext("Log in") == login
        assert i18n.gettext("Your ballot") == ballot
        for line in drafts.untranslated(locale)[:25]:
            message = json.loads(line)
            i18n.activate("es")
            spanish = i18n.gettext(message)
            i18n.activate(locale)
            assert i18n.gettext(message) == spanish
        # A plural the draft does not translate comes back in Spanish, with Spanish plurals.
        i18n.activate(locale)
        assert i18n.ngettext("%(num)d member", "%(num)d members", 3) % {"num": 3}
    finally:
        i18n.activate(i18n.DEFAULT_LOCALE)


@pytest.mark.parametrize("locale", DRAFTS)
def test_a_draft_says_so_in_its_header(locale: str) -> None:
    text = i18n.po_path(locale).read_text(encoding="utf-8")
    assert "FIRST DRAFT for speakers to review" in text
    assert "docs/translations.md" in text
    assert i18n.read_catalog(locale).num_plurals == 1  # no number agreement after a numeral


def test_the_chooser_names_each_language_in_itself() -> None:
    assert i18n.LANGUAGE_NAMES["qu"] == "Runasimi"
    assert i18n.LANGUAGE_NAMES["ay"] == "Aymar aru"
    assert set(i18n.LANGUAGE_NAMES) == set(i18n.LOCALES)


def test_aymara_writes_numbers_and_dates_as_peru_s_spanish() -> None:
    number, day = Decimal("1234567.5"), date(2026, 12, 5)
    aymara = i18n.format_locale("ay")
    assert aymara == i18n.format_locale("es") == "es_PE"
    assert format_decimal(number, locale=aymara) == format_decimal(number, locale="es_PE")
    assert format_date(day, "short", locale=aymara) == format_date(day, "short", locale="es_PE")
    assert format_date(day, "long", locale=i18n.format_locale("qu"))  # Babel knows Quechua
    assert i18n.format_locale("xx") == "es_PE"


def test_a_message_added_later_falls_back_and_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the lead's merge does: a branch adds a message, `make i18n` runs drafts.update."""
    copy = tmp_path / "i18n"
    for locale in DRAFTS:
        shutil.copytree(i18n.CATALOGS / locale, copy / locale)
    template = Catalog()
    for message in catalog("es"):
        template.add(message)
    template.add("A message from another branch")
    pot = tmp_path / "messages.pot"
    with pot.open("wb") as handle:
        write_po(handle, template)
    monkeypatch.setattr(i18n, "CATALOGS", copy)
    for locale in DRAFTS:
        drafts.update(locale, pot)
        listed = i18n.untranslated_path(locale).read_text(encoding="utf-8").splitlines()
        assert drafts.message_key("A message from another branch") in listed
        assert drafts.message_key("Log in") not in listed
        assert catalog(locale)["Log in"]  # translations survive the update
