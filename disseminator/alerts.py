"""Alerts: what is worth waking an operator for, each event once, delivery retried.

A scheduler's worst failure is the post that silently never went out, so the daemon
tells people (a webhook and/or e-mail, :mod:`disseminator.alerts_send`) when

- a post failed, was missed, or may be out on a network that cannot be asked
  (``post_failed``, ``post_missed``, ``post_unknown``);
- an account needs attention: its credentials were refused (``attention``);
- an account's access token expires within 7 days (``token_expiring``);
- another daemon stopped beating (``daemon_silent``, as ``status`` judges it);
- a post was deleted or edited on the network, or one published there, outside the tool
  (``deleted_outside``, ``edited_outside``, ``published_outside``: :mod:`disseminator.live`);
- a feed's posts are not sent because their image has no alt text (``alt_missing``).

Each check is cheap, whatever the size of the queue: post events are read from a
bookmark (the last event looked at, kept in ``alert_marks``) by their primary key; holds,
tokens and daemons are small tables.  Each event has a key (``post:12:failed:345``) and is
written once per destination into ``alerts`` (a unique index), so it is alerted once
across runs, restarts and several daemons.  A delivery is claimed with a guarded update
before it is sent (two daemons never send the same alert) and, when it fails, tried again
later with a backoff (1 minute, doubling up to an hour).  Nothing here raises into the
daemon: a failed check is logged and tried at the next round.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .store import EventRow, PostRow, Store
from .tokens import touched
from .store.account_models import HoldKind
from .store.ops_models import AlertRow, DaemonRow, MarkRow

if TYPE_CHECKING:
    from .alerts_send import Sender
    from .config import Settings

log = logging.getLogger("disseminator.alerts")

#: Post statuses that are alerted when a post enters them (``missed`` by its value: a
#: version without it simply never writes such an event).
ALERTED_STATUSES = ("failed", "missed", "unknown")
#: Events this recent are read again at the next check: on PostgreSQL an event id is taken
#: before its transaction commits, so a smaller id may appear after a larger one.
SETTLE = dt.timedelta(seconds=30)
#: Events older than this are not alerted (alerts configured on an old database), nor
#: daemons silent for longer.
MAX_AGE = dt.timedelta(hours=24)
#: Post events read in one round at most (a flood is read over several rounds).
READ_AT_MOST = 1000
#: Alerts delivered in one round at most (the rest wait for the next).
BATCH = 50
#: Backoff of a failed delivery: first wait, longest wait.
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
#: A delivery claimed but not finished (the daemon died) is tried again after this.
CLAIM_FOR = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Alert:
    """One event to tell people about: ``facts`` have English keys (the webhook's JSON)."""

    key: str
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Round:
    """What one check found and sent (for logs and tests)."""

    found: int = 0
    recorded: int = 0
    sent: int = 0
    failed: int = 0


# ------------------------------------------------------------------ finding events


def detect(settings: Settings, store: Store, now: dt.datetime) -> list[Alert]:
    """Every event to alert at ``now`` (already alerted ones included: :func:`record`
    drops them).  Advances the post-event bookmark."""
    return [*_post_events(store, now), *_attention(store, now), *_tokens(settings, store, now), *_daemons(store, now),
            *_live(store, now), *_alt_missing(settings, store, now)]


def _alt_missing(settings: Settings, store: Store, now: dt.datetime) -> list[Alert]:
    """A feed's article whose posts wait for their image's alt text (feed_admin.needs_alt),
    once per article and set of posts."""
    from .ingest.feed_admin import needs_alt

    return [Alert(key=f"alt:{w['article']}:{','.join(str(p) for p in w['posts'])}", kind="alt_missing", facts={
        "feed": feed_id, "article_id": w["article"], "post_ids": w["posts"], "at": now.isoformat()})
        for feed_id, waiting in sorted(needs_alt(settings, store).items()) for w in waiting]


def _live(store: Store, now: dt.datetime) -> list[Alert]:
    from . import live

    return [Alert(key=f"live:{seq}", kind=event, facts={
        "post_id": post_id, "account": account, "remote_id": (detail or {}).get("remote_id"),
        "url": (detail or {}).get("url"), "at": at.isoformat()})
        for seq, at, event, post_id, account, detail in live.recent(store, now, MAX_AGE)]


def _post_events(store: Store, now: dt.datetime) -> list[Alert]:
    with store.session() as s:
        mark = s.get(MarkRow, "events")
        since = mark.value if mark is not None else 0
        # The new events first (by their id), then their posts: joined the other way round,
        # SQLite walked every post to find the few events (tests/integration/test_query_plans.py).
        events = (select(EventRow.id, EventRow.post_id, EventRow.to_status, EventRow.reason, EventRow.at)
                  .where(EventRow.id > since, EventRow.to_status.in_(ALERTED_STATUSES),
                         EventRow.from_status.is_distinct_from(EventRow.to_status))
                  .order_by(EventRow.id).limit(READ_AT_MOST).cte("new_events").prefix_with("MATERIALIZED"))
        rows = s.execute(
            select(events.c.id, events.c.post_id, events.c.to_status, events.c.reason, events.c.at,
                   PostRow.account, PostRow.channel, PostRow.error_message, PostRow.scheduled_at)
            .join(PostRow, PostRow.id == events.c.post_id).order_by(events.c.id)).all()
        settled = s.scalar(select(func.max(EventRow.id)).where(EventRow.id > since, EventRow.at <= now - SETTLE))
        if settled is not None and len(rows) == READ_AT_MOST:  # a flood: go on after the last one read
            settled = min(settled, rows[-1][0])
        if settled is not None:
            if mark is None:
                s.add(MarkRow(name="events", value=settled, at=now))
            else:
                mark.value, mark.at = max(mark.value, settled), now
    found = []
    for event_id, post_id, status, reason, at, account, channel, error, scheduled_at in rows:
        if at < now - MAX_AGE:
            continue
        found.append(Alert(key=f"post:{post_id}:{status}:{event_id}", kind=f"post_{status}", facts={
            "post_id": post_id, "account": account, "channel": channel, "status": status,
            "reason": error or reason or "", "scheduled_at": scheduled_at.isoformat(), "at": at.isoformat()}))
    return found


def _attention(store: Store, now: dt.datetime) -> list[Alert]:
    from . import holds

    found = []
    for account, hold in sorted(holds.of_kind(holds.active(store, now), HoldKind.ATTENTION).items()):
        found.append(Alert(key=f"attention:{account}:{hold.since.isoformat()}", kind="attention", facts={
            "account": account, "reason": hold.reason or "", "at": hold.since.isoformat()}))
    return found


def _tokens(settings: Settings, store: Store, now: dt.datetime) -> list[Alert]:
    from .tokens import expiring

    return [Alert(key=f"token:{e.account}:{e.expires_at.isoformat() if e.expires_at else ''}", kind="token_expiring",
                  facts={"account": e.account, "expires_at": e.expires_at.isoformat() if e.expires_at else None,
                         "at": e.checked_at.isoformat()})
            for e in expiring(store, settings, now)]


def _daemons(store: Store, now: dt.datetime) -> list[Alert]:
    from .status import is_alive

    with store.session() as s:
        rows = list(s.scalars(select(DaemonRow).where(DaemonRow.stopped_at.is_(None))))
    return [Alert(key=f"daemon:{r.worker}:{r.started_at.isoformat()}", kind="daemon_silent", facts={
        "worker": r.worker, "host": r.host, "pid": r.pid, "last_beat": r.last_beat.isoformat(),
        "at": now.isoformat()}) for r in rows if not is_alive(r, now) and r.last_beat >= now - MAX_AGE]


# ------------------------------------------------------------------ remembering


def record(store: Store, found: list[Alert], destinations: tuple[str, ...], now: dt.datetime) -> int:
    """Write each alert not yet written, once per destination; returns how many rows are new."""
    if not found or not destinations:
        return 0
    with store.session() as s:
        known = set(s.execute(select(AlertRow.key, AlertRow.destination)
                              .where(AlertRow.key.in_([a.key for a in found]))).all())
    new = 0
    for alert in found:
        for destination in destinations:
            if (alert.key, destination) in known:
                continue
            try:
                with store.session() as s:
                    s.add(AlertRow(key=alert.key, destination=destination, kind=alert.kind, facts=alert.facts,
                                   state="pending", tries=0, next_try_at=now, created_at=now))
                new += 1
            except IntegrityError:  # another daemon wrote it a moment ago: alerted once all the same
                continue
    return new


# ------------------------------------------------------------------ delivering


def deliver(settings: Settings, store: Store, sender: Sender, now: dt.datetime) -> tuple[int, int]:
    """Send the alerts that are due (new ones, and failed ones whose wait is over);
    returns (sent, failed).  Each is claimed first, so two daemons never send one twice."""
    with store.session() as s:
        due = list(s.scalars(select(AlertRow).where(AlertRow.state == "pending", AlertRow.next_try_at <= now)
                             .order_by(AlertRow.id).limit(BATCH)))
        s.expunge_all()
    sent = failed = 0
    for row in due:
        if row.destination not in settings.alerts.destinations:
            continue  # that destination is no longer configured: it waits until it is again
        with store.session() as s:
            claimed = s.execute(update(AlertRow).where(AlertRow.id == row.id, AlertRow.state == "pending",
                                                       AlertRow.next_try_at == row.next_try_at)
                                .values(next_try_at=now + CLAIM_FOR))
        if not touched(claimed):
            continue
        error = sender.send(row.destination, row.kind, row.facts)
        with store.session() as s:
            if error is None:
                s.execute(update(AlertRow).where(AlertRow.id == row.id).values(
                    state="sent", sent_at=store.clock.now(), tries=row.tries + 1, last_error=None))
                sent += 1
                log.info("alerts.sent kind=%s destination=%s key=%s", row.kind, row.destination, row.key)
            else:
                wait = min(FIRST_WAIT * 2 ** row.tries, LONGEST_WAIT)
                s.execute(update(AlertRow).where(AlertRow.id == row.id).values(
                    tries=row.tries + 1, next_try_at=store.clock.now() + wait, last_error=error[:500]))
                failed += 1
                log.warning("alerts.delivery_failed kind=%s destination=%s tries=%d retry_in=%ds: %s",
                            row.kind, row.destination, row.tries + 1, wait.total_seconds(), error)
    return sent, failed


def check(settings: Settings, store: Store, *, sender: Sender | None = None, now: dt.datetime | None = None) -> Round:
    """One round: find events, remember the new ones, deliver what is due.  Does nothing
    when no destination is configured.  Raises the store's errors (the caller logs them)."""
    result = Round()
    destinations = settings.alerts.destinations
    if not destinations:
        return result
    from .alerts_send import Sender

    now = now or store.clock.now()
    found = detect(settings, store, now)
    result.found = len(found)
    result.recorded = record(store, found, destinations, now)
    result.sent, result.failed = deliver(settings, store, sender or Sender(settings), now)
    return result


def recent(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The latest alerts, newest first (``alerts list``): never a secret, facts only."""
    with store.session() as s:
        rows = list(s.scalars(select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)))
        return [{"id": r.id, "kind": r.kind, "destination": r.destination, "state": r.state, "tries": r.tries,
                 "created_at": r.created_at.isoformat(), "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                 "next_try_at": r.next_try_at.isoformat() if r.state == "pending" else None,
                 "last_error": r.last_error, "facts": r.facts} for r in rows]
