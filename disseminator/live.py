"""Is what the record says went out still what the network shows?  (``record live``.)

One pass (:func:`check`; the daemon's ops loop runs it right after reading the engagement
figures, ``disseminator record live`` runs one now, for cron) reads, per account and within
what is left of that account's ``worker.engagement_reads`` for the pass:

- one read of the account's recent posts on the network (X timeline, Page feed, Instagram
  media list): a post there whose id no post of ours owns, newer than the account's first
  post by the tool and older than :data:`SETTLE` (a post being published now may not have
  its id recorded yet), was **published outside** the tool;
- then each published post in turn (a cursor per account, kept in ``alert_marks``, so that
  every post is looked at over successive passes; the recent posts are read once per such
  round, so a budget of one read still reaches every post): a post the network says is gone (X no
  longer returns it, Graph's 100/33 or 404) was **deleted outside** the tool; on a network
  whose text can be edited there (Facebook), a text that differs from the text sent was
  **edited outside** the tool.

Each finding is appended to the publication record (``deleted_outside``,
``edited_outside``, ``published_outside``: the remote id, what the network showed, the
address), at most once per post (or remote id) and kind; ``status`` shows the findings of
the last :data:`SHOWN_FOR` as problems and the alerts send them.  Nothing here changes a
post's state: the record only says what the network showed.  A rate-limit answer ends
that account's reading for the pass; another failure skips the post until the next pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select

from .store import PartRow, PostRow, Store
from .store import record as chain
from .store.ops_models import MarkRow
from .store.post_models import PartState, PostStatus
from .store.record_models import RecordRow

if TYPE_CHECKING:
    from channels.base import Channel

    from .config import Settings

log = logging.getLogger("disseminator.live")

DELETED, EDITED, OUTSIDE = "deleted_outside", "edited_outside", "published_outside"
KINDS = (DELETED, EDITED, OUTSIDE)
#: A post on the network younger than this is not judged "outside" yet: the tool may be
#: publishing it right now, its id not yet recorded.
SETTLE = dt.timedelta(minutes=15)
#: ``status`` shows findings this recent as problems (the alerts send them once).
SHOWN_FOR = dt.timedelta(hours=24)


@dataclass
class LiveResult:
    """What one pass did: posts looked at, findings (as appended to the record), accounts
    whose reading was limited, reads that failed."""

    checked: int = 0
    found: list[dict[str, Any]] = field(default_factory=list)
    limited: list[str] = field(default_factory=list)
    failed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"checked": self.checked, "found": self.found, "limited": self.limited, "failed": self.failed}


def check(settings: Settings, store: Store, *, reads: int | None = None, spent: dict[str, int] | None = None,
          channel_factory: Callable[..., Channel] | None = None) -> LiveResult:
    """One pass over every configured account: at most ``reads`` (default
    ``worker.engagement_reads``) minus ``spent`` (what the engagement pass read) network
    reads per account.  Never raises for a network's failure."""
    from channels.base import ChannelError, RateLimited

    from .errors import ConfigError
    from .registry import make_channel

    per_account = settings.worker.engagement_reads if reads is None else reads
    factory = channel_factory or make_channel
    result = LiveResult()
    for account in sorted(settings.accounts):
        budget = per_account - (spent or {}).get(account, 0)
        if budget <= 0 or settings.account_problem(account) is not None:
            continue
        try:
            channel = factory(settings.account(account), context=settings.context)
        except ConfigError as exc:
            log.warning("live.account_skipped account=%s %s", account, exc)
            continue
        if not type(channel).reads_live:
            continue
        mark = _mark_name(account)
        try:
            if _cursor(store, mark) == 0:  # a new round over the account: its recent posts first
                budget -= _outside(store, channel, account, result)
                _advance(store, mark, -1)
            _posts(store, channel, account, mark, budget, result)
        except RateLimited:
            result.limited.append(account)
            log.info("live.read_limited account=%s", account)
        except ChannelError as exc:
            result.failed += 1
            log.warning("live.read_failed account=%s kind=%s %s", account, exc.kind,
                        settings.redactor.redact(exc.message))
    return result


