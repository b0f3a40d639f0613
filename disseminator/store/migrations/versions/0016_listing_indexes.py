"""Listings of any size: ``queue``'s first page walks posts in planned order and
``history``'s in the order they were done, reading 51 rows instead of sorting the whole
table (a full scan and sort took 0.3 s at 100,000 posts on PostgreSQL and grew with it);
every run's "which accounts have queued posts" seeks once per account.

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


def upgrade() -> None:
    op.create_index("ix_posts_planned", "posts", ["scheduled_at", "id"])
    # Which accounts have queued posts (every run asks): one seek per account (Store.queued_accounts).
    op.create_index("ix_posts_status_account", "posts", ["status", "account"])
    # When a done post was done: the expression history orders by (see Store.post_page).
    op.create_index("ix_posts_done_time", "posts", [sa.text("coalesce(published_at, updated_at)"), "id"])


def downgrade() -> None:
    op.drop_index("ix_posts_done_time", table_name="posts")
    op.drop_index("ix_posts_status_account", table_name="posts")
    op.drop_index("ix_posts_planned", table_name="posts")
