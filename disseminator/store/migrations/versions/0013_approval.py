"""Approval: ``posts.status`` may be ``awaiting_approval`` (a post that waits for an
approver before the daemon may claim it).

Revision ID: 0013
Revises: 0011
"""

from __future__ import annotations

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
