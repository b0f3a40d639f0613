"""The publication record: what each event records, and reading it back (``record verify``,
``record export``, ``record show``).

Appending is :mod:`disseminator.store.record` (a hash chain written in the transaction of
the change it records).  This module says what goes in a row's ``detail``:

- a post's move: the reason, what the move kept (an edit's old text) and, for
  ``published``, what exactly went out: each part's text and remote id, the URL, and the
  SHA-256 of every image sent; for ``edited``, the old and the new text;
- a pause: its reason and end; a resume.

:func:`verify` walks the chain in batches (constant memory) and names the first row that
was changed, removed, reordered or inserted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.i18n import _

from .errors import NotFound
from .store import PartRow, Store
from .store import record as chain
from .store.record_models import RecordHeadRow, RecordRow

#: Edges whose record shows the post's parts after the move (what went out, the new text).
WITH_PARTS = frozenset({"published", "confirm", "edit", "edit_failed", "edit_draft", "edit_approved"})
#: A new post (``schedule``, a recurring post's next occurrence): the store writes it.
post_queued = chain.queued
RECORD = chain.RECORD


class Entry(Protocol):
    """An entry as read back (a row of ``record``)."""

    seq: int
    at: dt.datetime
    event: str
    post_id: int | None
    account: str | None
    actor: str
    detail: dict[str, Any] | None
    prev_hash: str
    hash: str


#: Rows read per batch by verify and export.
BATCH = 1000


def post_moved(s: Session, *, edge: str, post_id: int, account: str, at: dt.datetime, actor: str | None,
               reason: str | None, detail: dict[str, Any] | None, media: list[dict[str, Any]] | None,
               remote_url: str | None) -> None:
    """Note a post's move along ``edge`` in the record (in ``s``'s transaction).  ``media``
    and ``remote_url`` are the post's after the move."""
    facts: dict[str, Any] = {}
    if reason:
        facts["reason"] = reason
    if detail:
        facts.update(detail)
    if edge in WITH_PARTS:
        parts = s.execute(select(PartRow.text, PartRow.remote_id).where(PartRow.post_id == post_id)
                          .order_by(PartRow.index)).all()
        if edge in ("published", "confirm"):  # what went out (confirm: what an officer saw out)
            facts.update({"parts": [t for t, _rid in parts], "remote_ids": [rid for _t, rid in parts],
                          "url": remote_url, "images": [m.get("sha256") for m in media or []]})
        else:
            facts["new_parts"] = [t for t, _rid in parts]
    chain.note(s, event=chain.event_of(edge), at=at, post_id=post_id, account=account, actor_name=actor,
               detail=facts or None)


def account_event(s: Session, *, event: str, account: str, at: dt.datetime, reason: str | None = None,
                  until: dt.datetime | None = None, extra: dict[str, Any] | None = None) -> None:
    """Note an account-wide event (``paused``, ``resumed``; account ``*``: every account);
    ``extra``: more facts (a pause's ``preset``, ``allow_urgent``)."""
    facts: dict[str, Any] = {}
    if reason:
        facts["reason"] = reason
    if until is not None:
        facts["until"] = until.astimezone(dt.timezone.utc).isoformat()
    facts.update(extra or {})
    chain.note(s, event=event, at=at, account=account, detail=facts or None)


#: An article's embargo set, moved or lifted: the store writes it with the article.
article_embargo = chain.article_embargo


