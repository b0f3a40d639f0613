"""Large queues, fast: posts inserted in bulk (COPY on PostgreSQL, executemany on SQLite,
with ids we choose; no ORM objects, no RETURNING), for the tests and benchmarks of a queue
that has grown (by the ORM, 15,000 posts took 25 s on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, text

from disseminator.store import ArticleRow, AttemptRow, PartRow, PostRow, PostStatus, Store

#: Posts per article: an article is queued for many accounts (and many variants).
PER_ARTICLE = 10
#: Rows per INSERT (SQLite takes 32,766 parameters, PostgreSQL 65,535).
BLOCK = 5000


def fill(store: Store, n: int, *, when: dt.datetime, accounts: Sequence[str], spread: dt.timedelta = dt.timedelta(0),
         published_every: int = 0, tag: str = "bulk") -> list[int]:
    """Queue ``n`` posts, the i-th for ``accounts[i % len(accounts)]`` at ``when + i * spread``,
    one part each; with ``published_every`` k, every k-th is published with one call recorded.
    Returns the first and last post id."""
    now = dt.datetime.now(dt.timezone.utc)
    with store.session() as s:
        article0 = int(s.scalar(select(func.coalesce(func.max(ArticleRow.id), 0))) or 0) + 1
        post0 = int(s.scalar(select(func.coalesce(func.max(PostRow.id), 0))) or 0) + 1
    articles = -(-n // PER_ARTICLE)
    for first in range(0, articles, BLOCK):
        with store.session() as s:
            _insert(s, ArticleRow, [
                {"id": article0 + a, "title": f"Siaran pers {tag} {a}", "body": "", "tags": [],
                 "content_hash": f"{tag}-{article0 + a}", "revision": 1, "created_at": now, "updated_at": now}
                for a in range(first, min(first + BLOCK, articles))])
    for first in range(0, n, BLOCK):
        block = range(first, min(first + BLOCK, n))
        done = [bool(published_every) and i % published_every == 0 for i in block]
        with store.session() as s:
            _insert(s, PostRow, [
                {"id": post0 + i, "article_id": article0 + i // PER_ARTICLE, "account": accounts[i % len(accounts)],
                 "channel": "facebook", "variant": f"{tag}{i}", "media": [], "warnings": [],
                 "status": PostStatus.PUBLISHED if d else PostStatus.SCHEDULED,
                 "scheduled_at": when + i * spread, "next_attempt_at": when + i * spread,
                 "published_at": when + i * spread if d else None, "remote_url": f"https://example.com/{i}" if d else None,
                 "attempts": 0, "needs_reconcile": False, "overtake": False, "created_at": now, "updated_at": now}
                for i, d in zip(block, done)])
            _insert(s, PartRow, [
                {"post_id": post0 + i, "index": 0, "text": f"Teks {tag} {i}",
                 "text_hash": hashlib.sha256(f"{tag} {i}".encode()).hexdigest(),
                 "state": "published" if d else "pending", "remote_id": f"r{post0 + i}" if d else None, "attempts": 0}
                for i, d in zip(block, done)])
            if published_every:
                _insert(s, AttemptRow, [
                    {"post_id": post0 + i, "part": 0, "worker": "bulk", "action": "publish", "outcome": "published",
                     "started_at": now, "finished_at": now} for i, d in zip(block, done) if d])
    if store.engine.dialect.name == "postgresql":  # ids we chose: the sequences move past them
        with store.session() as s:
            for table in ("articles", "posts"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return [post0, post0 + n - 1]


def _insert(s: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Every row: one COPY on PostgreSQL (an INSERT a row, even pipelined, managed about
    2,000 rows a second), one executemany on SQLite.  None: nothing."""
    if not rows:
        return
    if s.bind.dialect.name != "postgresql":
        s.execute(insert(table), rows)
        return
    columns = [table.__mapper__.columns[key] for key in rows[0]]
    copy = f"COPY {table.__tablename__} ({', '.join(c.name for c in columns)}) FROM STDIN"
    with s.connection().connection.driver_connection.cursor() as cursor, cursor.copy(copy) as out:
        for row in rows:
            out.write_row([_copied(row[key]) for key in rows[0]])


def _copied(value: Any) -> Any:
    """A value as COPY takes it: JSON as its text, a status as its code."""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value
