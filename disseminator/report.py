"""What a run of the worker says, and whether it failed (``run-due`` and ``daemon``).

A run failed (exit 1) when a call failed, whether the post will be retried or failed for
good, or when due posts wait for an account that needs attention or that the
configuration cannot publish for (a ``${VAR}`` not set).  A rate limit is not a
failure, and neither is a paused account: that is an officer's decision, said as a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _, ngettext, stored

from .errors import RunFailed
from .states import label
from .views import show_human, show_soon, what_next

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store
    from .run_report import Outcome, RunReport


@dataclass(frozen=True)
class Said:
    """Lines for the user: ``out`` is the result (stdout), ``err`` warnings and notes (stderr)."""

    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunSummary:
    """One ``run-due``: each post's outcome (the ``--json`` shape), its line (``told``,
    already given to ``on_line`` as it happened), what to say after, the verdict."""

    rows: list[dict[str, Any]]
    told: list[str]
    said: Said
    failed: bool

    def raise_if_failed(self) -> None:
        """Raises :class:`RunFailed` when the run failed; ``said`` has already told why."""
        if self.failed:
            raise RunFailed()


def run_due(settings: Settings, store: Store, *, now: dt.datetime | None = None,
            on_line: Callable[[str], None] | None = None) -> RunSummary:
    """Publish every due post once (:meth:`disseminator.worker.Worker.run_due`) and sum up.

    ``on_line`` is given each post's line (:func:`outcome_line`) the moment the post is
    done, so a long run is not silent until its end.
    """
    from .worker import Worker

    lines: list[str] = []

    def told(outcome: Outcome) -> None:
        line = outcome_line(settings, store, outcome)
        lines.append(line)
        if on_line is not None:
            on_line(line)

    report = Worker(settings, store).run_due(on_outcome=told)
    now = now or dt.datetime.now(dt.timezone.utc)
    waits = [] if report.outcomes else what_waits(settings, store, store.clock.now())
    return summarise(report, paused_due(store, now), lines=lines, waits=waits)


def due_count(store: Store) -> int:
    """How many posts a run would take now (for a progress bar): due, of accounts no hold
    keeps back.  Posts kept for their account's order are counted too: it is an estimate."""
    from . import holds

    now = store.clock.now()
    return store.count_due(now, unless=holds.blocking(now))


def paused_due(store: Store, now: dt.datetime) -> dict[str, tuple[int, str]]:
    """Paused accounts with due posts: account -> (how many, the reason given)."""
    from . import holds
    from .store import HoldKind

    return holds.waiting(store, HoldKind.PAUSE, due_by=now)


def what_waits(settings: Settings, store: Store, now: dt.datetime) -> list[str]:
    """When a run found nothing to do: the posts that wait for a rate limit or a retry,
    and until when (paused accounts and accounts that need attention are said apart)."""
    from . import holds
    from .store import HoldKind

    said = []
    resting = holds.resting(store, now)
    retries = store.retries_waiting(now)
    held = holds.waiting(store, HoldKind.RATE_LIMIT, due_by=now)
    for account in sorted(set(held) | (set(retries) & set(resting))):
        count = held.get(account, (0, ""))[0] + retries.get(account, (0, now))[0]
        until = show_soon(resting.get(account), settings.tz, now=now) or _("when the limit ends")
        said.append(ngettext("{n} post of {account} waits: rate limited: next try {until}",
                             "{n} posts of {account} wait: rate limited: next try {until}", count).format(
            n=count, account=account, until=until))
    spent = holds.of_kind(holds.active(store, now), HoldKind.BUDGET)
    for account, (count, reason) in sorted(holds.waiting(store, HoldKind.BUDGET, due_by=now).items()):
        ends = spent[account].until if account in spent else None
        if ends is not None:
            said.append(ngettext("{n} post of {account} waits: posting budget: {reason}; next at {when}",
                                 "{n} posts of {account} wait: posting budget: {reason}; next at {when}", count).format(
                n=count, account=account, reason=stored(reason), when=show_soon(ends, settings.tz, now=now)))
        else:  # X's 402: until credits are bought
            said.append(ngettext("{n} post of {account} waits: posting budget: {reason}; 'disseminator resume {account}' "
                                 "once it is settled",
                                 "{n} posts of {account} wait: posting budget: {reason}; 'disseminator resume {account}' "
                                 "once it is settled", count).format(n=count, account=account, reason=stored(reason)))
    from .queue.order import held_by_order

    for account, (count, first) in sorted(held_by_order(store, due_by=now).items()):
        if account in resting or account in spent:
            continue  # the whole account waits for its rate limit or budget: said above
        said.append(ngettext("{n} post of {account} waits behind post {first}, planned earlier "
                             "('disseminator post ahead ID' lets one go first)",
                             "{n} posts of {account} wait behind post {first}, planned earlier "
                             "('disseminator post ahead ID' lets one go first)", count).format(
            n=count, account=account, first=first))
    from .embargo import waiting as embargoed

    count, soonest = embargoed(store, due_by=now)
    if count and soonest is not None:
        said.append(ngettext("{n} post waits for its article's embargo: the first goes at {when}",
                             "{n} posts wait for their article's embargo: the first goes at {when}", count).format(
            n=count, when=show_soon(soonest, settings.tz, now=now)))
    others = [waits for account, waits in retries.items() if account not in resting]
    if others:
        count = sum(n for n, _at in others)
        soonest = min(at for _n, at in others)
        said.append(ngettext("{n} post waits for a retry: next at {when}", "{n} posts wait for a retry: next at {when}",
                             count).format(n=count, when=show_human(soonest, settings.tz, now=now)))
    return said


