"""Where the alert tests send to: a web server that keeps each POST, and a tiny SMTP sink.

Both listen on 127.0.0.1 on a free port, for one test.  The SMTP sink speaks just enough of
RFC 5321 for :mod:`smtplib` (EHLO/HELO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP,
QUIT) and keeps each message with its envelope and the credentials it was given.
"""

from __future__ import annotations

import base64
import contextlib
import email
import http.server
import json
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any


@dataclass
class Hook:
    """A webhook receiver: ``url``, the JSON bodies received, and ``answers`` (statuses to
    give, in order; 200 when they run out)."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


@contextlib.contextmanager
def webhook() -> Iterator[Hook]:
    hook = Hook()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                status = hook.answers.pop(0) if hook.answers else 200
                if status == 200:
                    hook.received.append(json.loads(body))
                    hook.paths.append(self.path)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: Message
    login: tuple[str, str] | None

    @property
    def text(self) -> str:
        part = self.message.get_payload(decode=True)
        return part.decode("utf-8") if isinstance(part, bytes) else str(part)


@dataclass
class Sink:
    port: int = 0
    mails: list[Mail] = field(default_factory=list)


@contextlib.contextmanager
def smtp_sink(on_connect: Callable[[], None] | None = None) -> Iterator[Sink]:
    sink = Sink()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode())

        def handle(self) -> None:
            if on_connect:
                on_connect()
            self.reply("220 sink ESMTP")
            sender, recipients, login = "", [], None
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                line = raw.decode().rstrip("\r\n")
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-sink")
                    self.reply("250 AUTH PLAIN LOGIN")
                elif verb == "HELO":
                    self.reply("250 sink")
                elif verb == "AUTH":
                    parts = line.split()
                    if parts[1].upper() == "PLAIN":
                        blob = parts[2] if len(parts) > 2 else None
                        if blob is None:
                            self.reply("334 ")
                            blob = self.rfile.readline().decode().strip()
                        _zid, user, password = base64.b64decode(blob).decode().split("\0")
                    else:
                        self.reply("334 VXNlcm5hbWU6")
                        user = base64.b64decode(self.rfile.readline().strip()).decode()
                        self.reply("334 UGFzc3dvcmQ6")
                        password = base64.b64decode(self.rfile.readline().strip()).decode()
                    login = (user, password)
                    self.reply("235 ok")
                elif verb == "MAIL":
                    sender = line.split(":", 1)[1].strip().strip("<>").split(">")[0]
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 go on")
                    lines = []
                    while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    sink.mails.append(Mail(sender, recipients, email.message_from_bytes(b"".join(lines)), login))
                    sender, recipients = "", []
                    self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # RSET, NOOP
                    self.reply("250 ok")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    sink.port = server.server_address[1]
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


def alerts_config(hook: Hook | None, sink: Sink | None, *, password_var: str = "ALERT_SMTP_PASSWORD") -> str:
    """An ``[alerts]`` table sending to ``hook`` and/or ``sink`` (no STARTTLS: a local sink)."""
    lines = ["", "[alerts]"]
    if hook is not None:
        lines.append(f'webhook_url = "{hook.url}?token=${{ALERT_HOOK_TOKEN}}"')
    if sink is not None:
        lines += ['smtp_host = "127.0.0.1"', f"smtp_port = {sink.port}", 'smtp_user = "humas-bot"',
                  f'smtp_password = "${{{password_var}}}"', "smtp_starttls = false",
                  'mail_from = "disseminator@humas.example.go.id"', 'mail_to = ["operator@humas.example.go.id"]']
    return "\n".join(lines) + "\n"
