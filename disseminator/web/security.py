"""CSRF tokens on every form and the HTTP security headers.

Every POST must carry the token (form field ``csrf``, or header ``X-CSRF-Token``): a
login's own token (kept with its session in the database), or before logging in the
value of a SameSite=Strict cookie (a double-submit token, for the login form).  A POST
without a valid one is refused with 400 before any page code runs.

Every answer carries a Content-Security-Policy without inline scripts (a page that needs a
script ships it in ``static/`` or uses :func:`csp_nonce`), ``frame-ancestors 'none'`` and
X-Frame-Options, X-Content-Type-Options, Referrer-Policy, and ``Cache-Control: no-store``
for pages of a login.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, g, request

from channels.i18n import N_

#: The cookie holding the token of forms shown before a login.
PRE_COOKIE = "disseminator_csrf"
FIELD = "csrf"
HEADER = "X-CSRF-Token"
REFUSED = N_("This form was not sent from a page of this site, or it is too old: reload the page "
             "and send it again.")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token() -> str:
    """The token to put in a form (``<input type="hidden" name="csrf" value="...">``)."""
    login = getattr(g, "login", None)
    if login is not None:
        return str(login.csrf)
    if not getattr(g, "pre_token", None):
        g.pre_token = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
        g.set_pre_cookie = PRE_COOKIE not in request.cookies
    return str(g.pre_token)


def csp_nonce() -> str:
    """A nonce for one inline ``<script nonce="...">`` of this answer (prefer a static file)."""
    if not getattr(g, "nonce", None):
        g.nonce = secrets.token_urlsafe(16)
    return str(g.nonce)


def _check() -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    login = getattr(g, "login", None)
    expected = login.csrf if login is not None else request.cookies.get(PRE_COOKIE, "")
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description=REFUSED)


def _headers(response: Response) -> Response:
    nonce = getattr(g, "nonce", None)
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    policy = getattr(g, "csp", None) or (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if getattr(g, "login", None) is not None or request.path.startswith("/login"):
        response.headers["Cache-Control"] = "no-store"
    if getattr(g, "set_pre_cookie", False):
        from .core import settings

        response.set_cookie(PRE_COOKIE, g.pre_token, httponly=True, samesite="Strict",
                            secure=settings().web.secure_cookies, path="/")
    return response


def install(app: Flask) -> None:
    """The CSRF check runs after the login is found (``auth`` registers first)."""
    app.before_request(_check)
    app.after_request(_headers)
    app.jinja_env.globals.update(csrf_token=csrf_token, csp_nonce=csp_nonce)


def allow_inline_styles() -> None:
    """This answer may use inline styles (the monthly report's own HTML and its charts);
    scripts stay forbidden and it cannot be framed."""
    g.csp = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
             "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
