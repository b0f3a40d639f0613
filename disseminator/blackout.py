"""Blackout windows as holds: while a plan's window is on, its accounts have a
``blackout`` hold until the window's end, placed by the worker before it claims.

A window is configuration (:mod:`disseminator.plans`); the hold is how the one hold
mechanism learns of it, so the claim stays one guarded UPDATE, the daemon wakes at the
window's end (:meth:`Store.next_wake` sees the hold's ``until``), and ``queue``, ``status``
and ``accounts list`` say why posts wait and until when.  A post planned inside a window
keeps its time and goes at the window's end (a missed-post sweep counts its lateness from
there, see :mod:`disseminator.missed`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from . import holds
from .plans import blackout_end, blackout_window
from .store import HoldKind

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store

log = logging.getLogger("disseminator.blackout")


class Refresher:
    """Places the blackout holds the configuration calls for at the store's clock; cheap
    to ask before every claim (a hold is written only when a window begins)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._accounts = [a for a in settings.account_names() if (p := settings.plan_for(a)) and p.blackouts]
        self._placed: dict[str, dt.datetime] = {}
        if self._accounts:
            now = store.clock.now()
            self._placed = {a: h.until for a, h in holds.of_kind(holds.active(store, now), HoldKind.BLACKOUT).items()
                            if h.until is not None}

    def refresh(self) -> list[str]:
        """Hold each account inside a window until the window's end; the accounts held anew."""
        if not self._accounts:
            return []
        now = self.store.clock.now()
        held = []
        for account in self._accounts:
            plan = self.settings.plan_for(account)
            end = blackout_end(plan, now)
            if end is None or self._placed.get(account, now) >= end:
                continue
            window = blackout_window(plan, now)
            reason = f"{plan.name if plan else ''}: {window.text if window else ''}"  # as written in the file
            holds.place(self.store, account, HoldKind.BLACKOUT, reason=reason, until=end)
            log.info("account.blackout account=%s until=%s window=%r", account, end.isoformat(), reason)
            self._placed[account] = end
            held.append(account)
        return held


def refresh(settings: Settings, store: Store) -> list[str]:
    """:meth:`Refresher.refresh` once (``queue``, ``status``: what they show is current)."""
    return Refresher(settings, store).refresh()


def open_windows(settings: Settings, now: dt.datetime) -> dict[str, tuple[str, dt.datetime]]:
    """Accounts a blackout window of their plan holds at ``now``, with the window (as
    written) and its end: what ``status`` shows even before a run has placed the hold."""
    found: dict[str, tuple[str, dt.datetime]] = {}
    for account in settings.account_names():
        plan = settings.plan_for(account)
        end = blackout_end(plan, now)
        if plan is not None and end is not None:
            window = blackout_window(plan, now)
            found[account] = (f"{plan.name}: {window.text if window else ''}", end)
    return found
