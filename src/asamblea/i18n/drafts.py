"""Keep the first-draft catalogues (Quechua, Aymara) in step with messages.pot.

`pybabel update` cannot open a catalogue for a language Babel has no data for (Aymara), so
`make i18n` runs this instead for the languages in `SPANISH_FALLBACK`:

    python -m asamblea.i18n.drafts

It merges the template into each catalogue (a new message arrives untranslated, an old one
leaves) and writes `<lang>/untranslated.txt`: one message id a line, as JSON, sorted. Those
messages are shown in Spanish until a speaker translates them; the tests check that the list is
exactly the catalogue's untranslated messages, so nothing falls back silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from asamblea import i18n

TEMPLATE = i18n.CATALOGS / "messages.pot"
HEADER = (
    "First draft for speakers to review: see docs/translations.md (glossary, how to propose a\n"
    "correction). Messages with an empty msgstr are shown in Spanish and listed in\n"
    "untranslated.txt beside this folder's LC_MESSAGES."
)


def message_key(message_id: object) -> str:
    """A message's id as one line of untranslated.txt (the singular of a plural)."""
    text = message_id[0] if isinstance(message_id, list | tuple) else message_id
    return json.dumps(text, ensure_ascii=False)


def untranslated(locale: str) -> list[str]:
    """The ids a first draft does not translate yet, as untranslated.txt lists them."""
    catalog = i18n.read_catalog(locale)
    return sorted(message_key(m.id) for m in catalog if m.id and not i18n.is_translated(m.string))


def update(locale: str, template: Path = TEMPLATE) -> None:
    """Merge the template into one draft catalogue and rewrite its untranslated list."""
    with template.open("rb") as handle:
        pot = read_po(handle)
    catalog = i18n.read_catalog(locale)
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with i18n.po_path(locale).open("wb") as handle:
        write_po(handle, catalog, sort_output=True)
    i18n.untranslated_path(locale).write_text(
        "".join(f"{line}\n" for line in untranslated(locale)), encoding="utf-8"
    )


def main() -> None:
    """Update every first-draft catalogue."""
    for locale in i18n.SPANISH_FALLBACK:
        update(locale)


if __name__ == "__main__":
    main()
