"""The post page: one post as it will look on its network, its warnings, its calls and
record, and the officer's moves on it.

``GET /post/<id>``: :func:`disseminator.post_page.post_page` (the buttons shown are its
``actions``: the state's moves the officer's roles allow).  Each move is a POST to
``/post/<id>/<move>`` through the same core function as its CLI command, checked on the
server against that command's role (:func:`..auth.page`) and, for a drafter, against the
post (:func:`disseminator.officers.check_post`, inside the core), and recorded under the
officer's name.  ``POST /post/<id>/check`` answers the edit form's live check as JSON
(:func:`disseminator.post_page.check_text`: exactly what ``edit`` would say).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from channels.i18n import _, ngettext

from ..auth import notice, officer, page
from ..core import settings, store
from ..images import allow_images

bp = Blueprint("post", __name__)


@bp.get("/post/<int:post_id>")
@page("post show")
def show(post_id: int) -> Any:
    from ...post_page import post_page
    from ...states import label

    data = post_page(settings(), store(), post_id, officer=officer())
    allow_images(m["url"] for m in data["preview"]["media"])
    return render_template("post.html", post=data, label=label)


@bp.post("/post/<int:post_id>/check")
@page("edit")
def check(post_id: int) -> Any:
    from ...post_page import check_text

    return jsonify(check_text(settings(), store(), post_id, request.form.get("text", "")))


@bp.post("/post/<int:post_id>/approve")
@page("approve")
def approve(post_id: int) -> Any:
    from ...approval import approve as decide

    done = decide(settings(), store(), [post_id], officer=officer())
    _said(done.refused, done.warnings)
    for row in done.rows:
        if row["status"] == "scheduled":
            notice(_("Post {id} approved: it goes at its time.").format(id=row["id"]))
        else:
            notice(_("Post {id} approved; it waits for a second approver.").format(id=row["id"]))
    return _back(post_id)


@bp.post("/post/<int:post_id>/reject")
@page("reject")
def reject(post_id: int) -> Any:
    from ...approval import reject as decide
    from ...errors import UserError

    try:  # an empty reason is refused by the core, as for 'reject --reason'
        done = decide(settings(), store(), [post_id], reason=request.form.get("reason", ""), officer=officer())
    except UserError as exc:
        notice(exc.message, "error")
        return _back(post_id)
    _said(done.refused, done.warnings)
    for row in done.rows:
        notice(_("Post {id} rejected: it will not be published.").format(id=row["id"]))
    return _back(post_id)


@bp.post("/post/<int:post_id>/edit")
@page("edit")
def edit(post_id: int) -> Any:
    from ...errors import UserError
    from ...post_changes import edit as change

    try:
        done = change(settings(), store(), post_id, request.form.get("text", ""))
    except UserError as exc:
        notice(exc.message, "error")
        return _back(post_id)
    for row in done.rows:
        if row["status"] == "awaiting_approval":
            notice(_("Post {id}: text saved; it needs approval again.").format(id=row["id"]))
        else:
            notice(_("Post {id}: text saved.").format(id=row["id"]))
    return _back(post_id)


@bp.post("/post/<int:post_id>/reschedule")
@page("reschedule")
def reschedule(post_id: int) -> Any:
    from ...errors import UserError
    from ...post_changes import reschedule as move
    from ...views import show_human

    try:
        done = move(settings(), store(), [post_id], request.form.get("when", "").strip())
    except UserError as exc:
        notice(exc.message, "error")
        return _back(post_id)
    _said(done.refused, done.warnings)
    for row in done.rows:
        notice(_("Post {id} ({account}) now goes at {when}.").format(
            id=row["id"], account=row["account"], when=show_human(row["scheduled_at"], settings().tz)))
    return _back(post_id)


@bp.post("/post/<int:post_id>/cancel")
@page("cancel")
def cancel(post_id: int) -> Any:
    from ...post_changes import cancel as drop

    done = drop(settings(), store(), [post_id])
    _said(done.refused, done.warnings)
    for row in done.rows:
        notice(_("Post {id} cancelled: it will not be published.").format(id=row["id"]))
    return _back(post_id)


@bp.post("/post/<int:post_id>/retry")
@page("retry")
def retry(post_id: int) -> Any:
    from ...post_changes import retry as again

    done = again(settings(), store(), [post_id])
    _said(done.refused, done.warnings)
    for row in done.rows:
        notice(_("Post {id} goes again at the next run.").format(id=row["id"]))
    return _back(post_id)


@bp.post("/post/<int:post_id>/unpublish")
@page("unpublish")
def unpublish(post_id: int) -> Any:
    from ...errors import UserError
    from ...officers import current_name
    from ...unpublish import unpublish as withdraw

    try:  # an empty reason is refused by the core, as for 'unpublish --reason'
        done = withdraw(settings(), store(), [post_id], reason=request.form.get("reason", ""), who=current_name())
    except UserError as exc:
        notice(exc.message, "error")
        return _back(post_id)
    _said(done.refused, done.warnings)
    for row in done.rows:
        notice(ngettext("Post {id} withdrawn: {n} part deleted from the network.",
                        "Post {id} withdrawn: {n} parts deleted from the network.",
                        row["deleted_parts"]).format(id=row["id"], n=row["deleted_parts"]))
    return _back(post_id)


def _said(refused: list[str], warnings: list[str]) -> None:
    for line in refused:
        notice(line, "error")
    for line in warnings:
        notice(_("warning: {line}").format(line=line), "error")


def _back(post_id: int) -> Any:
    return redirect(url_for("post.show", post_id=post_id))
