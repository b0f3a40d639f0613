"""``preview``, ``schedule``, ``queue`` and ``history``: see :mod:`disseminator.posts`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ..posts import STATUSES, Filters
from ..views import DAYS, MONTHS, POST_COLUMNS, show_human, what_next, zone_name
from .output import Output, output_options, table

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..posts import Preview, Week
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
@click.argument("refs", nargs=-1, metavar="(ID | PATH)...")
@click.option("--from", "plan", type=click.Path(exists=True, dir_okay=False), metavar="PLAN.csv",
              help="Queue every row of a plan (columns article,accounts,at[,variant]); nothing is queued unless every row is good.")
@click.option("--account", "accounts", multiple=True, metavar="NAME", help="Only this account (repeatable). Default: all.")
@click.option("--at", "at", metavar="WHEN", help="ISO time or text: '2026-12-01 09:00', 'besok 09:00', 'Senin 08.00'.")
@click.option("--now", "now", is_flag=True, help="Publish at the next run.")
@click.option("--variant", default="default", show_default=True, help="Queue another version of an already queued post.")
@output_options(json_help='Print [{"id", "account", "channel", "status", "scheduled_at"}].')
@click.pass_obj
def schedule(app: App, refs: tuple[str, ...], plan: str | None, accounts: tuple[str, ...], at: str | None, now: bool,
             variant: str, output: Output) -> None:
    """Queue an article's posts: one per account, rendered now, published at WHEN.

    Articles are named by id, or by file (added first, as `article add` does: all or
    none).  Every warning `preview` would show is shown, and so is a hold that keeps a
    post back (a paused account, one that needs attention) with what lets it go.

    Accounts that cannot take the article (Instagram without an image, say) are refused
    with a reason and the others are queued; the exit status is then 1.
    """
    from ..posts import schedule_refs as queue_posts

    if plan is not None:
        if refs or accounts or at or now or variant != "default":
            raise click.UsageError("--from PLAN.csv takes no article, --account, --at, --now or --variant: the plan has them",
                                   ctx=click.get_current_context())
        _schedule_plan(app, plan, output)
        return
    if not refs:
        raise click.UsageError("name the articles to schedule (ids or files), or give --from PLAN.csv",
                               ctx=click.get_current_context())
    if bool(at) == now:
        raise click.UsageError("give exactly one of --at WHEN or --now", ctx=click.get_current_context())
    result = queue_posts(app.settings, app.store, refs, accounts, at=None if now else at, variant=variant)
    if output.structured:
        output.emit(result.rows)
    else:
        for r in result.rows:
            click.echo(f"Queued post {r['id']} for {r['account']} ({r['channel']}) at {show_human(r['scheduled_at'], app.settings.tz)}")
            for w in r["warnings"]:
                click.echo(f"  warning: {w}")
            if r["waiting"]:
                click.echo(f"  waiting: {r['waiting']}")
    result.raise_if_failed()


def _schedule_plan(app: App, plan: str, output: Output) -> None:
    from ..plan_csv import schedule_plan

    rows = schedule_plan(app.settings, app.store, plan)
    if output.structured:
        output.emit(rows)
        return
    for r in rows:
        if "revision" in r:
            click.echo(f"line {r['line']}: article {r['article_id']} is now revision {r['revision']['revision']}")
        elif "refused" in r:
            click.echo(f"warning: line {r['line']}: {r['account']}: not queued: {r['refused']}", err=True)
        else:
            click.echo(f"line {r['line']}: queued post {r['id']} for {r['account']} at "
                       f"{show_human(r['scheduled_at'], app.settings.tz)}")


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--article``, ``--account``, ``--since``, ``--until``, ``--limit`` (queue, history):
    the command receives ``filters: Filters``; they are applied in SQL."""

    @functools.wraps(f)
    def command(*args: Any, article: int | None, account: tuple[str, ...], since: str | None, until: str | None,
                limit: int | None, **kwargs: Any) -> Any:
        from ..posts import Filters

        return f(*args, filters=Filters(article, account, since, until, limit), **kwargs)

    for option in reversed([
        click.option("--article", type=int, metavar="ID", help="Only posts of this article."),
        click.option("--account", multiple=True, metavar="NAME", help="Only this account's posts (repeatable)."),
        click.option("--since", metavar="WHEN", help="From this time on: '2026-11-30' (the whole day) or '2026-11-30 09:00'."),
        click.option("--until", metavar="WHEN", help="Before this time; a date alone includes that day."),
        click.option("--limit", type=click.IntRange(1), metavar="N", help="At most N posts (queue: the soonest; history: the latest)."),
    ]):
        command = option(command)
    return command


