"""Serving the application: werkzeug's threaded WSGI server (a request per thread), for
``disseminator web`` and for the daemon (``[web] enabled = true``)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from ..errors import UsageError

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

log = logging.getLogger("disseminator.web")


def make(settings: Settings, store: Store, host: str, port: int) -> Any:
    """A server bound to ``host:port`` (0: a free port; ``server.server_port`` says which).
    Raises :class:`UsageError` when no officer is configured or the port cannot be had."""
    from werkzeug.serving import make_server

    from .app import create_app

    if not settings.officers.officers:
        raise UsageError(_("the web page needs officers: add [officers.NAME] with roles to the configuration, "
                           "then set each one's password with 'disseminator officers passwd NAME'"))
    try:
        return make_server(host, port, create_app(settings, store), threaded=True)
    except OSError as exc:
        raise UsageError(_("web: cannot listen on {address}: {error}").format(
            address=f"{host}:{port}", error=exc.strerror or exc)) from exc


def url(server: Any) -> str:
    host = server.host if ":" not in server.host else f"[{server.host}]"
    return f"http://{host}:{server.server_port}/"


def in_thread(settings: Settings, store: Store) -> Any:
    """Serve ``[web]``'s host and port from a daemon thread (the daemon's); returns the
    server (``shutdown()`` stops it)."""
    server = make(settings, store, settings.web.host, settings.web.port)
    thread = threading.Thread(target=server.serve_forever, name="web", daemon=True)
    thread.start()
    log.info("web.serving url=%s", url(server))
    return server
