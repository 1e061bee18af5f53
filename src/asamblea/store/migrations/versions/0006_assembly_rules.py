"""rules: support threshold, escalation share and delegate weight rule per assembly

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: existing assemblies get the defaults through the server defaults."""
    with op.batch_alter_table("assembly", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("support_percent", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.add_column(
            sa.Column("escalation_percent", sa.Integer(), server_default="50", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "delegate_weight", sa.String(length=32), server_default="one_each", nullable=False
            )
        )
        batch_op.create_check_constraint(
            "support_percent_range", "support_percent BETWEEN 1 AND 100"
        )
        batch_op.create_check_constraint(
            "escalation_percent_range", "escalation_percent BETWEEN 1 AND 100"
        )
        batch_op.create_check_constraint(
            "delegate_weight_known", "delegate_weight IN ('one_each', 'members_represented')"
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("assembly", schema=None) as batch_op:
        batch_op.drop_constraint("delegate_weight_known", type_="check")
        batch_op.drop_constraint("escalation_percent_range", type_="check")
        batch_op.drop_constraint("support_percent_range", type_="check")
        batch_op.drop_column("delegate_weight")
        batch_op.drop_column("escalation_percent")
        batch_op.drop_column("support_percent")
