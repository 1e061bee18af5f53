"""archive timeline: case timelines and archive teams (reserved for #15)

Adds a case's timeline (dated events, consent-levelled like items, with linked items), an
upload's title, and the circle of each search row; on PostgreSQL an index on ``(circle, id + 0)``
that the search walks backwards, one circle the person may search at a time, newest first
(`asamblea.store.archive_search`). The index is on ``id + 0`` so that it is the only index that
yields that order: the primary key, walked instead, would read rows of every circle. Like the GIN
index of 0014 it is the database's own and no model describes it (`alembic check` leaves it out).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A search row's circle is the prefix of its first word: ``pub``, ``fed``, or ``t``/``l`` and
#: 16 hex digits (`asamblea.core.archive.search.scope`).
BACKFILL = (
    "UPDATE archive_search SET circle = CASE "
    "WHEN substr(terms, 1, 3) IN ('pub', 'fed') THEN substr(terms, 1, 3) "
    "ELSE substr(terms, 1, 17) END"
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "archive_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("happened_at", sa.Time(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "consent IN ('public', 'federation', 'team', 'legal')",
            name=op.f("ck_archive_event_consent_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_event_case_id_archive_case")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_archive_event_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_event")),
    )
    op.create_index(op.f("ix_archive_event_case_id"), "archive_event", ["case_id"], unique=False)
    op.create_table(
        "archive_event_item",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["archive_event.id"],
            name=op.f("fk_archive_event_item_event_id_archive_event"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["archive_item.id"],
            name=op.f("fk_archive_event_item_item_id_archive_item"),
        ),
        sa.PrimaryKeyConstraint("event_id", "item_id", name=op.f("pk_archive_event_item")),
    )
    op.add_column("archive_upload", sa.Column("title", sa.String(length=200), nullable=True))
    op.add_column(
        "archive_search",
        sa.Column("circle", sa.String(length=17), server_default="", nullable=False),
    )
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_archive_search_circle_id ON archive_search (circle, (id + 0))")


def downgrade() -> None:
    """Revert this revision."""
    op.execute("DROP INDEX IF EXISTS ix_archive_search_circle_id")
    op.execute("ALTER TABLE archive_search DROP COLUMN circle")  # keeps SQLite's FTS triggers
    op.execute("ALTER TABLE archive_upload DROP COLUMN title")
    op.drop_table("archive_event_item")
    op.drop_index(op.f("ix_archive_event_case_id"), table_name="archive_event")
    op.drop_table("archive_event")
