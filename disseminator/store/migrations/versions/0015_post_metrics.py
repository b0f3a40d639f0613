"""Engagement figures: ``post_metrics`` holds what the network said of a published post's
reach and reactions at 1 hour, 24 hours and 7 days after it went out (one row per post
and mark), and posts are indexed by (status, published_at) so the due snapshots (and a
month's report) are found without reading the whole history.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_metrics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("taken_at", UTCDateTime, nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
    )
    op.create_index("uq_post_metrics_post_mark", "post_metrics", ["post_id", "mark"], unique=True)
    op.create_index("ix_posts_status_published_at", "posts", ["status", "published_at"])
    marks = sa.table("alert_marks", sa.column("name", sa.String), sa.column("value", sa.Integer),
                     sa.column("at", UTCDateTime))
    op.bulk_insert(marks, [{"name": "metrics", "value": 0, "at": None}])


def downgrade() -> None:
    op.execute("DELETE FROM alert_marks WHERE name = 'metrics'")
    op.drop_index("ix_posts_status_published_at", table_name="posts")
    op.drop_index("uq_post_metrics_post_mark", table_name="post_metrics")
    op.drop_table("post_metrics")
