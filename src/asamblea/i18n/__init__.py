"""Translations: Babel catalogs (Spanish first, English complete), read straight from the .po files.

Message ids are English in the code; `es` translates every one of them and `en` repeats it.
The .po files are compiled in memory when first needed, so there is no build step.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOGS = Path(__file__).resolve().parent
DOMAIN = "messages"
LOCALES = ("es", "en")
DEFAULT_LOCALE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}

_current: ContextVar[NullTranslations] = ContextVar("translations")


def po_path(locale: str) -> Path:
    """Where a locale's catalog lives."""
    return CATALOGS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of a locale (English ids fall back to themselves)."""
    path = po_path(locale)
    if locale not in LOCALES or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


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
