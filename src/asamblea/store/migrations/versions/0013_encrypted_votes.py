"""encrypted votes: trustees, key ceremony, encrypted ballots, decryption shares (reserved)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:20:00
"""

from collections.abc import Sequence

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""


def downgrade() -> None:
    """Revert this revision."""
