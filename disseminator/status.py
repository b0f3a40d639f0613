"""``status``: is everything going out?  Daemons alive, the queue by account, what waits
and why, and the problems an operator must act on (each one line; ``status`` exits 1 while
any holds, so a monitor can run it).

A daemon writes a heartbeat row when it starts, after every run (it wakes at least every
``tick`` seconds) and when it stops; one that has not beaten for three ticks is reported.
Everything here is a grouped query or an index lookup: never the whole queue as rows.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from channels.i18n import _, ngettext, stored

from . import holds
from .store import DaemonRow, PostRow, PostStatus, Store
from .store.account_models import HoldKind
from .timeshow import show

#: A post still scheduled this long after its time (and not held) is overdue.
OVERDUE_AFTER = dt.timedelta(minutes=5)
#: Failed posts of this last stretch are a problem to report.
FAILED_WITHIN = dt.timedelta(hours=24)
#: A daemon that has not beaten for this many ticks is presumed stopped.
MISSED_BEATS = 3


@dataclass
class Status:
    """What ``status`` shows; ``as_dict`` is its ``--json``."""

    now: dt.datetime
    daemons: list[dict[str, Any]] = field(default_factory=list)
    #: account -> {"scheduled": n, "publishing": n, "failed_24h": n, "published_24h": n}
    accounts: dict[str, dict[str, int]] = field(default_factory=dict)
    next_due: dict[str, Any] | None = None
    holds: list[dict[str, Any]] = field(default_factory=list)
    overdue: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: Tokens expiring within 7 days (or expired): [{"account", "expires_at", "checked_at"}]
    tokens: list[dict[str, Any]] = field(default_factory=list)
    #: Changes outside the tool found in the last 24 hours (:mod:`disseminator.live`):
    #: [{"kind", "post_id", "account", "at", "remote_id", "url"}]
    outside: list[dict[str, Any]] = field(default_factory=list)
    #: Feeds whose last read failed (:mod:`disseminator.ingest.feed_state`):
    #: [{"id", "url", "failures", "last_error", "next_poll_at"}]
    feeds: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, tz: Any) -> dict[str, Any]:
        return {"now": show(self.now, tz), "daemons": self.daemons, "accounts": self.accounts,
                "next_due": self.next_due, "holds": self.holds, "overdue": self.overdue, "problems": self.problems,
                "tokens": self.tokens, "outside": self.outside, "feeds": self.feeds}


# ------------------------------------------------------------------ heartbeats


def beat(store: Store, worker: str, *, tick: float, starting: bool = False, stopping: bool = False) -> None:
    """Record that the daemon ``worker`` is alive (or, ``stopping``, that it stopped cleanly)."""
    from importlib.metadata import PackageNotFoundError, version

    now = store.clock.now()
    with store.session() as s:
        row = s.get(DaemonRow, worker)
        if row is None:
            try:
                ours = version("disseminator")
            except PackageNotFoundError:
                ours = "unknown"
            row = DaemonRow(worker=worker, host=socket.gethostname(), pid=os.getpid(), version=ours,
                            started_at=now, last_beat=now, tick_seconds=tick)
            s.add(row)
        if starting:
            row.started_at, row.stopped_at = now, None
        row.last_beat = now
        row.tick_seconds = tick
        if stopping:
            row.stopped_at = now


# ------------------------------------------------------------------ gathering


def gather(settings: Any, store: Store, *, now: dt.datetime | None = None) -> Status:
    now = now or store.clock.now()
    status = Status(now=now)
    tz = settings.tz
    with store.session() as s:
        daemons = list(s.scalars(select(DaemonRow).order_by(DaemonRow.last_beat.desc()).limit(50)))
        live = s.execute(select(PostRow.account, PostRow.status, func.count())
                         .where(PostRow.status.in_([PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.MISSED,
                                                    PostStatus.UNKNOWN]))
                         .group_by(PostRow.account, PostRow.status)).all()
        # Posts whose time has come but that still wait for approvers (disseminator.approval).
        unapproved = s.execute(select(PostRow.account, func.count())
                               .where(PostRow.status == PostStatus.AWAITING_APPROVAL, PostRow.scheduled_at <= now)
                               .group_by(PostRow.account)).all()
        recent = s.execute(select(PostRow.account, PostRow.status, func.count())
                           .where(PostRow.status.in_([PostStatus.FAILED, PostStatus.PUBLISHED]),
                                  PostRow.updated_at >= now - FAILED_WITHIN)
                           .group_by(PostRow.account, PostRow.status)).all()
        soonest = s.execute(select(PostRow.id, PostRow.account, PostRow.next_attempt_at)
                            .where(PostRow.status == PostStatus.SCHEDULED, holds.free(now))
                            .order_by(PostRow.next_attempt_at, PostRow.id).limit(1)).first()
        not_live = s.execute(select(PostRow.account, func.count())  # disseminator.ingest.golive
                             .where(PostRow.status == PostStatus.SCHEDULED, PostRow.error_kind == "not_live")
                             .group_by(PostRow.account)).all()
        # The overdue posts first, through the due index; then counted by account (grouped
        # directly, SQLite walked every scheduled post: 2.6 s at 1,000,000).
        overdue = (select(PostRow.account)
                   .where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at < now - OVERDUE_AFTER,
                          holds.free(now))
                   .cte("overdue").prefix_with("MATERIALIZED"))
        late = s.execute(select(overdue.c.account, func.count()).group_by(overdue.c.account)).all()
    for account, state, n in live:
        status.accounts.setdefault(account, {})[str(getattr(state, "value", state))] = int(n)
    for account, n in unapproved:
        status.accounts.setdefault(account, {})["awaiting_approval_due"] = int(n)
    for account, n in not_live:
        status.accounts.setdefault(account, {})["waiting_golive"] = int(n)
    for account, state, n in recent:
        key = "failed_24h" if str(getattr(state, "value", state)) == "failed" else "published_24h"
        status.accounts.setdefault(account, {})[key] = int(n)
    if soonest is not None:
        status.next_due = {"id": soonest[0], "account": soonest[1], "at": show(_aware(soonest[2]), tz)}
    status.overdue = {account: int(n) for account, n in late}
    for account, found in sorted(holds.active(store, now).items()):
        for hold in found:
            status.holds.append({"account": account, "kind": hold.kind.value, "reason": hold.reason,
                                 "until": show(hold.until, tz) if hold.until else None})
    from .blackout import open_windows

    placed = {h["account"] for h in status.holds if h["kind"] == HoldKind.BLACKOUT.value}
    for account, (window, end) in sorted(open_windows(settings, now).items()):
        if account not in placed:  # open, but no run has placed its hold yet
            status.holds.append({"account": account, "kind": HoldKind.BLACKOUT.value, "reason": window,
                                 "until": show(end, tz)})
    for row in daemons:
        last = _aware(row.last_beat)
        alive = is_alive(row, now)
        status.daemons.append({"worker": row.worker, "host": row.host, "pid": row.pid, "version": row.version,
                               "started_at": show(_aware(row.started_at), tz), "last_beat": show(last, tz),
                               "stopped_at": show(_aware(row.stopped_at), tz) if row.stopped_at else None,
                               "alive": alive})
    from .tokens import expiring

    status.tokens = [{"account": e.account, "expires_at": show(e.expires_at, tz), "checked_at": show(e.checked_at, tz)}
                     for e in expiring(store, settings, now)]
    from .live import recent as live_findings

    status.outside = [{"kind": event, "post_id": post_id, "account": account, "at": show(_aware(at), tz),
                       "remote_id": (detail or {}).get("remote_id"), "url": (detail or {}).get("url")}
                      for _seq, at, event, post_id, account, detail in live_findings(store, now)]
    from .ingest.feed_state import failing

    status.feeds = [{"id": f.id, "url": f.url, "failures": f.failures, "last_error": f.last_error,
                     "next_poll_at": show(_aware(f.next_poll_at), tz)} for f in failing(store)]
    status.problems = _problems(status, settings)
    return status


def is_alive(row: DaemonRow, now: dt.datetime) -> bool:
    """Whether the daemon of ``row`` still beats: it did not stop and its last beat is
    less than :data:`MISSED_BEATS` ticks old (the alerts ask the same)."""
    return row.stopped_at is None and _aware(row.last_beat) >= now - dt.timedelta(seconds=MISSED_BEATS * row.tick_seconds)


def _problems(status: Status, settings: Any) -> list[str]:
    from .views import show_human

    tz = settings.tz
    found = []
    for d in status.daemons:
        if d["stopped_at"] is None and not d["alive"]:
            found.append(_("daemon {worker} on {host} stopped beating (last seen {when}); its posts are picked up "
                           "by any other daemon or run-due").format(worker=d["worker"], host=d["host"],
                                                                   when=show_human(d["last_beat"], tz)))
    for account, n in sorted(status.overdue.items()):
        found.append(ngettext("{account}: {n} post is overdue by more than {minutes} minutes; is a daemon or "
                              "cron running?", "{account}: {n} posts are overdue by more than {minutes} minutes; "
                              "is a daemon or cron running?", n).format(
            account=account, n=n, minutes=int(OVERDUE_AFTER.total_seconds() // 60)))
    for hold in status.holds:
        if hold["kind"] == HoldKind.ATTENTION.value:
            found.append(_("{account} needs attention: {reason} (its posts wait; fix it and run "
                           "'disseminator accounts check {account}')").format(
                account=hold["account"], reason=stored(hold["reason"] or "")))
    for hold in status.holds:
        if hold["kind"] == HoldKind.BUDGET.value and hold["until"] is None:  # X's 402: someone must buy credits
            found.append(_("{account}: {reason} (its posts wait; once credits are bought run "
                           "'disseminator accounts resume {account}')").format(
                account=hold["account"], reason=stored(hold["reason"] or "")))
    for token in status.tokens:
        found.append(_("{account}: its access token expires {when}; renew it, update the configuration and "
                       "run 'disseminator accounts check {account}'").format(
            account=token["account"], when=show_human(token["expires_at"], tz)))
    for account, counts in sorted(status.accounts.items()):
        if counts.get("missed"):
            found.append(ngettext("{account}: {n} post missed its time (overdue past worker.grace); "
                                  "'disseminator queue --status missed' lists it: retry or cancel",
                                  "{account}: {n} posts missed their time (overdue past worker.grace); "
                                  "'disseminator queue --status missed' lists them: retry or cancel",
                                  counts["missed"]).format(account=account, n=counts["missed"]))
        if counts.get("unknown"):  # a write in doubt on a network that cannot be asked (disseminator.in_doubt)
            found.append(ngettext("{account}: {n} post may or may not be on the network; check it there, then "
                                  "'disseminator post confirm ID --remote-id ID' or '--not-sent' "
                                  "('disseminator queue --status unknown' lists it)",
                                  "{account}: {n} posts may or may not be on the network; check them there, then "
                                  "'disseminator post confirm ID --remote-id ID' or '--not-sent' "
                                  "('disseminator queue --status unknown' lists them)",
                                  counts["unknown"]).format(account=account, n=counts["unknown"]))
        if counts.get("awaiting_approval_due"):
            found.append(ngettext("{account}: {n} post is due but awaits approval "
                                  "('disseminator queue --status awaiting_approval')",
                                  "{account}: {n} posts are due but await approval "
                                  "('disseminator queue --status awaiting_approval')",
                                  counts["awaiting_approval_due"]).format(account=account, n=counts["awaiting_approval_due"]))
        n = counts.get("failed_24h", 0)
        if n:
            found.append(ngettext("{account}: {n} post failed in the last 24 hours "
                                  "('disseminator history --status failed --account {account}')",
                                  "{account}: {n} posts failed in the last 24 hours "
                                  "('disseminator history --status failed --account {account}')", n).format(
                account=account, n=n))
    for f in status.outside:
        if f["kind"] == "deleted_outside":
            line = _("{account}: post {id} was deleted on the network outside the tool (id {remote_id}); "
                     "'disseminator record show {id}' has what went out")
        elif f["kind"] == "edited_outside":
            line = _("{account}: post {id} was edited on the network outside the tool (id {remote_id}); "
                     "'disseminator record show {id}' has both texts")
        else:
            line = _("{account}: a post was published outside the tool (id {remote_id}, {url}); "
                     "'disseminator record export' lists it")
        found.append(line.format(account=f["account"], id=f["post_id"], remote_id=f["remote_id"], url=f["url"]))
    for feed in status.feeds:  # its new releases are not taken: as a failed post, someone must look
        found.append(ngettext("feed {id} ({url}): the last read failed ({error}); next try {when} "
                              "('disseminator feeds poll --all' reads it now)",
                              "feed {id} ({url}): {n} reads in a row failed, the last: {error}; next try {when} "
                              "('disseminator feeds poll --all' reads it now)", feed["failures"]).format(
            id=feed["id"], url=feed["url"], n=feed["failures"], error=feed["last_error"] or "-",
            when=show_human(feed["next_poll_at"], tz)))
    return found


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
