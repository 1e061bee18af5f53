"""The catalogs keep step with the code: every message has Spanish, and placeholders match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from asamblea import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[ds]|\{\w+\}")


def source_messages() -> set[str | tuple[str, ...]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: set[str | tuple[str, ...]] = set()
    for _, _, message, _, _ in extract_from_dir(
        ROOT / "src" / "asamblea", method_map, options_map, keywords=KEYWORDS
    ):
        found.add(tuple(message) if isinstance(message, list | tuple) else message)
    return found


def catalog(locale: str) -> dict[str | tuple[str, ...], object]:
    with i18n.po_path(locale).open("rb") as handle:
        return {
            (tuple(m.id) if isinstance(m.id, list | tuple) else m.id): m.string
            for m in read_po(handle, locale=locale)
            if m.id
        }


def test_every_message_in_the_code_has_spanish() -> None:
    spanish = catalog("es")
    messages = source_messages()
    assert len(messages) > 100
    missing = sorted(str(m) for m in messages if not spanish.get(m))
    assert not missing, f"run `make i18n` and translate: {missing}"
    untranslated_plurals = [m for m in messages if isinstance(m, tuple) and not all(spanish[m])]  # type: ignore[arg-type]
    assert not untranslated_plurals


def test_english_catalog_has_every_message() -> None:
    english = catalog("en")
    assert not sorted(str(m) for m in source_messages() if m not in english)


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for message_id, translated in catalog(locale).items():
        ids = message_id if isinstance(message_id, tuple) else (message_id,)
        texts = translated if isinstance(translated, tuple) else (translated,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in texts:
            if text:
                assert set(PLACEHOLDER.findall(str(text))) == expected, (message_id, text)


def test_negotiation_order() -> None:
    assert i18n.negotiate("en", "es-PE,es;q=0.9") == "en"  # the account's choice first
    assert i18n.negotiate(None, "en-GB,en;q=0.9,es;q=0.5") == "en"
    assert i18n.negotiate(None, "fr-FR,es;q=0.8,en;q=0.9") == "en"  # by quality
    assert i18n.negotiate(None, "qu-PE,es;q=0.8") == "qu"  # Quechua is shipped (a first draft)
    assert i18n.negotiate(None, "ay,es;q=0.8") == "ay"
    assert i18n.negotiate(None, "fr,de") == "es"  # Spanish by default
    assert i18n.negotiate("xx", None) == "es"
    assert i18n.negotiate(None, "en;q=garbage,es") == "es"


def test_spanish_is_really_spanish() -> None:
    i18n.activate("es")
    assert i18n.gettext("Log in") == "Entrar"
    assert i18n.ngettext("%(num)d member", "%(num)d members", 3) % {"num": 3} == "3 miembros"
    i18n.activate("en")
    assert i18n.gettext("Log in") == "Log in"
