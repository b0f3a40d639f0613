"""Article revisions: each version of an article as it was added, and what changed.

Until now a changed article overwrote its row (only the revision number grew), so nobody
could say what a correction changed.  Existing articles get their current state as their
current revision.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FIELDS = ("title", "url", "summary", "body", "image", "image_alt", "gallery", "tags", "author", "published_at")


def upgrade() -> None:
    revisions = op.create_table(
        "article_revisions",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("changed", sa.JSON, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "revision", name="pk_article_revisions"),
    )
    articles = sa.table("articles", sa.column("id"), sa.column("revision"), sa.column("content_hash"),
                        sa.column("source"), sa.column("updated_at", UTCDateTime),
                        *(sa.column(f, UTCDateTime) if f == "published_at" else sa.column(f) for f in FIELDS))
    rows = []
    for r in op.get_bind().execute(sa.select(articles)).mappings():
        fields: dict[str, Any] = {}
        for f in FIELDS:
            value = r[f]
            if isinstance(value, str) and f in ("gallery", "tags"):
                value = json.loads(value)
            fields[f] = value.isoformat() if isinstance(value, dt.datetime) else value
        rows.append({"article_id": r["id"], "revision": r["revision"] or 1, "content_hash": r["content_hash"],
                     "fields": fields, "changed": [], "source": r["source"],
                     "created_at": r["updated_at"] or dt.datetime.now(dt.timezone.utc)})
    if rows:
        op.bulk_insert(revisions, rows)


def downgrade() -> None:
    op.drop_table("article_revisions")
