"""Alerts (each event once per destination, delivery retried), their bookmarks, and what
the networks last said about each account's token expiry.

``alert_marks`` starts with the last post event already there: alerts cover what happens
from now on, not a history that was never alerted.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0010"
down_revision = "0009"  # re-chained by plan when 0009 landed (two heads break init)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("destination", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("next_try_at", UTCDateTime, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
    )
    op.create_index("uq_alerts_key_destination", "alerts", ["key", "destination"], unique=True)
    op.create_index("ix_alerts_pending", "alerts", ["state", "next_try_at"])
    marks = op.create_table(
        "alert_marks",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime),
        sa.PrimaryKeyConstraint("name", name="pk_alert_marks"),
    )
    last = op.get_bind().execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM post_events")).scalar() or 0
    op.bulk_insert(marks, [{"name": "events", "value": int(last), "at": None},
                           {"name": "tokens", "value": 0, "at": None}])
    op.create_table(
        "account_tokens",
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("expires_at", UTCDateTime),
        sa.Column("checked_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("account", name="pk_account_tokens"),
    )


def downgrade() -> None:
    op.drop_table("account_tokens")
    op.drop_table("alert_marks")
    op.drop_index("ix_alerts_pending", table_name="alerts")
    op.drop_index("uq_alerts_key_destination", table_name="alerts")
    op.drop_table("alerts")
