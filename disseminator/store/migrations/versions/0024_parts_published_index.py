"""An index on when each part was published: pacing and the monthly budget read an
account's writes of the last day or month before each post, and without it they walked
every post of the account (its whole queue: 200 ms a post at 50,000 queued posts per
account, ``benchmarks/bench_million.py``).

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


def downgrade() -> None:
    op.drop_index("ix_post_parts_published_at", table_name="post_parts")
