"""mail: e-mail addresses, the outbox and digests (reserved for #11)

- `mail_address`: the address a person gave for their notices, and where their daily digest
  stands (the last event it covered, when it was queued). Nothing else about them.
- `mail_outbox`: one row per audit event that can be a notice, written in the event's own
  transaction; the runner expands it to recipients and deletes it.
- `mail_delivery`: one row per message (a notice to one person, or a person's digest of a day)
  with a unique Message-ID, its attempts and when to try again; sent rows keep no text.
The downgrade drops what this adds.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = asamblea.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "mail_address",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.Column("digest_up_to", sa.Integer(), nullable=False),
        sa.Column("digest_sent_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mail_address_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_mail_address")),
    )
    op.create_table(
        "mail_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("digest_on", sa.Date(), nullable=True),
        sa.Column("after_id", sa.Integer(), nullable=False),
        sa.Column("up_to", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(event_id IS NULL) <> (digest_on IS NULL)",
            name=op.f("ck_mail_delivery_notice_or_digest"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_mail_delivery_event_id_audit_event")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_mail_delivery_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_delivery_message_id")),
    )
    op.create_index(
        "ix_mail_delivery_due", "mail_delivery", ["sent_at", "next_attempt_at"], unique=False
    )
    op.create_index(
        op.f("ix_mail_delivery_person_id"), "mail_delivery", ["person_id"], unique=False
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_mail_outbox_event_id_audit_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_mail_outbox_event_id")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("mail_outbox")
    op.drop_index(op.f("ix_mail_delivery_person_id"), table_name="mail_delivery")
    op.drop_index("ix_mail_delivery_due", table_name="mail_delivery")
    op.drop_table("mail_delivery")
    op.drop_table("mail_address")