# --------------------------------------------------------------------------- reading it back


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: ``rows`` read, and the first bad row (``bad``, None when
    the chain is intact) with what is wrong with it (``problem``: changed, removed,
    reordered, truncated) and a sentence saying so."""

    rows: int
    last_seq: int
    last_hash: str
    bad: int | None = None
    problem: str | None = None
    message: str | None = None

    @property
    def intact(self) -> bool:
        return self.bad is None

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "intact": self.intact, "last_seq": self.last_seq, "last_hash": self.last_hash,
                "first_bad_row": self.bad, "problem": self.problem}


def rows(store: Store, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
         post_id: int | None = None) -> Iterator[Entry]:
    """The record's rows in order, read :data:`BATCH` at a time (``since`` inclusive,
    ``until`` exclusive)."""
    last = 0
    while True:
        with store.session() as s:
            # Core rows, not ORM objects: verify reads every entry (attribute access alike).
            q = select(*RECORD.c).where(RecordRow.seq > last).order_by(RecordRow.seq).limit(BATCH)
            if since is not None:
                q = q.where(RecordRow.at >= since)
            if until is not None:
                q = q.where(RecordRow.at < until)
            if post_id is not None:
                q = q.where(RecordRow.post_id == post_id)
            batch: list[Any] = list(s.execute(q))
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].seq


def verify(store: Store) -> Verdict:
    """Walk the whole chain and name the first bad row (constant memory)."""
    expected, prev, n = 1, chain.GENESIS, 0
    for row in rows(store):
        bad = _judge(row, expected, prev)
        if bad is not None:
            return Verdict(n, expected - 1, prev, *bad)
        n, expected, prev = n + 1, row.seq + 1, row.hash
    with store.session() as s:
        head = s.get(RecordHeadRow, 1)
    if head is not None and (head.seq, head.hash) != (expected - 1, prev):
        if head.seq > expected - 1:
            return Verdict(n, expected - 1, prev, expected, "removed", _(
                "record row {seq}: removed (the record ends at row {last} of {head})").format(
                    seq=expected, last=expected - 1, head=head.seq))
        if head.seq < expected - 1:
            return Verdict(n, expected - 1, prev, head.seq + 1, "inserted", _(
                "record row {seq}: inserted behind the tool's back (head: row {head})").format(
                    seq=head.seq + 1, head=head.seq))
        return Verdict(n, expected - 1, prev, head.seq, "changed", _(
            "record row {seq}: changed after it was written (the head's hash differs)").format(
                seq=head.seq))
    return Verdict(n, expected - 1, prev)


def _judge(row: Entry, expected: int, prev: str) -> tuple[int, str, str] | None:
    if row.seq != expected:
        return expected, "removed", _("record row {seq}: removed (row {before} is followed by row {after})").format(
            seq=expected, before=expected - 1, after=row.seq)
    if row.prev_hash != prev:
        return row.seq, "reordered", _(
            "record row {seq}: out of place (reordered, or inserted after {before})").format(
                seq=row.seq, before=row.seq - 1)
    if chain.row_hash(row) != row.hash:
        return row.seq, "changed", _("record row {seq}: changed after it was written (its hash differs)").format(
            seq=row.seq)
    return None


def export_row(row: Entry) -> dict[str, Any]:
    """A row as ``record export`` writes it (English keys, UTC times)."""
    return {"seq": row.seq, "at": row.at.astimezone(dt.timezone.utc).isoformat(), "event": row.event,
            "post_id": row.post_id, "account": row.account, "actor": row.actor, "detail": row.detail,
            "prev_hash": row.prev_hash, "hash": row.hash}


#: ``record export --csv`` columns (``detail`` as JSON text).
COLUMNS = ("seq", "at", "event", "post_id", "account", "actor", "detail", "prev_hash", "hash")


def of_post(store: Store, post_id: int) -> list[Entry]:
    """The record of one post, in order.  Raises :class:`NotFound` for an unknown post
    with no record."""
    found = list(rows(store, post_id=post_id))
    if not found:
        store.post(post_id)  # an unknown id is NotFound; a known one without a record is empty
    return found


def event_word(event: str) -> str:
    """An event as people read it (``record show``, the web page's post page), in the current
    language; the record keeps the code."""
    words = {
        "queued": _("queued"), "claimed": _("taken by a worker"), "published": _("published"),
        "retried": _("to be tried again"), "failed": _("failed"), "recovered": _("back in the queue (its worker stopped)"),
        "rescheduled": _("rescheduled"), "edited": _("edited"), "let_ahead": _("let ahead"), "revived": _("sent again"),
        "cancelled": _("cancelled"), "missed": _("missed"), "released": _("sent after all"),
        "withdrawn": _("withdrawn"), "approved": _("approved"), "rejected": _("rejected"), "drafted": _("drafted"),
        "part_deleted": _("part deleted from the network"),
        "deleted_outside": _("deleted on the network outside the tool"),
        "edited_outside": _("edited on the network outside the tool"),
        "published_outside": _("published on the account outside the tool"),
        # A post in doubt on a network that cannot be asked (disseminator.in_doubt).
        "left_unknown": _("in doubt: an officer must look on the network"),
        "confirmed_published": _("published, as an officer saw on the network"),
        "confirmed_not_sent": _("not on the network, as an officer saw: sent again"),
        "confirmed_part": _("a part seen on the network by an officer: the rest is sent"),
    }
    return words.get(event, event)


__all__ = ["post_moved", "post_queued", "account_event", "Verdict", "rows", "verify", "export_row", "of_post",
           "COLUMNS", "NotFound", "event_word"]
