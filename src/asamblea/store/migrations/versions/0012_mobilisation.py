"""mobilisation: struggles, platform, actions, tasks, conditional pledges (reserved)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:20:00
"""

from collections.abc import Sequence

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
