"""ceremony_restart: encrypted-vote key ceremony restarted after a complaint (#14) (reserved)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
