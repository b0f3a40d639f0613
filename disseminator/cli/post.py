"""``post show``: one post with every call made for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .output import Output, output_options, table

if TYPE_CHECKING:
    from .app import App


@click.group()
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
