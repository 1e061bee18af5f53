"""mail: e-mail addresses, the outbox and digests (reserved for #11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
