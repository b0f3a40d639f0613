"""``unpublish``: delete published posts from their networks (see :mod:`disseminator.unpublish`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _, ngettext

from . import several
from .output import Output, output_options

if TYPE_CHECKING:
    from .app import App


def officer() -> str:
    """Who runs the command, as kept on the post's record: the acting officer (``--as``, or
    the one mapped to the operating-system user), else that user's name."""
    from ..officers import current_name

    return current_name() or "unknown"


@click.command(help=_(
    "Delete published posts from their networks (X, Facebook); each becomes 'withdrawn'.\n\n"
    "An X thread is deleted last part first.  Instagram's API cannot delete a post: that "
    "is said, and the post stays published.  A delete that fails leaves the post "
    "published (the parts deleted say so); running the command again finishes it.  The "
    "reason and who asked are kept on the post's record ('post show')."))
@click.argument("post_ids", type=int, nargs=-1, required=True, metavar=several(_("POST_IDS")))
@click.option("--reason", required=True, metavar=_("TEXT"), help=_("Why the posts are withdrawn (kept on their record)."))
@output_options(json_help=_("Print the withdrawn posts as JSON."))
@click.pass_obj
def unpublish(app: App, post_ids: tuple[int, ...], reason: str, output: Output) -> None:
    from ..unpublish import unpublish as withdraw

    done = withdraw(app.settings, app.store, post_ids, reason=reason, who=officer())
    for line in done.warnings:
        click.echo(_("warning: {line}").format(line=line), err=True)
    if output.structured:
        output.emit(done.rows)
    else:
        for row in done.rows:
            click.echo(ngettext("Withdrew post {id} ({account}): {n} part deleted from the network",
                                "Withdrew post {id} ({account}): {n} parts deleted from the network",
                                row["deleted_parts"]).format(id=row["id"], account=row["account"], n=row["deleted_parts"]))
            click.echo("  " + _("a correction: 'disseminator schedule {article} --account {account} --now'").format(
                article=row["article_id"], account=row["account"]))
    done.raise_if_failed()
