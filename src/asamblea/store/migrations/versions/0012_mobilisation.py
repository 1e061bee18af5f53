"""mobilisation: struggles, adhesions, actions, tasks, checklists, live updates, pledges

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:20:00

New tables only (issue 12, docs/mobilisation.md). The pledge table has no timestamp on purpose.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "struggle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("demands", sa.Text(), nullable=False),
        sa.Column("against", sa.String(length=160), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("province", sa.String(length=4), nullable=True),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.Column("sector", sa.String(length=24), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('active', 'suspended', 'won', 'lost')", name=op.f("ck_struggle_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_struggle_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_struggle_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_struggle")),
    )
    with op.batch_alter_table("struggle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_struggle_assembly_id"), ["assembly_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_struggle_region"), ["region"], unique=False)

    op.create_table(
        "mobilisation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("struggle_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("starts_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("reveal_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('convened', 'confirmed', 'postponed', 'cancelled', 'held')",
            name=op.f("ck_mobilisation_action_state_known"),
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'members')",
            name=op.f("ck_mobilisation_action_visibility_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assembly.id"],
            name=op.f("fk_mobilisation_action_assembly_id_assembly"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_mobilisation_action_created_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["struggle_id"],
            ["struggle.id"],
            name=op.f("fk_mobilisation_action_struggle_id_struggle"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobilisation_action")),
    )
    with op.batch_alter_table("mobilisation_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mobilisation_action_assembly_id"), ["assembly_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mobilisation_action_region"), ["region"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mobilisation_action_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mobilisation_action_struggle_id"), ["struggle_id"], unique=False
        )

    op.create_table(
        "mobilisation_adhesion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('solidarity', 'adhesion')", name=op.f("ck_mobilisation_adhesion_kind_known")
        ),
        sa.CheckConstraint(
            "state IN ('voting', 'joined', 'rejected')",
            name=op.f("ck_mobilisation_adhesion_state_known"),
        ),
        sa.CheckConstraint(
            "target IN ('struggle', 'action')", name=op.f("ck_mobilisation_adhesion_target_known")
        ),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assembly.id"],
            name=op.f("fk_mobilisation_adhesion_assembly_id_assembly"),
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_mobilisation_adhesion_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mobilisation_adhesion")),
        sa.UniqueConstraint("vote_id", name=op.f("uq_mobilisation_adhesion_vote_id")),
    )
    with op.batch_alter_table("mobilisation_adhesion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mobilisation_adhesion_assembly_id"), ["assembly_id"], unique=False
        )
        batch_op.create_index(
            "ix_mobilisation_adhesion_target", ["target", "target_id"], unique=False
        )

    op.create_table(
        "struggle_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("struggle_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_struggle_update_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["struggle_id"], ["struggle.id"], name=op.f("fk_struggle_update_struggle_id_struggle")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_struggle_update")),
    )
    with op.batch_alter_table("struggle_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_struggle_update_struggle_id"), ["struggle_id"], unique=False
        )

    op.create_table(
        "action_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["mobilisation_action.id"],
            name=op.f("fk_action_checklist_item_action_id_mobilisation_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_checklist_item")),
    )
    with op.batch_alter_table("action_checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_checklist_item_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "action_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("needed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["mobilisation_action.id"],
            name=op.f("fk_action_task_action_id_mobilisation_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_task")),
        sa.UniqueConstraint("action_id", "role", name=op.f("uq_action_task_action_id_role")),
    )
    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=280), nullable=False),
        sa.Column("at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["mobilisation_action.id"],
            name=op.f("fk_action_update_action_id_mobilisation_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_update")),
    )
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_update_action_id"), ["action_id"], unique=False)

    op.create_table(
        "pledge_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("assemblies", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("triggered_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["mobilisation_action.id"],
            name=op.f("fk_pledge_campaign_action_id_mobilisation_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_campaign")),
        sa.UniqueConstraint("action_id", name=op.f("uq_pledge_campaign_action_id")),
    )
    op.create_table(
        "pledge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_pledge_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["pledge_campaign.id"],
            name=op.f("fk_pledge_campaign_id_pledge_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_pledge_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge")),
        sa.UniqueConstraint(
            "campaign_id", "person_id", name=op.f("uq_pledge_campaign_id_person_id")
        ),
    )
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pledge_campaign_assembly", ["campaign_id", "assembly_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pledge_person_id"), ["person_id"], unique=False)

    op.create_table(
        "pledge_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("pledges", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_pledge_tally_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["pledge_campaign.id"],
            name=op.f("fk_pledge_tally_campaign_id_pledge_campaign"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "assembly_id", name=op.f("pk_pledge_tally")),
    )
    op.create_table(
        "task_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_task_signup_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["action_task.id"], name=op.f("fk_task_signup_task_id_action_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_signup")),
        sa.UniqueConstraint("task_id", "person_id", name=op.f("uq_task_signup_task_id_person_id")),
    )
    with op.batch_alter_table("task_signup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_signup_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("task_signup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_signup_person_id"))

    op.drop_table("task_signup")
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_person_id"))
        batch_op.drop_index("ix_pledge_campaign_assembly")

    op.drop_table("pledge_tally")
    op.drop_table("pledge")
    op.drop_table("pledge_campaign")
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_update_action_id"))

    op.drop_table("action_update")
    op.drop_table("action_task")
    with op.batch_alter_table("action_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_checklist_item_action_id"))

    op.drop_table("action_checklist_item")
    with op.batch_alter_table("struggle_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_struggle_update_struggle_id"))

    op.drop_table("struggle_update")
    with op.batch_alter_table("mobilisation_adhesion", schema=None) as batch_op:
        batch_op.drop_index("ix_mobilisation_adhesion_target")
        batch_op.drop_index(batch_op.f("ix_mobilisation_adhesion_assembly_id"))

    op.drop_table("mobilisation_adhesion")
    with op.batch_alter_table("mobilisation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mobilisation_action_struggle_id"))
        batch_op.drop_index(batch_op.f("ix_mobilisation_action_starts_at"))
        batch_op.drop_index(batch_op.f("ix_mobilisation_action_region"))
        batch_op.drop_index(batch_op.f("ix_mobilisation_action_assembly_id"))

    op.drop_table("mobilisation_action")
    with op.batch_alter_table("struggle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_struggle_region"))
        batch_op.drop_index(batch_op.f("ix_struggle_assembly_id"))

    op.drop_table("struggle")
