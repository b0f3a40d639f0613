"""``record verify``, ``record export``, ``record show`` and ``record live``: see
:mod:`disseminator.record` and :mod:`disseminator.live`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from channels.i18n import _, ngettext

from . import Group
from .output import Output, output_options, wrapped

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..record import Entry
    from .app import App


@click.group(cls=Group, help=_(
    "The publication record: every post queued, edited, published, failed, cancelled, "
    "and every pause, with who did it; each entry chained to the one before by its hash."))
def record() -> None:
    pass


@record.command("verify", help=_(
    "Check the whole record: exit 0 when the chain is intact, 1 naming the first entry "
    "that was changed, removed, reordered or inserted directly in the database."))
@output_options(json_help=_("Print {fields}.").format(
    fields='{"rows", "intact", "last_seq", "last_hash", "first_bad_row", "problem"}'))
@click.pass_obj
def verify(app: App, output: Output) -> None:
    from ..errors import UserError
    from ..record import verify as walk

    verdict = walk(app.store)
    if output.structured:
        output.emit(verdict.to_json())
        if not verdict.intact:
            raise click.exceptions.Exit(1)
        return
    if not verdict.intact:
        raise UserError(verdict.message)
    click.echo(ngettext("{n} row, chain intact", "{n} rows, chain intact", verdict.rows).format(n=verdict.rows))
    click.echo(_("last hash {hash}").format(hash=verdict.last_hash))


@record.command("export", help=_(
    "Write the record's entries as CSV or JSON, oldest first, with their hashes (an "
    "auditor can check the chain without the tool)."))
@click.option("--since", metavar=_("WHEN"), help=_("From this time on: '2026-11-01' (the whole day) or '2026-11-01 09:00'."))
@click.option("--until", metavar=_("WHEN"), help=_("Before this time; a date alone includes that day."))
@output_options(json_help=_("Print a JSON array of entries (the default)."),
                csv_columns=("seq", "at", "event", "post_id", "account", "actor", "detail", "prev_hash", "hash"))
@click.pass_obj
def export(app: App, since: str | None, until: str | None, output: Output) -> None:
    from ..listings import bound
    from ..record import export_row, rows

    start = bound(since, app.settings, "--since")
    end = bound(until, app.settings, "--until", end=True)
    found = (export_row(r) for r in rows(app.store, since=start, until=end))
    if output.format == "csv":
        output.emit_rows({**r, "detail": json.dumps(r["detail"], ensure_ascii=False) if r["detail"] else ""}
                         for r in found)
    else:
        Output("json").emit_rows(found)


@record.command("show", help=_(
    "Who decided this, and what exactly went out: a post's record in order, with who "
    "acted, when, the text sent and the SHA-256 of every image."))
@click.argument("post_id", type=int, metavar=_("POST_ID"))
@output_options(json_help=_("Print the post's entries as JSON (as record export writes them)."))
@click.pass_obj
def show(app: App, post_id: int, output: Output) -> None:
    from ..record import export_row, of_post

    found = of_post(app.store, post_id)
    if output.structured:
        output.emit([export_row(r) for r in found])
        return
    if not found:
        click.echo(_("Post {id} has no entry in the record (it was queued before the record began)").format(id=post_id))
        return
    click.echo(ngettext("Post {id} on {account}: {n} entry in the record", "Post {id} on {account}: {n} entries in the record",
                        len(found)).format(id=post_id, account=found[0].account, n=len(found)))
    for row in found:
        for line in entry_lines(row, app.settings.tz):
            click.echo(wrapped(line, indent=6))


@record.command("live", help=_(
    "Compare the record with what the networks show now, once, then exit (for cron when no "
    "daemon runs): posts deleted or edited outside the tool, and posts published on our "
    "accounts outside it.  Each finding goes into the record once; 'status' shows it."))
@click.option("--reads", type=click.IntRange(1, 1000), default=None, metavar=_("N"),
              help=_("Network reads per account this time (default: worker.engagement_reads)."))
@output_options(json_help=_("Print {fields}.").format(
    fields='{"checked", "found": [{"kind", "post_id", "account", "remote_id", "url", "shown", ...}], '
           '"limited": [account], "failed"}'))
@click.pass_obj
def live(app: App, reads: int | None, output: Output) -> None:
    from ..errors import ConfigError
    from ..live import check

    if reads is None and not app.settings.worker.engagement_reads:
        raise ConfigError(_("reading the networks is off (worker.engagement_reads = 0): set it above 0, "
                            "or give --reads N"))
    result = check(app.settings, app.store, reads=reads)
    if output.structured:
        output.emit(result.to_json())
        return
    click.echo(ngettext("{n} post compared with what its network shows.",
                        "{n} posts compared with what their networks show.", result.checked).format(n=result.checked))
    if not result.found:
        click.echo(_("Nothing new changed outside the tool."))
    else:
        click.echo(ngettext("{n} new change outside the tool, now in the record ('status' shows it):",
                            "{n} new changes outside the tool, now in the record ('status' shows them):",
                            len(result.found)).format(n=len(result.found)))
    for f in result.found:
        click.echo(wrapped(finding_line(f), indent=2))
    if result.limited:
        click.echo(wrapped(_("The network limits reading for {accounts} now: they are compared next time.").format(
            accounts=", ".join(result.limited))))
    if result.failed:
        click.echo(wrapped(ngettext("{n} account could not be read (see the log); it is tried again next time.",
                                    "{n} accounts could not be read (see the log); they are tried again next time.",
                                    result.failed).format(n=result.failed)))


def finding_line(f: dict[str, Any]) -> str:
    """One finding of ``record live``, for people."""
    if f["kind"] == "deleted_outside":
        line = _("{account}: post {id} was deleted on the network outside the tool (id {remote_id})")
    elif f["kind"] == "edited_outside":
        line = _("{account}: post {id} was edited on the network outside the tool; it now says: {text}")
    else:
        line = _("{account}: a post was published outside the tool (id {remote_id}, {url}): {text}")
    return line.format(account=f["account"], id=f["post_id"], remote_id=f["remote_id"], url=f.get("url"),
                       text=json.dumps(f.get("shown"), ensure_ascii=False))


def _event_word(event: str) -> str:
    """An event as ``record show`` names it (:func:`disseminator.record.event_word`)."""
    from ..record import event_word

    return event_word(event)


def entry_lines(row: Entry, tz: ZoneInfo) -> Iterator[str]:
    """One entry of ``record show``: when, what, who; then what it carried, indented."""
    from ..views import show_human

    yield _("{when}  {event}, by {actor}  (row {seq})").format(
        when=show_human(row.at, tz), event=_event_word(row.event), actor=row.actor, seq=row.seq)
    detail: dict[str, Any] = row.detail or {}
    if detail.get("reason"):
        yield "    " + _("reason: {reason}").format(reason=detail["reason"])
    if row.event in ("published", "confirmed_published"):
        ids = detail.get("remote_ids") or []
        for i, text in enumerate(detail.get("parts") or []):
            rid = ids[i] if i < len(ids) else None
            yield "    " + _("text sent, part {n} (id {remote_id}): {text}").format(n=i + 1, remote_id=rid or "?",
                                                                                    text=json.dumps(text, ensure_ascii=False))
        if detail.get("url"):
            yield "    " + _("address: {url}").format(url=detail["url"])
    elif row.event in ("queued", "drafted"):
        for i, text in enumerate(detail.get("parts") or []):
            yield "    " + _("text, part {n}: {text}").format(n=i + 1, text=json.dumps(text, ensure_ascii=False))
    elif row.event == "edited":
        yield "    " + _("old text: {text}").format(text=json.dumps(detail.get("old_parts"), ensure_ascii=False))
        yield "    " + _("new text: {text}").format(text=json.dumps(detail.get("new_parts"), ensure_ascii=False))
    elif row.event == "approved" and detail.get("self_approval"):
        yield "    " + _("approved by the officer who drafted it (allow_self_approval)")
    elif row.event in ("deleted_outside", "edited_outside", "published_outside"):
        yield "    " + _("id {remote_id}, address {url}").format(remote_id=detail.get("remote_id"),
                                                              url=detail.get("url") or "?")
        if row.event != "deleted_outside":
            yield "    " + _("the network shows: {text}").format(text=json.dumps(detail.get("shown"), ensure_ascii=False))
    elif row.event == "part_deleted":
        yield "    " + _("part {n}, id {remote_id}").format(n=detail.get("part"), remote_id=detail.get("remote_id"))
    for digest in detail.get("images") or []:
        yield "    " + _("image SHA-256: {digest}").format(digest=digest or _("(not prepared: sent by address)"))
