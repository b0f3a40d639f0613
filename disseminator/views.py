"""What a client shows: the stable data shapes of posts, articles and calls.

The CLI prints these as ``--json``/``--csv`` and builds its tables from them; a web page
would send the same.  Documented shapes (README, "JSON shapes that will not change") only
ever gain fields.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING, Any

from .timeparse import show

if TYPE_CHECKING:
    from .store import ArticleRow, AttemptRow, EventRow, PostRow, Store

#: The columns of ``queue --csv`` and ``history --csv``.
POST_COLUMNS = ("id", "article_id", "account", "channel", "status", "scheduled_at", "published_at", "attempts",
                "remote_ids", "remote_url", "error", "article_title")
#: The columns of ``article list --csv``.
ARTICLE_COLUMNS = ("id", "title", "url", "summary", "image", "tags", "author", "published", "source", "revision")


def post_view(row: PostRow, tz: ZoneInfo, *, calls: int, attention: dict[str, str] | None = None,
              title: str | None = None) -> dict[str, Any]:
    """One post (queue, history, schedule, cancel, post show).

    ``attempts`` is ``calls``: how many times publishing was tried (calls to the network,
    look-ups not counted).  ``in_doubt``: its last write may have reached the network, so
    it is looked up there before the next one.
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
        "article_title": title,
        "error_kind": row.error_kind,
        "in_doubt": bool(row.needs_reconcile),
    }
    if attention and row.account in attention and row.status == "scheduled":
        data["waiting_for_account"] = attention[row.account]
    return data


def posts_view(store: Store, rows: list[PostRow], tz: ZoneInfo, attention: dict[str, str] | None = None,
               titles: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Several posts, with their call counts read in one query (``titles``: post id ->
    its article's title, when the caller read them with the posts)."""
    calls = store.publish_calls([r.id for r in rows]) if rows else {}
    return [post_view(r, tz, calls=calls.get(r.id, 0), attention=attention, title=(titles or {}).get(r.id)) for r in rows]


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
    data: dict[str, Any] = {"at": show(event.at, tz), "move": event.edge, "from": event.from_status, "to": event.to_status,
            "worker": event.worker, "reason": event.reason}
    if event.detail and "old_parts" in event.detail:  # an edit: the text it replaced
        data["old_text"] = list(event.detail["old_parts"])
    return data


def attempt_view(attempt: AttemptRow, tz: ZoneInfo) -> dict[str, Any]:
    """One call made to a network for a post (``post show``)."""
    return {"at": show(attempt.started_at, tz), "part": attempt.part + 1, "action": attempt.action,
            "outcome": attempt.outcome, "http_status": attempt.http_status, "code": attempt.error_code,
            "message": attempt.error_message, "remote_id": attempt.remote_id, "worker": attempt.worker}


# --------------------------------------------------------------------------- times and next steps for people

#: Indonesian day and month abbreviations (Monday first, as ``date.weekday()`` counts).
DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
#: Indonesia's zones by their own names; any other zone is shown by its offset.
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
              "Asia/Jayapura": "WIT"}


def zone_name(when: dt.datetime, tz: ZoneInfo) -> str:
    """WIB, WITA or WIT for Indonesia's zones, else the offset (``+09:00``)."""
    name = ZONE_NAMES.get(tz.key)
    if name:
        return name
    offset = when.astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def show_human(when: dt.datetime | str | None, tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """A time as an officer reads it: ``Sen 30 Nov 09.00 WIB`` (the year is added when it
    is not ``now``'s: ``Sen 30 Nov 2026 09.00 WIB``).  Takes a datetime or the ISO 8601 text
    of the JSON shapes; ``""`` for none.  ``--json`` and ``--csv`` keep ISO 8601 (:func:`show`)."""
    if not when:
        return ""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    local = when.astimezone(tz)
    this_year = (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz).year
    year = "" if local.year == this_year else f" {local.year}"
    return (f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}{year} "
            f"{local.hour:02d}.{local.minute:02d} {zone_name(local, tz)}")


def show_soon(when: dt.datetime | str | None, tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """``09.14`` when ``when`` falls on ``now``'s day in ``tz``, else :func:`show_human`."""
    if not when:
        return ""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    local, today = when.astimezone(tz), (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz)
    if local.date() == today.date():
        return f"{local.hour:02d}.{local.minute:02d}"
    return show_human(when, tz, now=now)


def what_next(post: dict[str, Any], tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """What will happen to a post and when, from its view (:func:`post_view` plus the
    queue's ``paused``, ``waiting_for_account``, ``rate_limited_until``): ``rate limited:
    next try 09.14``, ``needs attention: waits for 'disseminator accounts check humas_fb'``.
    ``""`` when nothing stands in its way."""
    now = now or dt.datetime.now(dt.timezone.utc)
    status, account = post["status"], post["account"]
    if status == "publishing":
        return "being published now"
    if status != "scheduled":
        return post.get("error") or ""
    if post.get("paused"):
        why = f" ({post['paused']})" if isinstance(post["paused"], str) else ""
        return f"account paused{why}: waits for 'disseminator accounts resume {account}'"
    if post.get("waiting_for_account") is not None:
        return f"account needs attention: waits for 'disseminator accounts check {account}'"
    if post.get("waiting_behind"):
        return (f"waits behind post {post['waiting_behind']} (planned earlier for {account}); "
                f"'disseminator post ahead {post['id']}' lets it go first")
    later = post.get("next_attempt_at")
    limit = post.get("rate_limited_until")
    if limit and (not later or dt.datetime.fromisoformat(later) <= dt.datetime.fromisoformat(limit)):
        return f"rate limited: next try {show_soon(limit, tz, now=now)}"
    if later and dt.datetime.fromisoformat(later) <= now:
        later = None  # due: it goes at the next run
    if post.get("in_doubt"):
        at = f" at {show_soon(later, tz, now=now)}" if later else ""
        return f"the last write may have landed: it is looked up on the network before the next try{at}"
    if post.get("error"):
        at = f"next try {show_soon(later, tz, now=now)}" if later else "next try at the next run"
        return f"{at}: {post['error']}"
    return "" if later else "due: goes at the next run"
