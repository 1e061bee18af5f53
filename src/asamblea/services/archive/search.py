"""Search the archive within what a person may see (docs/archive.md, "Search").

Only titles and tags are searchable — the words a team writes in the clear on purpose; testimony
texts and files are encrypted and never indexed. The query names only the consent circles the
person belongs to (`asamblea.core.archive.search`), so its results, their number and its cost
depend on nothing the person may not see. Results come last indexed first (no relevance score: a
score would weigh in statistics of the whole index, hidden items included).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from asamblea.core.archive import Viewer
from asamblea.core.archive.case import Item
from asamblea.core.archive.search import query_words, scopes_of
from asamblea.core.people import Person
from asamblea.services.archive.access import case_for
from asamblea.store.archive_repository import ArchiveRepository
from asamblea.store.archive_search import SearchIndex
from asamblea.store.federation_repository import FederationRepository

LIMIT = 50


@dataclass(frozen=True)
class Found:
    """The first `LIMIT` matches the person may see, and whether there are more of those."""

    items: tuple[Item, ...]
    more: bool


def _scopes(db: Session, person: Person | None, case_id: str | None) -> list[str]:
    if person is None:
        return scopes_of([], federation=False)
    federation = any(m.is_active
                     for m in FederationRepository(db).memberships_of_person(person.id))
    teams = [(case, Viewer(case_team=True, legal_team=legal))
             for case, legal in ArchiveRepository(db).teams_of(person.id)
             if case_id is None or case == case_id]
    return scopes_of(teams, federation=federation)


def search(db: Session, person: Person | None, text: str, *,
           case_id: str | None = None) -> Found:
    """Items whose title or tags hold every word of ``text`` (as word prefixes), among those the
    person may see — in one case (whose existence is public) or in every case."""
    words = query_words(text)
    if case_id is not None:
        case_id = case_for(db, person, case_id).id
    ids = SearchIndex(db).search(words, _scopes(db, person, case_id), case_id=case_id,
                                 limit=LIMIT + 1)
    found = ArchiveRepository(db).items_by_id(ids[:LIMIT])
    return Found(tuple(found), more=len(ids) > LIMIT)

