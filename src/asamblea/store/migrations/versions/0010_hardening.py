"""hardening: look-alike usernames

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:20:00

- `person.username_skeleton`: the Unicode TS #39 confusable skeleton of the name
  (`asamblea.core.username.skeleton_of`), unique, so that a name that looks like an existing
  account's is refused at registration by an index lookup. Accounts already there get theirs
  now, oldest first; where two existing accounts already look alike, the older keeps the
  skeleton and the younger has none (NULL: it can still log in, and no new look-alike of
  either can register).

The downgrade drops the column.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from asamblea.core.username import skeleton_of

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username_skeleton", sa.String(length=255), nullable=True))
    _fill_skeletons()
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_person_username_skeleton"), ["username_skeleton"]
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_person_username_skeleton"), type_="unique")
        batch_op.drop_column("username_skeleton")


def _fill_skeletons() -> None:
    connection = op.get_bind()
    person = sa.table(
        "person", sa.column("id"), sa.column("username"), sa.column("username_skeleton")
    )
    seen: set[str] = set()
    rows = connection.execute(sa.select(person.c.id, person.c.username).order_by(person.c.id))
    for person_id, username in rows.fetchall():
        skeleton = skeleton_of(username)
        if skeleton in seen:
            continue
        seen.add(skeleton)
        connection.execute(
            person.update().where(person.c.id == person_id).values(username_skeleton=skeleton)
        )
