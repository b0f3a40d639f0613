"""``/accounts``: each account's state (paused, needs attention, token expiry) and its posts
(what ``accounts list`` and ``status`` show), with a "check" button (what ``accounts check``
does); ``/holds``: what keeps posts back and why (``status``'s holds), the missed and
unapproved posts, and the pause and resume of ``pause`` / ``resume`` (one account or all)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from channels.i18n import N_, _, ngettext, stored

from .. import nav
from ..auth import notice, page
from ..core import settings, store
from ..language import safe_next

bp = Blueprint("accounts", __name__)
nav.add("accounts.accounts", N_("Accounts"), "status", 40)
nav.add("accounts.holds", N_("Holds"), "status", 50)


@bp.get("/accounts")
@page("status")
def accounts() -> str:
    from ...accounts import list_accounts
    from ...status import gather
    from ...views import show_human

    conf, db = settings(), store()
    rows = list_accounts(conf, lambda: db)
    status = gather(conf, db)
    tokens = {t["account"]: t for t in status.tokens}
    for r in rows:
        r["counts"] = status.accounts.get(r["account"], {})
        r["attention"] = stored(r["needs_attention"]) if r["needs_attention"] else None
        token = tokens.get(r["account"])
        r["token_expires"] = show_human(token["expires_at"], conf.tz) if token else None
    return render_template("accounts.html", rows=rows, title=_("Accounts"), checks=None)


@bp.post("/accounts/check")
@page("accounts check")
def check() -> WerkzeugResponse:
    """Check one account (``name``) or every one (no name), as ``accounts check`` does."""
    from ...accounts import check_accounts
    from ...errors import UserError

    name = request.form.get("name") or None
    try:
        result = check_accounts(settings(), store(), [name] if name else [])
    except UserError as exc:
        notice(exc.message, "error")
        return redirect(url_for("accounts.accounts"))
    for r in result.rows:
        if r["ok"]:
            said = _("{account}: ok, posts as {identity}").format(account=r["account"], identity=r["identity"])
            if r.get("released"):
                said += " " + ngettext("({n} waiting post is due again)", "({n} waiting posts are due again)",
                                       r["released"]).format(n=r["released"])
            notice(said)
        else:
            notice(_("{account}: NEEDS ATTENTION: {error}").format(account=r["account"], error=r["error"]), "error")
    return redirect(url_for("accounts.accounts"))


@bp.get("/holds")
@page("status")
def holds() -> str:
    from ...holds import LABELS
    from ...status import gather
    from ...store.account_models import HoldKind
    from ...views import show_human

    conf, db = settings(), store()
    status = gather(conf, db)
    rows: list[dict[str, Any]] = []
    for h in status.holds:
        kind = HoldKind(h["kind"])
        rows.append({**h, "label": _(LABELS[kind]), "reason": stored(h["reason"] or ""),
                     "until": show_human(h["until"], conf.tz) if h["until"] else None,
                     # What a person can lift from here, as the CLI can: a pause or a budget
                     # hold ends with `resume`; needs attention ends with `accounts check`.
                     "lift": ("resume" if kind in (HoldKind.PAUSE, HoldKind.BUDGET)
                              else "accounts check" if kind is HoldKind.ATTENTION else None)})
    waiting = {a: c for a, c in status.accounts.items() if c.get("missed") or c.get("awaiting_approval_due")}
    presets = sorted(conf.pause_presets.values(), key=lambda p: p.name)
    return render_template("holds.html", rows=rows, waiting=waiting, accounts=conf.account_names(), presets=presets,
                           problems=[stored(p) for p in status.problems], title=_("Holds"))


@bp.post("/holds/pause")
@page("pause")
def pause() -> WerkzeugResponse:
    """``pause NAME|--all --reason --until --preset --allow-urgent`` from a form."""
    from ...errors import UserError
    from ...pauses import pause as do_pause
    from ...views import show_human

    form = request.form
    name = form.get("account") or None
    try:
        state = do_pause(settings(), store(), name, reason=form.get("reason", "").strip(),
                         until=form.get("until") or None, preset=form.get("preset") or None,
                         allow_urgent=True if form.get("allow_urgent") else None)
    except UserError as exc:
        notice(exc.message, "error")
        return _back()
    who = _("Every account") if state["all"] else state["account"]
    how = (_("{who} paused until {when}").format(who=who, when=show_human(state["until"], settings().tz))
           if state["until"] else _("{who} paused").format(who=who))
    if state["reason"]:
        how = _("{paused} ({reason})").format(paused=how, reason=state["reason"])
    notice(_("{paused}: posts wait, nothing is cancelled.").format(paused=how))
    return _back()


@bp.post("/holds/resume")
@page("resume")
def resume() -> WerkzeugResponse:
    """``resume NAME|--all``: end a pause (or a budget hold) from the holds page."""
    from ...errors import UserError
    from ...holds import ALL
    from ...pauses import resume as do_resume

    target = request.form.get("account", "")
    try:
        state = do_resume(settings(), store(), None if target in ("", ALL) else target)
    except UserError as exc:
        notice(exc.message, "error")
        return _back()
    who = _("Every account") if state["all"] else state["account"]
    if not state["changed"]:
        notice(_("{who} was not paused.").format(who=who))
    else:
        said = ngettext("{who} resumed: {n} overdue post goes out at the next run.",
                        "{who} resumed: {n} overdue posts go out at the next run.", state["due"]).format(
            who=who, n=state["due"])
        if state["missed"]:
            said += " " + ngettext("{n} post became missed: send it again or cancel it.",
                                   "{n} posts became missed: send them again or cancel them.",
                                   len(state["missed"])).format(n=len(state["missed"]))
        if state["still_held"]:
            said += " " + _("Still waiting: {held}").format(held="; ".join(state["still_held"]))
        notice(said)
    return _back()


def _back() -> WerkzeugResponse:
    """Back to the page the form was on (``next``: the accounts page), else the holds page."""
    return redirect(safe_next(request.form.get("next"), url_for("accounts.holds")))
