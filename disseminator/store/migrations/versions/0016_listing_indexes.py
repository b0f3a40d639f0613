"""Listings of any size: ``queue``'s first page walks posts in planned order and
``history``'s in the order they were done, reading 51 rows instead of sorting the whole
table (a full scan and sort took 0.3 s at 100,000 posts on PostgreSQL and grew with it);
every run's "which accounts have queued posts" seeks once per account.  On PostgreSQL the
queue's change notice names its schema (``schema.table``): the channel is the database's,
and a daemon woke for changes to queues in other schemas of the same database (13% CPU
idle beside busy neighbours; disseminator/store/notify.py ignores them now).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


#: The notice's trigger function (migration 0007) before and after.
NOTIFY = """
    CREATE OR REPLACE FUNCTION disseminator_queue_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM pg_notify('disseminator_queue', {payload});
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY.format(payload="TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME"))
    op.create_index("ix_posts_planned", "posts", ["scheduled_at", "id"])
    # Which accounts have queued posts (every run asks): one seek per account (Store.queued_accounts).
    op.create_index("ix_posts_status_account", "posts", ["status", "account"])
    # When a done post was done: the expression history orders by (see Store.post_page).
    op.create_index("ix_posts_done_time", "posts", [sa.text("coalesce(published_at, updated_at)"), "id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY.format(payload="TG_TABLE_NAME"))
    op.drop_index("ix_posts_done_time", table_name="posts")
    op.drop_index("ix_posts_status_account", table_name="posts")
    op.drop_index("ix_posts_planned", table_name="posts")
