"""platform: the unified platform of demands and its merges (reserved for #12)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
