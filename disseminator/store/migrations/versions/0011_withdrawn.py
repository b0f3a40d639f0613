"""Corrections: a published post may be withdrawn (deleted from the network by an officer
with ``unpublish``).

- ``posts.status`` may be ``withdrawn``; a withdrawn post no longer holds its article,
  account and variant (the live-post index leaves it out), so a correction can be queued.
- ``post_parts.state`` may be ``deleted`` (the part's ``remote_id`` is kept): a thread
  whose delete stopped half-way says which parts are gone.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled", "missed")
STATUSES = (*OLD_STATUSES, "withdrawn")
OLD_PART_STATES = ("pending", "published")
PART_STATES = (*OLD_PART_STATES, "deleted")
OLD_LIVE = "status NOT IN ('cancelled', 'failed')"
LIVE = "status NOT IN ('cancelled', 'failed', 'withdrawn')"
INDEX = "uq_posts_live_article_account_variant"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _live_index(where: str) -> None:
    op.drop_index(INDEX, "posts")
    op.create_index(INDEX, "posts", ["article_id", "account", "variant"], unique=True,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", STATUSES))
    with op.batch_alter_table("post_parts") as batch:
        batch.drop_constraint("ck_post_parts_state", type_="check")
        batch.create_check_constraint("ck_post_parts_state", _in("state", PART_STATES))
    _live_index(LIVE)


def downgrade() -> None:
    # The old schema has no such states: a withdrawn post was published, and goes back to
    # that, under a variant of its own (a correction may hold its article and account).
    op.execute("UPDATE posts SET variant = variant || '#' || CAST(id AS VARCHAR(20)), status = 'published' "
               "WHERE status = 'withdrawn'")
    op.execute("UPDATE post_parts SET state = 'published' WHERE state = 'deleted'")
    _live_index(OLD_LIVE)
    with op.batch_alter_table("post_parts") as batch:
        batch.drop_constraint("ck_post_parts_state", type_="check")
        batch.create_check_constraint("ck_post_parts_state", _in("state", OLD_PART_STATES))
    with op.batch_alter_table("posts") as batch:
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.create_check_constraint("ck_posts_status", _in("status", OLD_STATUSES))
