"""votes: vote, roll, ballot box, in-person counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:29:26.199295
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.String(length=32), nullable=False),
        sa.Column("quorum_percent", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opens_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("roll_size", sa.Integer(), nullable=True),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("genesis", sa.String(length=64), nullable=True),
        sa.Column("head", sa.String(length=64), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("closed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("head_signature", sa.String(length=128), nullable=True),
        sa.Column("seal_signature", sa.String(length=128), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "quorum_percent BETWEEN 0 AND 100", name=op.f("ck_vote_quorum_percent_range")
        ),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_vote_seats_positive")),
        sa.CheckConstraint("voters >= length", name=op.f("ck_vote_voters_at_least_ballots")),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_vote_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_vote_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_assembly_id"), ["assembly_id"], unique=False)

    op.create_table(
        "ballot",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("receipt", sa.String(length=24), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_ballot_vote_id_vote")),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["person.id"], name=op.f("fk_ballot_voter_id_person")
        ),
        sa.PrimaryKeyConstraint("vote_id", "position", name=op.f("pk_ballot")),
        sa.UniqueConstraint("vote_id", "receipt", name=op.f("uq_ballot_vote_id_receipt")),
    )
    op.create_table(
        "in_person_count",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("acta", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["person.id"], name=op.f("fk_in_person_count_confirmed_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["person.id"], name=op.f("fk_in_person_count_recorded_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_in_person_count_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_in_person_count")),
    )
    op.create_table(
        "vote_roll",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("voted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_vote_roll_person_id_person")
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_vote_roll_vote_id_vote")),
        sa.PrimaryKeyConstraint("vote_id", "person_id", name=op.f("pk_vote_roll")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("vote_roll")
    op.drop_table("in_person_count")
    op.drop_table("ballot")
    with op.batch_alter_table("vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_assembly_id"))

    op.drop_table("vote")
