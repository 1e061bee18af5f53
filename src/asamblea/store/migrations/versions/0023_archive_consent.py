"""archive_consent: archive consent page, timeline edits, upload sweep (#15) (reserved)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
