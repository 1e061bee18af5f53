"""struggle_invitations: invitations to members-only struggles (#12) (reserved)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
