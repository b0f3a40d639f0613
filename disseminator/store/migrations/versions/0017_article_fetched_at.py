"""An article read from a web page keeps when it was fetched (``article add URL``): its
``source`` is the page's URL and ``fetched_at`` the time the revision's content was read.
None for articles from files.  And ``websub_subscriptions``: a feed's WebSub subscription
(disseminator/store/websub_models.py; no secret is stored).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("fetched_at", UTCDateTime(), nullable=True))
    op.create_table(
        "websub_subscriptions",
        sa.Column("feed_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hub", sa.Text(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("pushed_at", UTCDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("websub_subscriptions")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("fetched_at")
