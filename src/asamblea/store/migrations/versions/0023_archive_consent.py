"""archive_consent: archive consent page, timeline edits, upload sweep (#15)

Adds ``archive_upload.touched_at``, when a resumable upload last received bytes (its creation,
then each ``PATCH``), indexed so that the runner's sweep finds the uploads abandoned for longer
than a day without reading the others (`asamblea.services.archive.sweep`). Existing uploads
start from their creation time.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "archive_upload",
        sa.Column("touched_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.execute("UPDATE archive_upload SET touched_at = created_at")
    with op.batch_alter_table("archive_upload", schema=None) as batch_op:
        batch_op.alter_column(
            "touched_at",
            existing_type=asamblea.store.types.UTCDateTime(timezone=True),
            nullable=False,
        )
        batch_op.create_index(
            batch_op.f("ix_archive_upload_touched_at"), ["touched_at"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("archive_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_upload_touched_at"))
        batch_op.drop_column("touched_at")
