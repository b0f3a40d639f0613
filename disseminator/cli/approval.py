"""``approve`` and ``reject``: an approver's decision on posts awaiting approval
(:mod:`disseminator.approval`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from channels.i18n import _

from ..views import show_human
from . import several
from .output import Output, output_options

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..approval import Decided
    from .app import App


def _report(decided: Decided, output: Output, done: str, waiting: str | None = None, *,
            tz: ZoneInfo | None = None) -> None:
    for line in decided.warnings:
        click.echo(_("warning: {line}").format(line=line), err=True)
    if output.structured:
        output.emit(decided.rows)
    else:
        for row in decided.rows:
            text = waiting if waiting and row["status"] == "awaiting_approval" else done
            when = show_human(row["scheduled_at"], tz) if tz else row["scheduled_at"]
            click.echo(text.format(**row, _by=", ".join(row["approved_by"]), _when=when))
    decided.raise_if_failed()  # each refused post is one error line; exit 1


@click.command(help=_(
    "Approve posts awaiting approval: each is then scheduled for its time.\n\n"
    "A post of an account with approval = \"two\" needs two different approvers.  Check it "
    "first with 'preview --post ID'.  An image without alt text cannot be approved."))
@click.argument("post_ids", type=int, nargs=-1, required=True, metavar=several(_("POST_IDS")))
@output_options(json_help=_("Print the approved posts as JSON."))
@click.pass_obj
def approve(app: App, post_ids: tuple[int, ...], output: Output) -> None:
    from ..approval import approve as decide

    _report(decide(app.settings, app.store, list(post_ids), officer=app.officer), output,
            _("Post {id} on {account} is approved ({_by}); it goes at {_when}"),
            _("Post {id} on {account} is approved by {_by}; it needs one more approver"), tz=app.settings.tz)


@click.command(help=_("Reject posts awaiting approval, saying why: they are cancelled, and the reason is kept."))
@click.argument("post_ids", type=int, nargs=-1, required=True, metavar=several(_("POST_IDS")))
@click.option("--reason", required=True, metavar=_("TEXT"), help=_("Why the posts are rejected (kept on each post)."))
@output_options(json_help=_("Print the rejected posts as JSON."))
@click.pass_obj
def reject(app: App, post_ids: tuple[int, ...], reason: str, output: Output) -> None:
    from ..approval import reject as decide

    _report(decide(app.settings, app.store, list(post_ids), reason=reason, officer=app.officer), output,
            _("Post {id} on {account} is rejected and cancelled; it will not be published"))
