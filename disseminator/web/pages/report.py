"""``/report``: the report of ``disseminator report`` for a chosen month (``month=2026-11``)
or days (``since=2026-11-01&until=2026-11-15``, both included, read and checked as the
CLI's ``--since``/``--until``): the same HTML (``/report/view``, charts included) and the
same four CSV files (``/report/csv``), made by the same library functions."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from channels.i18n import N_, _

from .. import nav
from ..auth import page
from ..core import settings, store
from ..security import allow_inline_styles

bp = Blueprint("report", __name__)
#: What each CSV file of the report holds (its section's title in the HTML report).
CSV_TITLES = {"posts-per-day": N_("Posts per channel and day"),
              "time-to-first-post": N_("Time from an article to its first post"),
              "engagement-24h": N_("Engagement at 24 hours by channel"), "top-posts": N_("Top posts")}
nav.add("report.report", N_("Report"), "report", 60)


def _period() -> Any:
    """The period asked for: ``month``, or ``since`` and ``until``; default: this month.
    Raises UsageError, as ``report``'s options do."""
    from ...monthly_report import period

    args = request.args
    month, since, until = (args.get(k, "").strip() or None for k in ("month", "since", "until"))
    if month is None and since is None and until is None:
        month = dt.datetime.now(settings().tz).strftime("%Y-%m")
    return period(settings().tz, month=month, since=since, until=until, names=(_("From"), _("Until")))


def _query(span: Any) -> dict[str, str]:
    """The query string that names ``span`` again (the links to its HTML and CSV files):
    a month's label is the month, a range's is its first and last days joined by ``_``."""
    since, joined, until = span.label.partition("_")
    return {"since": since, "until": until} if joined else {"month": span.label}


@bp.get("/report")
@page("report")
def report() -> Any:
    from ...errors import UserError
    from ...monthly_report import CSV_FILES, gather

    error, figures, span = None, None, None
    try:
        span = _period()
        figures = gather(store(), span)
    except UserError as exc:
        error = exc.message
    query = _query(span) if span else {}
    args = request.args
    body = render_template("report.html", span=span, figures=figures, error=error, query=query,
                           files=[(name, _(CSV_TITLES[name])) for name in CSV_FILES],
                           shown=" – ".join(query.values()) if query else "",
                           month=query.get("month", "") if span else args.get("month", ""),
                           since=query.get("since", "") if span else args.get("since", ""),
                           until=query.get("until", "") if span else args.get("until", ""), title=_("Report"))
    return body, (400 if error else 200)


@bp.get("/report/view")
@page("report")
def view() -> Response:
    """The report's own HTML document (inline styles and SVG charts; no script)."""
    from ...monthly_report import gather
    from ...report_html import render

    figures = gather(store(), _period())
    allow_inline_styles()
    return Response(render(figures, made_at=store().clock.now()), mimetype="text/html")


@bp.get("/report/csv/<name>")
@page("report")
def csv_file(name: str) -> Response:
    """One of the report's CSV files, as ``report`` writes it."""
    from ...monthly_report import CSV_FILES, gather, write_csv

    if name not in CSV_FILES:
        abort(404)
    span = _period()
    figures = gather(store(), span)
    with tempfile.TemporaryDirectory(prefix="disseminator-report-") as folder:
        stem = f"disseminator-report-{span.label}"
        paths = write_csv(figures, Path(folder), stem)
        data = next(p for p in paths if p.name == f"{stem}-{name}.csv").read_bytes()
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{name}.csv"'})
