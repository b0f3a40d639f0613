"""``post show``: one post with every call made for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .output import emit_json, table

if TYPE_CHECKING:
    from .app import App


@click.group()
def post() -> None:
    """Look at one post."""


@post.command("show")
@click.argument("post_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the post and its attempts as JSON.")
@click.pass_obj
def show(app: App, post_id: int, as_json: bool) -> None:
    """Show a post: its text as queued, its state, and every call made to the network
    for it (when, what, the answer, the remote id)."""
    from ..timeparse import show as when

    row = app.store.post(post_id)
    data: dict[str, Any] = app.post_json(row, app.store.accounts_needing_attention())
    data["parts_text"] = list(row.parts or [])
    data["media"] = [m.get("url") for m in row.media or []]
    data["warnings"] = list(row.warnings or [])
    tz = app.settings.tz
    data["attempts_log"] = [
        {"at": when(a.started_at, tz), "part": a.part + 1, "action": a.action, "outcome": a.outcome,
         "http_status": a.http_status, "code": a.error_code, "message": a.error_message, "remote_id": a.remote_id,
         "worker": a.worker}
        for a in app.store.attempts([post_id])
    ]
    if as_json:
        emit_json(data)
        return
    click.echo(f"Post {row.id}: article {row.article_id} on {row.account} ({row.channel}), {row.status}")
    click.echo(f"scheduled {data['scheduled_at']}" + (f", published {data['published_at']}" if data["published_at"] else ""))
    if data["remote_url"]:
        click.echo(f"link: {data['remote_url']}")
    if data["error"]:
        click.echo(f"last error: {data['error']}")
    for i, text in enumerate(data["parts_text"], 1):
        click.echo(f"-- part {i}/{len(data['parts_text'])}" + (f" (remote id {row.remote_ids[i - 1]})" if i <= len(row.remote_ids or []) and row.remote_ids[i - 1] else ""))
        click.echo(text)
    if data["attempts_log"]:
        click.echo("")
        click.echo(table([(a["at"], a["part"], a["action"], a["outcome"], a["http_status"] or "", a["remote_id"] or (a["message"] or "")[:60])
                          for a in data["attempts_log"]], ["WHEN", "PART", "ACTION", "OUTCOME", "HTTP", "REMOTE ID / MESSAGE"]))
    else:
        click.echo("\nNo calls made yet.")
