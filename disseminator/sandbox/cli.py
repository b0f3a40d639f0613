"""``disseminator sandbox``: run the local X + Facebook + Instagram API in the foreground.

Only click is imported here; the server (werkzeug) is imported when the command runs,
so ``disseminator --help`` stays fast.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

import click

from channels.i18n import N_, _

#: ``--legacy-429``'s answer body, and the fault document's shape: JSON, in every language.
LEGACY_BODY = '{"errors":[{"code":88,...}]}'
FAULT_DOCUMENT = """\
  {"latency_ms": 200, "error_rate": 0.1, "seed": 7,
   "next": [{"network": "x"|"graph"|"telegram"|"threads"|"any", "path": "/2/tweets",
             "method": "POST", "status": 503, "body": {...}, "graph_code": 2,
             "graph_subcode": null, "count": 1}],
   "rate_limit": [{"network": "x"|"graph"|"telegram"|"threads", "path": "*/feed",
                   "reset_in": 60, "graph_code": 80001}],
   "lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}]}"""

# The help's paragraphs; those shown after click's \b mark keep their line breaks.
HELP_INTRO = N_("Run a local stand-in for the X API v2, the Facebook Graph API, Instagram "
                "publishing and the Threads API (under /threads), with the real paths, status codes, "
                "headers and error bodies.")
HELP_POINT = N_("Point an account at it with  base_url = \"http://HOST:PORT\"  in its config; the\n"
                "default sandbox credentials (disseminator/sandbox/credentials.py) are accepted.\n"
                "Posts made through it are listed at  GET /_sandbox/posts.")
HELP_RULES = N_("Rules it enforces: X weighted length 280, duplicate text (403), reply policy,\n"
                "media ownership, OAuth 1.0a signatures (401), rate limits (429 + x-rate-limit-*\n"
                "headers); Graph duplicate message (506), missing message/link (100), tokens\n"
                "(190, 200); Instagram JPEG only (36001), <= 8 MiB (36000), aspect 4:5..1.91:1\n"
                "(36003), caption <= 2200 chars / 30 hashtags / 20 mentions (36004), unreachable\n"
                "image_url (9004), container not ready (9007), unknown container (24), 24-hour\n"
                "publishing quota (9); Threads 500 characters (an emoji by its UTF-8 bytes) and\n"
                "5 links (100), carousel 2-20 (100), container not ready (24), 250 posts in 24\n"
                "hours (4).")
HELP_CONTROLS = N_("Fault controls (options below set the start values):\n"
                   "  --latency-ms N        delay every X/Graph response by N ms\n"
                   "  --error-rate P        answer a fraction P (0..1) of calls with a 5xx (JSON,\n"
                   "                        HTML or empty body), drawn from random.Random(--seed)\n"
                   "  --rate-limit-profile  ppu | basic_legacy | free_legacy (the last two add\n"
                   "                        x-user-limit-24hour-* headers); --legacy-429 answers\n"
                   "                        429s as {legacy_body}\n"
                   "  --reply-policy        allow_self (replies to own posts only) | summoned_only\n"
                   "                        (every reply refused, 403) | open\n"
                   "  --strict-version      Graph versions below v21.0 get error 2500 instead of\n"
                   "                        being served as v21.0\n"
                   "  --container-delay S   Instagram containers stay IN_PROGRESS for S seconds\n"
                   "  --ig-quota N          Instagram posts allowed per 24 hours (code 9 after)\n"
                   "  --threads-quota N     Threads posts allowed per 24 hours (code 4 after)\n"
                   "  --faults FILE         a JSON fault document, as for POST /_sandbox/faults")
HELP_FAULTS = N_("POST /_sandbox/faults replaces the fault set with a JSON document:\n"
                 "{document}\n"
                 "  next:          the next N matching calls get that status/body (Graph: the\n"
                 "                 error object with graph_code/graph_subcode)\n"
                 "  rate_limit:    X answers 429 with x-rate-limit-remaining 0 until reset_in\n"
                 "                 passes; Graph answers code 4 / 17 / 32 / 80001 meanwhile\n"
                 "  lose_response: the write happens and is stored, then the connection is\n"
                 "                 closed without an answer (the client sees a connection error)\n"
                 "  path is a shell glob, or a regular expression when it starts with ^.\n"
                 "  GET /_sandbox/faults shows the set with the counts still to serve.")
HELP_ENDPOINTS = N_("Other control endpoints:\n"
                    "  GET  /_sandbox/health, GET /_sandbox/posts[?network=x|facebook|instagram],\n"
                    "  GET  /_sandbox/posts/NETWORK/ID, GET /_sandbox/deleted (posts deleted through\n"
                    "  the API), POST /_sandbox/reset (posts, media, quotas,\n"
                    "  revocations, faults), POST /_sandbox/tokens/revoke {{\"token\": \"...\",\n"
                    "  \"reason\": \"password_changed\"|\"expired\"|\"logged_out\"|\"permission\"}},\n"
                    "  POST /_sandbox/tokens/restore {{\"token\": \"...\"}} (or {{}} for all),\n"
                    "  GET  /media/PATH serves --media-dir.")
HELP_MASTODON = N_("Mastodon, under /mastodon (an account's base_url = \"http://HOST:PORT/mastodon\",\n"
                   "api_base_url = \"https://mastodon.sandbox.example\"): the instance's limits,\n"
                   "statuses with an Idempotency-Key kept an hour, media v2 processed in the\n"
                   "background, 401/404/422/429 as {{\"error\": \"...\"}} with X-RateLimit-* headers.\n"
                   "  GET or POST /_sandbox/mastodon/instance shows or changes the limits the\n"
                   "  instance reports ({{\"max_characters\": 1000}}); faults name the network mastodon.")
HELP_OUTSIDE = N_("Changes made outside the tool (for 'record live'):\n"
                  "  POST /_sandbox/posts/NETWORK/ID/edit {{\"text\": \"...\"}} changes a post's text,\n"
                  "  POST /_sandbox/posts/NETWORK/ID/delete deletes it,\n"
                  "  POST /_sandbox/outside {{\"network\": \"x\"|\"facebook\"|\"instagram\",\n"
                  "  \"account\": \"ACCOUNT-ID\", \"text\": \"...\"}} publishes a post the tool never made.")


def _help() -> str:
    """The command's help in the current language (chosen before this module is imported)."""
    return "\n\n\b\n".join([
        _(HELP_INTRO),
        _(HELP_POINT),
        _(HELP_RULES),
        _(HELP_CONTROLS).format(legacy_body=LEGACY_BODY),
        _(HELP_FAULTS).format(document=FAULT_DOCUMENT),
        _(HELP_ENDPOINTS).format(),
        _(HELP_MASTODON).format(),
        _(HELP_OUTSIDE).format(),
    ])


@click.command("sandbox", help=_help())
@click.option("--host", default="127.0.0.1", show_default=True, metavar=_("TEXT"), help=_("Interface to listen on."))
@click.option("--port", default=8765, show_default=True, type=int, metavar=_("INTEGER"), help=_("Port to listen on (0: any free port)."))
@click.option("--data", "data_dir", type=click.Path(file_okay=False), metavar=_("DIRECTORY"), help=_("Keep state in DIR across restarts."))
@click.option("--media-dir", type=click.Path(file_okay=False), metavar=_("DIRECTORY"), help=_("Serve DIR at /media/ (created if missing)."))
@click.option("--seed", default=0, show_default=True, type=int, metavar=_("INTEGER"), help=_("Seed of every random fault."))
@click.option("--container-delay", default=0.0, show_default=True, type=float, metavar=_("FLOAT"),
              help=_("Seconds an Instagram or Threads container stays IN_PROGRESS."))
@click.option("--ig-quota", default=50, show_default=True, type=int, metavar=_("INTEGER"), help=_("Instagram publishes per 24 hours."))
@click.option("--threads-quota", default=250, show_default=True, type=int, metavar=_("INTEGER"),
              help=_("Threads publishes per profile per 24 hours."))
@click.option("--reply-policy", default="allow_self", show_default=True,
              type=click.Choice(["allow_self", "summoned_only", "open"]), help=_("Which X replies are allowed."))
@click.option("--rate-limit-profile", default="ppu", show_default=True,
              type=click.Choice(["ppu", "basic_legacy", "free_legacy"]), help=_("X rate-limit tier."))
@click.option("--x-post-limit", metavar=_("N/SECONDS"),
              help=_("Allow N X posts per SECONDS (e.g. 10/60) instead of the tier's limit."))
@click.option("--graph-hourly-budget", default=4800, show_default=True, type=click.IntRange(1), metavar=_("INTEGER"),
              help=_("Graph calls per Page and hour reported as 100% in the usage header."))
@click.option("--legacy-429", is_flag=True, help=_("Answer X 429s as {body}.").format(body=LEGACY_BODY))
@click.option("--latency-ms", default=0, show_default=True, type=int, metavar=_("INTEGER"), help=_("Delay every network response."))
@click.option("--error-rate", default=0.0, show_default=True, type=click.FloatRange(0, 1), metavar=_("FLOAT RANGE"),
              help=_("Fraction of network calls answered with a 5xx."))
@click.option("--strict-version", is_flag=True, help=_("Refuse Graph versions below v21.0 (error 2500)."))
@click.option("--faults", "faults_file", type=click.File("r"), metavar=_("FILENAME"), help=_("Initial fault document (JSON)."))
def sandbox_command(
    host: str,
    port: int,
    data_dir: str | None,
    media_dir: str | None,
    seed: int,
    container_delay: float,
    ig_quota: int,
    threads_quota: int,
    reply_policy: str,
    rate_limit_profile: str,
    x_post_limit: str | None,
    graph_hourly_budget: int,
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
            raise click.BadParameter(_("not valid JSON: {error}").format(error=exc), param_hint="--faults") from exc
    post_limit = _post_limit(x_post_limit) if x_post_limit else None
    _port_free(host, port)
    try:
        options = SandboxOptions(
            host=host, port=port, data_dir=data_dir, media_dir=_made(media_dir), seed=seed,
            container_delay=container_delay, ig_quota=ig_quota, threads_quota=threads_quota, reply_policy=reply_policy,
            rate_limit_profile=rate_limit_profile, legacy_rate_limit_body=legacy_429,
            x_post_limit=post_limit, graph_hourly_budget=graph_hourly_budget,
            latency_ms=latency_ms, error_rate=error_rate, strict_version=strict_version, faults=faults,
        )
        serve(options, ready=lambda url: click.echo(_("Sandbox listening on {url}").format(url=url)))
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
            raise click.ClickException(_("cannot listen on {host}:{port} ({reason}); choose another --port").format(
                host=host, port=port, reason=exc.strerror)) from None


def _post_limit(text: str) -> tuple[int, int]:
    """``10/60`` -> (10, 60): posts per window of seconds."""
    posts, _sep, seconds = text.partition("/")
    if not (posts.strip().isdigit() and seconds.strip().isdigit() and int(posts) >= 1 and int(seconds) >= 1):
        raise click.BadParameter(_("expected N/SECONDS such as 10/60, got {value!r}").format(value=text),
                                 param_hint="--x-post-limit")
    return int(posts), int(seconds)
