"""Holds and embargoes (issue 12 point 3).

- ``posts.urgent``: a disaster warning or public-safety notice (``schedule --urgent``);
  it passes a pause placed with ``--allow-urgent``, and no other hold.
- ``account_holds.allow_urgent``: this pause lets urgent posts through.
- ``articles.embargo``: no post of the article goes out before this time, whatever its
  schedule says (the claim reads it).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("account_holds") as batch:
        batch.add_column(sa.Column("allow_urgent", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("embargo", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("embargo")
    with op.batch_alter_table("account_holds") as batch:
        batch.drop_column("allow_urgent")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("urgent")
