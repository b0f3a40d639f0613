"""``feeds add | list | remove | poll``: see :mod:`disseminator.ingest.feed_admin` and
:mod:`disseminator.ingest.feed_poll`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, ngettext

from ..views import show_human
from . import Group
from .output import Output, output_options, table, wrapped

if TYPE_CHECKING:
    from .app import App


@click.group(cls=Group, help=_("Follow RSS and Atom feeds: their new entries become articles and posts."))
def feeds() -> None:
    pass


@feeds.command("add", help=_(
    "Follow a feed: each new entry becomes an article whose posts are queued for the accounts.\n\n"
    "What is in the feed now counts as seen (nothing floods the accounts) unless --backfill N "
    "asks for the newest N entries.  The feed is read once now: a URL that is not a feed is refused."))
@click.argument("url", metavar=_("URL"))
@click.option("--account", "accounts", multiple=True, metavar=_("NAME"),
              help=_("Post to this account (repeatable, in cascade order). Default: every account."))
@click.option("--mode", type=click.Choice(["queue", "draft"]), default="queue", show_default=True,
              help=_("'queue': posts go at each account's next slot (or now); 'draft': posts wait for an approver."))
@click.option("--every", metavar=_("DURATION"), help=_("How often the daemon reads the feed, e.g. '30s', '5m' (default 5m)."))
@click.option("--backfill", type=click.IntRange(0), default=0, metavar=_("N"),
              help=_("Also take the newest N entries already in the feed, oldest first."))
@click.option("--delay", metavar=_("DURATION"),
              help=_("Cascade: the 2nd account goes this long after the 1st, the 3rd twice as long, and so on."))
@click.option("--hashtag", "hashtags", multiple=True, metavar=_("TAG"),
              help=_("This feed's posts carry this hashtag instead of each account's own (repeatable)."))
@output_options(json_help=_("Print the feed as JSON."))
@click.pass_obj
def add(app: App, url: str, accounts: tuple[str, ...], mode: str, every: str | None, backfill: int,
        delay: str | None, hashtags: tuple[str, ...], output: Output) -> None:
    from ..ingest.feed_admin import add as add_feed

    data = add_feed(app.settings, app.store, url, accounts=accounts, mode=mode, every=every, delay=delay,
                    backfill=backfill, hashtags=hashtags)
    for line in data["warnings"]:
        click.echo(_("warning: {line}").format(line=line), err=True)
    if output.structured:
        output.emit(data)
        return
    click.echo(_("Added feed {id}: {url} (every {every}, mode {mode})").format(**data))
    click.echo("  " + _("accounts: {accounts}").format(accounts=_accounts(data)))
    if data["hashtags"]:
        click.echo("  " + _("hashtags (instead of the accounts' own): {tags}").format(tags=" ".join(data["hashtags"])))
    seen = data["entries"] - data["backfill"]
    click.echo("  " + ngettext("{n} entry already in it counts as seen", "{n} entries already in it count as seen",
                               seen).format(n=seen))
    if data["backfill"]:
        click.echo("  " + ngettext("the newest entry is taken at the next poll",
                                   "the newest {n} entries are taken at the next poll, oldest first",
                                   data["backfill"]).format(n=data["backfill"]))
    click.echo("  " + _("the daemon reads it from now on ('disseminator feeds poll' does it once)"))


def _accounts(data: dict[str, Any]) -> str:
    names = [a["name"] if a["delay"] in ("0s", "0") else f"{a['name']} (+{a['delay']})" for a in data["accounts"]]
    text = ", ".join(names) or "-"
    return _("{names} (every account)").format(names=text) if data["all_accounts"] else text


@feeds.command("list", help=_("List the feeds followed: accounts, interval, next read, and the last error."))
@output_options(json_help=_("Print the feeds as JSON."))
@click.pass_obj
def list_(app: App, output: Output) -> None:
    from ..ingest.feed_admin import list_feeds

    rows = list_feeds(app.settings, app.store)
    if output.structured:
        output.emit(rows)
        return
    if not rows:
        click.echo(_("No feeds yet: disseminator feeds add URL --account NAME"))
        return
    headers = [_("ID"), _("URL"), _("MODE"), _("EVERY"), _("ACCOUNTS"), _("NEXT"), _("TAKEN")]
    click.echo(table([(r["id"], r["url"], r["mode"], r["every"], _accounts(r),
                       show_human(r["next_poll_at"], app.settings.tz), r["taken"]) for r in rows],
                     headers, wrap=(headers[1], headers[4])))
    for r in rows:
        for w in r["needs_alt"]:
            click.echo(wrapped(_("feed {id}: {what}").format(id=r["id"], what=_alt_help(w["article"], w["posts"]))),
                       err=True)
        if r["last_error"]:
            failed = ngettext("feed {id}: the last read failed, next try {when}: {error}",
                              "feed {id}: {n} reads in a row failed, next try {when}: {error}", r["failures"])
            click.echo(failed.format(id=r["id"], n=r["failures"], when=show_human(r["next_poll_at"], app.settings.tz),
                                     error=r["last_error"]), err=True)


@feeds.command("remove", help=_("Stop following a feed (by id or URL); its articles and queued posts stay."))
@click.argument("ref", metavar=_("ID_OR_URL"))
@output_options(json_help=_("Print the removed feed as JSON."))
@click.pass_obj
def remove(app: App, ref: str, output: Output) -> None:
    from ..ingest.feed_admin import remove as forget

    data = forget(app.settings, app.store, ref)
    if output.structured:
        output.emit(data)
        return
    click.echo(_("Removed feed {id}: {url}; its articles and queued posts stay").format(**data))


@feeds.command("poll", help=_(
    "Read every feed that is due once, take its new entries, then exit (for cron).\n\n"
    "Exit status 1 when a feed could not be read; it is tried again after its backoff."))
@click.option("--all", "every", is_flag=True, help=_("Read every feed now, due or not."))
@output_options(json_help=_("Print what each feed gave as JSON."))
@click.pass_obj
def poll(app: App, every: bool, output: Output) -> None:
    from ..errors import RunFailed
    from ..ingest.feed_poll import poll_due

    results = poll_due(app.settings, app.store, every=every)
    if output.structured:
        output.emit([r.as_dict() for r in results])
    else:
        _say_polled(app, results)
    failed = [r.error for r in results if r.error]
    if failed:
        raise RunFailed([e for e in failed if e])


def _say_polled(app: App, results: list[Any]) -> None:
    if not results:
        click.echo(_("No feed is due."))
    from .articles import field_label

    for r in results:
        for line in r.warnings:
            click.echo(_("warning: {line}").format(line=line), err=True)
        if r.outcome == "failed":
            continue  # said once, as an error line, by main
        for v in r.revised:
            click.echo(_("Feed {id}: article {article} is now revision {revision} (entry edited; changed: "
                         "{changed}): {title}").format(id=r.feed_id, article=v["article_id"], revision=v["revision"],
                                                       changed=", ".join(field_label(f) for f in v["changed"]) or "-", title=v["title"]))
            if v["updated_posts"]:
                click.echo("  " + _("posts {ids} now carry the new text").format(
                    ids=", ".join(str(i) for i in v["updated_posts"])))
        if not r.taken and r.revised:
            continue
        if not r.taken:
            click.echo(_("Feed {id}: nothing new (next read {when})").format(
                id=r.feed_id, when=show_human(r.next_poll_at.isoformat(), app.settings.tz)))
            continue
        click.echo(ngettext("Feed {id}: {n} new entry", "Feed {id}: {n} new entries", len(r.taken)).format(
            id=r.feed_id, n=len(r.taken)))
        for t in r.taken:
            click.echo("  " + _("article {article}: {title}").format(**t))
            for p in t["posts"]:
                line = (_("post {id} for {account} awaits approval ('disseminator approve {id}')")
                        if p["status"] == "awaiting_approval" else _("post {id} for {account} at {when}"))
                click.echo("    " + line.format(id=p["id"], account=p["account"],
                                                when=show_human(p["scheduled_at"], app.settings.tz)))
            held = [p["id"] for p in t["posts"] if p.get("needs_alt")]
            if held:
                click.echo("    " + wrapped(_alt_help(t["article"], held), indent=4), err=True)
            for line in t["refused"]:
                click.echo("    " + _("warning: {line}").format(line=line), err=True)


def _alt_help(article: int, posts: list[int]) -> str:
    """What to do about posts that wait for their image's alt text (disseminator.alt_text)."""
    from ..alt_text import command

    ids = " ".join(str(i) for i in posts)
    return ngettext("post {ids} waits: its image has no alt text, so it is not sent; add it with '{command}', "
                    "then 'disseminator approve {ids}'",
                    "posts {ids} wait: their image has no alt text, so they are not sent; add it with "
                    "'{command}', then 'disseminator approve {ids}'", len(posts)).format(
        ids=ids, command=command(article))
