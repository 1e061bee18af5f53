"""time and reach: due work, notices, read markers, outbox, feeds, webhooks (reserved)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:20:00
"""

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
