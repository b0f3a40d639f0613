"""Account-wide rate limits: the time an account's network takes calls again.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_state") as batch:
        batch.add_column(sa.Column("resume_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_state") as batch:
        batch.drop_column("resume_at")
