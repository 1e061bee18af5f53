"""Search terms for the archive: one index per consent circle, by construction.

The server searches only text it holds in the clear: an item's **title and tags**, which the team
writes knowing a seized server reads them (docs/archive.md, "Search"). Testimony texts and files
are encrypted and never indexed.

Every indexed word is stored *prefixed with the circle it belongs to* — ``pub`` (public),
``fed`` (federation), ``t<case>`` (a case's team), ``l<case>`` (its legal team) — so each circle
is its own index inside one table: a query names only the circles the person belongs to, and the
database reads only those circles' entries. What a query returns, how many, and how long it
takes, depend only on items the person may see; nothing is matched and then filtered away.

Words are folded to ASCII letters and digits (accents removed, ``ñ`` → ``n``, lower case);
anything else separates words. A query matches items holding every query word as a word prefix.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from asamblea.core.archive.consent import Consent, Viewer
from asamblea.core.errors import N_, Invalid

MAX_QUERY = 200
MAX_WORDS = 8
MAX_WORD = 40
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The words of ``text``, folded: no accents, lower case, ASCII letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w[:MAX_WORD] for w in _WORD.findall(plain)]


def scope(case_id: str, level: Consent) -> str:
    """The circle's prefix: ``pub``, ``fed``, or ``t``/``l`` and 16 hex digits of the case.

    The first letter tells the circles apart and case prefixes have a fixed length, so a prefixed
    word belongs to exactly one circle.
    """
    if level is Consent.PUBLIC:
        return "pub"
    if level is Consent.FEDERATION:
        return "fed"
    case = hashlib.blake2b(case_id.encode(), digest_size=8).hexdigest()
    return ("t" if level is Consent.TEAM else "l") + case


def index_terms(case_id: str, level: Consent, title: str | None, tags: str | None) -> str | None:
    """What the index stores for an item: its distinct words, each prefixed with its circle.

    None when the item has no searchable text (it is then not in the index at all).
    """
    found = dict.fromkeys(words(f"{title or ''} {tags or ''}"))
    if not found:
        return None
    prefix = scope(case_id, level)
    return " ".join(prefix + w for w in found)


def scopes_of(viewer_cases: Iterable[tuple[str, Viewer]], *, federation: bool) -> list[str]:
    """The circles a person may search: public, federation if a member, and per case the team
    circles their clearance reaches there."""
    found = ["pub"] + (["fed"] if federation else [])
    for case_id, viewer in viewer_cases:
        found += [scope(case_id, level) for level in (Consent.TEAM, Consent.LEGAL)
                  if level <= viewer.clearance]
    return found


def query_words(text: str) -> list[str]:
    """The words of a query; `Invalid` when it has none, too many, or is too long."""
    if len(text) > MAX_QUERY:
        raise Invalid(N_("The search is longer than {n} characters"), n=MAX_QUERY)
    found = list(dict.fromkeys(words(text)))
    if not found:
        raise Invalid(N_("Write at least one word to search for"))
    if len(found) > MAX_WORDS:
        raise Invalid(N_("Search for at most {n} words"), n=MAX_WORDS)
    return found


def fts5_match(query: list[str], scopes: list[str]) -> str:
    """An SQLite FTS5 MATCH expression: every word, as a prefix, in any of the circles."""
    return " AND ".join(
        "(" + " OR ".join(f'"{s}{w}"*' for s in scopes) + ")" for w in query)


def tsquery(query: list[str], scopes: list[str]) -> str:
    """A PostgreSQL ``tsquery`` literal (lexemes quoted, so nothing reparses them)."""
    return " & ".join(
        "(" + " | ".join(f"'{s}{w}':*" for s in scopes) + ")" for w in query)
