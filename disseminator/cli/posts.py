"""``preview``, ``schedule``, ``queue``, ``cancel`` and ``history``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .output import emit_csv, emit_json, table

if TYPE_CHECKING:
    from channels.base import Article

    from .app import App

STATUSES = ("scheduled", "publishing", "published", "failed", "cancelled")
POST_COLUMNS = ["id", "article_id", "account", "channel", "status", "scheduled_at", "published_at", "attempts",
                "remote_ids", "remote_url", "error"]


def _load(app: App, ref: str) -> Article:
    """An article by id (from the database) or by path (read, not stored)."""
    from ..articles import load_article

    if ref.isdigit() and not Path(ref).exists():
        return app.store.to_article(app.store.article(int(ref)))
    return load_article(ref)


@click.command()
@click.argument("ref", metavar="(ID | PATH)")
@click.option("--account", "accounts", multiple=True, metavar="NAME", help="Only this account (repeatable). Default: all.")
@click.option("--json", "as_json", is_flag=True, help='Print [{"account", "channel", "parts", "media", "warnings"}].')
@click.pass_obj
def preview(app: App, ref: str, accounts: tuple[str, ...], as_json: bool) -> None:
    """Show what each account would post for an article (by id or file), with counts."""
    from channels.text import extract_hashtags_with_indices

    from ..planner import plan
    from ..registry import make_channel

    article = _load(app, ref)
    plans = plan(app.settings, article, accounts)
    out: list[dict[str, Any]] = []
    for p in plans:
        channel = make_channel(app.settings.account(p.account, resolve=False), context=app.settings.context)
        draft = p.draft
        parts = list(draft.parts) if draft else []
        out.append({
            "account": p.account,
            "channel": p.channel,
            "parts": parts,
            "media": [m.url for m in draft.media] if draft else [],
            "warnings": list(draft.warnings) if draft else [],
            "link": draft.link if draft else None,
            "counts": [list(channel.measure(t)) for t in parts],
            "hashtags": list(dict.fromkeys("#" + e.value for t in parts for e in extract_hashtags_with_indices(t))),
            "refused": p.refused,
        })
    if as_json:
        emit_json(out)
        if any(i["refused"] for i in out):
            sys.exit(1)
        return
    for item, p in zip(out, plans):
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
        for m in (p.draft.media if p.draft else ()):
            click.echo(f"-- image: {m.url}" + (f" (alt: {m.alt})" if m.alt else ""))
        if item["link"] and item["channel"] == "facebook":
            click.echo(f"-- link: {item['link']}")
        for w in item["warnings"]:
            click.echo(f"-- warning: {w}")
        click.echo("")
    if any(i["refused"] for i in out):
        sys.exit(1)


@click.command()
@click.argument("article_id", type=int)
@click.option("--account", "accounts", multiple=True, metavar="NAME", help="Only this account (repeatable). Default: all.")
@click.option("--at", "at", metavar="WHEN", help="ISO time or text: '2026-12-01 09:00', 'besok 09:00', 'Senin 08.00'.")
@click.option("--now", "now", is_flag=True, help="Publish at the next run.")
@click.option("--variant", default="default", show_default=True, help="Queue another version of an already queued post.")
@click.option("--json", "as_json", is_flag=True, help='Print [{"id", "account", "channel", "status", "scheduled_at"}].')
@click.pass_obj
def schedule(app: App, article_id: int, accounts: tuple[str, ...], at: str | None, now: bool, variant: str, as_json: bool) -> None:
    """Queue an article's posts: one per account, rendered now, published at WHEN.

    Accounts that cannot take the article (Instagram without an image, say) are refused
    with a reason and the others are queued; the exit status is then 1.
    """
    import datetime as dt

    from ..errors import UserError
    from ..planner import schedule as do_schedule
    from ..timeparse import parse_when, show

    if bool(at) == bool(now):
        raise UserError("schedule: give exactly one of --at WHEN or --now")
    when = dt.datetime.now(dt.timezone.utc) if now else parse_when(at or "", tz=app.settings.tz)
    app.store.article(article_id)  # a clear error for an unknown id before any rendering
    queued, refused = do_schedule(app.settings, app.store, article_id, accounts, when=when, variant=variant)
    rows = [{"id": r.id, "account": r.account, "channel": r.channel, "status": r.status,
             "scheduled_at": show(r.scheduled_at, app.settings.tz), "warnings": list(r.warnings or [])} for r in queued]
    if as_json:
        emit_json(rows)
    else:
        for r in rows:
            click.echo(f"Queued post {r['id']} for {r['account']} ({r['channel']}) at {r['scheduled_at']}")
    for p in refused:
        click.echo(f"error: {p.account}: not queued: {p.refused}", err=True)
    if refused:
        sys.exit(1)


@click.command("queue")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only posts in this state (default: scheduled and publishing).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def queue_cmd(app: App, status: str | None, as_json: bool) -> None:
    """List queued posts, soonest first."""
    statuses = None if status == "all" else ([status] if status else ["scheduled", "publishing"])
    import datetime as dt

    from ..timeparse import show

    attention = app.store.accounts_needing_attention()
    resting = app.store.accounts_resting(dt.datetime.now(dt.timezone.utc))
    rows = app.posts_json(app.store.posts(statuses), attention)
    paused = app.store.accounts_paused()
    for r in rows:
        if r["account"] in resting and r["status"] == "scheduled":
            r["rate_limited_until"] = show(resting[r["account"]], app.settings.tz)
        if r["account"] in paused and r["status"] == "scheduled":
            r["paused"] = paused[r["account"]] or True
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("The queue is empty.")
    else:
        click.echo(table([(r["id"], r["article_id"], r["account"], r["status"], r["scheduled_at"], r["attempts"],
                           _note(r)) for r in rows], ["ID", "ARTICLE", "ACCOUNT", "STATUS", "SCHEDULED", "TRIES", "NOTE"]))
    for name, reason in attention.items():
        click.echo(f"warning: account {name} needs attention: {reason} (posts wait; fix it and run 'disseminator accounts check {name}')", err=True)


def _note(r: dict) -> str:  # type: ignore[type-arg]
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
@click.argument("post_id", type=int)
@click.option("--force", is_flag=True, help="Cancel even if part of it may already be on the network (check there first).")
@click.option("--json", "as_json", is_flag=True, help="Print the cancelled post as JSON.")
@click.pass_obj
def cancel(app: App, post_id: int, force: bool, as_json: bool) -> None:
    """Cancel a scheduled post (not one being published or already out)."""
    from ..queue import cancel as do_cancel

    row = do_cancel(app.store, post_id, force=force)
    if force and (any(row.remote_ids or []) or row.needs_reconcile):
        click.echo(f"warning: post {row.id} may be partly on the network; it will not be published further", err=True)
    if as_json:
        emit_json(app.post_json(row))
    else:
        click.echo(f"Cancelled post {row.id} ({row.account})")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print as CSV.")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only this state (default: published, failed, cancelled).")
@click.pass_obj
def history(app: App, as_json: bool, as_csv: bool, status: str | None) -> None:
    """Posts that are done: published (with their remote ids and links), failed, cancelled."""
    if as_json and as_csv:
        raise click.UsageError("give --json or --csv, not both")
    statuses = None if status == "all" else ([status] if status else ["published", "failed", "cancelled"])
    rows = app.posts_json(app.store.posts(statuses))
    if as_json:
        emit_json(rows)
    elif as_csv:
        emit_csv(rows, POST_COLUMNS)
    elif not rows:
        click.echo("Nothing published yet.")
    else:
        click.echo(table([(r["id"], r["account"], r["status"], r["published_at"] or r["scheduled_at"], r["attempts"],
                           r["remote_url"] or (r["error"] or "")[:70]) for r in rows],
                         ["ID", "ACCOUNT", "STATUS", "WHEN", "TRIES", "LINK / ERROR"]))
