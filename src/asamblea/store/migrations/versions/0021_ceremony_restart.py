"""ceremony_restart: encrypted-vote key ceremony restarted after a complaint (#14)

- `encrypted_attempt`: a key ceremony that a complaint stopped and the facilitators restarted
  (docs/encrypted-votes.md, §9): the vote, its attempt number (1, 2, … in order), and the
  attempt's public record as the manifest's `earlier_attempts` holds it (ceremony id, threshold,
  number of trustees, published dealings, complaints). The new attempt replaces the rows of
  `encrypted_trustee`, `encrypted_sealed_share` and `encrypted_complaint`.

The downgrade drops the table.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "encrypted_attempt",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_attempt_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "attempt", name=op.f("pk_encrypted_attempt")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("encrypted_attempt")
