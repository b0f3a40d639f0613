"""``/report``: the monthly report of ``disseminator report`` for a chosen month: the same
HTML (``/report/view``, charts included) and the same four CSV files (``/report/csv``),
made by the same library functions."""

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
    """The month asked for (``month=2026-11``; default: this month).  Raises UsageError."""
    from ...monthly_report import period

    month = request.args.get("month") or dt.datetime.now(settings().tz).strftime("%Y-%m")
    return period(settings().tz, month=month)


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
    body = render_template("report.html", span=span, figures=figures, error=error,
                           files=[(name, _(CSV_TITLES[name])) for name in CSV_FILES],
                           month=request.args.get("month") or (span.label if span else ""), title=_("Report"))
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
