"""A post's link card, for a network whose card the channel builds itself (Bluesky's
``app.bsky.embed.external``: the article's title and description beside its link).
Rendered once with the post, like its text, so what the officer previewed goes out.

Revision ID: 0023
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("card", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("card")
