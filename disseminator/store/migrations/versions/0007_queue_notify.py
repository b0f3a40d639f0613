"""PostgreSQL tells listening daemons when the queue changes (LISTEN/NOTIFY).

A statement on ``posts`` or ``account_holds`` (a post queued, rescheduled, sent again, a
hold lifted) sends one notification on the channel ``disseminator_queue`` when its
transaction commits (PostgreSQL folds repeats within a transaction into one), so an idle
daemon wakes at once instead of at its next tick.  SQLite has no such thing: the daemon
watches ``PRAGMA data_version`` there (``disseminator/store/notify.py``).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("posts", "account_holds")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION disseminator_queue_changed() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('disseminator_queue', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
    """)
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER {table}_queue_changed
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION disseminator_queue_changed()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_queue_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS disseminator_queue_changed()")
