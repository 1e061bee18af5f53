"""platform: the unified platform of demands and its merges (reserved for #12)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:10:00

Which struggle a demand was raised from, and the merges of a platform's points put to its
members' vote (docs/mobilisation.md, "The unified platform"); and a struggle's visibility
(every existing struggle stays public).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("struggle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=16), server_default="public", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_struggle_visibility_known"), "visibility IN ('public', 'members')"
        )
    op.create_table(
        "demand_source",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("struggle_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_demand_source_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["struggle_id"], ["struggle.id"], name=op.f("fk_demand_source_struggle_id_struggle")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_demand_source")),
    )
    with op.batch_alter_table("demand_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demand_source_struggle_id"), ["struggle_id"], unique=False
        )

    op.create_table(
        "platform_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("proposed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('voting', 'merged', 'rejected', 'superseded')",
            name=op.f("ck_platform_merge_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_platform_merge_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["into_id"], ["escalation.id"], name=op.f("fk_platform_merge_into_id_escalation")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_platform_merge_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_merge")),
        sa.UniqueConstraint("vote_id", name=op.f("uq_platform_merge_vote_id")),
    )
    with op.batch_alter_table("platform_merge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platform_merge_assembly_id"), ["assembly_id"], unique=False
        )

    op.create_table(
        "platform_merge_point",
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalation.id"],
            name=op.f("fk_platform_merge_point_escalation_id_escalation"),
        ),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["platform_merge.id"],
            name=op.f("fk_platform_merge_point_merge_id_platform_merge"),
        ),
        sa.PrimaryKeyConstraint("merge_id", "escalation_id", name=op.f("pk_platform_merge_point")),
    )
    with op.batch_alter_table("platform_merge_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platform_merge_point_escalation_id"), ["escalation_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("platform_merge_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_merge_point_escalation_id"))
    op.drop_table("platform_merge_point")
    with op.batch_alter_table("platform_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_merge_assembly_id"))
    op.drop_table("platform_merge")
    with op.batch_alter_table("demand_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_source_struggle_id"))
    op.drop_table("demand_source")
    with op.batch_alter_table("struggle", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_struggle_visibility_known"), type_="check")
        batch_op.drop_column("visibility")
