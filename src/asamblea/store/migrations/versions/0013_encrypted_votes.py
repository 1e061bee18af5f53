"""encrypted votes: trustees, key ceremony, encrypted ballots, decryption shares

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:20:00

- `encrypted_vote`: one row per vote cast encrypted (its presence is the flag): selection bounds,
  trustees `n` and threshold `t`, the ceremony id, and once the ceremony is complete the election
  key and the frozen manifest; once closed the homomorphic tally and the counts.
- `encrypted_trustee`: trustees numbered 1..n among the members, their box key and public dealing.
- `encrypted_sealed_share`: shares sealed to a trustee's box key (the server cannot open them).
- `encrypted_ballot`: the chain of encrypted ballots (no voter, no time), `encrypted_alpha` every
  ciphertext's first point (a copied ciphertext is refused); `encrypted_audit`:
  ballots audited by their voters, never cast; `encrypted_share`: verified decryption shares.

The downgrade drops the seven tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "encrypted_alpha",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_alpha_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "alpha", name=op.f("pk_encrypted_alpha")),
    )
    op.create_table(
        "encrypted_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("ballot", sa.JSON(), nullable=False),
        sa.Column("selections", sa.JSON(), nullable=False),
        sa.Column("nonces", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_audit_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encrypted_audit")),
    )
    with op.batch_alter_table("encrypted_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encrypted_audit_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "encrypted_ballot",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("previous", sa.String(length=64), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("tracker", sa.String(length=64), nullable=False),
        sa.Column("ballot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_ballot_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "position", name=op.f("pk_encrypted_ballot")),
        sa.UniqueConstraint(
            "vote_id", "previous", name=op.f("uq_encrypted_ballot_vote_id_previous")
        ),
        sa.UniqueConstraint("vote_id", "tracker", name=op.f("uq_encrypted_ballot_vote_id_tracker")),
    )
    op.create_table(
        "encrypted_sealed_share",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recipient", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_sealed_share_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint(
            "vote_id", "sender", "recipient", name=op.f("pk_encrypted_sealed_share")
        ),
    )
    op.create_table(
        "encrypted_share",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("trustee", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("share", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_share_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "trustee", name=op.f("pk_encrypted_share")),
    )
    op.create_table(
        "encrypted_trustee",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("box_key", sa.String(length=64), nullable=True),
        sa.Column("dealing", sa.JSON(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "number >= 1 AND number <= 64", name=op.f("ck_encrypted_trustee_number_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_encrypted_trustee_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_trustee_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", "number", name=op.f("pk_encrypted_trustee")),
        sa.UniqueConstraint(
            "vote_id", "person_id", name=op.f("uq_encrypted_trustee_vote_id_person_id")
        ),
    )
    op.create_table(
        "encrypted_vote",
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("trustees", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("min_selections", sa.Integer(), nullable=False),
        sa.Column("max_selections", sa.Integer(), nullable=False),
        sa.Column("ceremony", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=True),
        sa.Column("tally", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "min_selections >= 0 AND min_selections <= max_selections",
            name=op.f("ck_encrypted_vote_selections_range"),
        ),
        sa.CheckConstraint(
            "threshold >= 1 AND threshold <= trustees AND trustees <= 64",
            name=op.f("ck_encrypted_vote_threshold_range"),
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"], ["vote.id"], name=op.f("fk_encrypted_vote_vote_id_vote")
        ),
        sa.PrimaryKeyConstraint("vote_id", name=op.f("pk_encrypted_vote")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("encrypted_alpha")
    op.drop_table("encrypted_vote")
    op.drop_table("encrypted_trustee")
    op.drop_table("encrypted_share")
    op.drop_table("encrypted_sealed_share")
    op.drop_table("encrypted_ballot")
    with op.batch_alter_table("encrypted_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encrypted_audit_vote_id"))

    op.drop_table("encrypted_audit")
