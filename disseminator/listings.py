"""Posts as ``queue``, ``history``, ``post show`` and the web page list them: the filters,
the rows read a batch at a time, each post saying what keeps it back, and one post's view.

Each function takes the settings and the store and returns data in the shapes of
:mod:`disseminator.views`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .timeshow import show
from .views import attempt_view, event_view, post_view, posts_view

if TYPE_CHECKING:
    from .config import Settings
    from .store import PostRow, Store

#: Every state a post can be in.
STATUSES = ("awaiting_approval", "scheduled", "publishing", "published", "failed", "cancelled", "missed",
            "withdrawn", "unknown")
#: What ``queue`` and ``history`` list when no state is named.
QUEUED = ("scheduled", "publishing", "missed", "awaiting_approval", "unknown")
DONE = ("published", "failed", "cancelled", "withdrawn")



@dataclass(frozen=True)
class Filters:
    """Which posts ``queue`` and ``history`` list; applied in SQL (:meth:`Store.post_page`).

    ``since``/``until`` are the text the officer typed (ISO 8601, read in the configured
    zone; a date alone is the whole day); ``limit`` keeps the soonest (queue) or the
    latest (history) rows.
    """

    article_id: int | None = None
    accounts: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Queue:
    """Queued posts (``queue --json`` shape) and the accounts that hold posts back."""

    rows: list[dict[str, Any]]
    #: Accounts whose posts wait until someone fixes them: name -> why.
    attention: dict[str, str]


def queue(settings: Settings, store: Store, status: str | None = None, *, filters: Filters = Filters(),
          now: dt.datetime | None = None) -> Queue:
    """Posts in ``status`` (default: scheduled and publishing; ``all``), soonest first,
    each saying why it waits: ``waiting_for_account``, ``rate_limited_until``, ``paused``.

    Raises :class:`~disseminator.errors.UserError` for a ``since``/``until`` it cannot read.
    """
    streamed = queue_stream(settings, store, status, filters=filters, now=now)
    return Queue(list(streamed.rows), streamed.attention)


@dataclass(frozen=True)
class QueueStream:
    """:class:`Queue` with its rows read as they are used (``queue --json``, ``--csv`` and
    ``--all``: a queue of a million posts takes the memory of a few hundred)."""

    rows: Iterator[dict[str, Any]]
    attention: dict[str, str]


def queue_stream(settings: Settings, store: Store, status: str | None = None, *, filters: Filters = Filters(),
                 now: dt.datetime | None = None) -> QueueStream:
    """:func:`queue`, its rows read from the database a batch at a time as they are used.
    Bad filters are refused at once (:class:`~disseminator.errors.UserError`)."""
    statuses = None if status == "all" else ([status] if status else list(QUEUED))
    batches = store.post_batches(statuses, **store_filters(settings, store, filters), limit=filters.limit)
    attention, _none = with_holds(settings, store, [], now)
    rows = (row for page in batches for row in with_holds(settings, store, page, now)[1])
    return QueueStream(rows, attention)


def with_holds(settings: Settings, store: Store, page: list[tuple[PostRow, str]],
                now: dt.datetime | None) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The posts' views, each scheduled one saying which hold keeps it back."""
    from . import holds
    from .store import HoldKind

    held = holds.active(store, now)
    attention = {a: h.reason or "" for a, h in holds.of_kind(held, HoldKind.ATTENTION).items()}
    attention.update(settings.account_problems())  # the configuration's own word, never stored
    resting = {a: h.until for a, h in holds.of_kind(held, HoldKind.RATE_LIMIT).items() if h.until}
    pauses = holds.of_kind(held, HoldKind.PAUSE)
    paused = {a: h.reason or "" for a, h in pauses.items()}
    limited = holds.of_kind(held, HoldKind.RATE_LIMIT)
    budget = holds.of_kind(held, HoldKind.BUDGET)
    rows = posts_view(store, [r for r, _t in page], settings.tz, attention, titles={r.id: t for r, t in page})
    from .queue.order import waiting_behind

    due_by = now or store.clock.now()  # a post not yet due waits for its time, not for another
    behind = waiting_behind(store, [r.id for r, _t in page if r.status == "scheduled" and r.next_attempt_at <= due_by])
    from .embargo import ends

    embargoes = ends(store, [r.article_id for r, _t in page if r.status == "scheduled"], due_by)
    every = pauses.get(holds.ALL)
    for r in rows:
        if r["status"] == "scheduled" and r["article_id"] in embargoes:
            end = embargoes[r["article_id"]]
            if dt.datetime.fromisoformat(r["next_attempt_at"] or r["scheduled_at"]) < end:
                r["embargo_until"] = show(end, settings.tz)
        on = [p for p in (pauses.get(r["account"]), every) if p is not None]
        if r.get("urgent") and r["status"] == "scheduled" and on and all(p.allow_urgent for p in on):
            r["passes_pause"] = True  # urgent: every pause on it lets urgent posts through
        if r["id"] in behind:
            r["waiting_behind"] = behind[r["id"]]
        if r["account"] in resting and r["status"] == "scheduled":
            r["rate_limited_until"] = show(resting[r["account"]], settings.tz)
        if r["account"] in paused and r["status"] == "scheduled" and not r.get("passes_pause"):
            r["paused"] = paused[r["account"]] or True
        if r["account"] in limited and limited[r["account"]].reason and r["status"] == "scheduled":
            r["rate_limit_reason"] = limited[r["account"]].reason  # English, as stored: pacing's word
        if r["account"] in budget and r["status"] == "scheduled":
            hold = budget[r["account"]]
            r["budget_reason"] = hold.reason or ""
            r["budget_until"] = show(hold.until, settings.tz) if hold.until else None
    _with_costs(settings, page, rows)
    from .plan_views import annotate

    annotate(settings, held, rows, due_by)
    return attention, rows


