"""Posts in doubt: ``posts.status`` may be ``unknown``, a post whose write may have landed
on a network that cannot be asked whether it did (Telegram's Bot API reads no channel
back).  An officer looks on the network and settles it with ``post confirm``.

Revision ID: 0021
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled", "missed", "withdrawn",
                "awaiting_approval")
STATUSES = (*OLD_STATUSES, "unknown")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _keep_expression_index() -> None:
    # SQLite's batch mode rebuilds the table and cannot carry an expression index over
    # (0016's, which history reads in order): it is made again, as 0016 made it.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_posts_done_time ON posts (coalesce(published_at, updated_at), id)")


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", STATUSES))
    _keep_expression_index()


def downgrade() -> None:
    # The old schema has no such state: a post in doubt goes back to the queue marked to be
    # looked up first (what it was before this state existed); nothing is sent blind.
    op.execute("UPDATE posts SET status = 'scheduled', needs_reconcile = TRUE WHERE status = 'unknown'")
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", OLD_STATUSES))
    _keep_expression_index()
