"""A WebSub hub for the tests, on 127.0.0.1: it takes subscription requests (answering 202),
checks the subscriber's intent with a challenge on its callback as WebSub 1.0 says, keeps
the verified subscriptions, and pushes a feed document to them signed with each one's
secret (``X-Hub-Signature: sha256=...``), or with a wrong secret when asked."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.server
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.helpers import serve_handler


@dataclass
class Hub:
    url: str = ""
    #: Seconds of lease the hub grants (whatever is asked).
    lease: int = 864_000
    #: Every subscription request, as the form it was.
    requests: list[dict[str, str]] = field(default_factory=list)
    #: topic -> (callback, secret) of each verified subscription.
    subscribers: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (callback, answered challenge correctly) per verification made.
    verifications: list[tuple[str, bool]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    #: Check the intent before the 202 has gone out (a quick hub: its check reaches the
    #: subscriber before the answer to the request does).
    verify_first: bool = False

    def publish(self, topic: str, body: bytes, *, secret: str | None = None, method: str = "sha256") -> int:
        """Push ``body`` to the topic's subscriber; the callback's status."""
        callback, own = self.subscribers[topic]
        digest = hmac.new((secret or own).encode(), body, getattr(hashlib, method)).hexdigest()
        request = urllib.request.Request(callback, data=body, method="POST", headers={
            "Content-Type": "application/rss+xml", "X-Hub-Signature": f"{method}={digest}",
            "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"'})
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - a local test server
            return int(answer.status)

    def _verify(self, form: dict[str, str]) -> None:
        challenge = secrets.token_hex(8)
        query = urllib.parse.urlencode({"hub.mode": form["hub.mode"], "hub.topic": form["hub.topic"],
                                        "hub.challenge": challenge, "hub.lease_seconds": str(self.lease)})
        callback = form["hub.callback"]
        try:
            with urllib.request.urlopen(f"{callback}?{query}", timeout=10) as answer:  # noqa: S310
                ok = answer.status == 200 and answer.read().decode() == challenge
        except urllib.error.URLError:
            ok = False
        if ok:
            self.subscribers[form["hub.topic"]] = (callback, form.get("hub.secret", ""))
        self.verifications.append((callback, ok))
        self.done.set()


@contextlib.contextmanager
def websub_hub() -> Iterator[Hub]:
    hub = Hub()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            hub.requests.append(form)
            if self.path != "/":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if form.get("hub.mode") != "subscribe" or not form.get("hub.callback") or not form.get("hub.topic"):
                self.send_response(400)
                self.end_headers()
                return
            check = threading.Thread(target=hub._verify, args=(form,), daemon=True)
            if hub.verify_first:
                check.start()
                check.join(timeout=15)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if not hub.verify_first:
                check.start()  # after the 202, as hubs do

        def log_message(self, *args: object) -> None:
            pass

    with serve_handler(Handler) as base:
        hub.url = base + "/"
        yield hub
