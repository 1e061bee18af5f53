"""Translations: Babel catalogs (Spanish first, English complete, Quechua and Aymara as first
drafts), read straight from the .po files.

Message ids are English in the code; `es` translates every one of them and `en` repeats it.
`qu` (Southern Quechua) and `ay` (Aymara) are first drafts for speakers to review
(docs/translations.md): a message they do not translate yet is shown in Spanish, never in English,
and is listed in `<lang>/untranslated.txt` (written by `make i18n`, checked by the tests).
The .po files are compiled in memory when first needed, so there is no build step.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel import localedata
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOGS = Path(__file__).resolve().parent
DOMAIN = "messages"
LOCALES = ("es", "en", "qu", "ay")
DEFAULT_LOCALE = "es"
#: Each language in its own name, as the chooser shows it.
LANGUAGE_NAMES = {"es": "Español", "en": "English", "qu": "Runasimi", "ay": "Aymar aru"}
#: First drafts: what they do not translate yet falls back to Spanish (and is listed as such).
SPANISH_FALLBACK = ("qu", "ay")
#: The Babel locale that formats numbers and dates: Babel has no data for Aymara, so Aymara
#: pages write them as Peru's Spanish does.
FORMAT_LOCALES = {"es": "es_PE", "en": "en_US", "qu": "qu_PE", "ay": "es_PE"}

_current: ContextVar[NullTranslations] = ContextVar("translations")


def po_path(locale: str) -> Path:
    """Where a locale's catalog lives."""
    return CATALOGS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def untranslated_path(locale: str) -> Path:
    """Where a first draft lists the messages it still shows in Spanish."""
    return CATALOGS / locale / "untranslated.txt"


def format_locale(locale: str) -> str:
    """The Babel locale for numbers and dates in a language of the interface."""
    return FORMAT_LOCALES.get(locale, FORMAT_LOCALES[DEFAULT_LOCALE])


def read_catalog(locale: str) -> Catalog:
    """A locale's .po file (plural rules from its header where Babel has no data, as for ay)."""
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale if localedata.exists(locale) else None)


def is_translated(string: object) -> bool:
    """A message counts as translated when it (and each of its plural forms) is not empty."""
    if isinstance(string, list | tuple):
        return bool(string) and all(string)
    return bool(string)


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of a locale (English ids fall back to themselves; the first drafts
    fall back to Spanish)."""
    if locale not in LOCALES or not po_path(locale).exists():
        return NullTranslations()
    catalog = read_catalog(locale)
    for message in list(catalog):
        if message.id and not is_translated(message.string):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    compiled = Translations(buffer, domain=DOMAIN)
    if locale in SPANISH_FALLBACK:
        compiled.add_fallback(translations(DEFAULT_LOCALE))
    return compiled


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    """The locale to use: an explicit choice, else the best of Accept-Language, else Spanish."""
    if chosen in LOCALES:
        return chosen
    for tag in _accepted(accept_language or ""):
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary
    return DEFAULT_LOCALE


def _accepted(header: str) -> list[str]:
    weighted: list[tuple[float, str]] = []
    for part in header.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            weighted.append((quality, tag.lower()))
    return [tag for quality, tag in sorted(weighted, key=lambda pair: -pair[0]) if quality > 0]


def activate(locale: str) -> None:
    """Make `locale` the language of the current request or command."""
    _current.set(translations(locale))


def gettext(message: str) -> str:
    """Translate into the active language."""
    return _current.get(translations(DEFAULT_LOCALE)).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count."""
    return _current.get(translations(DEFAULT_LOCALE)).ngettext(singular, plural, n)


def translate_error(message: str, params: dict[str, object]) -> str:
    """Translate a domain error's message and fill in its parameters."""
    text = gettext(message)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
