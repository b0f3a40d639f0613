"""Corrections: ``posts.status`` may be ``withdrawn`` (published, then deleted from the
network by an officer with ``unpublish``).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled", "missed")
STATUSES = (*OLD_STATUSES, "withdrawn")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", STATUSES))


def downgrade() -> None:
    # The old schema has no such state: a withdrawn post was published, and stays so there.
    op.execute("UPDATE posts SET status = 'published' WHERE status = 'withdrawn'")
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", OLD_STATUSES))
