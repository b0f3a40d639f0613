"""The daemon's WebSub callback: a small HTTP server on ``[feeds] listen``.

``GET /<nonce>?hub.mode=...&hub.challenge=...``: the hub's intent check (answered with the
challenge, or 404: :func:`disseminator.ingest.websub.verify`).
``POST /<nonce>``: a push (:func:`~disseminator.ingest.websub.receive`), answered 202
whether or not its signature held, as WebSub asks; its entries are taken before the
answer, so a hub that times out is told nothing false.  Anything else: 404/405.

The path's last part is the nonce; what comes before it is whatever the public
``callback_url`` has (a reverse proxy may keep or strip it).  Werkzeug (already the
sandbox's server) serves it in a thread per request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

log = logging.getLogger("disseminator.websub")
#: The largest push read (a feed document; as :data:`feed_poll.MAX_FEED_BYTES`).
MAX_PUSH_BYTES = 10_000_000


class CallbackServer:
    """Serve the callback until :meth:`close`; ``port`` is the one bound (0 asks for a free one)."""

    def __init__(self, settings: Settings, store: Store, *, on_queued: Callable[[], None] | None = None,
                 host: str | None = None, port: int | None = None) -> None:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass  # one line per hub call would drown the daemon's log; websub.* lines say what matters

        self.settings, self.store, self.on_queued = settings, store, on_queued
        self._server = make_server(host or settings.feeds.listen_host,
                                   settings.feeds.listen_port if port is None else port, self._app, threaded=True,
                                   request_handler=Quiet)
        self.port = int(self._server.server_port)
        self._thread = threading.Thread(target=self._server.serve_forever, name="websub", daemon=True)
        self._thread.start()
        log.info("websub.listening port=%s", self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        from werkzeug.wrappers import Request, Response

        from . import websub

        request = Request(environ)
        nonce = request.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            if request.method == "GET":
                challenge = websub.verify(self.store, nonce, request.args)
                response = Response(challenge, 200, content_type="text/plain") if challenge is not None else Response(
                    "not found", 404)
            elif request.method == "POST":
                if (request.content_length or 0) > MAX_PUSH_BYTES:
                    response = Response("too large", 413)
                else:
                    body = request.get_data(cache=False)[: MAX_PUSH_BYTES + 1]
                    websub.receive(self.settings, self.store, nonce, body, dict(request.headers),
                                   content_type=request.content_type, on_queued=self.on_queued)
                    response = Response("", 202)
            else:
                response = Response("method not allowed", 405)
        except Exception as exc:  # noqa: BLE001 - one bad request must not stop the server; the poll goes on
            log.warning("websub.request_failed %s: %s", type(exc).__name__,
                        self.settings.redactor.redact(str(exc))[:300])
            response = Response("error", 500)
        return response(environ, start_response)
