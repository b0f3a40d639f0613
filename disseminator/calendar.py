"""The calendar: the posts of a week or a month, by day and account, as the web page shows them.

One query reads the posts whose time falls in the period (cancelled ones left out), cut
at ``limit`` rows in SQL and read a batch at a time (:meth:`Store.post_batches`): a busy
queue never comes into memory whole, and a period with more posts than ``limit`` says so
(:attr:`Calendar.more`).  Each post is a card: the queue's view (:mod:`disseminator.views`)
with its local time, its state in words, what it waits for (:func:`views.what_next`),
and whether it is a draft (awaiting approval, no approver yet) or half approved.

Weeks begin on Monday, as the time phrases read them (:mod:`disseminator.timeparse`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import UserError

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

#: The periods a calendar shows.
VIEWS = ("week", "month")
#: The states a calendar shows: everything but what was cancelled (rejected drafts too).
SHOWN = ("awaiting_approval", "scheduled", "publishing", "missed", "published", "failed", "withdrawn")
#: Cards a calendar reads at most; a period with more says so and shows the soonest.
LIMIT = 500


@dataclass(frozen=True)
class Calendar:
    """A period's posts by day and account.  ``cells`` maps (day, account) to its cards,
    soonest first; ``today`` and ``now`` are in the configured zone (the page's today line)."""

    view: str
    days: list[dt.date]
    accounts: list[str]
    cells: dict[tuple[dt.date, str], list[dict[str, Any]]]
    today: dt.date
    now: dt.datetime
    #: The first day of the period before and after this one (the page's arrows).
    previous: dt.date
    following: dt.date
    #: True when the period holds more than ``limit`` posts (the latest were left out).
    more: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def cards(self, day: dt.date, account: str | None = None) -> list[dict[str, Any]]:
        """The cards of ``day`` (of one account, or of every account in time order)."""
        if account is not None:
            return self.cells.get((day, account), [])
        every = [c for a in self.accounts for c in self.cells.get((day, a), [])]
        return sorted(every, key=lambda c: (c["scheduled_at"], c["id"]))


def read_day(text: str | None, *, today: dt.date) -> dt.date:
    """The day a calendar is asked for (``2026-11-30``; empty: ``today``).

    Raises :class:`UserError` naming what was expected."""
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(_("date: cannot read {value!r} as a day (expected e.g. '2026-11-30')").format(
            value=text)) from None


def period(view: str, day: dt.date) -> tuple[list[dt.date], dt.date, dt.date]:
    """The days ``view`` shows around ``day`` (Monday to Sunday; a month's own days) and
    the first day of the period before and after."""
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        days = [start + dt.timedelta(days=i) for i in range(7)]
        return days, start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    if view == "month":
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        days = [start + dt.timedelta(days=i) for i in range((following - start).days)]
        return days, (start - dt.timedelta(days=1)).replace(day=1), following
    raise UserError(_("view: {value!r} is not a calendar view (expected {views})").format(
        value=view, views=", ".join(VIEWS)))


def calendar(settings: Settings, store: Store, *, view: str = "week", day: dt.date | None = None,
             accounts: Sequence[str] = (), now: dt.datetime | None = None, limit: int = LIMIT) -> Calendar:
    """The posts of the week (or month) holding ``day`` (default today), by day and account.

    Raises :class:`UserError` for an unknown view or account."""
    from .listings import Filters, store_filters, explain
    from .views import show_clock, what_next

    now = now or store.clock.now()
    local_now = now.astimezone(settings.tz)
    days, previous, following = period(view, day or local_now.date())
    start = dt.datetime.combine(days[0], dt.time(), tzinfo=settings.tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=settings.tz).astimezone(dt.timezone.utc)
    where = store_filters(settings, store, Filters(accounts=tuple(accounts)))  # an unknown account is refused
    cells: dict[tuple[dt.date, str], list[dict[str, Any]]] = {}
    counts: dict[str, int] = {}
    seen = 0
    more = False
    for batch in store.post_batches(list(SHOWN), accounts=where["accounts"], since=start, until=end, limit=limit + 1):
        if seen + len(batch) > limit:
            batch, more = batch[:limit - seen], True
        seen += len(batch)
        approvals = {row.id: (row.approval or "none", len(row.approved_by or [])) for row, _t in batch}
        for card in explain(settings, store, batch, now):
            when = dt.datetime.fromisoformat(card["scheduled_at"]).astimezone(settings.tz)
            approval, given = approvals[card["id"]]
            card.update(_card(card, when, approval, given, show_clock(when), what_next(card, settings.tz, now=now)))
            cells.setdefault((when.date(), card["account"]), []).append(card)
            counts[card["status"]] = counts.get(card["status"], 0) + 1
    configured = settings.account_names()
    shown = list(accounts) or configured + sorted({a for _d, a in cells} - set(configured))
    return Calendar(view=view, days=days, accounts=shown, cells=cells, today=local_now.date(), now=local_now,
                    previous=previous, following=following, more=more, counts=counts)


def _card(card: dict[str, Any], when: dt.datetime, approval: str, given: int, clock: str,
          waiting: str) -> dict[str, Any]:
    """What a card adds to the queue's view of a post."""
    from .officers import APPROVALS
    from .states import label

    awaiting = card["status"] == "awaiting_approval"
    return {
        "local_time": clock,
        "day": when.date().isoformat(),
        "state": label(card["status"]),
        # Awaiting approval is the card's mark; the CLI's "waits for 'disseminator approve'" is not repeated.
        "waiting": waiting if card["status"] in ("scheduled", "missed", "publishing") else "",
        "draft": awaiting and given == 0,
        "awaiting_approval": awaiting,
        "approvals": given,
        "approvals_needed": APPROVALS.get(approval, 0),
        "movable": card["status"] in ("scheduled", "awaiting_approval"),
    }
