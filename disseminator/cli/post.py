"""``post show`` (one post with every call and move made for it), ``post ahead`` and
``post confirm`` (a post left unknown, settled on an officer's word)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, stored

from . import Group
from ..post_changes import PART_BREAK
from ..states import label as status_word
from ..views import move_word
from .output import Output, output_options, table

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .app import App

@click.group(cls=Group, help=_("Look at one post."))
def post() -> None:
    pass


@post.command("show", help=_(
    "Show a post: its text as queued, its state, and every call made to the network "
    "for it (when, what, the answer, the remote id)."))
@click.argument("post_id", type=int, metavar=_("POST_ID"))
@output_options(json_help=_("Print the post and its attempts as JSON."))
@click.pass_obj
def show(app: App, post_id: int, output: Output) -> None:
    from ..listings import post_detail

    data = post_detail(app.settings, app.store, post_id)
    if output.structured:
        output.emit(data)
        return
    click.echo(show_text(data, app.settings.tz))


def show_text(data: dict[str, Any], tz: ZoneInfo, *, now: dt.datetime | None = None, columns: int | None = None) -> str:
    """``post show`` for people: what it is, what happens next, its text, its calls and moves,
    fitted to ``columns``."""
    from ..views import show_human, what_next
    from .output import wrapped

    now = now or dt.datetime.now(dt.timezone.utc)

    def fit(text: str, indent: int = 0) -> str:
        return wrapped(text, indent=indent, columns=columns)

    scheduled = show_human(data["scheduled_at"], tz, now=now)
    if data["published_at"]:
        when = _("scheduled {scheduled}, published {published}").format(
            scheduled=scheduled, published=show_human(data["published_at"], tz, now=now))
    else:
        when = _("scheduled {scheduled}").format(scheduled=scheduled)
    lines = [fit(_("Post {id} on {account} ({channel}), {status}: article {article_id}, {title}").format(
                 id=data["id"], account=data["account"], channel=data["channel"], status=status_word(data["status"]),
                 article_id=data["article_id"], title=data["article_title"]), 2),
             fit(when, 2)]
    if data["remote_url"] and data["status"] == "withdrawn":
        lines.append(fit(_("link (deleted from the network): {url}").format(url=data["remote_url"]), 2))
    elif data["remote_url"]:
        lines.append(fit(_("link: {url}").format(url=data["remote_url"]), 2))
    if data.get("drafted_by") and data.get("approval", "none") != "none":  # who decided (disseminator.approval)
        names = [a["officer"] + (" " + _("(their own draft)") if a.get("self") else "") for a in data["approved_by"]]
        decided = (_("drafted by {drafter}, approved by {approvers}").format(drafter=data["drafted_by"],
                                                                           approvers=", ".join(names)) if names
                   else _("drafted by {drafter}, not approved").format(drafter=data["drafted_by"]))
        lines.append(fit(decided, 2))
    step = what_next(data, tz, now=now)
    if data["status"] in ("scheduled", "publishing", "awaiting_approval") and step:
        lines.append(fit(_("next: {step}").format(step=step), 2))
    withdrawn = [e for e in data["events"] if e["move"] == "withdraw"]
    if data["status"] == "withdrawn" and withdrawn:  # the officer's reason, not an error
        lines.append(fit(_("withdrawn {when} by {who}: {reason}").format(
            when=show_human(withdrawn[-1]["at"], tz, now=now), who=withdrawn[-1]["worker"] or "?",
            reason=withdrawn[-1]["reason"] or ""), 2))
    elif data["error"]:
        lines.append(fit(_("last error: {error}").format(error=stored(data["error"])), 2))
    if data["status"] == "failed":
        lines.append(fit(_("send it again with 'disseminator retry {id}'").format(id=data["id"]), 2))
    if data["status"] == "unknown":  # in doubt on a network that cannot be asked (disseminator.in_doubt)
        lines.append(fit(_("look for it on the network, then 'disseminator post confirm {id} --remote-id ID' "
                           "(it is there) or '--not-sent' (it is not: sent again)").format(id=data["id"]), 2))
    gone = (data.get("part_states") or []).count("deleted")
    if data["status"] == "published" and gone:  # an unpublish that stopped half-way
        lines.append(fit(_("{gone} of {parts} parts deleted from the network: 'disseminator unpublish {id} "
                           "--reason TEXT' deletes the rest").format(gone=gone, parts=len(data["parts_text"]),
                                                                     id=data["id"]), 2))
    remote, states = data["part_remote_ids"], data.get("part_states") or []
    for i, text in enumerate(data["parts_text"], 1):
        if i <= len(states) and states[i - 1] == "deleted":
            head = _("-- part {part}/{parts} (remote id {remote_id}, deleted from the network)").format(
                part=i, parts=len(data["parts_text"]), remote_id=remote[i - 1])
        elif i <= len(remote) and remote[i - 1]:
            head = _("-- part {part}/{parts} (remote id {remote_id})").format(
                part=i, parts=len(data["parts_text"]), remote_id=remote[i - 1])
        else:
            head = _("-- part {part}/{parts}").format(part=i, parts=len(data["parts_text"]))
        lines.append(head)
        lines.append(fit(text))
    if data["attempts_log"]:
        lines.append("")
        headers = [_("WHEN"), _("PART"), _("ACTION"), _("OUTCOME"), _("HTTP"), _("REMOTE ID / MESSAGE")]
        lines.append(table([(show_human(a["at"], tz, now=now), a["part"], a["action"], a["outcome"], a["http_status"] or "",
                             a["remote_id"] or stored(a["message"] or "")) for a in data["attempts_log"]],
                           headers, wrap=(headers[0], headers[3], headers[5]), columns=columns))
    else:
        lines.append("\n" + _("No calls made yet."))
    lines.append("")
    headers = [_("WHEN"), _("MOVE"), _("STATE"), _("WORKER"), _("WHY")]
    lines.append(table([(show_human(e["at"], tz, now=now), move_word(e["move"]),
                         f"{status_word(e['from']) if e['from'] else '-'} -> {status_word(e['to'])}", e["worker"] or "",
                         stored(e["reason"] or "")) for e in data["events"]],
                       headers, wrap=(headers[0], headers[2], headers[4]), cut=(headers[3],),
                       columns=columns))
    for e in data["events"]:
        if e.get("old_text"):  # an edit keeps the text it replaced
            lines.append("\n" + _("-- text before the {move} of {when}:").format(move=move_word(e["move"]), when=show_human(e["at"], tz, now=now)))
            lines.append(f"\n{PART_BREAK}\n".join(e["old_text"]))
    return "\n".join(lines)


@post.command("ahead", help=_(
    "Let a scheduled post go before earlier posts of its account that still wait.\n\n"
    "An account's posts go out in the order they were planned: a post waiting for a retry "
    "holds back the later ones.  Use this for one urgent post that must not wait."))
@click.argument("post_id", type=int, metavar=_("POST_ID"))
@output_options(json_help=_("Print the post as JSON."))
@click.pass_obj
def ahead(app: App, post_id: int, output: Output) -> None:
    from ..listings import go_ahead

    from ..views import show_human

    data = go_ahead(app.settings, app.store, post_id)
    if output.structured:
        output.emit(data)
        return
    click.echo(_("Post {id} on {account} no longer waits for earlier posts of its account; "
                 "it goes at {when} or at the next run if that has passed.").format(
        id=data["id"], account=data["account"], when=show_human(data["scheduled_at"], app.settings.tz)))


@post.command("confirm", help=_(
    "Say what an officer saw on the network for a post left 'unknown' (its answer was lost "
    "on a network that cannot be asked, Telegram).\n\n"
    "With --remote-id the post is there: its id is recorded and it is published.  With "
    "--not-sent it is not there: it goes back to the queue and is sent at the next run.  "
    "Who said it is kept on the post's record."))
@click.argument("post_id", type=int, metavar=_("POST_ID"))
@click.option("--remote-id", "remote_id", metavar=_("ID"),
              help=_("The post's id on the network (for Telegram the message number, the last part of its "
                     "t.me link; the link itself is taken too)."))
@click.option("--not-sent", "not_sent", is_flag=True, help=_("The post is not on the network: send it again."))
@output_options(json_help=_("Print the post as JSON."))
@click.pass_obj
def confirm(app: App, post_id: int, remote_id: str | None, not_sent: bool, output: Output) -> None:
    from ..in_doubt import confirm as settle
    from ..officers import current_name

    data = settle(app.settings, app.store, post_id, remote_id=remote_id, not_sent=not_sent,
                  who=current_name() or "unknown")
    if output.structured:
        output.emit(data)
    elif not_sent:
        click.echo(_("Post {id} on {account} is not on the network: it is scheduled again and goes at the "
                     "next run.").format(id=data["id"], account=data["account"]))
    else:
        click.echo(_("Post {id} on {account} is published as {remote_id}; the record says you saw it.").format(
            id=data["id"], account=data["account"], remote_id=(data["remote_ids"] or [remote_id])[-1]))
