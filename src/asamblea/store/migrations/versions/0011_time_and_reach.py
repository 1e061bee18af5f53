"""time and reach: notices' read markers and preferences, indexes to read notices

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:20:00

- `notice_reader`: per person, the highest audit event id they have read (one number: marking
  everything read is one write) and when their last daily digest left.
- `notice_preference`: per person and kind of notice, at once / daily / never (by mail).
- Two indexes on `audit_event`, (assembly_id, id) and (subject, id): the inbox reads an
  assembly's newest events and the events that name the person (docs/notices.md).
- An index on `vote` (state, closes_at): the runner finds the open votes past their closing
  time without reading every vote (docs/operating.md, "The runner").
Notices themselves are not stored (fan-out on read). The downgrade drops what this adds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "notice_reader",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("read_up_to", sa.Integer(), nullable=False),
        sa.Column("digest_sent_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_notice_reader_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_notice_reader")),
    )
    op.create_table(
        "notice_preference",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "delivery IN ('at_once', 'daily', 'never')",
            name=op.f("ck_notice_preference_delivery_known"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_notice_preference_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "kind", name=op.f("pk_notice_preference")),
    )
    op.create_index(
        "ix_audit_event_assembly_id_id", "audit_event", ["assembly_id", "id"], unique=False
    )
    op.create_index("ix_audit_event_subject_id", "audit_event", ["subject", "id"], unique=False)
    op.create_index("ix_vote_state_closes_at", "vote", ["state", "closes_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_vote_state_closes_at", table_name="vote")
    op.drop_index("ix_audit_event_subject_id", table_name="audit_event")
    op.drop_index("ix_audit_event_assembly_id_id", table_name="audit_event")
    op.drop_table("notice_preference")
    op.drop_table("notice_reader")
