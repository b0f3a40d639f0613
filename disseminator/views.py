"""What a client shows: the stable data shapes of posts, articles and calls.

The CLI prints these as ``--json``/``--csv`` and builds its tables from them; a web page
would send the same.  Documented shapes (README, "JSON shapes that will not change") only
ever gain fields.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING, Any

from .timeparse import show

if TYPE_CHECKING:
    from .store import ArticleRow, AttemptRow, EventRow, PostRow, Store

#: The columns of ``queue --csv`` and ``history --csv``.
POST_COLUMNS = ("id", "article_id", "account", "channel", "status", "scheduled_at", "published_at", "attempts",
                "remote_ids", "remote_url", "error")
#: The columns of ``article list --csv``.
ARTICLE_COLUMNS = ("id", "title", "url", "summary", "image", "tags", "author", "published", "source", "revision")


def post_view(row: PostRow, tz: ZoneInfo, *, calls: int, attention: dict[str, str] | None = None) -> dict[str, Any]:
    """One post (queue, history, schedule, cancel, post show).

    ``attempts`` is ``calls``: how many times publishing was tried (calls to the network,
    look-ups not counted).
    """
    data: dict[str, Any] = {
        "id": row.id,
        "article_id": row.article_id,
        "account": row.account,
        "channel": row.channel,
        "status": row.status,
        "scheduled_at": show(row.scheduled_at, tz),
        "attempts": calls,
        "remote_ids": [r for r in (row.remote_ids or []) if r],
        "remote_url": row.remote_url,
        "error": row.error_message,
        "variant": row.variant,
        "next_attempt_at": show(row.next_attempt_at, tz) if row.status == "scheduled" else None,
        "published_at": show(row.published_at, tz) if row.published_at else None,
        "parts": len(row.parts or []),
    }
    if attention and row.account in attention and row.status == "scheduled":
        data["waiting_for_account"] = attention[row.account]
    return data


def posts_view(store: Store, rows: list[PostRow], tz: ZoneInfo, attention: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Several posts, with their call counts read in one query."""
    calls = store.publish_calls([r.id for r in rows]) if rows else {}
    return [post_view(r, tz, calls=calls.get(r.id, 0), attention=attention) for r in rows]


def article_view(row: ArticleRow, tz: ZoneInfo, *, body: bool = True) -> dict[str, Any]:
    """One stored article (``article show``; ``article list`` leaves out the body)."""
    data = {
        "id": row.id,
        "title": row.title,
        "url": row.url,
        "summary": row.summary,
        "image": row.image,
        "image_alt": row.image_alt,
        "gallery": row.gallery or [],
        "tags": row.tags,
        "author": row.author,
        "published": show(row.published_at, tz) or None,
        "source": row.source,
        "revision": row.revision,
        "body": row.body,
    }
    if not body:
        del data["body"]
    return data


def event_view(event: EventRow, tz: ZoneInfo) -> dict[str, Any]:
    """One move of a post along its lifecycle (``post show``)."""
    return {"at": show(event.at, tz), "move": event.edge, "from": event.from_status, "to": event.to_status,
            "worker": event.worker, "reason": event.reason}


def attempt_view(attempt: AttemptRow, tz: ZoneInfo) -> dict[str, Any]:
    """One call made to a network for a post (``post show``)."""
    return {"at": show(attempt.started_at, tz), "part": attempt.part + 1, "action": attempt.action,
            "outcome": attempt.outcome, "http_status": attempt.http_status, "code": attempt.error_code,
            "message": attempt.error_message, "remote_id": attempt.remote_id, "worker": attempt.worker}
