"""Serving the sandbox: a threaded werkzeug server, in the background or the foreground."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from disseminator.sandbox.app import SandboxApp
from disseminator.sandbox.options import SandboxOptions

log = logging.getLogger("disseminator.sandbox")


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler, logging through our logger at debug instead of to stderr."""

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's name
        # The request line may hold an access_token query parameter: never log it.
        log.debug("sandbox %s %s", type, (message % args).split("?", 1)[0])


class SandboxServer:
    """A running sandbox.  Build it with :func:`start_sandbox`."""

    def __init__(self, app: SandboxApp, server: BaseWSGIServer) -> None:
        self.app = app
        self._server = server
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (the real port when 0 was asked)."""
        return f"http://{self.app.options.host}:{self._server.server_port}"

    def posts(self) -> list[dict[str, Any]]:
        """Every post in creation order, as ``GET /_sandbox/posts`` lists them."""
        return self.app.state.public_posts()

    def deleted(self) -> list[dict[str, Any]]:
        """Every post deleted through the API, as ``GET /_sandbox/deleted`` lists them."""
        return self.app.state.deleted_posts()

    def set_faults(self, faults: dict[str, Any]) -> None:
        """Replace the fault set (the JSON of ``POST /_sandbox/faults``).

        Raises ``faults.FaultError`` (a ValueError) when the document is wrong.
        """
        self.app.faults.set(faults)

    def reset(self) -> None:
        """Same as ``POST /_sandbox/reset``."""
        self.app.state.reset()
        self.app.faults.set(self.app.initial_faults())

    def _start(self) -> None:
        # A short poll interval makes stop() quick (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, wait for the server thread and close the listening socket."""
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _make(options: SandboxOptions) -> SandboxServer:
    app = SandboxApp(options)
    server = make_server(options.host, options.port, app, threaded=True, request_handler=_QuietHandler)
    return SandboxServer(app, server)


def start_sandbox(options: SandboxOptions | None = None) -> SandboxServer:
    """Start a sandbox in a background thread; returns once it accepts connections.

    Raises ``OSError`` when the port is taken, ``ValueError`` for bad options or faults.
    """
    srv = _make(options or SandboxOptions(port=0))
    srv._start()
    return srv


def serve(options: SandboxOptions, ready: Callable[[str], None] | None = None) -> None:
    """Serve in the foreground until interrupted (Ctrl-C); ``ready(url)`` once listening.

    Raises ``OSError`` when the port is taken, ``ValueError`` for bad options or faults.
    """
    srv = _make(options)
    if ready is not None:
        ready(srv.url)
    try:
        srv._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv._server.server_close()
