"""``metrics fetch`` and ``report``: engagement snapshots (:mod:`disseminator.engagement`)
and the monthly report (:mod:`disseminator.monthly_report`, :mod:`disseminator.report_html`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from channels.i18n import _, ngettext

from . import Group
from .output import Output, output_options, wrapped

if TYPE_CHECKING:
    from .app import App


@click.group(cls=Group, help=_(
    "Engagement figures (likes, comments, shares, views) of published posts, read from the networks "
    "1 hour, 24 hours and 7 days after each post.  The daemon reads them by itself."))
def metrics() -> None:
    pass


@metrics.command("fetch", help=_(
    "Read the engagement figures that are due, once, then exit (for cron when no daemon runs).  "
    "At most worker.engagement_reads posts per account; an account whose reading is limited by "
    "the network is tried again next time, and its posting is not held."))
@click.option("--reads", type=click.IntRange(1, 1000), default=None, metavar=_("N"),
              help=_("Posts read per account this time (default: worker.engagement_reads)."))
@output_options(json_help=_("Print {fields}.").format(
    fields='{"taken": {"1h", "24h", "7d"}, "limited": [account], "failed", "gone", "waiting"}'))
@click.pass_obj
def fetch(app: App, reads: int | None, output: Output) -> None:
    from ..engagement import fetch as run
    from ..errors import ConfigError

    if reads is None and not app.settings.worker.engagement_reads:
        raise ConfigError(_("reading engagement figures is off (worker.engagement_reads = 0): set it above 0, "
                            "or give --reads N"))
    result = run(app.settings, app.store, reads=reads)
    data = {"taken": result.taken, "limited": result.limited, "failed": result.failed, "gone": result.gone,
            "waiting": result.waiting}
    if output.structured:
        output.emit(data)
        return
    click.echo(ngettext("{n} snapshot taken (1 h: {h1}, 24 h: {h24}, 7 days: {d7}).",
                        "{n} snapshots taken (1 h: {h1}, 24 h: {h24}, 7 days: {d7}).", result.total).format(
        n=result.total, h1=result.taken["1h"], h24=result.taken["24h"], d7=result.taken["7d"]))
    if result.limited:
        click.echo(wrapped(_("The network limits reading for {accounts} now: their figures are read next time "
                             "(posting goes on).").format(accounts=", ".join(result.limited))))
    if result.waiting:
        click.echo(wrapped(ngettext("{n} more post is due; it is read next time (worker.engagement_reads per "
                                    "account each time).",
                                    "{n} more posts are due; they are read next time (worker.engagement_reads per "
                                    "account each time).", result.waiting).format(n=result.waiting)))
    if result.failed:
        click.echo(wrapped(ngettext("{n} post could not be read (see the log); it is tried again next time.",
                                    "{n} posts could not be read (see the log); they are tried again next time.",
                                    result.failed).format(n=result.failed)))
    if result.gone:
        click.echo(wrapped(ngettext("{n} post is no longer on its network; its figures are recorded as empty.",
                                    "{n} posts are no longer on their networks; their figures are recorded as empty.",
                                    result.gone).format(n=result.gone)))


@click.command(help=_(
    "Write the dissemination report of a month (or of --since to --until) as one HTML file with "
    "charts (posts per channel and day, time from an article to its first post, engagement at "
    "24 hours by channel, the top posts), and the same figures as CSV files."))
@click.option("--month", metavar=_("YYYY-MM"), help=_("The month, in the configured time zone (e.g. 2026-11)."))
@click.option("--since", metavar=_("YYYY-MM-DD"), help=_("First day of the period (with --until)."))
@click.option("--until", metavar=_("YYYY-MM-DD"), help=_("Last day of the period, included."))
@click.option("--output", "-o", "target", type=click.Path(dir_okay=False, path_type=Path), metavar=_("FILE"),
              help=_("Where to write the HTML (default: disseminator-report-PERIOD.html here)."))
@click.option("--csv-dir", "csv_dir", type=click.Path(file_okay=False, path_type=Path), metavar=_("DIR"),
              help=_("Folder for the CSV files (default: beside the HTML)."))
@click.option("--top", type=click.IntRange(1, 100), default=10, metavar=_("N"),
              help=_("How many top posts (default 10)."))
@output_options(json_help=_("Print {fields}.").format(fields='{"html", "csv": [path], "posts", "articles"}'))
@click.pass_obj
def report(app: App, month: str | None, since: str | None, until: str | None, target: Path | None,
           csv_dir: Path | None, top: int, output: Output) -> None:
    from ..monthly_report import gather, period, write_csv
    from ..report_html import render

    span = period(app.settings.tz, month=month, since=since, until=until)
    figures = gather(app.store, span, top=top)
    stem = f"disseminator-report-{span.label}"
    html_path = target or Path(f"{stem}.html")
    try:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(render(figures, made_at=app.store.clock.now()), encoding="utf-8")
        written = write_csv(figures, csv_dir or html_path.parent, html_path.stem)
    except OSError as exc:
        from ..errors import UserError

        raise UserError(_("could not write the report to {path}: {reason}").format(
            path=exc.filename or html_path, reason=exc.strerror or exc)) from None
    if output.structured:
        output.emit({"html": str(html_path), "csv": [str(p) for p in written], "posts": figures.posts,
                     "articles": len(figures.leads)})
        return
    # Paths each on a line of their own: a path cut in two by wrapping cannot be copied.
    click.echo(wrapped(ngettext("Report of {period} ({n} post) written to:", "Report of {period} ({n} posts) written to:",
                                figures.posts).format(period=span.label, n=figures.posts)))
    click.echo(f"  {html_path}")
    click.echo(_("The same figures as CSV:"))
    for path in written:
        click.echo(f"  {path}")
