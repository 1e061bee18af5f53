"""trustees: encrypted-vote trustees' complaints about a share that fails its commitments (#14)

- `encrypted_complaint`: trustee `complainant` says that the share trustee `accused` sealed to
  them does not match `accused`'s published commitments (docs/encrypted-votes.md, §9).

The downgrade drops the table.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "encrypted_complaint",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("complainant", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("accused", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_complaint_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint(
            "vote_id", "complainant", "accused", name=op.f("pk_encrypted_complaint")
        ),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("encrypted_complaint")
