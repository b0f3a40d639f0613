"""A post's link card, for a network whose card the channel builds itself (Bluesky's
``app.bsky.embed.external``: the article's title and description beside its link).
Rendered once with the post, like its text, so what the officer previewed goes out.

Revision ID: 0023
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: a batch (copy-and-move) on SQLite would lose
    # the expression index ix_posts_done_time (0016), which batch mode cannot reflect.
    op.add_column("posts", sa.Column("card", sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite 3.35+ drops a column in place
        op.execute("ALTER TABLE posts DROP COLUMN card")
    else:
        op.drop_column("posts", "card")
