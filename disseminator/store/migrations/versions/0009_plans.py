"""Posting plans: the ``missed`` status, blackout holds and recurring posts.

- ``posts.status`` may be ``missed`` (overdue past ``worker.grace``; an officer decides).
- ``account_holds.kind`` may be ``blackout`` (a plan's blackout window, until its end).
- ``posts.recurrence`` (a crontab expression) and ``posts.recurrence_of`` (the post this
  one follows), unique: a recurring post's next occurrence is queued exactly once, by
  whichever worker settles it, whatever crashes or races.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled")
STATUSES = (*OLD_STATUSES, "missed")
OLD_KINDS = ("rate_limit", "attention", "pause", "budget")
KINDS = (*OLD_KINDS, "blackout")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", STATUSES))
        batch.add_column(sa.Column("recurrence", sa.String(200)))
        batch.add_column(sa.Column("recurrence_of", sa.Integer))
    op.create_index("uq_posts_recurrence_of", "posts", ["recurrence_of"], unique=True)
    with op.batch_alter_table("account_holds") as batch:
        batch.drop_constraint("ck_account_holds_kind", type_="check")
        batch.create_check_constraint("ck_account_holds_kind", _in("kind", KINDS))


def downgrade() -> None:
    # Missed posts go back to the queue (the old schema has no such state); blackout holds
    # are recomputed from the configuration by the new code only, so they go.
    op.execute("UPDATE posts SET status = 'scheduled' WHERE status = 'missed'")
    op.execute("DELETE FROM account_holds WHERE kind = 'blackout'")
    with op.batch_alter_table("account_holds") as batch:
        batch.drop_constraint("ck_account_holds_kind", type_="check")
        batch.create_check_constraint("ck_account_holds_kind", _in("kind", OLD_KINDS))
    op.drop_index("uq_posts_recurrence_of", "posts")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("recurrence_of")
        batch.drop_column("recurrence")
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", OLD_STATUSES))
