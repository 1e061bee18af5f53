"""planning: base assemblies adopt their targets by a vote

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 02:40:00

`planning_target` (one row per assembly and round, confirmed by a second person) becomes
`planning_draft` (every draft an assembly puts to a vote, linked to that vote). Targets already
confirmed are carried over as adopted (without a vote: they were confirmed in person); targets
recorded but never confirmed did not count and still do not (carried over as rejected).
The downgrade keeps, per assembly and round, the newest draft that is adopted or under vote.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "planning_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("drafted_by", sa.Integer(), nullable=False),
        sa.Column("drafted_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("settled_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('voting', 'adopted', 'rejected')", name=op.f("ck_planning_draft_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_planning_draft_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by"], ["person.id"], name=op.f("fk_planning_draft_drafted_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["planning_round.id"],
            name=op.f("fk_planning_draft_round_id_planning_round"),
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_planning_draft_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_draft")),
        sa.UniqueConstraint("vote_id", name=op.f("uq_planning_draft_vote_id")),
    )
    with op.batch_alter_table("planning_draft", schema=None) as batch_op:
        batch_op.create_index(
            "ix_planning_draft_round_assembly", ["round_id", "assembly_id"], unique=False
        )
    op.execute(
        "INSERT INTO planning_draft (round_id, assembly_id, levels, changes, note, digest, "
        "drafted_by, drafted_at, vote_id, state, members, settled_at) "
        "SELECT round_id, assembly_id, levels, changes, note, digest, recorded_by, recorded_at, "
        "NULL, CASE WHEN confirmed_by IS NULL THEN 'rejected' ELSE 'adopted' END, "
        "CASE WHEN confirmed_by IS NULL THEN NULL ELSE members END, confirmed_at "
        "FROM planning_target ORDER BY round_id, assembly_id"
    )
    op.drop_table("planning_target")


def downgrade() -> None:
    """Revert this revision."""
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
    # Adopted targets become confirmed ones (the drafter stands in for the confirmer, whom a
    # vote replaced); a draft under vote becomes an unconfirmed record; rejected drafts go.
    op.execute(
        "INSERT INTO planning_target (round_id, assembly_id, levels, changes, note, digest, "
        "recorded_by, recorded_at, members, confirmed_by, confirmed_at) "
        "SELECT d.round_id, d.assembly_id, d.levels, d.changes, d.note, d.digest, d.drafted_by, "
        "d.drafted_at, d.members, "
        "CASE WHEN d.state = 'adopted' THEN d.drafted_by ELSE NULL END, "
        "CASE WHEN d.state = 'adopted' THEN COALESCE(d.settled_at, d.drafted_at) ELSE NULL END "
        "FROM planning_draft d WHERE d.id IN ("
        "SELECT MAX(k.id) FROM planning_draft k WHERE k.state IN ('voting', 'adopted') "
        "GROUP BY k.round_id, k.assembly_id)"
    )
    with op.batch_alter_table("planning_draft", schema=None) as batch_op:
        batch_op.drop_index("ix_planning_draft_round_assembly")

    op.drop_table("planning_draft")
