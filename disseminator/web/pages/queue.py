"""``/queue`` and ``/history``: the CLI's ``queue`` and ``history`` with the same filters
(state, account, article, since, until, limit), a hundred rows a page (the queue soonest
first, the history newest first; :mod:`disseminator.paging`), and ``/queue.csv``,
``/history.csv``: the columns of their ``--csv`` (:data:`disseminator.views.POST_COLUMNS`),
every matching row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context

from channels.i18n import N_, _

from .. import nav
from ..auth import page
from ..core import settings, store

bp = Blueprint("queue", __name__)
nav.add("queue.queue", N_("Queue"), "queue", 20)
nav.add("queue.history", N_("History"), "history", 30)

def filters() -> tuple[str | None, Any]:
    """(state, :class:`~disseminator.listings.Filters`) from the query string, as the CLI's
    options give them.  Raises :class:`~disseminator.errors.UserError` for a bad number."""
    from ...errors import UsageError
    from ...listings import STATUSES, Filters

    args = request.args

    def number(key: str) -> int | None:
        text = args.get(key, "").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) < 1:
            raise UsageError(_("{key}: expected a whole number from 1, got {value!r}").format(key=key, value=text))
        return int(text)

    status = args.get("status") or None
    if status is not None and status not in (*STATUSES, "all"):
        raise UsageError(_("status: expected one of {states}, got {value!r}").format(
            states=", ".join((*STATUSES, "all")), value=status))
    accounts = tuple(a for a in args.getlist("account") if a)
    return status, Filters(number("article"), accounts, args.get("since") or None, args.get("until") or None,
                           number("limit"))


def _listing(kind: str) -> Any:
    from ...errors import UserError
    from ...paging import listing_page
    from ...listings import STATUSES
    from ...views import status_word, what_next

    error, found = None, None
    try:
        status, filtered = filters()
        after, before, start = _place()
        found = listing_page(settings(), store(), kind, status, filters=filtered, after=after, before=before,
                             start=start)
    except UserError as exc:
        error = exc.message
    tz = settings().tz
    rows = found.rows if found else []
    for r in rows:
        r["state_word"] = status_word(r["status"])
        r["next"] = what_next(r, tz) if kind == "queue" else (r.get("error") or "")
    body = render_template("listing.html", kind=kind, rows=rows, error=error, found=found,
                           pages=_links(kind, found) if found else {},
                           attention=found.attention if found else {}, statuses=STATUSES,
                           accounts=settings().account_names(), args=request.args,
                           csv_args={k: v for k, v in request.args.to_dict(flat=False).items() if k not in PLACE},
                           title=_("Queue") if kind == "queue" else _("History"), shown=_shown_time)
    return body, (400 if error else 200)


#: The query-string keys that say which page is shown (the others are the filters).
PLACE = ("after", "before", "start")


def _place() -> tuple[Any, Any, int]:
    """(after, before, start) from the query string: the cursors of the page's links
    (:class:`~disseminator.paging.Cursor`) and the position its first row has."""
    from ...errors import UsageError
    from ...paging import Cursor

    args = request.args
    after = Cursor.parse(args["after"], "after") if args.get("after") else None
    before = Cursor.parse(args["before"], "before") if args.get("before") else None
    text = args.get("start", "").strip() or "1"
    if not text.isdigit() or int(text) < 1:
        raise UsageError(_("{key}: expected a whole number from 1, got {value!r}").format(key="start", value=text))
    return after, before, int(text)


def _links(kind: str, found: Any) -> dict[str, str]:
    """The previous and next pages' addresses, with the filters of this one."""
    from flask import url_for

    kept: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in PLACE}
    links = {}
    if found.earlier is not None:
        links["earlier"] = url_for(f"queue.{kind}", **kept, before=found.earlier.token(), start=found.start)
    if found.later is not None:
        links["later"] = url_for(f"queue.{kind}", **kept, after=found.later.token(), start=found.end + 1)
    return links


def _shown_time(iso: str | None) -> str:
    from ...views import show_human

    return show_human(iso, settings().tz) if iso else ""


@bp.get("/queue")
@page("queue")
def queue() -> Any:
    return _listing("queue")


@bp.get("/history")
@page("history")
def history() -> Any:
    return _listing("history")


def _csv(kind: str) -> Response:
    import dataclasses

    from ...listings import history_stream, queue_stream
    from ...views import POST_COLUMNS, csv_cell

    status, found = filters()  # a bad filter: 400 with its message (before any byte is sent)
    found = dataclasses.replace(found)
    rows: Iterator[dict[str, Any]] = (queue_stream(settings(), store(), status, filters=found).rows if kind == "queue"
                                      else history_stream(settings(), store(), status, filters=found))

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(POST_COLUMNS)
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in POST_COLUMNS])
            if out.tell() > 16_384:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})


@bp.get("/queue.csv")
@page("queue")
def queue_csv() -> Response:
    return _csv("queue")


@bp.get("/history.csv")
@page("history")
def history_csv() -> Response:
    return _csv("history")
