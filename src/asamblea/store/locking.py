"""Row locks that read what is there now.

`SELECT … FOR UPDATE` waits for another writer's commit, but the ORM would still hand back the
object it already holds in the session, with the values read before the wait: a settle step
that listed rows first and then locked one would decide on the old state and could apply twice
(PostgreSQL; SQLite writers serialise with BEGIN IMMEDIATE). `populate_existing` makes the
locked read overwrite the session's copy with the committed row.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

_Select = TypeVar("_Select", bound=Select[Any])


def for_update(stmt: _Select) -> _Select:
    """The statement with a row lock, refreshing any copy the session already holds."""
    return stmt.with_for_update().execution_options(populate_existing=True)
