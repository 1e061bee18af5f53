"""feeds webhooks: private feed tokens and outbound webhooks (reserved for #11)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
