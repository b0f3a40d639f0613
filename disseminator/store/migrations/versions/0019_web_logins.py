"""The web page's logins: officers' password hashes (argon2, set with ``officers passwd``),
server-side sessions (logout ends one; idle and absolute timeouts), and failed logins
(counted per officer and per client address, so several processes agree on the limit).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officer_passwords",
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("hash", sa.String(300), nullable=False),
        sa.Column("set_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("officer", name="pk_officer_passwords"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("notices", sa.JSON),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_officer", "web_sessions", ["officer"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("address", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_login_failures_officer", "login_failures", ["officer", "at"])
    op.create_index("ix_login_failures_address", "login_failures", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_address", table_name="login_failures")
    op.drop_index("ix_login_failures_officer", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_web_sessions_officer", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("officer_passwords")
