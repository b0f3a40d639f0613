"""``queue`` and ``history``: posts listed soonest or latest first, filtered and paged in
SQL, drawn as tables a block at a time, and ``queue --week``'s grid of days by accounts
(see :mod:`disseminator.posts`).
"""

from __future__ import annotations

import dataclasses

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, ngettext, stored

from ..listings import STATUSES, Filters
from ..views import DAYS, MONTHS, POST_COLUMNS, show_human, status_word, what_next, zone_name
from .output import TABLE_ROWS, Output, output_options, table, tables

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..listings import Week
    from .app import App


def _status(code: str) -> str:
    return status_word(code)


#: The values of ``--status``, as typed (the same in every language; quoted in the help).
_STATES = ", ".join(f"'{s}'" for s in [*STATUSES, "all"])


#: Rows the text tables of ``queue`` and ``history`` show unless ``--all`` or ``--limit``.
PAGE = 50


def _page(filters: Filters, every: bool, output: Output) -> tuple[bool, Filters]:
    """People read a page: the text table stops at PAGE rows unless asked for more (one row
    beyond it says whether there are more), so a queue of 100,000 prints at once instead of
    building every row first.  ``--json`` and ``--csv`` are for programs: every row."""
    paged = not every and filters.limit is None and not output.structured
    return paged, (dataclasses.replace(filters, limit=PAGE + 1) if paged else filters)


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--article``, ``--account``, ``--since``, ``--until``, ``--limit`` (queue, history):
    the command receives ``filters: Filters``; they are applied in SQL."""

    @functools.wraps(f)
    def command(*args: Any, article: int | None, account: tuple[str, ...], since: str | None, until: str | None,
                limit: int | None, every: bool, **kwargs: Any) -> Any:
        from ..listings import Filters

        return f(*args, filters=Filters(article, account, since, until, limit), every=every, **kwargs)

    for option in reversed([
        click.option("--article", type=int, metavar=_("ID"), help=_("Only posts of this article.")),
        click.option("--account", multiple=True, metavar=_("NAME"), help=_("Only this account's posts (repeatable).")),
        click.option("--since", metavar=_("WHEN"), help=_("From this time on: '2026-11-30' (the whole day) or '2026-11-30 09:00'.")),
        click.option("--until", metavar=_("WHEN"), help=_("Before this time; a date alone includes that day.")),
        click.option("--limit", type=click.IntRange(1), metavar=_("N"),
                     help=_("At most {n} posts (queue: the soonest; history: the latest).").format(n=_("N"))),
        click.option("--all", "every", is_flag=True,
                     help=_("Every matching post (the table shows {page} by default; --json and --csv show every one).").format(page=PAGE)),
    ]):
        command = option(command)
    return command


@click.command("queue", help=_("List queued posts, soonest first, each saying what happens next and when."))
@click.option("--status", type=click.Choice([*STATUSES, "all"]), metavar=_("STATUS"),
              help=_("Only posts in this state ({states}; default: 'scheduled' and 'publishing').").format(states=_STATES))
@click.option("--drafts", is_flag=True,
              help=_("Only posts awaiting approval (a feed's drafts among them): approve one with 'approve POST_ID'."))
@filter_options
@click.option("--week", is_flag=True, help=_("Draw the coming seven days as a grid of days by accounts."))
@output_options(csv_columns=POST_COLUMNS)
@click.pass_obj
def queue_cmd(app: App, status: str | None, drafts: bool, filters: Filters, every: bool, week: bool,
              output: Output) -> None:
    """``queue`` (the help click shows is in the decorator, translated)."""
    from ..listings import queue_stream, week as plan

    if drafts:
        if status not in (None, "awaiting_approval"):
            raise click.UsageError(_("give --drafts or --status, not both"), ctx=click.get_current_context())
        status = "awaiting_approval"

    if week:
        grid = plan(app.settings, app.store, filters=filters)
        if output.structured:
            output.emit(grid.rows)
        else:
            click.echo(week_grid(grid, app.settings.tz))
        return
    paged, filters = _page(filters, every, output)
    # Read as printed: --all, --json and --csv of a million posts take the memory of a few hundred.
    result = queue_stream(app.settings, app.store, status, filters=filters)
    if output.structured:
        output.emit_rows(result.rows)
        return
    rows: Iterable[dict[str, Any]] = result.rows
    more = False
    if paged:
        page = list(rows)
        more, rows = len(page) > PAGE, page[:PAGE]
    if not _echo(queue_tables(rows, app.settings.tz, least=functools.partial(_widest, app))):
        unfiltered = dataclasses.replace(filters, limit=None) == Filters()
        click.echo(_("The queue is empty.") if unfiltered else _("No queued post matches."))
    if more:
        click.echo(_("Showing the {n} soonest; more are queued: --all for every one, or --limit N.").format(n=PAGE))
    for name, reason in result.attention.items():
        click.echo(_("warning: account {name} needs attention: {reason} (posts wait; fix it and run "
                     "'disseminator accounts check {name}')").format(name=name, reason=stored(reason)), err=True)


def queue_table(rows: list[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``queue``'s table: one post a line (its title cut), what happens next wrapped."""
    return "\n".join(queue_tables(rows, tz, now=now, columns=columns, chunk=max(len(rows), 1)))


