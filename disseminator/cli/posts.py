"""``preview``, ``schedule``, ``queue`` and ``history``: see :mod:`disseminator.posts`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..posts import STATUSES
from ..views import POST_COLUMNS
from .output import Output, output_options, table

if TYPE_CHECKING:
    from ..posts import Preview
    from .app import App


@click.command()
@click.argument("ref", metavar="(ID | PATH)")
@click.option("--account", "accounts", multiple=True, metavar="NAME", help="Only this account (repeatable). Default: all.")
@output_options(json_help='Print [{"account", "channel", "parts", "media", "warnings"}].')
@click.pass_obj
def preview(app: App, ref: str, accounts: tuple[str, ...], output: Output) -> None:
    """Show what each account would post for an article (by id or file), with counts."""
    from ..posts import preview as render

    result = render(app.settings, ref, accounts, store=app.open_store)
    if output.structured:
        output.emit(result.items)
    else:
        say_preview(result)
    result.raise_if_failed()


def say_preview(result: Preview) -> None:
    for item in result.items:
        click.echo(click.style(f"== {item['account']} ({item['channel']}) ==", bold=True))
        if item["refused"]:
            click.echo(f"  refused: {item['refused']}")
            continue
        n = len(item["parts"])
        for i, (text, (count, limit)) in enumerate(zip(item["parts"], item["counts"]), 1):
            label = f"part {i}/{n}, " if n > 1 else ""
            click.echo(f"-- {label}{count}{'/' + str(limit) if limit else ''} characters")
            click.echo(text)
        if item["hashtags"]:
            click.echo(f"-- hashtags: {' '.join(item['hashtags'])}")
        for url, alt in zip(item["media"], item["media_alt"]):
            click.echo(f"-- image: {url}" + (f" (alt: {alt})" if alt else ""))
        if item["link"] and item["channel"] == "facebook":
            click.echo(f"-- link: {item['link']}")
        for w in item["warnings"]:
            click.echo(f"-- warning: {w}")
        click.echo("")


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="(ID | PATH)...")
@click.option("--account", "accounts", multiple=True, metavar="NAME", help="Only this account (repeatable). Default: all.")
@click.option("--at", "at", metavar="WHEN", help="ISO time or text: '2026-12-01 09:00', 'besok 09:00', 'Senin 08.00'.")
@click.option("--now", "now", is_flag=True, help="Publish at the next run.")
@click.option("--variant", default="default", show_default=True, help="Queue another version of an already queued post.")
@output_options(json_help='Print [{"id", "account", "channel", "status", "scheduled_at"}].')
@click.pass_obj
def schedule(app: App, refs: tuple[str, ...], accounts: tuple[str, ...], at: str | None, now: bool, variant: str, output: Output) -> None:
    """Queue an article's posts: one per account, rendered now, published at WHEN.

    Articles are named by id, or by file (added first, as `article add` does: all or
    none).  Every warning `preview` would show is shown, and so is a hold that keeps a
    post back (a paused account, one that needs attention) with what lets it go.

    Accounts that cannot take the article (Instagram without an image, say) are refused
    with a reason and the others are queued; the exit status is then 1.
    """
    from ..posts import schedule_refs as queue_posts

    if bool(at) == now:
        raise click.UsageError("give exactly one of --at WHEN or --now", ctx=click.get_current_context())
    result = queue_posts(app.settings, app.store, refs, accounts, at=None if now else at, variant=variant)
    if output.structured:
        output.emit(result.rows)
    else:
        for r in result.rows:
            click.echo(f"Queued post {r['id']} for {r['account']} ({r['channel']}) at {r['scheduled_at']}")
            for w in r["warnings"]:
                click.echo(f"  warning: {w}")
            if r["waiting"]:
                click.echo(f"  waiting: {r['waiting']}")
    result.raise_if_failed()


@click.command("queue")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only posts in this state (default: scheduled and publishing).")
@output_options(csv_columns=POST_COLUMNS)
@click.pass_obj
def queue_cmd(app: App, status: str | None, output: Output) -> None:
    """List queued posts, soonest first."""
    from ..posts import queue

    result = queue(app.settings, app.store, status)
    if output.structured:
        output.emit(result.rows)
        return
    if not result.rows:
        click.echo("The queue is empty.")
    else:
        click.echo(table([(r["id"], r["article_id"], r["account"], r["status"], r["scheduled_at"], r["attempts"],
                           _note(r)) for r in result.rows], ["ID", "ARTICLE", "ACCOUNT", "STATUS", "SCHEDULED", "TRIES", "NOTE"]))
    for name, reason in result.attention.items():
        click.echo(f"warning: account {name} needs attention: {reason} (posts wait; fix it and run 'disseminator accounts check {name}')", err=True)


def _note(r: dict[str, Any]) -> str:
    if r.get("paused"):
        return "waiting: account paused" + (f" ({r['paused']})" if isinstance(r["paused"], str) else "")
    if r.get("waiting_for_account"):
        return "waiting: account needs attention"
    if r.get("rate_limited_until"):
        return f"waiting: rate limited until {r['rate_limited_until']}"
    if r["error"]:
        return f"retry at {r['next_attempt_at']}: {r['error'][:60]}" if r["status"] == "scheduled" else r["error"][:70]
    return ""


@click.command()
@output_options(csv_columns=POST_COLUMNS)
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only this state (default: published, failed, cancelled).")
@click.pass_obj
def history(app: App, status: str | None, output: Output) -> None:
    """Posts that are done: published (with their remote ids and links), failed, cancelled."""
    from ..posts import history as done

    rows = done(app.settings, app.store, status)
    if output.structured:
        output.emit(rows)
    elif not rows:
        click.echo("Nothing published yet.")
    else:
        click.echo(table([(r["id"], r["account"], r["status"], r["published_at"] or r["scheduled_at"], r["attempts"],
                           r["remote_url"] or (r["error"] or "")[:70]) for r in rows],
                         ["ID", "ACCOUNT", "STATUS", "WHEN", "TRIES", "LINK / ERROR"]))
