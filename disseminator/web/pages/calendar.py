"""The calendar page: the week (or month) by day and account, each post a card, and a form
on each card that moves it (the core's ``reschedule``, the CLI's time phrases).

``GET /calendar?view=week|month&date=YYYY-MM-DD&account=NAME``: :func:`disseminator.calendar.calendar`.
``POST /calendar/move``: :func:`disseminator.post_changes.reschedule`, as ``disseminator
reschedule POST --at WHEN``.  ``GET /when?text=...``: what a time phrase means, as JSON (the
page's script shows it as the officer types; :func:`disseminator.timeparse.parse_when`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from channels.i18n import N_, _

from .. import nav
from ..auth import notice, page
from ..core import settings, store
from ..language import safe_next

bp = Blueprint("calendar", __name__)
nav.add("calendar.calendar", N_("Calendar"), "queue", 10)


@bp.get("/calendar")
@page("queue")
def calendar() -> Any:
    from ...calendar import VIEWS, calendar as read, read_day
    from ...views import show_clock, show_day

    now = store().clock.now()
    view = request.args.get("view", "week")
    day = read_day(request.args.get("date"), today=now.astimezone(settings().tz).date())
    accounts = [a for a in request.args.getlist("account") if a]
    shown = read(settings(), store(), view=view if view in VIEWS else "week", day=day, accounts=accounts, now=now)
    return render_template("calendar.html", cal=shown, show_day=show_day, accounts=accounts,
                           now_clock=show_clock(shown.now), configured=settings().account_names(), here=request.full_path.rstrip("?"))


@bp.post("/calendar/move")
@page("reschedule")
def move() -> Any:
    from ...errors import UserError
    from ...post_changes import reschedule
    from ...views import show_human

    back = safe_next(request.form.get("next"), url_for("calendar.calendar"))
    try:
        post_id = int(request.form.get("post", ""))
    except ValueError:
        notice(_("post: expected a post number"), "error")
        return redirect(back)
    when = request.form.get("when", "").strip()
    try:
        done = reschedule(settings(), store(), [post_id], when)
    except UserError as exc:
        notice(exc.message, "error")
        return redirect(back)
    for line in done.refused:
        notice(line, "error")
    for row in done.rows:
        notice(_("Post {id} ({account}) now goes at {when}.").format(
            id=row["id"], account=row["account"], when=show_human(row["scheduled_at"], settings().tz)))
    return redirect(back)


@bp.get("/when")
@page("queue")
def when() -> Any:
    """What a time phrase means (``{"ok", "at", "shown", "error"}``), for the forms' script."""
    from ...errors import UserError
    from ...timeparse import parse_when
    from ...views import show_human

    text = request.args.get("text", "").strip()
    if not text:
        return jsonify(ok=False, at=None, shown="", error="")
    try:
        at = parse_when(text, tz=settings().tz, now=store().clock.now())
    except UserError as exc:
        return jsonify(ok=False, at=None, shown="", error=exc.message)
    return jsonify(ok=True, at=at.isoformat(), shown=show_human(at, settings().tz), error="")
