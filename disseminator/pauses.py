"""Pausing one account or the whole institution (``pause NAME|--all``, ``resume``).

A pause is a hold (:mod:`disseminator.holds`, kind ``pause``): the one mechanism that
keeps posts back.  ``--all`` is one hold row on :data:`holds.ALL`, which the claim's
hold clause matches for every post, so a disaster or a day of national mourning stops
every account at once with one write, and ``resume --all`` (or the pause's ``--until``)
starts them again.  Nothing is cancelled.  Posts whose time passed during the pause by more
than ``worker.grace`` become ``missed`` when it ends (:mod:`disseminator.missed`), for an
officer to send or drop: never a burst of old posts.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from channels.i18n import _

from . import holds, record
from .errors import ScheduleError
from .store import HoldKind

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store


def _target(settings: Settings, name: str | None) -> str:
    if name is None:
        return holds.ALL
    settings.account(name, resolve=False)  # an unknown name is an error
    return name


def pause(settings: Settings, store: Store, name: str | None, *, reason: str = "", until: str | None = None,
          now: dt.datetime | None = None, preset: str | None = None, allow_urgent: bool | None = None) -> dict[str, Any]:
    """Stop publishing for ``name`` (None: every account) until ``resume`` or ``until``
    (a time as ``schedule --at`` reads it).  ``preset`` (:mod:`disseminator.pause_presets`)
    fills the reason, the end and whether urgent posts pass; ``reason``, ``until`` and
    ``allow_urgent`` given too win over it.  Returns ``{"account", "all", "paused",
    "reason", "until", "changed", "preset", "allow_urgent"}``.  Raises
    :class:`~disseminator.errors.ConfigError` for an unknown name and
    :class:`~disseminator.errors.ScheduleError` for an unknown preset, or an end that cannot
    be read or is not in the future."""
    from .pause_presets import find
    from .timeparse import parse_when
    from .timeshow import show

    account = _target(settings, name)
    now = now or store.clock.now()
    chosen = find(settings.pause_presets, preset) if preset is not None else None

    def read(text: str, option: str) -> dt.datetime:
        try:
            return parse_when(text, tz=settings.tz, now=now)
        except ScheduleError as exc:
            raise ScheduleError(_("{option}: {problem}").format(option=option, problem=exc.message)) from None

    end = None
    if until is not None:
        end = read(until, "--until")
    elif chosen is not None:
        end = chosen.end(now, lambda text: read(text, f"pause_presets.{chosen.name}.until"))
    if chosen is not None:
        reason = reason or chosen.reason
        allow_urgent = chosen.allow_urgent if allow_urgent is None else allow_urgent
    urgent_pass = bool(allow_urgent)
    if end is not None and end <= now:
        raise ScheduleError(_("--until: a pause must end in the future, not {when}").format(
            when=show(end, settings.tz)))
    before = next((h for h in holds.for_account(holds.active(store, now), account)
                   if h.kind is HoldKind.PAUSE and h.account == account), None)
    if before is not None and not reason:
        reason = before.reason or ""  # paused again without a reason: keep the first one's
    changed = (before is None or before.reason != reason or before.until != end
               or before.allow_urgent != urgent_pass)

    def noted(s: Session) -> None:  # in the record, in the pause's own transaction
        if changed:
            record.account_event(s, event="paused", account=account, at=now, reason=reason or None, until=end,
                                 extra={**({"preset": chosen.name} if chosen else {}),
                                        **({"allow_urgent": True} if urgent_pass else {})})

    holds.place(store, account, HoldKind.PAUSE, reason=reason, until=end, allow_urgent=urgent_pass, also=noted)
    return {"account": None if name is None else name, "all": name is None, "paused": True, "reason": reason or None,
            "until": show(end, settings.tz) if end else None, "changed": changed,
            "preset": chosen.name if chosen else None, "allow_urgent": urgent_pass}


def resume(settings: Settings, store: Store, name: str | None) -> dict[str, Any]:
    """End the pause of ``name`` (None: the pause of every account).  Returns
    ``{"account", "all", "paused", "changed", "due", "missed", "still_held"}``: posts due now
    (they go at the next run), posts that became ``missed`` (overdue past ``worker.grace``),
    and what else keeps posts back (an account paused on its own, say)."""
    from . import missed

    account = _target(settings, name)
    now = store.clock.now()
    was = any(h.kind is HoldKind.PAUSE for h in holds.active(store, now).get(account, []))
    # An account's budget hold too (X's 402 until credits are bought): a configured budget
    # still used up is placed again before the next write (disseminator.pacing).
    spent = name is not None and holds.lift(store, account, HoldKind.BUDGET)

    def noted(s: Session) -> None:  # in the record, in the resume's own transaction
        if was:
            record.account_event(s, event="resumed", account=account, at=now)

    holds.lift(store, account, HoldKind.PAUSE, also=noted)
    gone = missed.sweep(store, grace=dt.timedelta(seconds=settings.worker.grace), zone_for=settings.zone_for,
                        account=name) if was else []
    held = holds.active(store)
    free = [a for a in ([name] if name else settings.account_names()) if not holds.for_account(held, a)]
    due = sum(store.count_due_by_account(store.clock.now(), free).values()) if free else 0
    if name is None:
        still = [f"{a}: {holds.describe(h)}" for a, hs in sorted(held.items()) for h in hs if a != holds.ALL]
    else:
        still = [holds.describe(h) for h in holds.for_account(held, name)]
    return {"account": name, "all": name is None, "paused": False, "changed": was or spent, "due": due, "missed": gone,
            "still_held": still}


def pause_all_reason(store: Store) -> str | None:
    """The reason of the pause of every account in force ("" without one), else None."""
    return next((h.reason or "" for h in holds.active(store).get(holds.ALL, []) if h.kind is HoldKind.PAUSE), None)
