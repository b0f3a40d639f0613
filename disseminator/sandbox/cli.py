"""``disseminator sandbox``: run the local X + Facebook + Instagram API in the foreground.

Only click is imported here; the server (werkzeug) is imported when the command runs,
so ``disseminator --help`` stays fast.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import click

HELP = """Run a local stand-in for the X API v2, the Facebook Graph API and Instagram
publishing, with the real paths, status codes, headers and error bodies.

\b
Point an account at it with  base_url = "http://HOST:PORT"  in its config; the
default sandbox credentials (disseminator/sandbox/credentials.py) are accepted.
Posts made through it are listed at  GET /_sandbox/posts.

\b
Rules it enforces: X weighted length 280, duplicate text (403), reply policy,
media ownership, OAuth 1.0a signatures (401), rate limits (429 + x-rate-limit-*
headers); Graph duplicate message (506), missing message/link (100), tokens
(190, 200); Instagram JPEG only (36001), <= 8 MiB (36000), aspect 4:5..1.91:1
(36003), caption <= 2200 chars / 30 hashtags / 20 mentions (36004), unreachable
image_url (9004), container not ready (9007), unknown container (24), 24-hour
publishing quota (9).

\b
Fault controls (options below set the start values):
  --latency-ms N        delay every X/Graph response by N ms
  --error-rate P        answer a fraction P (0..1) of calls with a 5xx (JSON,
                        HTML or empty body), drawn from random.Random(--seed)
  --rate-limit-profile  ppu | basic_legacy | free_legacy (the last two add
                        x-user-limit-24hour-* headers); --legacy-429 answers
                        429s as {"errors":[{"code":88,...}]}
  --reply-policy        allow_self (replies to own posts only) | summoned_only
                        (every reply refused, 403) | open
  --strict-version      Graph versions below v21.0 get error 2500 instead of
                        being served as v21.0
  --container-delay S   Instagram containers stay IN_PROGRESS for S seconds
  --ig-quota N          Instagram posts allowed per 24 hours (code 9 after)
  --faults FILE         a JSON fault document, as for POST /_sandbox/faults

\b
POST /_sandbox/faults replaces the fault set with a JSON document:
  {"latency_ms": 200, "error_rate": 0.1, "seed": 7,
   "next": [{"network": "x"|"graph"|"any", "path": "/2/tweets", "method": "POST",
             "status": 503, "body": {...}, "graph_code": 2, "graph_subcode": null,
             "count": 1}],
   "rate_limit": [{"network": "x"|"graph", "path": "*/feed", "reset_in": 60,
                   "graph_code": 80001}],
   "lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]}
  next:          the next N matching calls get that status/body (Graph: the
                 error object with graph_code/graph_subcode)
  rate_limit:    X answers 429 with x-rate-limit-remaining 0 until reset_in
                 passes; Graph answers code 4 / 17 / 32 / 80001 meanwhile
  lose_response: the write happens and is stored, then the connection is
                 closed without an answer (the client sees a connection error)
  path is a shell glob, or a regular expression when it starts with ^.
  GET /_sandbox/faults shows the set with the counts still to serve.

\b
Other control endpoints:
  GET  /_sandbox/health, GET /_sandbox/posts[?network=x|facebook|instagram],
  GET  /_sandbox/posts/NETWORK/ID, POST /_sandbox/reset (posts, media, quotas,
  revocations, faults), POST /_sandbox/tokens/revoke {"token": "...",
  "reason": "password_changed"|"expired"|"logged_out"|"permission"},
  POST /_sandbox/tokens/restore {"token": "..."} (or {} for all),
  GET  /media/PATH serves --media-dir.
"""


@click.command("sandbox", help=HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help="Keep state in DIR across restarts.")
@click.option("--media-dir", type=click.Path(file_okay=False), help="Serve DIR at /media/ (created if missing).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of every random fault.")
@click.option("--container-delay", default=0.0, show_default=True, type=float,
              help="Seconds an Instagram container stays IN_PROGRESS.")
@click.option("--ig-quota", default=50, show_default=True, type=int, help="Instagram publishes per 24 hours.")
@click.option("--reply-policy", default="allow_self", show_default=True,
              type=click.Choice(["allow_self", "summoned_only", "open"]), help="Which X replies are allowed.")
@click.option("--rate-limit-profile", default="ppu", show_default=True,
              type=click.Choice(["ppu", "basic_legacy", "free_legacy"]), help="X rate-limit tier.")
@click.option("--legacy-429", is_flag=True, help='Answer X 429s as {"errors":[{"code":88,...}]}.')
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Delay every network response.")
@click.option("--error-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Fraction of network calls answered with a 5xx.")
@click.option("--strict-version", is_flag=True, help="Refuse Graph versions below v21.0 (error 2500).")
@click.option("--faults", "faults_file", type=click.File("r"), help="Initial fault document (JSON).")
def sandbox_command(
    host: str,
    port: int,
    data_dir: str | None,
    media_dir: str | None,
    seed: int,
    container_delay: float,
    ig_quota: int,
    reply_policy: str,
    rate_limit_profile: str,
    legacy_429: bool,
    latency_ms: int,
    error_rate: float,
    strict_version: bool,
    faults_file: TextIO | None,
) -> None:
    from disseminator.sandbox.options import SandboxOptions
    from disseminator.sandbox.server import serve

    faults: dict[str, Any] = {}
    if faults_file is not None:
        try:
            faults = json.load(faults_file)
        except ValueError as exc:
            raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--faults") from exc
    _port_free(host, port)
    try:
        options = SandboxOptions(
            host=host, port=port, data_dir=data_dir, media_dir=_made(media_dir), seed=seed,
            container_delay=container_delay, ig_quota=ig_quota, reply_policy=reply_policy,
            rate_limit_profile=rate_limit_profile, legacy_rate_limit_body=legacy_429,
            latency_ms=latency_ms, error_rate=error_rate, strict_version=strict_version, faults=faults,
        )
        serve(options, ready=lambda url: click.echo(f"Sandbox listening on {url}"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def _made(folder: str | None) -> str | None:
    """The media folder, created if it does not exist yet (init has not run, say)."""
    if folder:
        import os

        os.makedirs(folder, exist_ok=True)
    return folder


def _port_free(host: str, port: int) -> None:
    """Refuse a taken port with one line (werkzeug would print two and exit)."""
    import socket

    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
