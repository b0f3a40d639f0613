"""The application factory: one Flask application for one configuration and database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from channels.i18n import N_, _

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

#: The pages (each a module of :mod:`disseminator.web.pages` with a blueprint ``bp``).
PAGES = ("home", "calendar", "new_post", "post", "queue", "accounts", "report")
TITLES = {400: N_("The request was refused"), 403: N_("Not allowed"), 404: N_("Not found"),
          405: N_("Not allowed"), 429: N_("Too many attempts"), 500: N_("Something went wrong")}


def post_url(post_id: int) -> str | None:
    """The address of a post's page (endpoint ``post.show``), None while no page serves it."""
    from flask import current_app, url_for

    if "post.show" not in current_app.view_functions:
        return None
    return url_for("post.show", post_id=post_id)


def create_app(settings: Settings, store: Store, *, extra_pages: tuple[str, ...] = ()) -> Flask:
    """The web page for ``settings`` and ``store``.  ``extra_pages``: more modules of
    :mod:`disseminator.web.pages` to register (they are also found in :data:`PAGES`)."""
    import importlib

    from . import auth, language, security
    from .core import Core
    from .nav import MENU

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.extensions["disseminator"] = Core(settings, store)
    app.config.update(MAX_CONTENT_LENGTH=20 * 1024 * 1024, SESSION_COOKIE_HTTPONLY=True)
    # Order matters: the language first (messages), then the login (the CSRF check needs its token).
    language.install(app)
    auth.install(app)
    security.install(app)
    for name in (*PAGES, *extra_pages):
        module = importlib.import_module(f"{__package__}.pages.{name}")
        app.register_blueprint(module.bp)
    from ..views import status_word

    if settings.web.proxy_hops:  # behind https proxies: the browser's address and scheme
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.web.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.jinja_env.globals.update(menu=MENU, zone=settings.tz, post_url=post_url, status_word=status_word)

    @app.errorhandler(HTTPException)
    def refused(exc: HTTPException) -> Any:
        code = exc.code or 500
        title = _(TITLES.get(code, TITLES[500]))
        return render_template("error.html", title=title, message=exc.description, code=code), code

    @app.errorhandler(Exception)
    def broken(exc: Exception) -> Any:
        from ..errors import UserError

        if isinstance(exc, UserError):  # a page passed on the core's refusal: say it
            return render_template("error.html", title=_(TITLES[400]), message=exc.message, code=400), 400
        app.logger.exception("web.error path=%s", getattr(exc, "path", ""))
        return render_template("error.html", title=_(TITLES[500]), message=_(
            "The server could not finish this; nothing was changed by the failed step. The log has the details."),
            code=500), 500

    return app