def _outside(store: Store, channel: Channel, account: str, result: LiveResult) -> int:
    """Look for posts made outside the tool; the reads spent (0 or 1)."""
    now = store.clock.now()
    with store.session() as s:
        first = s.scalar(select(func.min(PostRow.published_at)).where(PostRow.account == account,
                                                                       PostRow.published_at.is_not(None)))
    if first is None:
        return 0  # the tool never published here: nothing on the account is "outside" it
    first = _aware(first)
    shown = [p for p in channel.recent_posts(first)
             if p.created_at is not None and first < p.created_at <= now - SETTLE]
    if not shown:
        return 1
    ids = [p.remote_id for p in shown]
    with store.session() as s:
        owned = set(s.scalars(select(PartRow.remote_id).join(PostRow, PostRow.id == PartRow.post_id)
                              .where(PostRow.account == account, PartRow.remote_id.in_(ids))))
        oldest = min(_aware(p.created_at) for p in shown if p.created_at is not None)
        flagged = {(r.detail or {}).get("remote_id") for r in s.scalars(
            select(RecordRow).where(RecordRow.at >= oldest, RecordRow.event == OUTSIDE, RecordRow.account == account))}
    for post in shown:
        if post.remote_id in owned or post.remote_id in flagged:
            continue
        _note(store, result, OUTSIDE, account=account, post_id=None, detail={
            "remote_id": post.remote_id, "url": post.url, "shown": post.text,
            "created_at": _aware(post.created_at).isoformat() if post.created_at else None})
    return 1


def _posts(store: Store, channel: Channel, account: str, mark: str, budget: int, result: LiveResult) -> None:
    """Read up to ``budget`` of the account's published posts, after the cursor (0: the
    round is over; the next pass starts one with the recent posts)."""
    if budget <= 0:
        return
    after = _cursor(store, mark)
    with store.session() as s:
        rows = s.execute(select(PostRow.id, PartRow.remote_id, PartRow.text, PostRow.remote_url)
                         .join(PartRow, and_(PartRow.post_id == PostRow.id, PartRow.index == 0))
                         .where(PostRow.account == account, PostRow.status == PostStatus.PUBLISHED,
                                PostRow.id > after, PartRow.remote_id.is_not(None),
                                PartRow.state == PartState.PUBLISHED.value)
                         .order_by(PostRow.id).limit(budget)).all()
        flagged = set(s.execute(select(RecordRow.post_id, RecordRow.event).where(
            RecordRow.post_id.in_([r[0] for r in rows]), RecordRow.event.in_((DELETED, EDITED)))).all())
    last = 0 if len(rows) < budget else rows[-1][0]  # the end of the list: start again next pass
    for post_id, remote_id, sent, url in rows:
        if (post_id, DELETED) in flagged:
            _advance(store, mark, post_id)
            continue
        live = channel.fetch_live(str(remote_id))  # a rate limit ends the account's pass (the cursor stays)
        result.checked += 1
        if live is None:
            _note(store, result, DELETED, account=account, post_id=post_id, detail={
                "remote_id": str(remote_id), "url": url, "shown": None, "sent": sent})
        elif type(channel).compares_live_text and (post_id, EDITED) not in flagged and _same(sent) != _same(live.text):
            _note(store, result, EDITED, account=account, post_id=post_id, detail={
                "remote_id": str(remote_id), "url": live.url, "shown": live.text, "sent": sent})
        _advance(store, mark, post_id)
    if last == 0:
        _advance(store, mark, 0)


def _same(text: str) -> str:
    return " ".join(text.split())


def _note(store: Store, result: LiveResult, kind: str, *, account: str, post_id: int | None,
          detail: dict[str, Any]) -> None:
    now = store.clock.now()
    with store.session() as s:
        chain.note(s, event=kind, at=now, post_id=post_id, account=account, detail=detail)
    result.found.append({"kind": kind, "post_id": post_id, "account": account, **detail})
    log.info("live.found kind=%s account=%s post=%s remote_id=%s", kind, account, post_id, detail.get("remote_id"))


def _mark_name(account: str) -> str:
    """The cursor's name in ``alert_marks`` (50 characters at most)."""
    name = f"live:{account}"
    return name if len(name) <= 50 else "live:" + hashlib.sha256(account.encode()).hexdigest()[:40]


def _cursor(store: Store, mark: str) -> int:
    """Where the account's round is: 0 at its start (the recent posts are read next), -1
    once they were, else the last post looked at."""
    with store.session() as s:
        row = s.get(MarkRow, mark)
        return row.value if row is not None else 0


def _advance(store: Store, mark: str, value: int) -> None:
    with store.session() as s:
        row = s.get(MarkRow, mark)
        if row is None:
            s.add(MarkRow(name=mark, value=value, at=store.clock.now()))
        else:
            row.value, row.at = value, store.clock.now()


def recent(store: Store, now: dt.datetime, within: dt.timedelta = SHOWN_FOR) -> list[Any]:
    """The record's findings of the last ``within`` (``status``, the alerts), oldest first."""
    with store.session() as s:
        return list(s.execute(select(RecordRow.seq, RecordRow.at, RecordRow.event, RecordRow.post_id, RecordRow.account,
                                     RecordRow.detail)
                              .where(RecordRow.at >= now - within, RecordRow.event.in_(KINDS))
                              .order_by(RecordRow.seq)).all())


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


__all__ = ["check", "recent", "LiveResult", "KINDS", "DELETED", "EDITED", "OUTSIDE"]
