"""Indexes for what a daemon reads on every run, so that none of it walks the whole queue
(``tests/integration/test_query_plans.py`` counts SQLite's instructions beside 500 and
5,000 posts):

- when each part was published: pacing and the monthly budget read an account's writes of
  the last day or month before each post, and walked every post of the account (200 ms a
  post at 50,000 queued posts per account, ``benchmarks/bench_million.py``);
- an account's posts by publication time: the live check's first publish of an account;
- articles by embargo: the daemon's next wake read every article for the next embargo end;
- posts by state and lease end: the next lease to run out, and the leases run out, were
  read by walking every post once SQLite's statistics saw one state (scheduled) in all rows.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_post_parts_published_at", "post_parts", ["published_at"])
    op.create_index("ix_posts_account_published_at", "posts", ["account", "published_at"])
    op.create_index("ix_articles_embargo", "articles", ["embargo"])
    op.create_index("ix_posts_status_lease", "posts", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_posts_status_lease", table_name="posts")
    op.drop_index("ix_articles_embargo", table_name="articles")
    op.drop_index("ix_posts_account_published_at", table_name="posts")
    op.drop_index("ix_post_parts_published_at", table_name="post_parts")
