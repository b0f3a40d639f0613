"""Posts as a client queues them: preview an article for accounts, then schedule it.

Each function takes the settings and the store, does one thing, and returns data in the
shapes of :mod:`disseminator.views`; a partial refusal is reported by the result's
``raise_if_failed`` (:class:`~disseminator.errors.RunFailed`), after the caller has shown
what did succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .errors import RunFailed
from .timeshow import show
from .views import show_human

if TYPE_CHECKING:
    from .config import Settings
    from .timing import Timing
    from .store import Store

@dataclass(frozen=True)
class Preview:
    """What each account would post; ``items`` is the ``preview --json`` shape."""

    items: list[dict[str, Any]]

    def raise_if_failed(self) -> None:
        """Raises :class:`RunFailed` when an account cannot take the article (already shown)."""
        if any(i["refused"] for i in self.items):
            raise RunFailed()


def preview(settings: Settings, ref: str, accounts: Sequence[str], *, store: Callable[[], Store]) -> Preview:
    """Render an article (an id, a file path or a web page URL: read, not stored) for each account.

    ``store`` opens the database, which only an id needs.
    """
    from channels.text import extract_hashtags_with_indices

    from .catalog import article_by_ref
    from .pacing import money
    from .planner import plan
    from .registry import make_channel

    article = article_by_ref(ref, store, settings)
    items: list[dict[str, Any]] = []
    for p in plan(settings, article, accounts):
        channel = make_channel(settings.account(p.account, resolve=False), context=settings.context)
        draft = p.draft
        parts = list(draft.parts) if draft else []
        items.append({
            "account": p.account,
            "channel": p.channel,
            "parts": parts,
            "media": [m.url for m in draft.media] if draft else [],
            "media_alt": [m.alt for m in draft.media] if draft else [],
            "warnings": list(draft.warnings) if draft else [],
            "link": draft.link if draft else None,
            "counts": [list(channel.measure_part(draft, i)) for i in range(len(parts))] if draft else [],
            "hashtags": list(dict.fromkeys("#" + e.value for t in parts for e in extract_hashtags_with_indices(t))),
            "refused": p.refused,
            # What the network charges for it (X with prices configured), a decimal as text.
            "cost": money(channel.cost(draft)) if draft else None,
        })
    return Preview(items)


@dataclass(frozen=True)
class Scheduled:
    """The posts queued (``schedule --json`` shape) and why the other accounts were not."""

    rows: list[dict[str, Any]]
    refused: list[str] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        """Raises :class:`RunFailed` naming each refused account."""
        if self.refused:
            raise RunFailed(self.refused)


def schedule(settings: Settings, store: Store, article_id: int, accounts: Sequence[str], *,
             at: str | None, variant: str = "default", now: dt.datetime | None = None,
             timing: Timing | None = None, urgent: bool = False) -> Scheduled:
    """Queue one post per account (all when none named) at ``at`` (None: at once), or at
    the times ``timing`` picks (a plan's next slot, a recurrence's first time; a stagger).
    ``urgent`` posts pass a pause that allows them (:mod:`disseminator.holds`); a post
    due before its article's embargo ends carries ``embargo_until`` (it goes then).

    Raises :class:`~disseminator.errors.NotFound` for an unknown article and
    :class:`~disseminator.errors.ScheduleError` for a time that cannot be read or is past;
    accounts that cannot take the article are listed in ``refused``, the others queued.
    """
    from .planner import schedule as plan_and_queue
    from .timeparse import parse_when

    from .planner import choose_accounts
    from .timing import Timing, blackout_note, repeat_warning, resolve

    timing = timing or Timing()
    now = now or dt.datetime.now(dt.timezone.utc)
    when = now if at is None else parse_when(at, tz=settings.tz, now=now)
    embargo = store.article(article_id).embargo  # a clear error for an unknown id before any rendering
    base = None if at is None and (timing.next_slot or timing.first_fire) else when
    times = resolve(settings, store, choose_accounts(settings, accounts), base=base, timing=timing, now=now)
    queued, refused = plan_and_queue(settings, store, article_id, accounts, when=when, variant=variant, times=times,
                                     recurrence=timing.every, urgent=urgent)
    waiting = _waiting(settings, store, {r.account for r in queued}, when, urgent=urgent)
    from .pacing import Prices

    prices = Prices(settings)
    rows = [{"id": r.id, "account": r.account, "channel": r.channel, "status": r.status,
             "scheduled_at": show(r.scheduled_at, settings.tz), "warnings": list(r.warnings or []),
             "waiting": waiting.get(r.account), "cost": prices.cost(r.account, r.parts), "recurrence": r.recurrence,
             "recurrence_warning": repeat_warning(r.channel, r.recurrence), "urgent": bool(r.urgent),
             "embargo_until": show(embargo, settings.tz) if embargo and embargo > r.scheduled_at else None,
             **blackout_note(settings, r.account, r.scheduled_at)} for r in queued]
    return Scheduled(rows, [_("{account}: not queued: {reason}").format(account=p.account, reason=p.refused)
                            for p in refused])


def schedule_refs(settings: Settings, store: Store, refs: Sequence[str], accounts: Sequence[str], *,
                  at: str | None, variant: str = "default", now: dt.datetime | None = None,
                  timing: Timing | None = None, urgent: bool = False) -> Scheduled:
    """:func:`schedule` for each article named by id or by file, as ``preview`` takes them.

    The time is read first, then the files are added (all or none:
    :func:`~disseminator.catalog.article_ids`), so a refused time or file adds nothing.
    """
    from .catalog import article_ids
    from .timeparse import parse_when

    now = now or dt.datetime.now(dt.timezone.utc)
    if at is not None:
        parse_when(at, tz=settings.tz, now=now)
    if timing is not None and timing.every:
        from .timing import check_every

        check_every(timing.every)
    rows: list[dict[str, Any]] = []
    refused: list[str] = []
    for article_id in article_ids(settings, store, refs):
        one = schedule(settings, store, article_id, accounts, at=at, variant=variant, now=now, timing=timing,
                       urgent=urgent)
        rows += one.rows
        refused += one.refused
    return Scheduled(rows, refused)


def _waiting(settings: Settings, store: Store, accounts: set[str], when: dt.datetime, *,
             urgent: bool = False) -> dict[str, str]:
    """For accounts whose posts a hold keeps back at ``when``: what holds them and until what
    (``urgent``: a pause that lets urgent posts through does not)."""
    from . import holds
    from .store import HoldKind

    until = {
        HoldKind.PAUSE: lambda a, h: (_("it goes after {when}").format(when=show_human(h.until, settings.tz)) if h.until
                                      else _("it goes after 'disseminator resume --all'") if h.account == holds.ALL
                                      else _("it goes after 'disseminator accounts resume {account}'").format(account=a)),
        HoldKind.ATTENTION: lambda a, h: _("it goes after 'disseminator accounts check {account}' passes").format(
            account=a),
        HoldKind.BUDGET: lambda a, h: (_("it goes after {when}").format(when=show_human(h.until, settings.tz))
                                       if h.until else _("it goes after 'disseminator accounts resume {account}'").format(
                                           account=a)),
    }
    said: dict[str, str] = {}
    held = holds.active(store)
    for account in sorted(accounts):
        lines = [f"{holds.describe(h)}; " + (until[h.kind](account, h) if h.kind in until else
                                             _("it goes after {when}").format(when=show(h.until, settings.tz))
                                             if h.until else _("it waits"))
                 for h in holds.for_account(held, account) if (h.until is None or h.until > when)
                 and not (urgent and h.allow_urgent)]
        if lines:
            said[account] = "; ".join(lines)
    return said
