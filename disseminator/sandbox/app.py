"""The sandbox as one WSGI application: faults first, then X, Graph, Telegram (``/telegram``),
Threads (``/threads``), Bluesky (``/bluesky``), Mastodon (``/mastodon``), another package's
network, or the control API.

Threads is served under ``/threads`` (an account's ``base_url`` ends in it).  Order for
a network call: the latency fault, a scripted ``next`` error, a random 5xx
(``error_rate``), then the real handler.  When a ``lose_response`` fault matches, the
handler runs (the write lands and is stored) and the connection is then closed without
an answer, as when a proxy or the network drops a response.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from disseminator.sandbox import bluesky, control, graph, mastodon, plugins, telegram, threads, x
from disseminator.sandbox.core import Sandbox
from disseminator.sandbox.faults import scripted_error

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIEnvironment


class SandboxApp(Sandbox):
    """The sandbox as a WSGI application: each request to its handler, faults first.

    Raises at construction as :class:`~disseminator.sandbox.core.Sandbox` does.
    """

    def dispatch(self, request: Request) -> tuple[Response, bool]:
        """The response to ``request`` and whether to drop it instead of sending it."""
        path = request.path
        if path.startswith(("/_sandbox", "/media/")) or path == "/":
            return control.handle(self, request), False
        plugin = plugins.network_for(path)
        paths: tuple[str, ...]
        if plugin is not None:
            network, paths = plugin[0].name, (plugin[1],)
        elif path.startswith(threads.PREFIX + "/"):
            network = "threads"
            inner = path[len(threads.PREFIX):]
            paths = (path, inner, graph.split_version(inner)[1])
        elif path.startswith(bluesky.PREFIX + "/"):
            network, paths = "bluesky", (path, path[len(bluesky.PREFIX):])
        elif path.startswith(mastodon.PREFIX + "/"):
            network, paths = "mastodon", (path, mastodon.strip(path))
        elif path.startswith("/telegram/"):
            network, paths = "telegram", (path, telegram.split(path))
        elif path.startswith(("/2/", "/1.1/")):
            network, paths = "x", (path,)
        else:
            network, paths = "graph", (path, graph.split_version(path)[1])
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)
        if entry := self.faults.take_next(network, request.method, paths):
            response = scripted_error(network, entry)
            lose = False
        elif failure := self.faults.random_failure(network):
            response, lose = failure, False
        else:
            lose = self.faults.take_lose(network, request.method, paths)
            if plugin is not None:
                response = plugin[0].handle(self, request, plugin[1])
            else:
                handler = {"x": x.handle, "graph": graph.handle, "telegram": telegram.handle,
                           "threads": threads.handle, "bluesky": bluesky.handle, "mastodon": mastodon.handle}[network]
                response = handler(self, request)
        if network == "graph":
            response.headers["facebook-api-version"] = graph.served_version(path)
        if self.faults.latency_ms:
            response.headers["x-sandbox-latency-ms"] = f"{self.faults.latency_ms:g}"
        return response, lose

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response, lose = self.dispatch(request)
        if lose:
            request.get_data()  # read the whole body first, so closing sends FIN, not RST
            drop_connection(environ)
        return response(environ, start_response)


def drop_connection(environ: WSGIEnvironment) -> None:
    """Close the client's connection without an answer (werkzeug's server only).

    werkzeug puts the connection socket in ``environ["werkzeug.socket"]``; shutting it
    down makes the client read EOF where the status line should be (requests raises
    ConnectionError), and werkzeug's own write of the response then fails quietly.
    """
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