def outcome_line(settings: Settings, store: Store, outcome: Outcome) -> str:
    """What ``run-due`` says of one post: published with its link, or what happens next
    and when (``rate limited: next try 09:14``)."""
    from .listings import post_now

    if outcome.status == "published":
        return _published(outcome.post_id, outcome.account, outcome.remote_url)
    if outcome.status == "scheduled":
        step = what_next(post_now(settings, store, outcome.post_id), settings.tz, now=store.clock.now())
        return _("Post {id} on {account} not published yet: {step}").format(
            id=outcome.post_id, account=outcome.account, step=step or _stored(outcome.error))
    line = _ended(outcome.post_id, outcome.account, outcome.status, outcome.error_kind, outcome.error)
    if outcome.status == "failed":
        line += _after_failure(outcome)
    return line


def _published(post_id: int, account: str, url: str | None) -> str:
    return _("Published post {id} on {account}: {url}").format(id=post_id, account=account, url=url)


def _ended(post_id: int, account: str, status: str, kind: str | None, error: str | None) -> str:
    """``Post 3 on humas_fb failed (rejected): ...``: the status in words, the kind as its code."""
    return _("Post {id} on {account} {status} ({kind}): {error}").format(
        id=post_id, account=account, status=label(status), kind=kind, error=_stored(error))


def _stored(error: str | None) -> str | None:
    """A stored (English) error in the current language; None stays None."""
    return stored(error) if error else error


def _after_failure(outcome: Outcome) -> str:
    """The officer's next step after a failed post (unless its message already says one)."""
    if "disseminator retry" in (outcome.error or ""):  # the stored English message, before translation
        return ""
    if outcome.error_kind == "rejected":  # the network refused this content: change it first
        return "; " + _("change it with 'disseminator edit {id}', then 'disseminator retry {id}'").format(
            id=outcome.post_id)
    return "; " + _("'disseminator retry {id}' sends it again").format(id=outcome.post_id)


def summarise(report: RunReport, paused: dict[str, tuple[int, str]], *, lines: list[str] | None = None,
              waits: list[str] | None = None) -> RunSummary:
    """Turn a worker's report (and the paused accounts' due posts) into a :class:`RunSummary`.

    ``lines`` are the outcomes' lines as they were told (:func:`outcome_line`; short ones
    are made when none were); ``waits`` what waits when nothing was done (:func:`what_waits`).
    """
    rows = [{"id": o.post_id, "account": o.account, "status": o.status, "error_kind": o.error_kind, "error": o.error,
             "remote_url": o.remote_url} for o in report.outcomes]
    told = list(lines) if lines is not None else [_outcome(r) for r in rows]
    out = [_("Post {id} was left mid-publish by a stopped worker; it will be checked on the network first").format(
        id=pid) for pid in report.recovered]
    out.extend(_missed(pid) for pid in report.missed)
    if not rows:
        out.extend(waits or ([] if paused or report.waiting or report.misconfigured or report.missed
                             else [_("Nothing due.")]))
    err = [_paused(account, count, reason) for account, (count, reason) in paused.items()]
    err.extend(_("warning: {count} due post(s) wait for account {account}, which needs attention: {reason} "
                 "(fix it, then run 'disseminator accounts check {account}')").format(
                   count=count, account=account, reason=stored(reason))
               for account, (count, reason) in report.waiting.items())
    err.extend(_misconfigured(report))
    return RunSummary(rows, told, Said(out, err), report.failed)


def _missed(post_id: int) -> str:
    return _("Post {id} missed its time (overdue past worker.grace) and was not sent late: "
             "'disseminator retry {id}' sends it, 'disseminator cancel {id}' drops it").format(id=post_id)


def _paused(account: str, count: int, reason: str) -> str:
    if reason:  # the officer's own words
        return _("note: {count} due post(s) wait: account {account} is paused ({reason})").format(
            count=count, account=account, reason=reason)
    return _("note: {count} due post(s) wait: account {account} is paused").format(count=count, account=account)


def _misconfigured(report: RunReport) -> list[str]:
    return [_("warning: {count} due post(s) wait for account {account}, which this configuration cannot "
              "publish for: {reason} (fix it; the posts go out at the next run)").format(
                count=count, account=account, reason=stored(reason))
            for account, (count, reason) in report.misconfigured.items()]


def _outcome(r: dict[str, Any]) -> str:
    if r["status"] == "published":
        return _published(r["id"], r["account"], r["remote_url"])
    if r["status"] == "scheduled":
        return _("Post {id} on {account} not published yet ({kind}): {error}; will try again").format(
            id=r["id"], account=r["account"], kind=r["error_kind"], error=_stored(r["error"]))
    return _ended(r["id"], r["account"], r["status"], r["error_kind"], r["error"])


class DaemonNarrator:
    """What the daemon says after each tick: every outcome, and held accounts when that changes."""

    def __init__(self) -> None:
        self._waiting: dict[str, tuple[int, str]] = {}
        self._misconfigured: dict[str, tuple[int, str]] = {}

    def tell(self, report: RunReport) -> Said:
        said = Said()
        for o in report.outcomes:
            if o.status == "published":
                said.out.append(_published(o.post_id, o.account, o.remote_url))
            else:
                said.err.append(_ended(o.post_id, o.account, o.status, o.error_kind, o.error))
        said.err.extend(_missed(pid) for pid in report.missed)
        if report.waiting != self._waiting:  # say it when it changes, not every tick
            said.err.extend(_("warning: {count} due post(s) wait for account {account}: {reason}").format(
                count=count, account=account, reason=stored(reason))
                for account, (count, reason) in report.waiting.items())
            self._waiting = dict(report.waiting)
        if report.misconfigured != self._misconfigured:
            said.err.extend(_misconfigured(report))
            self._misconfigured = dict(report.misconfigured)
        return said
