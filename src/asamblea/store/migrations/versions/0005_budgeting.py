"""budgeting: processes, agents, projects, voters apart from ballots, committee, progress

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 01:28:46.336767
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "budget_process",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("calendar", sa.JSON(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("ballot_kind", sa.String(length=16), nullable=False),
        sa.Column("max_choices", sa.Integer(), nullable=True),
        sa.Column("within_budget", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("signed_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cosigned_by", sa.Integer(), nullable=True),
        sa.Column("cosigned_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "ballot_kind IN ('approval', 'cumulative')",
            name=op.f("ck_budget_process_ballot_kind_known"),
        ),
        sa.CheckConstraint(
            "phase IN ('preparation', 'workshops', 'evaluation', 'prioritisation', "
            "'formalisation', 'oversight')",
            name=op.f("ck_budget_process_phase_known"),
        ),
        sa.CheckConstraint("rule IN ('greedy', 'mes')", name=op.f("ck_budget_process_rule_known")),
        sa.CheckConstraint("budget > 0", name=op.f("ck_budget_process_budget_positive")),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_budget_process_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["cosigned_by"], ["person.id"], name=op.f("fk_budget_process_cosigned_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_budget_process_created_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["person.id"], name=op.f("fk_budget_process_signed_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_process")),
    )
    with op.batch_alter_table("budget_process", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_process_assembly_id"), ["assembly_id"], unique=False
        )

    op.create_table(
        "budget_agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("challenge", sa.Text(), nullable=False),
        sa.Column("challenged_by", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('listed', 'challenged', 'excluded')",
            name=op.f("ck_budget_agent_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["challenged_by"], ["person.id"], name=op.f("fk_budget_agent_challenged_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["person.id"], name=op.f("fk_budget_agent_delegate_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_agent_process_id_budget_process"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["person.id"], name=op.f("fk_budget_agent_resolved_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_agent")),
    )
    with op.batch_alter_table("budget_agent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_agent_process_id"), ["process_id"], unique=False
        )

    op.create_table(
        "budget_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_ballot_process_id_budget_process"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_ballot")),
    )
    with op.batch_alter_table("budget_ballot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_ballot_process_id"), ["process_id"], unique=False
        )

    op.create_table(
        "budget_committee",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["person.id"], name=op.f("fk_budget_committee_confirmed_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_budget_committee_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_committee_process_id_budget_process"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["person.id"], name=op.f("fk_budget_committee_proposed_by_person")
        ),
        sa.PrimaryKeyConstraint("process_id", "person_id", name=op.f("pk_budget_committee")),
    )
    op.create_table(
        "budget_technician",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_budget_technician_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_technician_process_id_budget_process"),
        ),
        sa.PrimaryKeyConstraint("process_id", "person_id", name=op.f("pk_budget_technician")),
    )
    op.create_table(
        "budget_voter",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_budget_voter_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_voter_process_id_budget_process"),
        ),
        sa.PrimaryKeyConstraint("process_id", "person_id", name=op.f("pk_budget_voter")),
    )
    op.create_table(
        "budget_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("proposed_cost", sa.BigInteger(), nullable=False),
        sa.Column("beneficiaries", sa.BigInteger(), nullable=False),
        sa.Column("viable", sa.Boolean(), nullable=True),
        sa.Column("evaluation", sa.Text(), nullable=False),
        sa.Column("evaluated_by", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "beneficiaries >= 0", name=op.f("ck_budget_project_beneficiaries_not_negative")
        ),
        sa.CheckConstraint("cost > 0", name=op.f("ck_budget_project_cost_positive")),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["budget_agent.id"], name=op.f("fk_budget_project_agent_id_budget_agent")
        ),
        sa.ForeignKeyConstraint(
            ["evaluated_by"], ["person.id"], name=op.f("fk_budget_project_evaluated_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["budget_process.id"],
            name=op.f("fk_budget_project_process_id_budget_process"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_project")),
    )
    with op.batch_alter_table("budget_project", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_project_process_id"), ["process_id"], unique=False
        )

    op.create_table(
        "budget_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_budget_progress_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["budget_project.id"],
            name=op.f("fk_budget_progress_project_id_budget_project"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["person.id"], name=op.f("fk_budget_progress_recorded_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_progress")),
    )
    with op.batch_alter_table("budget_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_progress_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("budget_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_progress_project_id"))

    op.drop_table("budget_progress")
    with op.batch_alter_table("budget_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_project_process_id"))

    op.drop_table("budget_project")
    op.drop_table("budget_voter")
    op.drop_table("budget_technician")
    op.drop_table("budget_committee")
    with op.batch_alter_table("budget_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_ballot_process_id"))

    op.drop_table("budget_ballot")
    with op.batch_alter_table("budget_agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_agent_process_id"))

    op.drop_table("budget_agent")
    with op.batch_alter_table("budget_process", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_process_assembly_id"))

    op.drop_table("budget_process")
