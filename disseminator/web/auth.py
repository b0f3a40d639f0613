"""Logging in and out, and :func:`page`: the role check every page and action goes through.

The roles are the core's: :func:`page` asks :func:`disseminator.officers.check_command`
whether the officer may run the command the page stands for (``queue``, ``approve``,
``accounts check``...), exactly as the CLI does for that command; a page never has a rule
of its own.  The page's code then runs as that officer: posts keep who drafted and
approved them, and the publication record names them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from channels.i18n import N_, _

from . import sessions, throttle
from .core import settings, store
from .language import safe_next

bp = Blueprint("auth", __name__)
log = logging.getLogger("disseminator.web")
F = TypeVar("F", bound=Callable[..., Any])

BAD_LOGIN = N_("Wrong officer name or password.")
WAIT = N_("Too many failed logins: wait until {time} and try again (or ask an admin to set a new "
          "password with 'disseminator officers passwd NAME').")
ENDED = N_("Your login has ended (logged out, or unused for too long): log in again.")
NOT_ALLOWED = N_("You may not do this: {reason}")


def officer() -> Any:
    """The logged-in :class:`~disseminator.officers.Officer` of this request, or None."""
    return getattr(g, "officer", None)


def _load() -> None:
    """Find the request's login (before the CSRF check, which needs its token)."""
    g.login = None
    g.officer = None
    if request.endpoint == "static":  # the style sheet needs no login (and no database)
        return
    token = request.cookies.get(sessions.COOKIE)
    login = sessions.find(store(), settings().web, token)
    if login is None:
        g.login_ended = bool(token)
        return
    found = settings().officers.officers.get(login.officer)
    if found is None:  # taken out of the configuration: the login ends with it
        sessions.end(store(), login.key)
        g.login_ended = True
        return
    g.login, g.officer = login, found


def page(command: str) -> Callable[[F], F]:
    """The view may be used by an officer who may run ``command`` (a key of
    :data:`disseminator.officers.COMMAND_ROLES`, ``queue`` or ``accounts check``); it runs
    as that officer.  Not logged in: to the login page (a GET) or 403 (a POST)."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            from ..errors import UserError
            from ..officers import acting_as, check_command
            from ..store.record import acting_as as record_actor

            who = officer()
            if who is None:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(403, description=_(ENDED))
            try:
                check_command(who, command)
            except UserError as exc:
                abort(403, description=_(NOT_ALLOWED).format(reason=exc.message))
            with acting_as(who), record_actor(who.name):
                return view(*args, **kwargs)

        checked.command = command  # type: ignore[attr-defined]
        return cast(F, checked)

    return wrap


def may(command: str) -> bool:
    """May the logged-in officer run ``command``? (To show a button or not; the action's
    own :func:`page` decides.)"""
    from ..officers import may_run

    who = officer()
    return who is not None and may_run(who, command)


def notice(text: str, kind: str = "ok") -> None:
    """Show ``text`` on the next page of this login (``kind``: ``ok`` or ``error``)."""
    if g.login is not None:
        sessions.add_notice(store(), g.login.key, text, kind)


def notices() -> list[dict[str, Any]]:
    if getattr(g, "login", None) is None:
        return []
    if "notices" not in g:
        g.notices = sessions.take_notices(store(), g.login.key)
    return list(g.notices)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if officer() is not None:
            return redirect(target)
        message = _(ENDED) if getattr(g, "login_ended", False) else None
        return render_template("login.html", error=message, name="", next=target)
    name = request.form.get("officer", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or "unknown"
    now = sessions.now()
    until = throttle.blocked_until(store(), settings().web, name, address, now)
    if until is not None:
        from ..views import show_human

        log.warning("web.login_waiting officer=%s address=%s until=%s", _logged(name), address, until.isoformat())
        shown = show_human(until, settings().tz, now=now)
        return render_template("login.html", error=_(WAIT).format(time=shown), name=name, next=target), 429
    from ..passwords import verify

    known = name in settings().officers.officers
    if not verify(store(), name if known else "", password) or not known:
        throttle.failed(store(), name or "-", address, now)
        log.warning("web.login_failed officer=%s address=%s", _logged(name), address)
        return render_template("login.html", error=_(BAD_LOGIN), name=name, next=target), 401
    throttle.succeeded(store(), name)
    sessions.sweep(store(), settings().web)
    token = sessions.start(store(), name, address)
    log.info("web.login officer=%s address=%s", name, address)
    response = redirect(target)
    web = settings().web
    response.set_cookie(sessions.COOKIE, token, httponly=True, samesite="Lax", secure=web.secure_cookies,
                        path="/", max_age=web.session_max)
    return response


def _logged(name: str) -> str:
    """The officer's name for a log line; a name no officer has is not logged (people type
    their password into the name field by mistake)."""
    return name if name in settings().officers.officers else "(unknown)"


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    if g.login is not None:
        sessions.end(store(), g.login.key)
        log.info("web.logout officer=%s", g.login.officer)
    response = redirect(url_for("auth.login"))
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


def install(app: Flask) -> None:
    app.before_request(_load)
    app.register_blueprint(bp)
    from ..officers import ROLE_WORDS

    app.jinja_env.globals.update(officer=officer, may=may, notices=notices, role_word=ROLE_WORDS.get)
