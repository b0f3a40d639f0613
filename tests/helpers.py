"""Helpers for running the CLI in tests, in-process and as a real process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(argv: list[str], *, env: dict[str, str] | None = None) -> CliResult:
    """Run ``disseminator ARGV`` in this process, as a user would see it."""
    from channels import i18n
    from disseminator.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_env = dict(os.environ)
    spoken = i18n.current()  # the CLI speaks its configuration's language: this process goes on in its own
    if env:
        os.environ.update(env)
    code: Any = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv) or 0
            except SystemExit as exc:
                code = exc.code or 0
    finally:
        os.environ.clear()
        os.environ.update(old_env)
        i18n.use(spoken)
    return CliResult(int(code) if isinstance(code, int) else 1, out.getvalue(), err.getvalue())


def run_proc(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
    """Run ``python -m disseminator ARGS`` as a separate process."""
    full_env = {k: v for k, v in os.environ.items() if k != "DISSEMINATOR_CONFIG"}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "disseminator", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def write_config(folder: Path, *, sandbox_url: str | None, database: str, extra: str = "") -> Path:
    from disseminator.starter import starter_config

    path = folder / "disseminator.toml"
    path.write_text(starter_config(sandbox_url, database=database) + extra, encoding="utf-8")
    return path


def article_file(folder: Path, name: str = "artikel.md", **fields: Any) -> Path:
    """Write a Markdown article with front matter made of ``fields`` (and body)."""
    import yaml

    body = fields.pop("body", "Isi berita.")
    meta = {"title": "Peluncuran Program Makan Bergizi Gratis", "url": "https://humas.example.go.id/berita/mbg", **fields}
    meta = {k: v for k, v in meta.items() if v is not None}
    path = folder / name
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def serve_http(respond: Any) -> Any:
    """A web server on 127.0.0.1 for the test's duration: ``respond(path)`` returns
    ``(status, content_type, body)`` for each GET; yields the server's base URL."""
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            status, kind, body = respond(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with serve_handler(Handler) as base:
        yield base


@contextlib.contextmanager
def serve_handler(handler: Any) -> Any:
    """Serve ``handler`` (a ``BaseHTTPRequestHandler`` class) on a free port of 127.0.0.1,
    a thread per request, until the block ends; yields the base URL (no trailing slash)."""
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
