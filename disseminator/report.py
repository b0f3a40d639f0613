"""What a run of the worker says, and whether it failed (``run-due`` and ``daemon``).

A run failed (exit 1) when a call failed, whether the post will be retried or failed for
good, or when due posts wait for an account that needs attention or that the
configuration cannot publish for (a ``${VAR}`` not set).  A rate limit is not a
failure, and neither is a paused account: that is an officer's decision, said as a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import RunFailed

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store
    from .worker import RunReport


@dataclass(frozen=True)
class Said:
    """Lines for the user: ``out`` is the result (stdout), ``err`` warnings and notes (stderr)."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunSummary:
    """One ``run-due``: each post's outcome (the ``--json`` shape), what to say, the verdict."""

    rows: list[dict[str, Any]]
    said: Said
    failed: bool

    def raise_if_failed(self) -> None:
        """Raises :class:`RunFailed` when the run failed; ``said`` has already told why."""
        if self.failed:
            raise RunFailed()


def run_due(settings: Settings, store: Store, *, now: dt.datetime | None = None) -> RunSummary:
    """Publish every due post once (:meth:`disseminator.worker.Worker.run_due`) and sum up."""
    from .worker import Worker

    report = Worker(settings, store).run_due()
    return summarise(report, paused_due(store, now or dt.datetime.now(dt.timezone.utc)))


def paused_due(store: Store, now: dt.datetime) -> dict[str, tuple[int, str]]:
    """Paused accounts with due posts: account -> (how many, the reason given)."""
    from . import holds
    from .store import HoldKind

    return holds.waiting(store, HoldKind.PAUSE, due_by=now)


def summarise(report: RunReport, paused: dict[str, tuple[int, str]]) -> RunSummary:
    """Turn a worker's report (and the paused accounts' due posts) into a :class:`RunSummary`."""
    rows = [{"id": o.post_id, "account": o.account, "status": o.status, "error_kind": o.error_kind, "error": o.error,
             "remote_url": o.remote_url} for o in report.outcomes]
    out = [f"Post {pid} was left mid-publish by a stopped worker; it will be checked on the network first"
           for pid in report.recovered]
    if not rows:
        out.extend([] if report.misconfigured else ["Nothing due."])
    out.extend(_outcome(r) for r in rows)
    err = [f"note: {count} due post(s) wait: account {account} is paused" + (f" ({reason})" if reason else "")
           for account, (count, reason) in paused.items()]
    err.extend(f"warning: {count} due post(s) wait for account {account}, which needs attention: {reason} "
               f"(fix it, then run 'disseminator accounts check {account}')"
               for account, (count, reason) in report.waiting.items())
    err.extend(_misconfigured(report))
    return RunSummary(rows, Said(out, err), report.failed)


def _misconfigured(report: RunReport) -> list[str]:
    return [f"warning: {count} due post(s) wait for account {account}, which this configuration cannot "
            f"publish for: {reason} (fix it; the posts go out at the next run)"
            for account, (count, reason) in report.misconfigured.items()]


def _outcome(r: dict[str, Any]) -> str:
    if r["status"] == "published":
        return f"Published post {r['id']} on {r['account']}: {r['remote_url']}"
    if r["status"] == "scheduled":
        return f"Post {r['id']} on {r['account']} not published yet ({r['error_kind']}): {r['error']}; will retry"
    return f"Post {r['id']} on {r['account']} {r['status']} ({r['error_kind']}): {r['error']}"


class DaemonNarrator:
    """What the daemon says after each tick: every outcome, and held accounts when that changes."""

    def __init__(self) -> None:
        self._waiting: dict[str, tuple[int, str]] = {}
        self._misconfigured: dict[str, tuple[int, str]] = {}

    def tell(self, report: RunReport) -> Said:
        said = Said()
        for o in report.outcomes:
            if o.status == "published":
                said.out.append(f"Published post {o.post_id} on {o.account}: {o.remote_url}")
            else:
                said.err.append(f"Post {o.post_id} on {o.account} {o.status} ({o.error_kind}): {o.error}")
        if report.waiting != self._waiting:  # say it when it changes, not every tick
            said.err.extend(f"warning: {count} due post(s) wait for account {account}: {reason}"
                            for account, (count, reason) in report.waiting.items())
            self._waiting = dict(report.waiting)
        if report.misconfigured != self._misconfigured:
            said.err.extend(_misconfigured(report))
            self._misconfigured = dict(report.misconfigured)
        return said
