"""The archive's search index: rows of circle-prefixed words and the database's full-text index.

SQLite: an FTS5 table (``archive_search_fts``, external content ``archive_search``, kept by
triggers); PostgreSQL: a GIN index over ``array_to_tsvector(string_to_array(terms, ' '))``. Both
are created by migration 0014. The queries name only the circles the caller passes
(`asamblea.core.archive.search`): rows of other circles are never read.

Order: the most recently indexed first (an item's row is written again when its consent
changes). SQLite's FTS5 walks its matches in that order and stops at the limit; on PostgreSQL
the order is an expression (``id + 0``) so that no B-tree on ``id`` can be walked instead of
the GIN index — such a walk would read rows of every circle and filter them; for the same
reason sequential scans are turned off for the query's transaction (PostgreSQL's planner chose
one for common words over many circles: it read all 100,000 rows in the benchmark).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from asamblea.core.archive import Consent
from asamblea.core.archive.search import fts5_match, index_terms, tsquery
from asamblea.store.archive_models import ArchiveSearchRow

_SQLITE = text(
    "SELECT s.item_id FROM archive_search_fts JOIN archive_search s "
    "ON s.id = archive_search_fts.rowid WHERE archive_search_fts MATCH :q "
    "AND (:case IS NULL OR s.case_id = :case) "
    "ORDER BY archive_search_fts.rowid DESC LIMIT :limit")
_POSTGRES = text(
    "SELECT s.item_id FROM archive_search s "
    "WHERE array_to_tsvector(string_to_array(s.terms, ' ')) @@ CAST(:q AS tsquery) "
    "AND (CAST(:case AS varchar) IS NULL OR s.case_id = :case) "
    "ORDER BY s.id + 0 DESC LIMIT :limit")


class SearchIndex:
    """Put an item's searchable words in its circle's index, take them out, query circles."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def put(self, item_id: str, case_id: str, level: Consent, *, created_at: datetime,
            title: str | None, tags: str | None) -> None:
        """(Re)index an item at its consent level; an item without title or tags leaves it."""
        self.remove(item_id)
        terms = index_terms(case_id, level, title, tags)
        if terms is not None:
            self.db.add(ArchiveSearchRow(item_id=item_id, case_id=case_id,
                                         created_at=created_at, terms=terms))
            self.db.flush()

    def remove(self, item_id: str) -> None:
        """Take an item out of every circle's index (withdrawn)."""
        self.db.execute(delete(ArchiveSearchRow).where(ArchiveSearchRow.item_id == item_id))

    def search(self, query: list[str], scopes: list[str], *, case_id: str | None,
               limit: int) -> list[str]:
        """Ids of items matching every query word within these circles, last indexed first."""
        sqlite = self.db.get_bind().dialect.name == "sqlite"
        q = fts5_match(query, scopes) if sqlite else tsquery(query, scopes)
        if not sqlite:  # a sequential scan would read every circle's rows (and is slower)
            self.db.execute(text("SET LOCAL enable_seqscan = off"))
        rows = self.db.execute(_SQLITE if sqlite else _POSTGRES,
                               {"q": q, "case": case_id, "limit": limit})
        return [row[0] for row in rows]
