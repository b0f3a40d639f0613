"""``post show`` (one post with every call and move made for it) and ``post ahead``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from . import Group
from ..post_changes import PART_BREAK
from .output import Output, output_options, table

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .app import App


@click.group(cls=Group)
def post() -> None:
    """Look at one post."""


@post.command("show")
@click.argument("post_id", type=int)
@output_options(json_help="Print the post and its attempts as JSON.")
@click.pass_obj
def show(app: App, post_id: int, output: Output) -> None:
    """Show a post: its text as queued, its state, and every call made to the network
    for it (when, what, the answer, the remote id)."""
    from ..posts import post_detail

    data = post_detail(app.settings, app.store, post_id)
    if output.structured:
        output.emit(data)
        return
    click.echo(show_text(data, app.settings.tz))


def show_text(data: dict[str, Any], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``post show`` for people: what it is, what happens next, its text, its calls and moves,
    fitted to ``columns``."""
    from ..views import show_human, what_next
    from .output import wrapped

    now = now or dt.datetime.now(dt.timezone.utc)

    def fit(text: str, indent: int = 0) -> str:
        return wrapped(text, indent=indent, columns=columns)

    lines = [fit(f"Post {data['id']} on {data['account']} ({data['channel']}), {data['status']}: "
                 f"article {data['article_id']}, {data['article_title']}", 2),
             fit(f"scheduled {show_human(data['scheduled_at'], tz, now=now)}"
                 + (f", published {show_human(data['published_at'], tz, now=now)}" if data["published_at"] else ""), 2)]
    if data["remote_url"]:
        lines.append(fit(f"link: {data['remote_url']}", 2))
    step = what_next(data, tz, now=now)
    if data["status"] in ("scheduled", "publishing") and step:
        lines.append(fit(f"next: {step}", 2))
    if data["error"]:
        lines.append(fit(f"last error: {data['error']}", 2))
    if data["status"] == "failed":
        lines.append(fit(f"send it again with 'disseminator retry {data['id']}'", 2))
    remote = data["part_remote_ids"]
    for i, text in enumerate(data["parts_text"], 1):
        lines.append(f"-- part {i}/{len(data['parts_text'])}" + (f" (remote id {remote[i - 1]})" if i <= len(remote) and remote[i - 1] else ""))
        lines.append(fit(text))
    if data["attempts_log"]:
        lines.append("")
        lines.append(table([(show_human(a["at"], tz, now=now), a["part"], a["action"], a["outcome"], a["http_status"] or "",
                             a["remote_id"] or a["message"] or "") for a in data["attempts_log"]],
                           ["WHEN", "PART", "ACTION", "OUTCOME", "HTTP", "REMOTE ID / MESSAGE"],
                           wrap=("WHEN", "OUTCOME", "REMOTE ID / MESSAGE"), columns=columns))
    else:
        lines.append("\nNo calls made yet.")
    lines.append("")
    lines.append(table([(show_human(e["at"], tz, now=now), e["move"], f"{e['from'] or '-'} -> {e['to']}", e["worker"] or "",
                         e["reason"] or "") for e in data["events"]],
                       ["WHEN", "MOVE", "STATE", "WORKER", "WHY"], wrap=("WHEN", "STATE", "WHY"), cut=("WORKER",),
                       columns=columns))
    for e in data["events"]:
        if e.get("old_text"):  # an edit keeps the text it replaced
            lines.append(f"\n-- text before the {e['move']} of {show_human(e['at'], tz, now=now)}:")
            lines.append(f"\n{PART_BREAK}\n".join(e["old_text"]))
    return "\n".join(lines)


@post.command("ahead")
@click.argument("post_id", type=int)
@output_options(json_help="Print the post as JSON.")
@click.pass_obj
def ahead(app: App, post_id: int, output: Output) -> None:
    """Let a scheduled post go before earlier posts of its account that still wait.

    An account's posts go out in the order they were planned: a post waiting for a retry
    holds back the later ones.  Use this for one urgent post that must not wait.
    """
    from ..posts import go_ahead

    from ..views import show_human

    data = go_ahead(app.settings, app.store, post_id)
    if output.structured:
        output.emit(data)
        return
    click.echo(f"Post {data['id']} on {data['account']} no longer waits for earlier posts of its account; "
               f"it goes at {show_human(data['scheduled_at'], app.settings.tz)} or at the next run if that has passed.")
