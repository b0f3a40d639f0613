"""The post state machine as data: parts as rows, an events table, account holds,
and a CHECK on the post status.

- ``post_parts`` replaces ``posts.parts`` and ``posts.remote_ids`` (two JSON lists that
  were thread progress, ownership record and cancel guard at once).
- ``post_events`` records every move of a post (one row per transition).
- ``account_holds`` replaces ``account_state``'s three flags (needs attention, paused,
  resume_at) with one row per kind of hold, each with a reason and an end.
- ``posts.overtake``: an account's posts go out in their planned order; an officer may
  let one post go before earlier ones that still wait.
- "One post per article, account and variant" counts live posts only: a cancelled or
  failed post no longer blocks scheduling the article again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from disseminator.store.columns import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled")
#: Posts that count for "this article is already queued for this account".
LIVE = "status NOT IN ('cancelled', 'failed')"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    bind = op.get_bind()
    parts = op.create_table(
        "post_parts",
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("remote_id", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("published_at", UTCDateTime),
        sa.PrimaryKeyConstraint("post_id", "idx", name="pk_post_parts"),
        sa.CheckConstraint("state IN ('pending', 'published')", name="ck_post_parts_state"),
    )
    op.create_index("ix_post_parts_remote_id", "post_parts", ["remote_id"])
    op.create_index("ix_post_parts_text_hash", "post_parts", ["text_hash"])
    # A typed read: on SQLite the times come back as text otherwise.
    old_posts = sa.table("posts", sa.column("id"), sa.column("parts"), sa.column("remote_ids"),
                         sa.column("published_at", UTCDateTime))
    rows = bind.execute(sa.select(old_posts)).fetchall()
    for post_id, texts, ids, published_at in rows:
        texts, ids = _json(texts) or [], _json(ids) or []
        if not texts:
            continue
        bind.execute(parts.insert(), [
            {
                "post_id": post_id, "idx": i, "text": t, "text_hash": hashlib.sha256(t.encode()).hexdigest(),
                "state": "published" if i < len(ids) and ids[i] else "pending",
                "remote_id": ids[i] if i < len(ids) else None,
                "attempts": 0, "published_at": published_at if i < len(ids) and ids[i] else None,
            }
            for i, t in enumerate(texts)
        ])
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("parts")
        batch.drop_column("remote_ids")
        batch.create_check_constraint("ck_posts_status", "status IN (%s)" % ", ".join(f"'{s}'" for s in STATUSES))
        batch.add_column(sa.Column("overtake", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.drop_constraint("uq_posts_article_account_variant", type_="unique")
    op.create_index("ix_posts_account_order", "posts", ["account", "status", "scheduled_at"])
    op.create_index("uq_posts_live_article_account_variant", "posts", ["article_id", "account", "variant"], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))

    op.create_table(
        "post_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("edge", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("worker", sa.String(200)),
        sa.Column("reason", sa.Text),
        sa.Column("detail", sa.JSON),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_post_events_post", "post_events", ["post_id"])

    holds = op.create_table(
        "account_holds",
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("since", UTCDateTime, nullable=False),
        sa.Column("until", UTCDateTime),
        sa.PrimaryKeyConstraint("account", "kind", name="pk_account_holds"),
        sa.CheckConstraint("kind IN ('rate_limit', 'attention', 'pause', 'budget')", name="ck_account_holds_kind"),
    )
    state = sa.table(
        "account_state", sa.column("account"), sa.column("needs_attention"), sa.column("reason"),
        sa.column("since", UTCDateTime), sa.column("paused"), sa.column("pause_reason"), sa.column("resume_at", UTCDateTime),
    )
    moved: list[dict[str, Any]] = []
    for r in bind.execute(sa.select(state)).fetchall():
        since = r.since
        if r.needs_attention:
            moved.append({"account": r.account, "kind": "attention", "reason": r.reason, "since": since, "until": None})
        if r.paused:
            moved.append({"account": r.account, "kind": "pause", "reason": r.pause_reason, "since": since, "until": None})
        if r.resume_at is not None:
            moved.append({"account": r.account, "kind": "rate_limit", "reason": None, "since": since, "until": r.resume_at})
    for m in moved:
        m["since"] = m["since"] or dt.datetime.now(dt.timezone.utc)
    if moved:
        bind.execute(holds.insert(), moved)
    op.drop_table("account_state")


def downgrade() -> None:
    bind = op.get_bind()
    state = op.create_table(
        "account_state",
        sa.Column("account", sa.String(200), primary_key=True),
        sa.Column("needs_attention", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("since", UTCDateTime),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("resume_at", UTCDateTime),
        sa.Column("pause_reason", sa.Text),
    )
    rows: dict[str, dict[str, Any]] = {}
    held = sa.table("account_holds", sa.column("account"), sa.column("kind"), sa.column("reason"),
                    sa.column("since", UTCDateTime), sa.column("until", UTCDateTime))
    for account, kind, reason, since, until in bind.execute(sa.select(held)).fetchall():
        row = rows.setdefault(account, {"account": account, "needs_attention": False, "reason": None, "since": None,
                                        "paused": False, "resume_at": None, "pause_reason": None})
        if kind == "attention":
            row.update(needs_attention=True, reason=reason, since=since)
        elif kind == "pause":
            row.update(paused=True, pause_reason=reason)
        elif kind == "rate_limit":
            row.update(resume_at=until)
    if rows:
        bind.execute(state.insert(), list(rows.values()))
    op.drop_table("account_holds")
    op.drop_table("post_events")

    op.drop_index("ix_posts_account_order", "posts")
    op.drop_index("uq_posts_live_article_account_variant", "posts")
    # Under 0005 a cancelled or failed post may share its article, account and variant
    # with a live one; the old constraint forbids that, so those keep a variant of their own.
    posts_t = sa.table("posts", sa.column("id"), sa.column("article_id"), sa.column("account"),
                       sa.column("variant"), sa.column("status"))
    seen: set[tuple[Any, Any, Any]] = set()
    for pid, article_id, account, variant, status in bind.execute(
        sa.select(posts_t).order_by(sa.text(f"CASE WHEN {LIVE} THEN 0 ELSE 1 END"), posts_t.c.id)
    ).fetchall():
        key = (article_id, account, variant)
        if key in seen:
            bind.execute(posts_t.update().where(posts_t.c.id == pid).values(variant=f"{variant}#{pid}"))
        seen.add(key)
    with op.batch_alter_table("posts") as batch:
        batch.create_unique_constraint("uq_posts_article_account_variant", ["article_id", "account", "variant"])
        batch.drop_column("overtake")
        batch.drop_constraint("ck_posts_status", type_="check")
        batch.add_column(sa.Column("parts", sa.JSON, nullable=True))
        batch.add_column(sa.Column("remote_ids", sa.JSON, nullable=True))
    posts = sa.table("posts", sa.column("id"), sa.column("parts", sa.JSON), sa.column("remote_ids", sa.JSON))
    texts: dict[int, list[str]] = {}
    ids: dict[int, list[str | None]] = {}
    for post_id, _idx, text, remote_id in bind.execute(
        sa.text("SELECT post_id, idx, text, remote_id FROM post_parts ORDER BY post_id, idx")
    ).fetchall():
        texts.setdefault(post_id, []).append(text)
        ids.setdefault(post_id, []).append(remote_id)
    for post_id in texts:
        bind.execute(posts.update().where(posts.c.id == post_id).values(parts=texts[post_id], remote_ids=ids[post_id]))
    bind.execute(posts.update().where(posts.c.parts.is_(None)).values(parts=[], remote_ids=[]))
    with op.batch_alter_table("posts") as batch:
        batch.alter_column("parts", nullable=False, existing_type=sa.JSON)
        batch.alter_column("remote_ids", nullable=False, existing_type=sa.JSON)
    op.drop_table("post_parts")