def explain(settings: Settings, store: Store, page: list[tuple[PostRow, str]],
            now: dt.datetime | None) -> list[dict[str, Any]]:
    """The posts' views (``queue`` shape), each scheduled one saying which hold keeps it
    back (the web calendar's cards)."""
    return with_holds(settings, store, page, now)[1]


def _with_costs(settings: Settings, page: list[tuple[PostRow, str]], rows: list[dict[str, Any]]) -> None:
    """``cost`` on each post whose network charges for it (X with its prices configured):
    a decimal as text, e.g. ``"0.215"``."""
    from .pacing import Prices

    prices = Prices(settings)
    for (row, _title), view in zip(page, rows):
        cost = prices.cost(row.account, row.parts)
        if cost is not None:
            view["cost"] = cost


def history(settings: Settings, store: Store, status: str | None = None, *, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Posts that are done (default: published, failed, cancelled; ``all``), oldest first;
    ``since``/``until`` are on when they were published (else scheduled), and ``limit``
    keeps the latest.  Raises :class:`~disseminator.errors.UserError` for a bound it cannot read."""
    return list(history_stream(settings, store, status, filters=filters))


def history_stream(settings: Settings, store: Store, status: str | None = None, *,
                   filters: Filters = Filters()) -> Iterator[dict[str, Any]]:
    """:func:`history`, read from the database a batch at a time as it is used (without
    ``limit``; the latest ``limit`` rows are read at once).  Bad filters are refused at
    once (:class:`~disseminator.errors.UserError`)."""
    statuses = None if status == "all" else ([status] if status else list(DONE))
    if filters.limit is None:
        batches = store.post_batches(statuses, **store_filters(settings, store, filters), by_done_time=True)
        return (row for page in batches for row in posts_view(store, [r for r, _t in page], settings.tz,
                                                               titles={r.id: t for r, t in page}))
    return iter(_latest(settings, store, statuses, filters))


def _latest(settings: Settings, store: Store, statuses: list[str] | None, filters: Filters) -> list[dict[str, Any]]:
    """The latest ``filters.limit`` done posts, oldest first."""
    page = store.post_page(statuses, **store_filters(settings, store, filters), by_done_time=True, newest_first=True,
                           limit=filters.limit)
    page.reverse()  # the latest rows, shown oldest first like the rest
    return posts_view(store, [r for r, _t in page], settings.tz, titles={r.id: t for r, t in page})


def store_filters(settings: Settings, store: Store, filters: Filters) -> dict[str, Any]:
    """The filters as the store's query takes them; an account name that is neither
    configured nor on any post is refused naming the known ones (a typo would otherwise
    list nothing, silently)."""
    from .errors import UserError

    known = set(settings.account_names())
    unknown = [a for a in filters.accounts if a not in known]
    if unknown and not set(unknown) <= store.accounts_with_posts(unknown):
        missing = ", ".join(a for a in unknown if a not in store.accounts_with_posts(unknown))
        raise UserError(_("--account: no account {missing} (configured: {known})").format(
            missing=missing, known=", ".join(sorted(known)) or _("none")))
    return {"article_id": filters.article_id, "accounts": filters.accounts,
            "since": bound(filters.since, settings, "--since"), "until": bound(filters.until, settings, "--until", end=True)}


def bound(text: str | None, settings: Settings, option: str, *, end: bool = False) -> dt.datetime | None:
    """ISO 8601 in the configured zone; a date alone is its start (``end``: the next day's
    start, so ``--until 2026-11-30`` includes the 30th)."""
    if text is None:
        return None
    from .errors import UserError

    raw = text.strip()
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            when = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), tzinfo=settings.tz)
        else:
            when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise UserError(_("{option}: cannot read {value!r} as a date or time (expected e.g. '2026-11-30' or "
                          "'2026-11-30 09:00')").format(option=option, value=raw)) from None
    return (when if when.tzinfo else when.replace(tzinfo=settings.tz)).astimezone(dt.timezone.utc)


def week(settings: Settings, store: Store, *, filters: Filters = Filters(), now: dt.datetime | None = None) -> Week:
    """Queued posts of the coming seven days (from the start of today in the configured
    zone), by day and account, for ``queue --week``; earlier posts still queued are
    ``overdue``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    start = dt.datetime.combine(now.astimezone(settings.tz).date(), dt.time(), tzinfo=settings.tz)
    days = [(start + dt.timedelta(days=i)).date() for i in range(7)]
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=settings.tz)
    page = store.post_page(list(QUEUED), article_id=filters.article_id, accounts=filters.accounts, until=end)
    _attention, rows = with_holds(settings, store, page, now)
    configured = settings.account_names()
    accounts = list(filters.accounts) or configured + sorted({r["account"] for r in rows} - set(configured))
    return Week(days=days, accounts=accounts, rows=rows, start=start)


