"""What a client shows: the stable data shapes of posts, articles and calls.

The CLI prints these as ``--json``/``--csv`` and builds its tables from them; a web page
would send the same.  Documented shapes (README, "JSON shapes that will not change") only
ever gain fields.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING, Any

from channels.i18n import N_, _, stored

from .timeshow import DAYS as DAYS, MONTHS as MONTHS, show, show_clock
from .timeshow import ZONE_NAMES as ZONE_NAMES, show_human as show_human, zone_name as zone_name

if TYPE_CHECKING:
    from .store import ArticleRow, AttemptRow, EventRow, PostRow, Store

#: The columns of ``queue --csv`` and ``history --csv``.
POST_COLUMNS = ("id", "article_id", "account", "channel", "status", "scheduled_at", "published_at", "attempts",
                "remote_ids", "remote_url", "error", "article_title")
#: The columns of ``article list --csv``.
ARTICLE_COLUMNS = ("id", "title", "url", "summary", "image", "tags", "author", "published", "source", "revision")


#: A post's state as a person reads it (the CLI's tables, the web page; the codes stay in
#: --json and --csv).
STATUS_WORDS = {"scheduled": N_("scheduled"), "publishing": N_("publishing"), "published": N_("published"),
                "failed": N_("failed"), "cancelled": N_("cancelled"), "missed": N_("missed"),
                "withdrawn": N_("withdrawn"),
                "awaiting_approval": N_("awaiting approval"),  # waits for approvers (disseminator.approval)
                "unknown": N_("unknown")}  # may be on the network: an officer confirms (disseminator.in_doubt)


#: Each move of a post (:mod:`disseminator.states`' edges) as ``post show`` names it.
MOVE_WORDS = {
    "create": N_("creation"),
    "claim": N_("claim"),
    "published": N_("publication"),
    "retry": N_("retry"),
    "fail": N_("failure"),
    "recover": N_("recovery"),
    "reschedule": N_("reschedule"),
    "edit": N_("edit"),
    "edit_failed": N_("edit of a failed post"),
    "ahead": N_("let ahead"),
    "revive": N_("revival"),
    "cancel": N_("cancellation"),
    "force_cancel": N_("forced cancellation"),
    "miss": N_("miss"),
    "release": N_("release"),
    "cancel_missed": N_("cancellation of a missed post"),
    "approve": N_("approval"),
    "approve_first": N_("first approval"),
    "reject": N_("rejection"),
    "edit_draft": N_("draft edit"),
    "edit_approved": N_("edit after approval"),
    "reschedule_draft": N_("draft reschedule"),
    "cancel_draft": N_("draft cancellation"),
    "in_doubt": N_("in doubt"),
    "confirm": N_("confirmation"),
    "confirm_not_sent": N_("confirmed not sent"),
    "confirm_part": N_("part confirmation"),
    "withdraw": N_("withdrawal"),
}


def move_word(code: str) -> str:
    """A post's move in the current language (the code itself when it has no word)."""
    return _(MOVE_WORDS[code]) if code in MOVE_WORDS else code


def status_word(code: str) -> str:
    """A post's state in the current language (the code itself when it has no word)."""
    return _(STATUS_WORDS[code]) if code in STATUS_WORDS else code


#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """One CSV cell (the CLI's ``--csv`` and the web page's CSV files).  Text from outside
    (an article's title) that a spreadsheet would run as a formula (``=HYPERLINK(...)``) is
    written with a leading apostrophe, as OWASP advises: officers open these files in Excel."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "|".join(str(x) for x in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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
        "recurrence": row.recurrence,
        "urgent": bool(row.urgent),
    }
    if attention and row.account in attention and row.status == "scheduled":
        data["waiting_for_account"] = attention[row.account]
    if row.status == "awaiting_approval":
        from .alt_text import missing_alt

        if missing_alt(row.media):  # approving needs it (require_alt_text): what_next says how
            data["missing_alt"] = missing_alt(row.media)
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
        "embargo": show(row.embargo, tz) if row.embargo else None,
        "fetched_at": show(row.fetched_at, tz) if row.fetched_at else None,  # read from a web page then
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
    if event.detail and "officer" in event.detail:  # approve, reject: who, and their own draft or not
        data["officer"] = event.detail["officer"]
        data["self_approval"] = bool(event.detail.get("self_approval"))
    return data


def attempt_view(attempt: AttemptRow, tz: ZoneInfo) -> dict[str, Any]:
    """One call made to a network for a post (``post show``)."""
    return {"at": show(attempt.started_at, tz), "part": attempt.part + 1, "action": attempt.action,
            "outcome": attempt.outcome, "http_status": attempt.http_status, "code": attempt.error_code,
            "message": attempt.error_message, "remote_id": attempt.remote_id, "worker": attempt.worker}


# --------------------------------------------------------------------------- times and next steps for people

# DAYS and MONTHS (imported above): day and month abbreviations, N_-marked in English; show
# them with _(DAYS[d.weekday()]), _(MONTHS[d.month - 1]), or a whole day with show_day().

#: Indonesia's zones by their own names; any other zone is shown by its offset.


def show_day(day: dt.date) -> str:
    """A day as an officer reads it, in the current language: ``Mon 30 Nov`` (``Sen 30 Nov``)."""
    return f"{_(DAYS[day.weekday()])} {day.day} {_(MONTHS[day.month - 1])}"


