"""The new post page: an article from an uploaded file or a web address, its preview for
every account, the accounts and a time chosen, then queued (or sent for approval where the
configuration asks for it).

``GET /new``: the form.  ``POST /new``: the article is added as ``article add`` adds a
file (:func:`disseminator.uploads.add_upload`) or fetched (:func:`disseminator.uploads.add_url`),
then ``GET /new/<article>`` shows what each account would post
(:func:`disseminator.posts.preview`, as ``disseminator preview``).  ``POST /new/<article>``
with ``step=check`` shows the time the phrase means (nothing saved); with ``step=queue``
it queues through :func:`disseminator.posts.schedule`, as ``disseminator schedule ID
--account NAME... --at WHEN``: each post waits for approval when its account needs it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from channels.i18n import N_, _, ngettext

from .. import nav
from ..auth import notice, page
from ..core import settings, store
from ..images import allow_images

bp = Blueprint("new_post", __name__)
nav.add("new_post.start", N_("New post"), "schedule", 15)


@bp.get("/new")
@page("schedule")
def start() -> Any:
    return render_template("new_post.html", step="read", error=None, url=request.args.get("url", ""))


@bp.post("/new")
@page("schedule")
def read() -> Any:
    from ...errors import UserError
    from ...uploads import add_upload, add_url

    upload = request.files.get("article")
    url = request.form.get("url", "").strip()
    try:
        if upload is not None and upload.filename:
            added = add_upload(settings(), store(), upload.filename, upload.read())
        elif url:
            added = add_url(settings(), store(), url)
        else:
            raise UserError(_("article: choose a Markdown or JSON file, or paste the article's web address"))
    except UserError as exc:
        return render_template("new_post.html", step="read", error=exc.message, url=url), 400
    if not added["created"]:
        notice(_("Article {id} ({title}) was already stored: it is used as it is.").format(
            id=added["id"], title=added["title"]))
    return redirect(url_for("new_post.choose", article_id=added["id"]))


@bp.route("/new/<int:article_id>", methods=["GET", "POST"])
@page("schedule")
def choose(article_id: int) -> Any:
    from ...errors import UserError
    from ...posts import preview
    from ...timeparse import parse_when
    from ...views import show_human

    conf, db = settings(), store()
    article = db.article(article_id)  # an unknown article is a 400 with the core's line
    every = conf.account_names()
    shown = preview(conf, str(article_id), every, store=lambda: db).items
    chosen = request.form.getlist("account") if request.method == "POST" else [
        i["account"] for i in shown if not i["refused"]]
    when = request.form.get("when", "").strip()
    resolved, error = "", None
    if request.method == "POST" and when:
        try:
            resolved = show_human(parse_when(when, tz=conf.tz, now=db.clock.now()), conf.tz)
        except UserError as exc:
            error = exc.message
    if request.method == "POST" and request.form.get("step") == "queue" and error is None:
        queued, error = _queue(article_id, chosen, when)
        if queued is not None:
            return queued
    allow_images(url for i in shown for url in i["media"])
    approval = {a: conf.officers.approval_for(a) for a in every}
    return render_template("new_post.html", step="choose", article=article, items=shown, chosen=chosen, when=when,
                           resolved=resolved, error=error, approval=approval,
                           button=_button([a for a in chosen if a in approval], approval))


def _queue(article_id: int, accounts: list[str], when: str) -> tuple[Any, str | None]:
    """Queue the posts: (the calendar to go to, None), or (None, why nothing was queued)."""
    from ...errors import UserError
    from ...posts import schedule
    from ...views import show_human

    if not accounts:
        return None, _("accounts: choose at least one account")
    try:
        done = schedule(settings(), store(), article_id, accounts, at=when or None)
    except UserError as exc:
        return None, exc.message
    for line in done.refused:
        notice(line, "error")
    waiting = [r for r in done.rows if r["status"] == "awaiting_approval"]
    going = [r for r in done.rows if r["status"] != "awaiting_approval"]
    if going:
        notice(ngettext("{n} post queued: {ids}.", "{n} posts queued: {ids}.", len(going)).format(
            n=len(going), ids=", ".join(f"{r['id']} ({r['account']}, {show_human(r['scheduled_at'], settings().tz)})"
                                        for r in going)))
    if waiting:
        notice(ngettext("{n} post waits for approval: {ids}.", "{n} posts wait for approval: {ids}.",
                        len(waiting)).format(n=len(waiting), ids=", ".join(f"{r['id']} ({r['account']})" for r in waiting)))
    if not done.rows:
        return None, _("no post was queued")
    first = min(r["scheduled_at"] for r in done.rows)
    return redirect(url_for("calendar.calendar", date=first[:10])), None


def _button(accounts: list[str], approval: dict[str, str]) -> str:
    """The submit button's words: queue, send for approval, or both (by the accounts'
    ``approval`` setting)."""
    needing = [a for a in accounts if approval.get(a, "none") != "none"]
    if needing and len(needing) == len(accounts):
        return _("Send for approval")
    if needing:
        return _("Queue (and send for approval where needed)")
    return _("Queue")
