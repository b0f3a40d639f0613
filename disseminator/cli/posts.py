"""``preview`` and ``schedule``: an article's posts, shown as each account would post them,
then queued (see :mod:`disseminator.posts`).  Listing them is :mod:`disseminator.cli.listing`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _, ngettext, stored

from ..views import show_human
from .output import Output, output_options

if TYPE_CHECKING:
    from ..posts import Preview
    from .app import App


def _article_ref() -> str:
    """The metavar of an article named by id or by file: ``(ID | PATH)``."""
    return "({id} | {path} | {url})".format(id=_("ID"), path=_("PATH"), url=_("URL"))


@click.command(help=_("Show what each account would post for an article (by id, file or web page URL), with counts."))
@click.argument("ref", metavar=_article_ref(), required=False)
@click.option("--account", "accounts", multiple=True, metavar=_("NAME"), help=_("Only this account (repeatable). Default: all."))
@click.option("--post", "post_id", type=int, metavar=_("POST_ID"),
              help=_("A queued post instead of an article: exactly what will go out, with its accessibility warnings."))
@output_options(json_help=_('Print [{{"account", "channel", "parts", "media", "warnings"}}].').format())
@click.pass_obj
def preview(app: App, ref: str | None, accounts: tuple[str, ...], post_id: int | None, output: Output) -> None:
    """``preview`` (the help click shows is in the decorator, translated)."""
    from ..posts import preview as render

    if post_id is not None:
        if ref is not None or accounts:
            raise click.UsageError(_("give an article or --post, not both"))
        from ..approval import preview_post

        result = preview_post(app.settings, app.store, post_id)
    elif ref is None:
        raise click.UsageError(_("name an article (an id or a file), or a queued post with --post ID"))
    else:
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
            click.echo("  " + _("refused: {reason}").format(reason=item["refused"]))
            continue
        n = len(item["parts"])
        for i, (text, (count, limit)) in enumerate(zip(item["parts"], item["counts"]), 1):
            click.echo("-- " + _counted(i, n, count, limit))
            click.echo(text)
        if item["hashtags"]:
            click.echo("-- " + _("hashtags: {hashtags}").format(hashtags=" ".join(item["hashtags"])))
        for url, alt in zip(item["media"], item["media_alt"]):
            click.echo("-- " + (_("image: {url} (alt: {alt})").format(url=url, alt=alt) if alt
                                else _("image: {url}").format(url=url)))
        if item["link"] and item["channel"] == "facebook":
            click.echo("-- " + _("link: {link}").format(link=item["link"]))
        if item.get("cost") is not None:
            click.echo("-- " + _("cost: {cost} ({posts})").format(
                cost=item["cost"], posts=ngettext("{n} post", "{n} posts", n).format(n=n)))
        for w in item["warnings"]:
            click.echo("-- " + _("warning: {warning}").format(warning=w))
        click.echo("")


def _counted(i: int, n: int, count: int, limit: int | None) -> str:
    """``part 2/3, 270/280 characters``: the part (when there are several) and its length."""
    if n > 1:
        if limit:
            return _("part {i}/{n}, {count}/{limit} characters").format(i=i, n=n, count=count, limit=limit)
        return _("part {i}/{n}, {count} characters").format(i=i, n=n, count=count)
    if limit:
        return _("{count}/{limit} characters").format(count=count, limit=limit)
    return _("{count} characters").format(count=count)


@click.command(help=_(
    "Queue an article's posts: one per account, rendered now, published at {when}.\n\n"
    "Articles are named by id, or by file (added first, as `article add` does: all or "
    "none).  Every warning `preview` would show is shown, and so is a hold that keeps a "
    "post back (a paused account, one that needs attention) with what lets it go.\n\n"
    "Accounts that cannot take the article (Instagram without an image, say) are refused "
    "with a reason and the others are queued; the exit status is then 1.").format(when=_("WHEN")))
@click.argument("refs", nargs=-1, metavar=_article_ref() + "...")
@click.option("--from", "plan", type=click.Path(exists=True, dir_okay=False), metavar=_("PLAN.csv"),
              help=_("Queue every row of a plan (columns article,accounts,at[,variant]); nothing is queued unless every row is good."))
@click.option("--account", "accounts", multiple=True, metavar=_("NAME"), help=_("Only this account (repeatable). Default: all."))
@click.option("--at", "at", metavar=_("WHEN"), help=_("ISO time or text: '2026-12-01 09:00', 'besok 09:00', 'Senin 08.00'."))
@click.option("--now", "now", is_flag=True, help=_("Publish at the next run."))
@click.option("--variant", default="default", show_default=True, metavar=_("TEXT"), help=_("Queue another version of an already queued post."))
@click.option("--next-slot", "next_slot", is_flag=True,
              help=_("Each account at its plan's next free slot (a slot its queued posts take is skipped)."))
@click.option("--stagger", metavar=_("SPEC"),
              help=_("Offsets per channel, e.g. 'facebook=5m,instagram=15m' (default: the plan's stagger)."))
@click.option("--no-stagger", "no_stagger", is_flag=True, help=_("Every channel at the same time, whatever the plan says."))
@click.option("--every", metavar=_("CRON"),
              help=_("Repeat: a cron expression in the plan's zone, e.g. '0 8 * * 1' (Mondays 08:00); "
                     "without --at the first post is at its first time."))
@click.option("--urgent", is_flag=True,
              help=_("A disaster warning or public-safety notice: it passes a pause placed with --allow-urgent "
                     "(never another hold) and goes before its account's earlier posts."))
@output_options(json_help=_('Print [{{"id", "account", "channel", "status", "scheduled_at"}}].').format())
@click.pass_obj
def schedule(app: App, refs: tuple[str, ...], plan: str | None, accounts: tuple[str, ...], at: str | None, now: bool,
             variant: str, next_slot: bool, stagger: str | None, no_stagger: bool, every: str | None, urgent: bool,
             output: Output) -> None:
    """``schedule`` (the help click shows is in the decorator, translated)."""
    from ..posts import schedule_refs as queue_posts
    from ..timing import Timing, parse_stagger

    if plan is not None:
        if refs or accounts or at or now or variant != "default":
            raise click.UsageError(_("--from {plan} takes no article, --account, --at, --now or --variant: the plan has them").format(
                plan=_("PLAN.csv")), ctx=click.get_current_context())
        _schedule_plan(app, plan, output)
        return
    if not refs:
        raise click.UsageError(_("name the articles to schedule (ids or files), or give --from {plan}").format(plan=_("PLAN.csv")),
                               ctx=click.get_current_context())
    ctx = click.get_current_context()
    if next_slot and (at or now):
        raise click.UsageError(_("--next-slot picks each account's time: give no --at or --now with it"), ctx=ctx)
    if (bool(at) == now and not next_slot and not every) or (at and now):
        raise click.UsageError(_("give exactly one of --at {when} or --now").format(when=_("WHEN")), ctx=ctx)
    if stagger and no_stagger:
        raise click.UsageError(_("give --stagger or --no-stagger, not both"), ctx=ctx)
    timing = Timing(next_slot=next_slot, stagger={} if no_stagger else (parse_stagger(stagger) if stagger else None),
                    every=every, first_fire=bool(every) and not at and not now)
    result = queue_posts(app.settings, app.store, refs, accounts, at=None if now else at, variant=variant, timing=timing,
                         urgent=urgent)
    if output.structured:
        output.emit(result.rows)
    else:
        for r in result.rows:
            queued = (_("Queued urgent post {id} for {account} ({channel}) at {when}") if r.get("urgent")
                      else _("Queued post {id} for {account} ({channel}) at {when}"))
            click.echo(queued.format(
                id=r["id"], account=r["account"], channel=r["channel"], when=show_human(r["scheduled_at"], app.settings.tz)))
            if r["status"] == "awaiting_approval":
                click.echo("  " + _("awaiting approval: see 'disseminator preview --post {id}'").format(id=r["id"]))
            if r.get("embargo_until"):
                click.echo("  " + _("warning: under embargo until {when}: it goes then, not before").format(
                    when=show_human(r["embargo_until"], app.settings.tz)))
            if r.get("cost") is not None:
                click.echo("  " + _("cost: {cost}").format(cost=r["cost"]))
            for w in r["warnings"]:  # kept with the post, in English
                click.echo("  " + _("warning: {warning}").format(warning=stored(w)))
            if r["waiting"]:
                click.echo("  " + _("waiting: {reason}").format(reason=r["waiting"]))
            if r.get("blackout_until"):
                click.echo("  " + _("warning: inside blackout window {window}; it goes at {when}").format(
                    window=r["blackout"], when=show_human(r["blackout_until"], app.settings.tz)))
            if r.get("recurrence"):
                click.echo("  " + _("repeats: {cron} (each time it goes out, the next is queued)").format(
                    cron=r["recurrence"]))
            if r.get("recurrence_warning"):
                click.echo("  " + _("warning: {warning}").format(warning=r["recurrence_warning"]))
    result.raise_if_failed()


def _schedule_plan(app: App, plan: str, output: Output) -> None:
    from ..plan_csv import schedule_plan

    rows = schedule_plan(app.settings, app.store, plan)
    if output.structured:
        output.emit(rows)
        return
    for r in rows:
        if "revision" in r:
            click.echo(_("line {line}: article {article} is now revision {revision}").format(
                line=r["line"], article=r["article_id"], revision=r["revision"]["revision"]))
        elif "refused" in r:
            click.echo(_("warning: line {line}: {account}: not queued: {reason}").format(
                line=r["line"], account=r["account"], reason=r["refused"]), err=True)
        else:
            click.echo(_("line {line}: queued post {id} for {account} at {when}").format(
                line=r["line"], id=r["id"], account=r["account"], when=show_human(r["scheduled_at"], app.settings.tz)))