def show_soon(when: dt.datetime | str | None, tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """``09:14`` (``09.14`` in Indonesian) when ``when`` falls on ``now``'s day in ``tz``,
    else :func:`show_human`."""
    if not when:
        return ""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    local, today = when.astimezone(tz), (now or dt.datetime.now(dt.timezone.utc)).astimezone(tz)
    if local.date() == today.date():
        return show_clock(local)
    return show_human(when, tz, now=now)


def what_next(post: dict[str, Any], tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """What will happen to a post and when, from its view (:func:`post_view` plus the
    queue's ``paused``, ``waiting_for_account``, ``embargo_until``, ``budget_reason``/``budget_until``,
    ``rate_limited_until``/``rate_limit_reason``): ``rate limited:
    next try 09:14``, ``needs attention: waits for 'disseminator accounts check humas_fb'``,
    in the current language (a stored error too: :func:`channels.i18n.stored`).
    ``""`` when nothing stands in its way."""
    now = now or dt.datetime.now(dt.timezone.utc)
    status, account = post["status"], post["account"]
    if status == "publishing":
        return _("being published now")
    if status == "missed":
        return _("overdue past worker.grace: 'disseminator retry {id}' sends it, 'disseminator cancel {id}' "
                 "drops it").format(id=post["id"])
    if status == "awaiting_approval" and post.get("missing_alt"):
        from .alt_text import command

        return _("its image has no alt text: add it with '{command}', then 'disseminator approve {id}'").format(
            command=command(post["article_id"]), id=post["id"])
    if status == "awaiting_approval":
        return _("waits for 'disseminator approve {id}'").format(id=post["id"])
    if status != "scheduled":
        return stored(post.get("error") or "")
    if post.get("paused_all"):
        until = (_(", until {when}").format(when=show_soon(post["paused_until"], tz, now=now))
                 if post.get("paused_until") and not post.get("paused") else "")
        if isinstance(post["paused_all"], str):
            return _("every account paused ({reason}){until}: waits for 'disseminator resume --all'").format(
                reason=post["paused_all"], until=until)
        return _("every account paused{until}: waits for 'disseminator resume --all'").format(until=until)
    if post.get("paused") and post.get("paused_until"):
        return _("account paused until {when}: or 'disseminator resume {account}'").format(
            when=show_soon(post["paused_until"], tz, now=now), account=account)
    if post.get("paused"):
        if isinstance(post["paused"], str):
            return _("account paused ({reason}): waits for 'disseminator accounts resume {account}'").format(
                reason=post["paused"], account=account)
        return _("account paused: waits for 'disseminator accounts resume {account}'").format(account=account)
    if post.get("waiting_for_account") is not None:
        return _("account needs attention: waits for 'disseminator accounts check {account}'").format(account=account)
    if post.get("embargo_until"):
        return _("embargo until {when}: it goes then").format(when=show_soon(post["embargo_until"], tz, now=now))
    if post.get("waiting_behind"):
        return _("waits behind post {ahead} (planned earlier for {account}); "
                 "'disseminator post ahead {id}' lets it go first").format(
            ahead=post["waiting_behind"], account=account, id=post["id"])
    if post.get("blackout_until"):
        return _("blackout window ({window}): goes at {when}").format(
            window=post.get("blackout") or "", when=show_soon(post["blackout_until"], tz, now=now))
    later = post.get("next_attempt_at")
    if post.get("budget_reason") is not None:
        spent = post.get("budget_until")
        if spent and (not later or dt.datetime.fromisoformat(later) <= dt.datetime.fromisoformat(spent)):
            return _("posting budget: {reason}; next at {when}").format(
                reason=stored(post["budget_reason"]), when=show_soon(spent, tz, now=now))
        if not spent:  # X's 402: until someone buys credits
            return _("posting budget: {reason}; waits for 'disseminator accounts resume {account}'").format(
                reason=stored(post["budget_reason"]), account=account)
    limit = post.get("rate_limited_until")
    if limit and (not later or dt.datetime.fromisoformat(later) <= dt.datetime.fromisoformat(limit)):
        if post.get("rate_limit_reason"):
            return _("rate limited ({reason}): next try {when}").format(
                reason=stored(post["rate_limit_reason"]), when=show_soon(limit, tz, now=now))
        return _("rate limited: next try {when}").format(when=show_soon(limit, tz, now=now))
    if later and dt.datetime.fromisoformat(later) <= now:
        later = None  # due: it goes at the next run
    if post.get("error_kind") == "not_live" and later:  # disseminator.ingest.golive
        return _("waits for its web page to go live: {error}; checked again {when}").format(
            error=stored(post.get("error") or ""), when=show_soon(later, tz, now=now))
    if post.get("in_doubt"):
        if later:
            return _("the last write may have landed: it is looked up on the network before the next try "
                     "at {when}").format(when=show_soon(later, tz, now=now))
        return _("the last write may have landed: it is looked up on the network before the next try")
    if post.get("error"):
        if later:
            return _("next try {when}: {error}").format(when=show_soon(later, tz, now=now), error=stored(post["error"]))
        return _("next try at the next run: {error}").format(error=stored(post["error"]))
    return "" if later else _("due: goes at the next run")
