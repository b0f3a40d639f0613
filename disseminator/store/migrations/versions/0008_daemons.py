"""Daemons' heartbeats, for ``disseminator status``.

One row per daemon (its worker id, ``host:pid``), written when it starts, after every run
(it wakes at least every tick) and when it stops cleanly; a daemon that has not beaten for
three ticks and did not say it stopped is reported by ``status``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daemons",
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("tick_seconds", sa.Float, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("last_beat", UTCDateTime, nullable=False),
        sa.Column("stopped_at", UTCDateTime),
        sa.PrimaryKeyConstraint("worker", name="pk_daemons"),
    )


def downgrade() -> None:
    op.drop_table("daemons")
