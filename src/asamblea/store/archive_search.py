"""The archive's search index: rows of circle-prefixed words and the database's full-text index.

SQLite: an FTS5 table (``archive_search_fts``, external content ``archive_search``, kept by
triggers), created by migration 0014. FTS5 walks its matches newest first and stops at the limit.

PostgreSQL: a GIN index over ``array_to_tsvector(string_to_array(terms, ' '))`` (0014) and a
B-tree over ``(circle, id + 0)`` (0019). A GIN index yields its matches in no order: a query whose
words match tens of thousands of rows the person may see (a legal-team member of every case, a
common word) fetched them all to keep the newest 51 — 235 ms to 0.9 s for 100,000 items. So the
search goes newest first itself, in up to three steps, each reading only the circles the caller
passes (`asamblea.core.archive.search`; rows of other circles are never read):

1. **Walk.** One backward scan of ``(circle, id + 0)`` per circle, merged newest first
   (``Merge Append``), the newest ``window`` rows of them read and filtered by the query; it stops
   as soon as ``limit`` matches are found. A common word: a few hundred rows, a few ms.
2. If fewer matched and the person may see more rows than the window held, and some matched, the
   walk is tried once more with a window eight times as large.
3. **Bitmap.** Otherwise (a rare word: no match among the newest rows) the GIN index finds the
   remaining matches, only among rows older than the last one walked; they are few.

Each decision is taken on what the person may see (how many of their rows matched, whether their
circles hold more rows), so the answer, and the work done for it, depend on nothing they may not
see. The planner is steered for each step (``set_config(..., is_local)``: until the end of the
transaction or the next step): no sequential scan ever (it would read every circle), no bitmap or
sort in the walk (the index order is the point), and the bound of step 3 written ``id * 1`` so
that no index over ``id`` is read across circles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from asamblea.core.archive import Consent
from asamblea.core.archive.search import fts5_match, index_terms, scope, tsquery
from asamblea.store.archive_models import ArchiveSearchRow

#: Rows of the person's circles read by the first walk, and by the second (eight times more).
WINDOW = 500
WIDER = 8

_SQLITE = text(
    "SELECT s.item_id FROM archive_search_fts JOIN archive_search s "
    "ON s.id = archive_search_fts.rowid WHERE archive_search_fts MATCH :q "
    "AND (:case IS NULL OR s.case_id = :case) "
    "ORDER BY archive_search_fts.rowid DESC LIMIT :limit")
_TSV = "array_to_tsvector(string_to_array({}.terms, ' ')) @@ CAST(:q AS tsquery)"
_CASE = "(CAST(:case AS varchar) IS NULL OR {}.case_id = :case)"
_WALK_PLAN = ("SELECT set_config('enable_seqscan', 'off', true), "
              "set_config('enable_bitmapscan', 'off', true), "
              "set_config('enable_sort', 'off', true), "
              "set_config('max_parallel_workers_per_gather', '0', true)")
_BITMAP_PLAN = ("SELECT set_config('enable_bitmapscan', 'on', true), "
                "set_config('enable_sort', 'on', true)")
_BITMAP = text(
    f"SELECT s.item_id FROM archive_search s WHERE {_TSV.format('s')} AND s.id * 1 < :bound "  # noqa: S608 - fixed text, values bound
    f"AND {_CASE.format('s')} ORDER BY s.id + 0 DESC LIMIT :limit")


def _walks(circles: int, columns: str) -> str:
    """Each circle's rows, newest first, merged: ``(SELECT …) UNION ALL (SELECT …) …``."""
    return " UNION ALL ".join(
        f"(SELECT {columns} FROM archive_search s WHERE s.circle = :c{n} ORDER BY s.id + 0 DESC)"  # noqa: S608 - fixed text, values bound
        for n in range(circles))


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
                                         created_at=created_at, terms=terms,
                                         circle=scope(case_id, level)))
            self.db.flush()

    def remove(self, item_id: str) -> None:
        """Take an item out of every circle's index (withdrawn)."""
        self.db.execute(delete(ArchiveSearchRow).where(ArchiveSearchRow.item_id == item_id))

    def search(self, query: list[str], scopes: list[str], *, case_id: str | None,
               limit: int) -> list[str]:
        """Ids of items matching every query word within these circles, last indexed first."""
        if self.db.get_bind().dialect.name == "sqlite":
            rows = self.db.execute(_SQLITE, {"q": fts5_match(query, scopes), "case": case_id,
                                             "limit": limit})
            return [row[0] for row in rows]
        return self._newest_first(tsquery(query, scopes), scopes, case_id, limit)

    def _newest_first(self, q: str, scopes: Sequence[str], case_id: str | None,
                      limit: int) -> list[str]:
        circles = {f"c{n}": circle for n, circle in enumerate(scopes)}
        params: dict[str, Any] = circles | {"q": q, "case": case_id, "limit": limit}
        walk = text(
            "SELECT w.k, w.item_id FROM (SELECT u.k, u.item_id, u.terms FROM ("  # noqa: S608 - fixed text
            + _walks(len(scopes), "s.id + 0 AS k, s.item_id, s.terms, s.case_id")
            + f") u WHERE {_CASE.format('u')} ORDER BY u.k DESC LIMIT :window) w "
            f"WHERE {_TSV.format('w')} ORDER BY w.k DESC LIMIT :limit")
        edge = text(
            "SELECT u.k FROM (" + _walks(len(scopes), "s.id + 0 AS k, s.case_id")  # noqa: S608
            + f") u WHERE {_CASE.format('u')} ORDER BY u.k DESC OFFSET :skip LIMIT 1")
        self.db.execute(text(_WALK_PLAN))
        found: list[Any] = []
        window = WINDOW
        for step in (1, 2):
            found = list(self.db.execute(walk, params | {"window": window}))
            bound = (None if len(found) >= limit else
                     self.db.scalar(edge, circles | {"case": case_id, "skip": window - 1}))
            if bound is None:  # enough, or every row the person may see was walked
                return [row[1] for row in found]
            if not found or step == 2:
                break
            window *= WIDER
        self.db.execute(text(_BITMAP_PLAN))
        older = self.db.execute(_BITMAP, {"q": q, "case": case_id, "bound": bound,
                                          "limit": limit - len(found)})
        return [row[1] for row in found] + [row[0] for row in older]
