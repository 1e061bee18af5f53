"""memory archive: cases, items, wrapped keys, custody log, intake links, uploads

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import asamblea.store.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "archive_case",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("memorial", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assembly.id"], name=op.f("fk_archive_case_assembly_id_assembly")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_archive_case_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_case")),
    )
    with op.batch_alter_table("archive_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_case_assembly_id"), ["assembly_id"], unique=False
        )

    op.create_table(
        "archive_member_key",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("protected", sa.JSON(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_archive_member_key_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_archive_member_key")),
    )
    op.create_table(
        "archive_custody",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_custody_case_id_archive_case")
        ),
        sa.PrimaryKeyConstraint("case_id", "seq", name=op.f("pk_archive_custody")),
    )
    op.create_table(
        "archive_intake_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "consent IN ('public', 'federation', 'team', 'legal')",
            name=op.f("ck_archive_intake_link_consent_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["archive_case.id"],
            name=op.f("fk_archive_intake_link_case_id_archive_case"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["person.id"], name=op.f("fk_archive_intake_link_created_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_intake_link")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_archive_intake_link_token_digest")),
    )
    with op.batch_alter_table("archive_intake_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_intake_link_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "archive_item",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("holder_digest", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("tags", sa.String(length=400), nullable=True),
        sa.Column("name_box", sa.LargeBinary(), nullable=True),
        sa.Column("blob_id", sa.String(length=32), nullable=True),
        sa.Column("shown_blob_id", sa.String(length=32), nullable=True),
        sa.Column("received_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "consent IN ('public', 'federation', 'team', 'legal')",
            name=op.f("ck_archive_item_consent_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('text', 'photo', 'audio', 'video', 'document')",
            name=op.f("ck_archive_item_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_item_case_id_archive_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_item")),
        sa.UniqueConstraint("holder_digest", name=op.f("uq_archive_item_holder_digest")),
    )
    with op.batch_alter_table("archive_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_item_case_id"), ["case_id"], unique=False)

    op.create_table(
        "archive_team",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("handle", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("joined_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('team', 'legal')", name=op.f("ck_archive_team_role_known")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_team_case_id_archive_case")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_archive_team_person_id_person")
        ),
        sa.PrimaryKeyConstraint("case_id", "person_id", name=op.f("pk_archive_team")),
    )
    op.create_table(
        "archive_victim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "consent IN ('public', 'federation', 'team', 'legal')",
            name=op.f("ck_archive_victim_consent_known"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_victim_case_id_archive_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_victim")),
    )
    with op.batch_alter_table("archive_victim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_victim_case_id"), ["case_id"], unique=False)

    op.create_table(
        "archive_upload",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("held_key", sa.LargeBinary(), nullable=False),
        sa.Column("wraps", sa.JSON(), nullable=False),
        sa.Column("name_box", sa.LargeBinary(), nullable=True),
        sa.Column("consent", sa.String(length=12), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["archive_case.id"], name=op.f("fk_archive_upload_case_id_archive_case")
        ),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["archive_intake_link.id"],
            name=op.f("fk_archive_upload_link_id_archive_intake_link"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_archive_upload_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_upload")),
    )
    with op.batch_alter_table("archive_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_upload_case_id"), ["case_id"], unique=False)

    op.create_table(
        "archive_wrapped_key",
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["archive_item.id"],
            name=op.f("fk_archive_wrapped_key_item_id_archive_item"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_archive_wrapped_key_person_id_person")
        ),
        sa.PrimaryKeyConstraint("item_id", "person_id", name=op.f("pk_archive_wrapped_key")),
    )
    op.create_table(
        "archive_unlock",
        sa.Column("session_digest", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("held", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_archive_unlock_person_id_person")
        ),
        sa.PrimaryKeyConstraint("session_digest", name=op.f("pk_archive_unlock")),
    )
    with op.batch_alter_table("archive_unlock", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_unlock_person_id"), ["person_id"], unique=False
        )
    _protect_custody_log()
    _search_index()


def _search_index() -> None:
    """The search rows and the database's own full-text index over them (docs/archive.md).

    PostgreSQL's GIN index is built without its pending list (``fastupdate = off``): every
    query then reads only the index entries of the circles it names, never a list of recent
    rows of every circle (which would also make queries slower until the next vacuum).
    """
    op.create_table(
        "archive_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", asamblea.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["archive_item.id"], name=op.f("fk_archive_search_item_id_archive_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_search")),
        sa.UniqueConstraint("item_id", name=op.f("uq_archive_search_item_id")),
    )
    with op.batch_alter_table("archive_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_search_case_id"), ["case_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE archive_search_fts USING fts5(terms, "
            "content='archive_search', content_rowid='id', tokenize='ascii')"
        )
        op.execute(
            "CREATE TRIGGER archive_search_fts_insert AFTER INSERT ON archive_search BEGIN "
            "INSERT INTO archive_search_fts(rowid, terms) VALUES (new.id, new.terms); END"
        )
        op.execute(
            "CREATE TRIGGER archive_search_fts_delete AFTER DELETE ON archive_search BEGIN "
            "INSERT INTO archive_search_fts(archive_search_fts, rowid, terms) "
            "VALUES ('delete', old.id, old.terms); END"
        )
        op.execute(
            "CREATE TRIGGER archive_search_fts_update AFTER UPDATE ON archive_search BEGIN "
            "INSERT INTO archive_search_fts(archive_search_fts, rowid, terms) "
            "VALUES ('delete', old.id, old.terms); "
            "INSERT INTO archive_search_fts(rowid, terms) VALUES (new.id, new.terms); END"
        )
        return
    op.execute(
        "CREATE INDEX ix_archive_search_terms ON archive_search "
        "USING gin (array_to_tsvector(string_to_array(terms, ' '))) WITH (fastupdate = off)"
    )


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS archive_search_fts_{event}")
        op.execute("DROP TABLE IF EXISTS archive_search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_archive_search_terms")
    with op.batch_alter_table("archive_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_search_case_id"))
    op.drop_table("archive_search")


APPEND_ONLY_MESSAGE = "archive_custody is append-only"


def _protect_custody_log() -> None:
    """Refuse UPDATE and DELETE on the custody log at the database itself (like the audit log)."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER archive_custody_no_{event.lower()} BEFORE {event} "
                f"ON archive_custody BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION archive_custody_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER archive_custody_append_only BEFORE UPDATE OR DELETE ON archive_custody "
        "FOR EACH ROW EXECUTE FUNCTION archive_custody_append_only()"
    )


def downgrade() -> None:
    """Revert this revision."""
    _drop_search_index()
    with op.batch_alter_table("archive_unlock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_unlock_person_id"))
    op.drop_table("archive_unlock")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS archive_custody_no_update")
        op.execute("DROP TRIGGER IF EXISTS archive_custody_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS archive_custody_append_only ON archive_custody")
        op.execute("DROP FUNCTION IF EXISTS archive_custody_append_only()")
    op.drop_table("archive_wrapped_key")
    with op.batch_alter_table("archive_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_upload_case_id"))

    op.drop_table("archive_upload")
    with op.batch_alter_table("archive_victim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_victim_case_id"))

    op.drop_table("archive_victim")
    op.drop_table("archive_team")
    with op.batch_alter_table("archive_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_item_case_id"))

    op.drop_table("archive_item")
    with op.batch_alter_table("archive_intake_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_intake_link_case_id"))

    op.drop_table("archive_intake_link")
    op.drop_table("archive_custody")
    op.drop_table("archive_member_key")
    with op.batch_alter_table("archive_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_case_assembly_id"))

    op.drop_table("archive_case")
