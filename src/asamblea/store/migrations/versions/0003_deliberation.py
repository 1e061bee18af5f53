"""deliberation: proposals, escalation, charter, delegates, mandates, recall

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 01:00:00.659124
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "charter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_charter_assembly_id_assembly")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter")),
        sa.UniqueConstraint("assembly_id", name=op.f("uq_charter_assembly_id")),
    )
    op.create_table(
        "delegate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("election_vote_id", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["assembly.id"], name=op.f("fk_delegate_child_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["election_vote_id"], ["vote.id"], name=op.f("fk_delegate_election_vote_id_vote")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["assembly.id"], name=op.f("fk_delegate_parent_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_delegate_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegate")),
    )
    with op.batch_alter_table("delegate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegate_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegate_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delegate_person_id"), ["person_id"], unique=False)

    op.create_table(
        "mandate",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["assembly.id"], name=op.f("fk_mandate_child_id_assembly")
        ),
        sa.ForeignKeyConstraint(["set_by"], ["person.id"], name=op.f("fk_mandate_set_by_person")),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_mandate_vote_id_vote")),
        sa.PrimaryKeyConstraint("vote_id", "child_id", name=op.f("pk_mandate")),
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_proposal_version_positive")),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_proposal_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_proposal_author_id_person")
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_proposal_vote_id_vote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_assembly_id"), ["assembly_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_amendment_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["person.id"], name=op.f("fk_amendment_hidden_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_amendment_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["vote.id"], name=op.f("fk_amendment_vote_id_vote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment")),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "argument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_argument_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["person.id"], name=op.f("fk_argument_hidden_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["argument.id"], name=op.f("fk_argument_parent_id_argument")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_argument_proposal_id_proposal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_argument")),
    )
    with op.batch_alter_table("argument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_argument_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "article_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("charter_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("backed_by", sa.JSON(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "number >= 1 AND version >= 1", name=op.f("ck_article_version_numbers_positive")
        ),
        sa.ForeignKeyConstraint(
            ["charter_id"], ["charter.id"], name=op.f("fk_article_version_charter_id_charter")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["proposal.id"], name=op.f("fk_article_version_proposed_by_proposal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_version")),
        sa.UniqueConstraint(
            "charter_id",
            "number",
            "version",
            name=op.f("uq_article_version_charter_id_number_version"),
        ),
    )
    with op.batch_alter_table("article_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_version_charter_id"), ["charter_id"], unique=False
        )

    op.create_table(
        "charter_wording",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("charter_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["charter_id"], ["charter.id"], name=op.f("fk_charter_wording_charter_id_charter")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_charter_wording_proposal_id_proposal")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_charter_wording")),
    )
    with op.batch_alter_table("charter_wording", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_charter_wording_charter_id"), ["charter_id"], unique=False
        )

    op.create_table(
        "delegate_election",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("term_starts", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("term_ends", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["assembly.id"], name=op.f("fk_delegate_election_child_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["assembly.id"], name=op.f("fk_delegate_election_parent_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["delegate.id"], name=op.f("fk_delegate_election_replaces_id_delegate")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_delegate_election_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_delegate_election")),
    )
    with op.batch_alter_table("delegate_election", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delegate_election_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("from_assembly_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("agenda_proposal_id", sa.Integer(), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_proposal_id"],
            ["proposal.id"],
            name=op.f("fk_escalation_agenda_proposal_id_proposal"),
        ),
        sa.ForeignKeyConstraint(
            ["from_assembly_id"],
            ["assembly.id"],
            name=op.f("fk_escalation_from_assembly_id_assembly"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["assembly.id"], name=op.f("fk_escalation_parent_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_escalation_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["person.id"], name=op.f("fk_escalation_sent_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_escalation_proposal_id")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "proposal_support",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_proposal_support_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_proposal_support_proposal_id_proposal")
        ),
        sa.PrimaryKeyConstraint("proposal_id", "person_id", name=op.f("pk_proposal_support")),
    )
    op.create_table(
        "recall_petition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["delegate.id"], name=op.f("fk_recall_petition_delegate_id_delegate")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["person.id"], name=op.f("fk_recall_petition_opened_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_recall_petition_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recall_petition")),
    )
    with op.batch_alter_table("recall_petition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recall_petition_delegate_id"), ["delegate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recall_petition_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "escalation_adoption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"],
            ["assembly.id"],
            name=op.f("fk_escalation_adoption_assembly_id_assembly"),
        ),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalation.id"],
            name=op.f("fk_escalation_adoption_escalation_id_escalation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["person.id"], name=op.f("fk_escalation_adoption_recorded_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_adoption")),
    )
    with op.batch_alter_table("escalation_adoption", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_adoption_escalation_id"), ["escalation_id"], unique=False
        )

    op.create_table(
        "proposal_text",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["amendment.id"], name=op.f("fk_proposal_text_amendment_id_amendment")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_proposal_text_proposal_id_proposal")
        ),
        sa.PrimaryKeyConstraint("proposal_id", "version", name=op.f("pk_proposal_text")),
    )
    op.create_table(
        "recall_signature",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_recall_signature_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["recall_petition.id"],
            name=op.f("fk_recall_signature_petition_id_recall_petition"),
        ),
        sa.PrimaryKeyConstraint("petition_id", "person_id", name=op.f("pk_recall_signature")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("recall_signature")
    op.drop_table("proposal_text")
    with op.batch_alter_table("escalation_adoption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_adoption_escalation_id"))

    op.drop_table("escalation_adoption")
    with op.batch_alter_table("recall_petition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recall_petition_vote_id"))
        batch_op.drop_index(batch_op.f("ix_recall_petition_delegate_id"))

    op.drop_table("recall_petition")
    op.drop_table("proposal_support")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_parent_id"))

    op.drop_table("escalation")
    with op.batch_alter_table("delegate_election", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegate_election_child_id"))

    op.drop_table("delegate_election")
    with op.batch_alter_table("charter_wording", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charter_wording_charter_id"))

    op.drop_table("charter_wording")
    with op.batch_alter_table("article_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_version_charter_id"))

    op.drop_table("article_version")
    with op.batch_alter_table("argument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_argument_proposal_id"))

    op.drop_table("argument")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_vote_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_proposal_id"))

    op.drop_table("amendment")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_vote_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_assembly_id"))

    op.drop_table("proposal")
    op.drop_table("mandate")
    with op.batch_alter_table("delegate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegate_person_id"))
        batch_op.drop_index(batch_op.f("ix_delegate_parent_id"))
        batch_op.drop_index(batch_op.f("ix_delegate_child_id"))

    op.drop_table("delegate")
    op.drop_table("charter")