@dataclass(frozen=True)
class Week:
    """``queue --week``: the days shown, the accounts, and the posts (queue shape)."""

    days: list[dt.date]
    accounts: list[str]
    rows: list[dict[str, Any]]
    start: dt.datetime


def post_now(settings: Settings, store: Store, post_id: int) -> dict[str, Any]:
    """One post's view as ``queue`` shows it (its article's title, the hold that keeps it
    back), for saying what happens to it next (:func:`disseminator.views.what_next`)."""
    row = store.post(post_id)
    _attention, [data] = with_holds(settings, store, [(row, store.article(row.article_id).title)], None)
    return data


def post_detail(settings: Settings, store: Store, post_id: int) -> dict[str, Any]:
    """One post with its text as queued and every call made for it (``post show``)."""
    row = store.post(post_id)
    data = post_now(settings, store, post_id)
    data["parts_text"] = list(row.parts or [])
    data["media"] = [m.get("url") for m in row.media or []]
    data["warnings"] = list(row.warnings or [])
    data["part_remote_ids"] = list(row.remote_ids or [])
    data["part_states"] = [p.state for p in row.part_rows]  # "deleted": gone from the network (unpublish)
    data["attempts_log"] = [attempt_view(a, settings.tz) for a in store.attempts([post_id])]
    data["events"] = [event_view(e, settings.tz) for e in store.events(post_id)]
    # Who decided (disseminator.approval): the approval it needs, who drafted and approved it.
    data["approval"] = row.approval or "none"
    data["drafted_by"] = row.drafted_by
    data["approved_by"] = [dict(a) for a in row.approved_by or []]
    return data


def go_ahead(settings: Settings, store: Store, post_id: int) -> dict[str, Any]:
    """Let a scheduled post go before earlier posts of its account that still wait (a
    retry, say); see :func:`disseminator.queue.moves.let_overtake` for what it refuses."""
    from .queue.moves import let_overtake

    return _one(settings, store, let_overtake(store, post_id))


def _one(settings: Settings, store: Store, row: PostRow, attention: dict[str, str] | None = None) -> dict[str, Any]:
    return post_view(row, settings.tz, calls=store.publish_calls([row.id]).get(row.id, 0), attention=attention)
