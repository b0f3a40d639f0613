"""``post show`` (one post with every call and move made for it) and ``post ahead``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import Group
from .output import Output, output_options, table

if TYPE_CHECKING:
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
    click.echo(f"Post {data['id']}: article {data['article_id']} on {data['account']} ({data['channel']}), {data['status']}")
    click.echo(f"scheduled {data['scheduled_at']}" + (f", published {data['published_at']}" if data["published_at"] else ""))
    if data["remote_url"]:
        click.echo(f"link: {data['remote_url']}")
    if data["error"]:
        click.echo(f"last error: {data['error']}")
    remote = data["part_remote_ids"]
    for i, text in enumerate(data["parts_text"], 1):
        click.echo(f"-- part {i}/{len(data['parts_text'])}" + (f" (remote id {remote[i - 1]})" if i <= len(remote) and remote[i - 1] else ""))
        click.echo(text)
    if data["attempts_log"]:
        click.echo("")
        click.echo(table([(a["at"], a["part"], a["action"], a["outcome"], a["http_status"] or "", a["remote_id"] or (a["message"] or "")[:60])
                          for a in data["attempts_log"]], ["WHEN", "PART", "ACTION", "OUTCOME", "HTTP", "REMOTE ID / MESSAGE"]))
    else:
        click.echo("\nNo calls made yet.")
    click.echo("")
    click.echo(table([(e["at"], e["move"], f"{e['from'] or '-'} -> {e['to']}", e["worker"] or "", (e["reason"] or "")[:40])
                      for e in data["events"]], ["WHEN", "MOVE", "STATE", "WORKER", "WHY"]))


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

    data = go_ahead(app.settings, app.store, post_id)
    if output.structured:
        output.emit(data)
        return
    click.echo(f"Post {data['id']} on {data['account']} no longer waits for earlier posts of its account; "
               f"it goes at {data['scheduled_at']} or at the next run if that has passed.")
