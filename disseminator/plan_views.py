"""What ``queue`` adds to each post for the posting plan: a pause of every account, a
pause's end, a blackout window that holds the post (now, or at its planned time), and a
recurring post's expression.  Computed for a page of posts from the holds already read
and the configuration: no query of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import holds
from .plans import blackout_end, blackout_window
from .store import HoldKind
from .timeshow import show

if TYPE_CHECKING:
    import datetime as dt

    from .config import Settings
    from .holds import Hold


def annotate(settings: Settings, held: dict[str, list[Hold]], rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Add ``paused_all``, ``paused_until``, ``blackout`` and ``blackout_until`` to the
    scheduled posts of ``rows`` (queue views) that they concern; a post due by ``now`` is
    held by a window open at ``now``."""
    every = next((h for h in held.get(holds.ALL, []) if h.kind is HoldKind.PAUSE), None)
    for r in rows:
        if r["status"] != "scheduled":
            continue
        own = next((h for h in held.get(r["account"], []) if h.kind is HoldKind.PAUSE), None)
        pause = None if r.get("passes_pause") else own or every  # urgent: passes pauses that allow it
        if every is not None and pause is not None:
            r["paused_all"] = every.reason or True
        if pause is not None and pause.until is not None:
            r["paused_until"] = show(pause.until, settings.tz)
        window = next((h for h in held.get(r["account"], []) if h.kind is HoldKind.BLACKOUT), None)
        if window is not None and window.until is not None:
            r["blackout"], r["blackout_until"] = window.reason or "", show(window.until, settings.tz)
            continue
        plan = settings.plan_for(r["account"])
        if plan is not None and plan.blackouts:
            when = max(_time(r.get("next_attempt_at") or r["scheduled_at"]), now)
            end = blackout_end(plan, when)
            if end is not None:
                found = blackout_window(plan, when)
                r["blackout"] = f"{plan.name}: {found.text if found else ''}"
                r["blackout_until"] = show(end, settings.tz)


def _time(iso: str) -> dt.datetime:
    import datetime as dt

    return dt.datetime.fromisoformat(iso)
