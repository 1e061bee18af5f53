"""rules votes: rules changes decided by the members, frozen recall shares and roll-call weights

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 03:25:42

- `rules_change`: new rules a facilitator put to the assembly's members, linked to the yes/no
  vote that decides them; `pending_assembly_id` (unique, cleared once settled) keeps one
  pending change per assembly.
- `recall_petition.recall_percent`: the recall share a petition counts its signatures
  against, frozen when it opened. Petitions already there get their assembly's share now.
- `roll_call_weight`: how a roll call upstairs weighs each child's delegates, frozen when the
  vote opened (weight rule, the child's active members, its delegates sitting). Roll calls
  opened before this revision have no rows; the roll-call record reckons theirs as before.
- `escalation.agenda_proposal_id` is unique: an agenda item comes from one escalation.

The downgrade drops the new tables and columns; rules changes still pending are dropped with
their link (their votes stay, as votes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "roll_call_weight",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("weight_rule", sa.String(length=32), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("delegates", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "weight_rule IN ('one_each', 'members_represented')",
            name=op.f("ck_roll_call_weight_weight_rule_known"),
        ),
        sa.CheckConstraint(
            "members >= 0 AND delegates >= 1", name=op.f("ck_roll_call_weight_counts_valid")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["assembly.id"], name=op.f("fk_roll_call_weight_child_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_roll_call_weight_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "child_id", name=op.f("pk_roll_call_weight")),
    )
    op.create_table(
        "rules_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("pending_assembly_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('voting', 'adopted', 'rejected')", name=op.f("ck_rules_change_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_rules_change_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["person.id"], name=op.f("fk_rules_change_proposed_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_rules_change_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules_change")),
        sa.UniqueConstraint(
            "pending_assembly_id", name=op.f("uq_rules_change_pending_assembly_id")
        ),
        sa.UniqueConstraint("vote_id", name=op.f("uq_rules_change_vote_id")),
    )
    with op.batch_alter_table("rules_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rules_change_assembly_id"), ["assembly_id"], unique=False
        )

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_escalation_agenda_proposal_id"), ["agenda_proposal_id"]
        )

    with op.batch_alter_table("recall_petition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recall_percent", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE recall_petition SET recall_percent = ("
        "SELECT a.recall_percent FROM delegate d JOIN assembly a ON a.id = d.child_id "
        "WHERE d.id = recall_petition.delegate_id)"
    )
    with op.batch_alter_table("recall_petition", schema=None) as batch_op:
        batch_op.alter_column("recall_percent", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint("recall_percent_range", "recall_percent BETWEEN 1 AND 100")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("recall_petition", schema=None) as batch_op:
        batch_op.drop_constraint("recall_percent_range", type_="check")
        batch_op.drop_column("recall_percent")

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_escalation_agenda_proposal_id"), type_="unique")

    with op.batch_alter_table("rules_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rules_change_assembly_id"))

    op.drop_table("rules_change")
    op.drop_table("roll_call_weight")