@click.command("queue")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only posts in this state (default: scheduled and publishing).")
@filter_options
@click.option("--week", is_flag=True, help="Draw the coming seven days as a grid of days by accounts.")
@output_options(csv_columns=POST_COLUMNS)
@click.pass_obj
def queue_cmd(app: App, status: str | None, filters: Filters, week: bool, output: Output) -> None:
    """List queued posts, soonest first, each saying what happens next and when."""
    from ..posts import queue, week as plan

    if week:
        grid = plan(app.settings, app.store, filters=filters)
        if output.structured:
            output.emit(grid.rows)
        else:
            click.echo(week_grid(grid, app.settings.tz))
        return
    result = queue(app.settings, app.store, status, filters=filters)
    if output.structured:
        output.emit(result.rows)
        return
    if not result.rows:
        click.echo("The queue is empty." if filters == Filters() else "No queued post matches.")
    else:
        click.echo(queue_table(result.rows, app.settings.tz))
    for name, reason in result.attention.items():
        click.echo(f"warning: account {name} needs attention: {reason} (posts wait; fix it and run "
                   f"'disseminator accounts check {name}')", err=True)


def queue_table(rows: list[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``queue``'s table: one post a line (its title cut), what happens next wrapped."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return table([(r["id"], r["account"], show_human(r["scheduled_at"], tz, now=now), _title(r), _note(r, tz, now))
                  for r in rows],
                 ["ID", "ACCOUNT", "WHEN", "ARTICLE", "NEXT"], wrap=("WHEN", "NEXT"), cut=("ARTICLE",), columns=columns)


def _title(r: dict[str, Any]) -> str:
    return " ".join((r["article_title"] or "").split())  # one line: a title may hold line breaks


def _note(r: dict[str, Any], tz: ZoneInfo, now: dt.datetime) -> str:
    step = what_next(r, tz, now=now)
    if r["status"] in ("scheduled", "publishing"):
        return step
    return f"{r['status']}: {step}" if step else r["status"]


def week_grid(grid: Week, tz: ZoneInfo, *, columns: int | None = None) -> str:
    """The coming seven days by accounts: each cell lists its posts' times and titles
    (counts alone when there are more than four accounts), posts still queued from
    before today in a first row."""
    by_cell: dict[tuple[str, str], list[dict[str, Any]]] = {}
    labels = [f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}" for d in grid.days]
    for r in grid.rows:
        local = dt.datetime.fromisoformat(r["scheduled_at"]).astimezone(tz)
        day = labels[grid.days.index(local.date())] if local.date() in grid.days else "overdue"
        by_cell.setdefault((day, r["account"]), []).append(r)
    counts_only = len(grid.accounts) > 4
    rows = []
    for day in (["overdue"] if any(k[0] == "overdue" for k in by_cell) else []) + labels:
        cells = []
        for account in grid.accounts:
            posts = by_cell.get((day, account), [])
            if counts_only or len(posts) > 3:
                cells.append((f"{len(posts)} post" if len(posts) == 1 else f"{len(posts)} posts") if posts else "")
            else:
                cells.append("\n".join(f"{_clock(p['scheduled_at'], tz)} {_title(p)}".strip() for p in posts))
        rows.append((day, *cells))
    zone = zone_name(grid.start, tz)
    return table(rows, [f"DAY ({zone})", *grid.accounts], cut=tuple(grid.accounts), columns=columns)


def _clock(iso: str, tz: ZoneInfo) -> str:
    local = dt.datetime.fromisoformat(iso).astimezone(tz)
    return f"{local.hour:02d}.{local.minute:02d}"


@click.command()
@output_options(csv_columns=POST_COLUMNS)
@click.option("--status", type=click.Choice([*STATUSES, "all"]), help="Only this state (default: published, failed, cancelled).")
@filter_options
@click.pass_obj
def history(app: App, status: str | None, filters: Filters, output: Output) -> None:
    """Posts that are done: published (with their remote ids and links), failed, cancelled."""
    from ..posts import history as done

    rows = done(app.settings, app.store, status, filters=filters)
    if output.structured:
        output.emit(rows)
    elif not rows:
        click.echo("Nothing published yet." if filters == Filters() else "No post matches.")
    else:
        click.echo(history_table(rows, app.settings.tz))


def history_table(rows: list[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``history``'s table: when each post went out (or was due), its title cut, the link
    (or the state and the error) wrapped."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return table([(r["id"], r["account"], show_human(r["published_at"] or r["scheduled_at"], tz, now=now), _title(r),
                   _result(r)) for r in rows],
                 ["ID", "ACCOUNT", "WHEN", "ARTICLE", "RESULT"], wrap=("WHEN", "RESULT"), cut=("ARTICLE",), columns=columns)


def _result(r: dict[str, Any]) -> str:
    """A published post's link; otherwise its state and why."""
    if r["status"] == "published":
        return r["remote_url"] or "published"
    return f"{r['status']}: {r['error']}" if r["error"] else r["status"]
