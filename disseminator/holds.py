"""Account holds: the one reason an account's due posts wait.

A hold has a kind (:class:`HoldKind`: rate limit, attention, pause, budget), a reason and
an end (``until``; None means until it is lifted).  One row per account and kind, in the
``account_holds`` table.  The claim reads them with one clause (:func:`blocking`), the
queue and ``accounts list`` with one query (:func:`active`); nothing else decides whether
an account may post.

Lifting a hold needs no second step: posts that waited keep their due time, so they
are claimed at the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from collections.abc import Callable, Collection

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from channels.i18n import N_, _, stored

from .embargo import embargoed
from .store import HoldRow, PostRow, PostStatus, Store
from .store.account_models import HoldKind

__all__ = [
    "Hold", "HoldKind", "place", "lift", "release", "due_count", "active", "reasons", "resting", "waiting", "blocking", "of_kind",
    "describe",
]


@dataclass(frozen=True)
class Hold:
    """One hold on one account."""

    account: str
    kind: HoldKind
    reason: str | None
    since: dt.datetime
    until: dt.datetime | None
    #: A pause that lets urgent posts through (``pause --allow-urgent``).
    allow_urgent: bool = False

    def holds_at(self, now: dt.datetime) -> bool:
        return self.until is None or self.until > now


def place(store: Store, account: str, kind: HoldKind, *, reason: str | None = None, until: dt.datetime | None = None,
          allow_urgent: bool = False, also: Callable[[Session], None] | None = None) -> None:
    """Hold ``account``'s posts for ``kind`` until ``until`` (None: until lifted).

    A rate limit keeps the later of two ends; a hold placed again for the same reason
    keeps its ``since``.  ``allow_urgent`` (a pause only) lets urgent posts through.
    ``also`` runs in the same transaction (a pause's record row).
    """
    now = store.clock.now()
    allow_urgent = allow_urgent and kind is HoldKind.PAUSE
    with store.session() as s:
        if also is not None:
            also(s)
        row = s.get(HoldRow, (account, kind.value))
        if row is None:
            s.add(HoldRow(account=account, kind=kind.value, reason=reason, since=now, until=until,
                          allow_urgent=allow_urgent))
            return
        row.allow_urgent = allow_urgent
        expired = row.until is not None and row.until <= now
        if expired or row.reason != reason:
            row.since = now
        row.reason = reason
        if kind is HoldKind.RATE_LIMIT and not expired and row.until is not None and until is not None:
            row.until = max(row.until, until)
        else:
            row.until = until


def lift(store: Store, account: str, *kinds: HoldKind, also: Callable[[Session], None] | None = None) -> bool:
    """End ``account``'s holds of ``kinds`` now.  True if one was in force.  ``also`` runs
    in the same transaction (a resume's record row)."""
    now = store.clock.now()
    with store.session() as s:
        if also is not None:
            also(s)
        q = delete(HoldRow).where(HoldRow.account == account, HoldRow.kind.in_([k.value for k in kinds]))
        live = s.scalar(select(exists().where(HoldRow.account == account, HoldRow.kind.in_([k.value for k in kinds]),
                                              _live(now))))
        s.execute(q)
        return bool(live)


def release(store: Store, account: str, *kinds: HoldKind) -> int:
    """Lift ``account``'s holds of ``kinds``; returns how many of its posts are due now
    (they waited for the hold and go at the next run); 0 when no such hold was in force."""
    if not lift(store, account, *kinds):
        return 0
    return due_count(store, account)


def due_count(store: Store, account: str) -> int:
    """How many of ``account``'s scheduled posts are due now."""
    now = store.clock.now()
    with store.session() as s:
        return int(s.scalar(
            select(func.count()).select_from(PostRow).where(
                PostRow.account == account, PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= now)
        ) or 0)


def active(store: Store, now: dt.datetime | None = None, *, account: str | None = None) -> dict[str, list[Hold]]:
    """The holds in force at ``now`` (the store's clock by default), by account."""
    now = now or store.clock.now()
    with store.session() as s:
        q = select(HoldRow).where(_live(now)).order_by(HoldRow.account, HoldRow.kind)
        if account is not None:
            q = q.where(HoldRow.account == account)
        found: dict[str, list[Hold]] = {}
        for r in s.scalars(q):
            found.setdefault(r.account, []).append(
                Hold(r.account, HoldKind(r.kind), r.reason, r.since, r.until, bool(r.allow_urgent))
            )
        return found


def reasons(store: Store, kind: HoldKind, now: dt.datetime | None = None) -> dict[str, str]:
    """Accounts with a hold of ``kind`` in force, with its reason ("" when none was given)."""
    return {a: h.reason or "" for a, h in of_kind(active(store, now), kind).items()}


def resting(store: Store, now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """Rate-limited accounts, with the time they may call their network again."""
    return {a: h.until for a, h in of_kind(active(store, now), HoldKind.RATE_LIMIT).items() if h.until is not None}


def waiting(store: Store, kind: HoldKind, *, due_by: dt.datetime, exclude: Collection[int] = ()) -> dict[str, tuple[int, str]]:
    """Posts due by ``due_by`` that a hold of ``kind`` keeps back: account -> (how many,
    the hold's reason).  One grouped query, whatever the size of the queue: the due posts
    are read first through the due index (a materialized CTE), then joined to the holds.
    Joined directly, both planners grouped the whole queue by account (1.3 s at 1,000,000
    posts on SQLite; 0.1 ms this way: ``benchmarks/bench_million.py``)."""
    now = store.clock.now()
    due = select(PostRow.account).where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= due_by)
    if exclude:
        due = due.where(PostRow.id.not_in(list(exclude)))
    posts = due.cte("due_posts").prefix_with("MATERIALIZED")
    with store.session() as s:
        q = (
            select(posts.c.account, func.count(), HoldRow.reason)
            .join(HoldRow, or_(HoldRow.account == posts.c.account, HoldRow.account == ALL))
            .where(HoldRow.kind == kind.value, _live(now))
            .group_by(posts.c.account, HoldRow.reason)
        )
        return {account: (int(n), reason or "") for account, n, reason in s.execute(q)}


def blocking(now: dt.datetime) -> ColumnElement[bool]:
    """A clause true for posts kept back at ``now``: their account has a hold in force (its
    own, or one on :data:`ALL` accounts: ``pause --all``), or their article is under
    embargo (:mod:`disseminator.embargo`).  An urgent post passes a pause that allows
    urgent posts, and no other hold."""
    return or_(exists().where(_of_post(), _live(now), ~_urgent_passes()), embargoed(now))


def free(now: dt.datetime) -> ColumnElement[bool]:
    """``NOT blocking(now)``, written as two ``NOT EXISTS`` joined by AND: PostgreSQL turns
    each into an anti-join (a negated OR of two subqueries stays a subplan per row:
    ``benchmarks/bench_holds.py``).  The claim and the missed sweep use this one."""
    return and_(~exists().where(_of_post(), _live(now), ~_urgent_passes()), ~embargoed(now))


def _urgent_passes() -> ColumnElement[bool]:
    """The hold is a pause that lets urgent posts through, and the post is urgent."""
    return and_(HoldRow.kind == HoldKind.PAUSE.value, HoldRow.allow_urgent.is_(True), PostRow.urgent.is_(True))


#: The account name of a hold on every account at once (``pause --all``): one row that
#: :func:`blocking` matches for every post, so the claim stays one guarded UPDATE.
ALL = "*"


def _of_post() -> ColumnElement[bool]:
    return or_(HoldRow.account == PostRow.account, HoldRow.account == ALL)


def for_account(holds: dict[str, list[Hold]], account: str) -> list[Hold]:
    """The holds of ``holds`` (:func:`active`'s answer) that keep ``account`` back: its
    own and those on :data:`ALL` accounts."""
    return [*holds.get(account, []), *holds.get(ALL, [])]


def _live(now: dt.datetime) -> ColumnElement[bool]:
    return or_(HoldRow.until.is_(None), HoldRow.until > now)


def of_kind(holds: dict[str, list[Hold]], kind: HoldKind) -> dict[str, Hold]:
    """The holds of one kind, by account."""
    return {acc: h for acc, hs in holds.items() for h in hs if h.kind is kind}


#: What each kind of hold is called where an officer reads it.
LABELS = {
    HoldKind.RATE_LIMIT: N_("rate limited"),
    HoldKind.ATTENTION: N_("needs attention"),
    HoldKind.PAUSE: N_("paused"),
    HoldKind.BUDGET: N_("posting budget used up"),
    HoldKind.BLACKOUT: N_("blackout window"),
}


def describe(hold: Hold) -> str:
    """A short reason an officer reads ("paused: berkabung", "rate limited"), in the
    current language (a reason stored in English too: :func:`channels.i18n.stored`)."""
    label = _(LABELS[hold.kind])
    if not hold.reason:
        return label
    return f"{label}: {stored(hold.reason)}"
