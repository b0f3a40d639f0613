"""Initial schema: articles, posts, attempts, account state.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("image", sa.Text),
        sa.Column("image_alt", sa.Text),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("author", sa.Text),
        sa.Column("published_at", UTCDateTime),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("variant", sa.String(100), nullable=False),
        sa.Column("parts", sa.JSON, nullable=False),
        sa.Column("media", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("scheduled_at", UTCDateTime, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("needs_reconcile", sa.Boolean, nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("claimed_at", UTCDateTime),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("remote_ids", sa.JSON, nullable=False),
        sa.Column("remote_url", sa.Text),
        sa.Column("error_kind", sa.String(30)),
        sa.Column("error_message", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("published_at", UTCDateTime),
        sa.UniqueConstraint("article_id", "account", "variant", name="uq_posts_article_account_variant"),
    )
    op.create_index("ix_posts_due", "posts", ["status", "next_attempt_at"])
    # At most one post per account in flight, across every worker: the database holds
    # that rule itself, so per-account order needs no lock of ours.
    op.create_index(
        "uq_posts_one_publishing_per_account",
        "posts",
        ["account"],
        unique=True,
        sqlite_where=sa.text("status = 'publishing'"),
        postgresql_where=sa.text("status = 'publishing'"),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("part", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error_code", sa.String(50)),
        sa.Column("error_message", sa.Text),
        sa.Column("remote_id", sa.String(200)),
        sa.Column("sent_text", sa.Text),
    )
    op.create_index("ix_attempts_post", "attempts", ["post_id"])
    op.create_table(
        "account_state",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("needs_attention", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("since", UTCDateTime),
        sa.Column("paused", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("account_state")
    op.drop_table("attempts")
    op.drop_table("posts")
    op.drop_table("articles")
