"""Approval: ``posts.status`` may be ``awaiting_approval`` (a post that waits for an
approver before the daemon may claim it), and a post keeps the approval it needed, who
drafted it and who approved it.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"  # re-chained by record: 0012 (the publication record) comes first
branch_labels = None
depends_on = None

OLD_STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled", "missed", "withdrawn")
STATUSES = (*OLD_STATUSES, "awaiting_approval")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("approval", sa.String(10), nullable=True))
        batch.add_column(sa.Column("drafted_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.JSON(), nullable=True))
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", STATUSES))


def downgrade() -> None:
    # The old schema has no such state: a post still awaiting approval was never sent,
    # and is cancelled there (its events say why).
    op.execute("UPDATE posts SET status = 'cancelled' WHERE status = 'awaiting_approval'")
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", OLD_STATUSES))
        batch.drop_column("approved_by")
        batch.drop_column("drafted_by")
        batch.drop_column("approval")
