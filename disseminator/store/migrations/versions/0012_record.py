"""The publication record: an append-only table of what was decided and published, each
row carrying the hash of the one before (:mod:`disseminator.store.record`).

- ``record``: one row per event; triggers refuse UPDATE, DELETE (and on PostgreSQL
  TRUNCATE) on it.
- ``record_head``: one row, the last entry's place and hash, kept by a trigger on each
  insert; appends lock it, so several daemons never fork the chain.

The record starts empty: what happened before this version is in ``post_events``.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
REFUSED = "the publication record is append-only"

POSTGRES_UP = (
    f"""CREATE FUNCTION record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{REFUSED}: % refused', TG_OP; END $$""",
    """CREATE TRIGGER record_append_only BEFORE UPDATE OR DELETE ON record
    FOR EACH ROW EXECUTE FUNCTION record_refuse_change()""",
    """CREATE TRIGGER record_no_truncate BEFORE TRUNCATE ON record
    FOR EACH STATEMENT EXECUTE FUNCTION record_refuse_change()""",
    """CREATE FUNCTION record_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE record_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; RETURN NEW; END $$""",
    """CREATE TRIGGER record_head_follows AFTER INSERT ON record
    FOR EACH ROW EXECUTE FUNCTION record_advance_head()""",
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS record_head_follows ON record",
    "DROP TRIGGER IF EXISTS record_no_truncate ON record",
    "DROP TRIGGER IF EXISTS record_append_only ON record",
    "DROP FUNCTION IF EXISTS record_advance_head()",
    "DROP FUNCTION IF EXISTS record_refuse_change()",
)
SQLITE_UP = (
    f"CREATE TRIGGER record_no_update BEFORE UPDATE ON record BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE refused'); END",
    f"CREATE TRIGGER record_no_delete BEFORE DELETE ON record BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE refused'); END",
    "CREATE TRIGGER record_head_follows AFTER INSERT ON record "
    "BEGIN UPDATE record_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1; END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS record_head_follows",
    "DROP TRIGGER IF EXISTS record_no_delete",
    "DROP TRIGGER IF EXISTS record_no_update",
)


def upgrade() -> None:
    op.create_table(
        "record",
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("post_id", sa.Integer),
        sa.Column("account", sa.String(200)),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_record"),
    )
    op.create_index("ix_record_post", "record", ["post_id"])
    op.create_index("ix_record_at", "record", ["at"])
    head = op.create_table(
        "record_head",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_record_head"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    for statement in POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table("record_head")
    op.drop_index("ix_record_at", table_name="record")
    op.drop_index("ix_record_post", table_name="record")
    op.drop_table("record")