def queue_tables(rows: Iterable[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None,
                 columns: int | None = None, least: Callable[[], dict[str, int]] | None = None,
                 chunk: int = TABLE_ROWS) -> Iterator[str]:
    """:func:`queue_table` of rows read as they are printed, a block at a time (see
    :func:`~disseminator.cli.output.tables`); nothing for no rows."""
    now = now or dt.datetime.now(dt.timezone.utc)
    when, article, step = _("WHEN"), _("ARTICLE"), _("NEXT")
    return tables(((r["id"], r["account"], show_human(r["scheduled_at"], tz, now=now), _title(r), _note(r, tz, now))
                   for r in rows),
                  [_("ID"), _("ACCOUNT"), when, article, step], wrap=(when, step), cut=(article,), columns=columns,
                  least=least, chunk=chunk)


def _echo(blocks: Iterable[str]) -> int:
    """Print each block as it is drawn; how many there were."""
    n = 0
    for n, block in enumerate(blocks, 1):
        click.echo(block)
    return n


def _widest(app: App) -> dict[str, int]:
    """The least widths of a long table's id and account columns (its later rows may be wider)."""
    top, longest = app.store.widest_post()
    return {_("ID"): len(str(top)), _("ACCOUNT"): longest}


def _title(r: dict[str, Any]) -> str:
    return " ".join((r["article_title"] or "").split())  # one line: a title may hold line breaks


def _note(r: dict[str, Any], tz: ZoneInfo, now: dt.datetime) -> str:
    step = what_next(r, tz, now=now)
    if r.get("urgent") and r["status"] in ("scheduled", "publishing"):
        mark = _("URGENT, passes the pause") if r.get("passes_pause") else _("URGENT")
        step = f"{mark}; {step}" if step else mark
    if r.get("recurrence") and r["status"] == "scheduled":
        repeats = _("repeats: {cron}").format(cron=r["recurrence"])
        step = f"{step}; {repeats}" if step else repeats
    if r.get("cost") is not None and r["status"] in ("scheduled", "publishing"):
        cost = _("cost {cost}").format(cost=r["cost"])
        step = f"{cost}; {step}" if step else cost
    if r["status"] in ("scheduled", "publishing"):
        return step
    return f"{_status(r['status'])}: {step}" if step else _status(r["status"])


#: The first row of the week's grid: posts still queued from before today (a key, not a label).
OVERDUE = "overdue"


def week_grid(grid: Week, tz: ZoneInfo, *, columns: int | None = None) -> str:
    """The coming seven days by accounts: each cell lists its posts' times and titles
    (counts alone when there are more than four accounts), posts still queued from
    before today in a first row."""
    by_cell: dict[tuple[str, str], list[dict[str, Any]]] = {}
    labels = [f"{_(DAYS[d.weekday()])} {d.day} {_(MONTHS[d.month - 1])}" for d in grid.days]
    for r in grid.rows:
        local = dt.datetime.fromisoformat(r["scheduled_at"]).astimezone(tz)
        day = labels[grid.days.index(local.date())] if local.date() in grid.days else OVERDUE
        by_cell.setdefault((day, r["account"]), []).append(r)
    counts_only = len(grid.accounts) > 4
    rows = []
    for day in ([OVERDUE] if any(k[0] == OVERDUE for k in by_cell) else []) + labels:
        cells = []
        for account in grid.accounts:
            posts = by_cell.get((day, account), [])
            if counts_only or len(posts) > 3:
                cells.append(ngettext("{n} post", "{n} posts", len(posts)).format(n=len(posts)) if posts else "")
            else:
                cells.append("\n".join(f"{_clock(p['scheduled_at'], tz)} {_title(p)}".strip() for p in posts))
        rows.append((_("overdue") if day == OVERDUE else day, *cells))
    zone = zone_name(grid.start, tz)
    return table(rows, [_("DAY ({zone})").format(zone=zone), *grid.accounts], cut=tuple(grid.accounts), columns=columns)


def _clock(iso: str, tz: ZoneInfo) -> str:
    local = dt.datetime.fromisoformat(iso).astimezone(tz)
    return f"{local.hour:02d}.{local.minute:02d}"


@click.command(help=_("Posts that are done: published (with their remote ids and links), failed, cancelled, "
                      "withdrawn (with the reason)."))
@output_options(csv_columns=POST_COLUMNS)
@click.option("--status", type=click.Choice([*STATUSES, "all"]), metavar=_("STATUS"),
              help=_("Only this state ({states}; default: 'published', 'failed', 'cancelled', 'withdrawn').").format(
                  states=_STATES))
@filter_options
@click.pass_obj
def history(app: App, status: str | None, filters: Filters, every: bool, output: Output) -> None:
    """``history`` (the help click shows is in the decorator, translated)."""
    from ..listings import history_stream

    paged, filters = _page(filters, every, output)
    rows: Iterable[dict[str, Any]] = history_stream(app.settings, app.store, status, filters=filters)
    if output.structured:
        output.emit_rows(rows)  # read as printed: see queue_cmd
        return
    more = False
    if paged:
        page = list(rows)
        more, rows = len(page) > PAGE, page[-PAGE:]
    if not _echo(history_tables(rows, app.settings.tz, least=functools.partial(_widest, app))):
        unfiltered = dataclasses.replace(filters, limit=None) == Filters()
        click.echo(_("Nothing published yet.") if unfiltered else _("No post matches."))
    if more:
        click.echo(_("Showing the {n} latest; older posts: --all for every one, or --limit N.").format(n=PAGE))


def history_table(rows: list[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``history``'s table: when each post went out (or was due), its title cut, the link
    (or the state and the error) wrapped."""
    return "\n".join(history_tables(rows, tz, now=now, columns=columns, chunk=max(len(rows), 1)))


def history_tables(rows: Iterable[dict[str, Any]], tz: ZoneInfo, *, now: dt.datetime | None = None,
                   columns: int | None = None, least: Callable[[], dict[str, int]] | None = None,
                   chunk: int = TABLE_ROWS) -> Iterator[str]:
    """:func:`history_table` of rows read as they are printed (see :func:`queue_tables`)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    when, article, result = _("WHEN"), _("ARTICLE"), _("RESULT")
    return tables(((r["id"], r["account"], show_human(r["published_at"] or r["scheduled_at"], tz, now=now), _title(r),
                    _result(r)) for r in rows),
                  [_("ID"), _("ACCOUNT"), when, article, result], wrap=(when, result), cut=(article,), columns=columns,
                  least=least, chunk=chunk)


def _result(r: dict[str, Any]) -> str:
    """A published post's link; otherwise its state and why."""
    if r["status"] == "published":
        return r["remote_url"] or _status("published")
    # The error is kept in English in the database: shown in the language spoken.
    return f"{_status(r['status'])}: {stored(r['error'])}" if r["error"] else _status(r["status"])
