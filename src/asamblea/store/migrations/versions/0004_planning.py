"""planning: rounds and the targets each base assembly voted

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 01:21:17.584722
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "planning_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("model_key", sa.String(length=32), nullable=False),
        sa.Column("model_csv", sa.Text(), nullable=True),
        sa.Column("goods", sa.JSON(), nullable=False),
        sa.Column("baseline", sa.JSON(), nullable=False),
        sa.Column("aggregation", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("solved_by", sa.Integer(), nullable=True),
        sa.Column("solved_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "aggregation IN ('median', 'mean')", name=op.f("ck_planning_round_aggregation_known")
        ),
        sa.CheckConstraint(
            "state IN ('open', 'published')", name=op.f("ck_planning_round_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_planning_round_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_planning_round_created_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["planning_round.id"],
            name=op.f("fk_planning_round_previous_id_planning_round"),
        ),
        sa.ForeignKeyConstraint(
            ["solved_by"], ["person.id"], name=op.f("fk_planning_round_solved_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_round")),
    )
    with op.batch_alter_table("planning_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planning_round_assembly_id"), ["assembly_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_planning_round_previous_id"), ["previous_id"], unique=False
        )

    op.create_table(
        "planning_target",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_planning_target_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["person.id"], name=op.f("fk_planning_target_confirmed_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["person.id"], name=op.f("fk_planning_target_recorded_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["planning_round.id"],
            name=op.f("fk_planning_target_round_id_planning_round"),
        ),
        sa.PrimaryKeyConstraint("round_id", "assembly_id", name=op.f("pk_planning_target")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("planning_target")
    with op.batch_alter_table("planning_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planning_round_previous_id"))
        batch_op.drop_index(batch_op.f("ix_planning_round_assembly_id"))

    op.drop_table("planning_round")
