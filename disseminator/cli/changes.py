"""``reschedule``, ``retry``, ``edit`` and ``cancel``: an officer's changes to queued posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _

from ..views import show_human
from . import several
from .output import Output, output_options

if TYPE_CHECKING:
    from ..post_changes import Changed
    from .app import App


def _report(changed: Changed, output: Output, done: str) -> None:
    """Each changed post's line: ``done`` (translated) filled with the post's row."""
    if output.structured:
        output.emit(changed.rows)
    else:
        for row in changed.rows:
            click.echo(done.format(**row))
    changed.raise_if_failed()  # each refused post is one error line; exit 1


@click.command(help=_("Move scheduled posts to another time (a post being published is left alone)."))
@click.argument("post_ids", type=int, nargs=-1, required=True, metavar=several(_("POST_IDS")))
@click.option("--at", "at", required=True, metavar=_("WHEN"),
              help=_('New time: "besok 09.00", "Senin 08.00", "2 jam lagi", "2026-12-01 09:00" (the zone of the config).'))
@output_options(json_help=_("Print the rescheduled posts as JSON."))
@click.pass_obj
def reschedule(app: App, post_ids: tuple[int, ...], at: str, output: Output) -> None:
    from ..post_changes import reschedule as move

    changed = move(app.settings, app.store, post_ids, at)
    for row in changed.rows:
        row["_when"] = show_human(row["scheduled_at"], app.settings.tz)
    _report(changed, output, _("Post {id} on {account} now goes at {_when}"))


@click.command(help=_(
    "Send failed posts again at the next run, with a fresh set of tries.\n\n"
    "A post whose last write may have reached the network is looked up there first, so it "
    "is never posted twice."))
@click.argument("post_ids", type=int, nargs=-1, required=True, metavar=several(_("POST_IDS")))
@output_options(json_help=_("Print the posts sent again as JSON."))
@click.pass_obj
def retry(app: App, post_ids: tuple[int, ...], output: Output) -> None:
    from ..post_changes import retry as again

    _report(again(app.settings, app.store, post_ids), output,
            _("Post {id} on {account} is queued again; it goes at the next run"))


@click.command(help=_(
    "Change the text of a scheduled post, checked against its network's rules.\n\n"
    "Without --text or --file the text opens in $EDITOR.  The old text is kept on the "
    "post's record ('post show')."))
@click.argument("post_id", type=int, metavar=_("POST_ID"))
@click.option("--text", metavar=_("TEXT"), help=_("The new text.  For an X thread, separate the parts with a line '---'."))
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), metavar=_("FILE"), help=_("Read the new text from this file."))
@output_options(json_help=_("Print the edited post as JSON."))
@click.pass_obj
def edit(app: App, post_id: int, text: str | None, path: str | None, output: Output) -> None:
    from ..post_changes import PART_BREAK, edit as change
    from ..listings import post_detail

    if text is not None and path is not None:
        raise click.UsageError(_("give --text or --file, not both"))
    if path is not None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    if text is None:
        current = post_detail(app.settings, app.store, post_id)["parts_text"]
        text = click.edit(f"\n{PART_BREAK}\n".join(current))
        if text is None:
            click.echo(_("Post {id} left as it was (the editor was closed without saving).").format(id=post_id))
            return
    _report(change(app.settings, app.store, post_id, text), output,
            _("Post {id} on {account} has its new text ({parts} part(s))"))


@click.command(help=_("Cancel scheduled posts (never one being published or already out)."))
@click.argument("post_ids", type=int, nargs=-1, metavar=several(_("POST_IDS"), required=False))
@click.option("--article", "article", type=int, metavar=_("ID"), help=_("Cancel every scheduled post of this article."))
@click.option("--force", is_flag=True, help=_("Cancel even if part of it may already be on the network (check there first)."))
@output_options(json_help=_("Print the cancelled post as JSON (a list when several are cancelled)."))
@click.pass_obj
def cancel(app: App, post_ids: tuple[int, ...], article: int | None, force: bool, output: Output) -> None:
    from ..post_changes import cancel as withdraw

    if not post_ids and article is None:
        raise click.UsageError(_("name the posts to cancel, or --article {id}").format(id=_("ID")))
    changed = withdraw(app.settings, app.store, post_ids, article=article, force=force)
    for line in changed.warnings:
        click.echo(_("warning: {line}").format(line=line), err=True)
    if output.structured and len(post_ids) == 1 and article is None and changed.rows:
        output.emit(changed.rows[0])  # one post: the object, as before
        changed.raise_if_failed()
        return
    _report(changed, output, _("Cancelled post {id} ({account})"))
