"""Appending to the publication record: a hash chain written with the state change it records.

Code that changes a post or an account calls :func:`note` with the session of that change;
the entries are written when that session commits, inside its transaction (a
``before_commit`` hook), so there is no state change without its record row and no row
for a change that was rolled back.  All the entries of one transaction cost two
statements: the head read with ``FOR UPDATE`` (several daemons on one PostgreSQL wait for
each other here, so the chain never forks; SQLite has one writer at a time anyway) and
one INSERT (a trigger moves the head).  Each row's place is the head's plus one, a
primary key: two writers that read the same head cannot both append.

A row's hash is the SHA-256 of :func:`canonical` (its fields and the previous hash);
:func:`row_hash` is what ``record verify`` recomputes.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Table, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from .record_models import RecordHeadRow, RecordRow

#: The hash a chain's first row points back to.
GENESIS = "0" * 64
RECORD: Table = RecordRow.__table__  # type: ignore[assignment]
_PENDING = "record.pending"
#: Who acts in this context when a caller names nobody (``acting_as``); else the
#: operating-system user.
_ACTOR: ContextVar[str | None] = ContextVar("record_actor", default=None)

#: A post_events edge -> the record's event (other edges keep their name).
EVENTS = {
    "create": "queued", "claim": "claimed", "published": "published", "retry": "retried", "fail": "failed",
    "recover": "recovered", "reschedule": "rescheduled", "edit": "edited", "edit_failed": "edited",
    "ahead": "let_ahead", "revive": "revived", "cancel": "cancelled", "force_cancel": "cancelled",
    "cancel_missed": "cancelled", "miss": "missed", "release": "released", "withdraw": "withdrawn",
    "approve": "approved", "approve_first": "approved", "reject": "rejected", "edit_draft": "edited",
    "edit_approved": "edited", "reschedule_draft": "rescheduled", "cancel_draft": "cancelled",
    "in_doubt": "left_unknown", "confirm": "confirmed_published", "confirm_not_sent": "confirmed_not_sent",
    "confirm_part": "confirmed_part",
}


@dataclass(frozen=True)
class Pending:
    """One event to append: its fields but its place and hashes."""

    event: str
    at: dt.datetime
    post_id: int | None
    account: str | None
    actor: str
    detail: dict[str, Any] | None


def os_user() -> str:
    """The operating-system user running this process, as :func:`getpass.getuser` says
    ("unknown" when it has none)."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # getpass.getuser's order
        if user := os.environ.get(name):
            return user
    return _account_user()


@cache  # a password-database look-up each time otherwise (the sweep notes hundreds at once)
def _account_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment (a bare container)
        return "unknown"


def actor(explicit: str | None = None) -> str:
    """Who acts: ``explicit``, else the one set by :func:`acting_as`, else the OS user."""
    return explicit or _ACTOR.get() or os_user()


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Record ``name`` as the actor of what is done inside (an officer, a daemon's worker id)."""
    token = _ACTOR.set(name)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def event_of(edge: str) -> str:
    """The record's name for a lifecycle edge (``create`` -> ``queued``)."""
    return EVENTS.get(edge, edge)


def note(s: Session, *, event: str, at: dt.datetime, post_id: int | None = None, account: str | None = None,
         actor_name: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Append an entry when ``s`` commits (in its transaction); nothing if it rolls back."""
    clean = None if detail is None else json.loads(json.dumps(detail, ensure_ascii=False))  # as stored and read back
    s.info.setdefault(_PENDING, []).append(Pending(event, at, post_id, account, actor(actor_name), clean))


def queued(s: Session, *, post_id: int, account: str, at: dt.datetime, parts: list[str],
           media: list[dict[str, Any]], scheduled_at: dt.datetime, reason: str | None = None,
           urgent: bool = False, drafted: bool = False) -> None:
    """Note a new post (``schedule``, a recurring post's next occurrence): its text, the
    SHA-256 of its images and its time (and ``urgent``: it may pass a pause).  ``drafted``:
    it waits for approval (the entry is ``drafted``, else ``queued``)."""
    facts: dict[str, Any] = {"parts": list(parts), "images": [m.get("sha256") for m in media],
                             "scheduled_at": scheduled_at.astimezone(dt.timezone.utc).isoformat()}
    if reason:
        facts["reason"] = reason
    if urgent:
        facts["urgent"] = True
    note(s, event="drafted" if drafted else "queued", at=at, post_id=post_id, account=account, detail=facts)


def article_embargo(s: Session, *, article_id: int, revision: int, at: dt.datetime, until: dt.datetime | None) -> None:
    """Note an article's embargo set, moved or lifted (``until`` None) by a revision: none of
    its posts goes out before ``until`` (:mod:`disseminator.embargo`)."""
    note(s, event="embargoed" if until is not None else "embargo_lifted", at=at, detail={
        "article_id": article_id, "revision": revision,
        "until": until.astimezone(dt.timezone.utc).isoformat() if until is not None else None})


def canonical(*, seq: int, at: dt.datetime, event: str, post_id: int | None, account: str | None, actor: str,
              detail: dict[str, Any] | None, prev_hash: str) -> bytes:
    """The bytes a row's hash is taken over: a JSON array of its fields, keys sorted,
    times in UTC to the microsecond (``v1``: the layout's version)."""
    when = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(["v1", seq, when, event, post_id, account, actor, detail, prev_hash],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def row_hash(row: Any) -> str:
    """The hash ``row`` (a record row, or anything with its fields) should carry."""
    return hashlib.sha256(canonical(seq=row.seq, at=row.at, event=row.event, post_id=row.post_id, account=row.account,
                                    actor=row.actor, detail=row.detail, prev_hash=row.prev_hash)).hexdigest()


def _write(s: Session) -> None:
    entries: list[Pending] = s.info.pop(_PENDING, None) or []
    if not entries:
        return
    s.flush()  # the change's own writes first: on SQLite they take the write lock
    head = s.execute(select(RecordHeadRow.seq, RecordHeadRow.hash).where(RecordHeadRow.id == 1)
                     .with_for_update()).one()
    seq, prev = int(head.seq), str(head.hash)
    rows = []
    for e in entries:
        seq += 1
        digest = hashlib.sha256(canonical(seq=seq, at=e.at, event=e.event, post_id=e.post_id, account=e.account,
                                          actor=e.actor, detail=e.detail, prev_hash=prev)).hexdigest()
        rows.append({"seq": seq, "at": e.at, "event": e.event, "post_id": e.post_id, "account": e.account,
                     "actor": e.actor, "detail": e.detail, "prev_hash": prev, "hash": digest})
        prev = digest
    s.execute(insert(RECORD), rows)


def _forget(s: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended (committed: already written)
        s.info.pop(_PENDING, None)


event.listen(Session, "before_commit", _write)
event.listen(Session, "after_transaction_end", _forget)
