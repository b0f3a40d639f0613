"""An article read from a web page keeps when it was fetched (``article add URL``): its
``source`` is the page's URL and ``fetched_at`` the time the revision's content was read.
None for articles from files.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.models import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("fetched_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("fetched_at")
