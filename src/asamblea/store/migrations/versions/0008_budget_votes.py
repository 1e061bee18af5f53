"""budgeting: the oversight committee is elected by a vote

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 02:40:00

The Comité de Vigilancia was proposed by a facilitator and confirmed by a second person; now
active members stand as candidates (`budget_candidate`) and the members elect it by an STV vote
(`budget_election`, linked to the vote), whose published winners fill `budget_committee` (each
seat records its `vote_id`). Seats already confirmed are carried over as seats without a vote
(they were chosen in person); proposals never confirmed did not count and are dropped.
The downgrade turns every seat back into a confirmed one, with the process's creator standing
in for the proposer and the confirmer (a vote replaced them); candidates and elections go.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "budget_candidate",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_budget_candidate_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_candidate_process_id_budget_process"),
        ),
        sa.PrimaryKeyConstraint("process_id", "person_id", name=op.f("pk_budget_candidate")),
    )
    op.create_table(
        "budget_election",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_election_process_id_budget_process"),
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_budget_election_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_budget_election")),
    )
    with op.batch_alter_table("budget_election", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_election_process_id"), ["process_id"], unique=False
        )

    op.execute("DELETE FROM budget_committee WHERE confirmed_by IS NULL")
    with op.batch_alter_table("budget_committee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_budget_committee_vote_id_vote"), "vote", ["vote_id"], ["id"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_budget_committee_confirmed_by_person"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_budget_committee_proposed_by_person"), type_="foreignkey"
        )
        batch_op.drop_column("confirmed_by")
        batch_op.drop_column("proposed_by")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("budget_committee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE budget_committee SET "
        "proposed_by = (SELECT p.created_by FROM budget_process p "
        "WHERE p.id = budget_committee.process_id), "
        "confirmed_by = (SELECT p.created_by FROM budget_process p "
        "WHERE p.id = budget_committee.process_id)"
    )
    with op.batch_alter_table("budget_committee", schema=None) as batch_op:
        batch_op.alter_column("proposed_by", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_budget_committee_proposed_by_person"), "person", ["proposed_by"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_budget_committee_confirmed_by_person"),
            "person",
            ["confirmed_by"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("fk_budget_committee_vote_id_vote"), type_="foreignkey")
        batch_op.drop_column("vote_id")

    with op.batch_alter_table("budget_election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_election_process_id"))

    op.drop_table("budget_election")
    op.drop_table("budget_candidate")
