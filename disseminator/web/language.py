"""The page's language: Indonesian by default (the configuration's ``language`` if set), or
what the officer chose with the switch (a cookie).  Messages come from the CLI's gettext
catalogs (:mod:`channels.i18n`), chosen for the request only: two officers reading in two
languages at once each get their own."""

from __future__ import annotations

from contextlib import ExitStack
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, redirect, request
from werkzeug.wrappers import Response as WerkzeugResponse

from channels import i18n

COOKIE = "disseminator_language"
DEFAULT = "id"

bp = Blueprint("language", __name__)


def chosen() -> str:
    """The language of this request."""
    from .core import settings

    wanted = request.cookies.get(COOKIE)
    if wanted in i18n.LANGUAGES:
        return str(wanted)
    return settings().language or DEFAULT


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path of this site (never another host: no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.get("/language/<code>")
def switch(code: str) -> WerkzeugResponse:
    """Speak ``code`` from now on in this browser, and go back to the page."""
    from .core import settings

    response = redirect(safe_next(request.args.get("next")))
    if code in i18n.LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 86_400, samesite="Lax", httponly=True,
                            secure=settings().web.secure_cookies)
    return response


def _enter() -> None:
    stack = ExitStack()
    stack.enter_context(i18n.speaking(chosen()))
    g.language_stack = stack
    g.language = i18n.current()


def _leave(_exc: BaseException | None) -> None:
    stack = g.pop("language_stack", None)
    if stack is not None:
        stack.close()


def install(app: Flask) -> None:
    app.before_request(_enter)
    app.teardown_request(_leave)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(_=i18n._, ngettext=i18n.ngettext, languages=i18n.LANGUAGES)
