"""Pages of the ``queue`` and ``history`` listings, for the web page: a page of ``size``
rows after (or before) a cursor, read with the store's indexed listing query (the
CLI's), so the tenth page costs what the first does however long the queue.

The order is the listing's: the queue soonest first (``scheduled_at``, then id), the
history newest first (when a post was done, then id; the CLI prints it oldest first,
a web page shows the latest first).  A :class:`Cursor` is the last (or first) row shown:
its time in that order and its id.  The store's query takes a time bound (``since``
inclusive, ``until`` exclusive), not a cursor: the bound is the cursor's time, and rows
at that very time up to the cursor's id are passed over here (posts queued together
share a time; only those are read twice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from channels.i18n import _

if TYPE_CHECKING:
    from .config import Settings
    from .listings import Filters
    from .store import PostRow, Store

#: Rows on a page.
SIZE = 100
_TICK = dt.timedelta(microseconds=1)  # the stores keep microseconds: ``until`` = at + tick includes ``at``


@dataclass(frozen=True)
class Cursor:
    """A row of a listing: its time in the listing's order (UTC) and its post id."""

    at: dt.datetime
    id: int

    def token(self) -> str:
        """The cursor as a query-string value: microseconds since 1970, a dot, the id."""
        delta = self.at - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.id}"

    @classmethod
    def parse(cls, text: str, key: str) -> Cursor:
        """The cursor of :meth:`token`.  Raises :class:`~disseminator.errors.UsageError`."""
        from .errors import UsageError

        micros, dot, post = text.strip().partition(".")
        if not (dot and micros.lstrip("-").isdigit() and post.isdigit()):
            raise UsageError(_("{key}: cannot read {value!r} as a place in the list; open the first page and "
                               "follow its links").format(key=key, value=text))
        at = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=int(micros))
        return cls(at, int(post))


@dataclass(frozen=True)
class Page:
    """One page of a listing: its rows (``queue --json`` or ``history --json`` shape, in
    the listing's order), where they are in it, and the cursors of the pages around it."""

    rows: list[dict[str, Any]]
    #: The position of the first row in the listing, from 1.
    start: int
    #: Whether rows follow this page (``later`` is where they start).
    more: bool
    #: The first and last rows shown: the cursors of the previous and next pages.
    earlier: Cursor | None
    later: Cursor | None
    #: Accounts whose posts wait until someone fixes them (queue only): name -> why.
    attention: dict[str, str]

    @property
    def end(self) -> int:
        """The position of the last row shown (``start - 1`` on an empty page)."""
        return self.start + len(self.rows) - 1


def listing_page(settings: Settings, store: Store, kind: str, status: str | None, *, filters: Filters,
                 after: Cursor | None = None, before: Cursor | None = None, start: int = 1, size: int = SIZE,
                 now: dt.datetime | None = None) -> Page:
    """The ``size`` rows of the ``queue`` or ``history`` listing (``kind``) that follow
    ``after``, or precede ``before``, or open it.  ``start`` is the position the caller
    says the page begins at (from its links); ``filters.limit`` ends the listing there.
    Bad filters raise :class:`~disseminator.errors.UserError`, as the CLI's do."""
    from .listings import DONE, QUEUED, store_filters

    default = QUEUED if kind == "queue" else DONE
    statuses = None if status == "all" else ([status] if status else list(default))
    where = store_filters(settings, store, filters)
    newest_first = kind == "history"
    when: Callable[[PostRow], dt.datetime] = ((lambda r: r.published_at or r.updated_at) if newest_first
                                              else (lambda r: r.scheduled_at))

    def read(cursor: Cursor | None, n: int, *, forward: bool) -> list[tuple[PostRow, str]]:
        """Up to ``n`` rows beyond ``cursor`` going forward (or backward), in that walk's order."""
        descending = newest_first == forward
        bounds = dict(where)
        if cursor is not None and descending:
            bounds["until"] = min(b for b in (where["until"], cursor.at + _TICK) if b is not None)
        elif cursor is not None:
            bounds["since"] = max(b for b in (where["since"], cursor.at) if b is not None)

        def beyond(pair: tuple[PostRow, str]) -> bool:
            row = pair[0]
            if cursor is None or when(row) != cursor.at:
                return True
            return row.id < cursor.id if descending else row.id > cursor.id

        limit = n + 8
        while True:
            got = store.post_page(statuses, **bounds, by_done_time=newest_first, newest_first=descending, limit=limit)
            kept = [p for p in got if beyond(p)]
            if len(kept) >= n or len(got) < limit:
                return kept[:n]
            limit = 2 * limit + (len(got) - len(kept))  # many posts at the cursor's very time

    cap = filters.limit

    def cursor(pair: tuple[PostRow, str]) -> Cursor:
        return Cursor(when(pair[0]), pair[0].id)

    if before is not None and start > 1:
        wanted = min(size, start - 1)
        rows = read(before, wanted + 1, forward=False)[::-1]
        if len(rows) >= wanted and (len(rows) > wanted) == (start - wanted > 1):
            rows, start = rows[-wanted:], start - wanted
            more = (cap is None or start + wanted - 1 < cap) and bool(read(cursor(rows[-1]), 1, forward=True))
            return _page(settings, store, kind, rows, start, more, cursor, now)
        after = None  # the rows before are not where the link said (the list changed): the first page
    if after is None:
        start = 1
    room = size if cap is None else max(0, min(size, cap - start + 1))
    rows = read(after, room + 1, forward=True) if room else []
    more = len(rows) > room and (cap is None or start + room - 1 < cap)
    return _page(settings, store, kind, rows[:room], start, more, cursor, now)


def _page(settings: Settings, store: Store, kind: str, rows: list[tuple[PostRow, str]], start: int, more: bool,
          cursor: Callable[[tuple[PostRow, str]], Cursor], now: dt.datetime | None) -> Page:
    """The page's views; the queue's say what each post waits for, as ``queue`` does."""
    from .listings import with_holds
    from .views import posts_view

    if kind == "queue":
        attention, views = with_holds(settings, store, rows, now)
    else:
        attention, views = {}, posts_view(store, [r for r, _t in rows], settings.tz, titles={r.id: t for r, t in rows})
    return Page(views, start, more, cursor(rows[0]) if rows and start > 1 else None,
                cursor(rows[-1]) if rows and more else None, attention)
