"""When each account's post goes: ``schedule``'s time, its plan's next free slot, a
recurrence's first time, and the channel's stagger (:mod:`disseminator.plans` answers; this
module asks it for each account and reads the queue once per account)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from channels.i18n import N_, _

from .errors import ScheduleError
from .cron import check_cron, next_fire
from .durations import parse_duration
from .plans import blackout_end, blackout_window, next_slot

if TYPE_CHECKING:
    from .config import Settings
    from .store import Store


@dataclass(frozen=True)
class Timing:
    """How ``schedule`` picks each account's time besides ``--at``/``--now``."""

    #: Each account's plan's next slot not taken by a queued post of that account.
    next_slot: bool = False
    #: Channel -> offset (``--stagger``); None: the plan's own; {}: none (``--no-stagger``).
    stagger: Mapping[str, dt.timedelta] | None = None
    #: A crontab expression (``--every``): the post recurs.
    every: str | None = None
    #: No ``--at``/``--now``: the recurrence's first time after now is the first post's.
    first_fire: bool = False


def parse_stagger(text: str) -> dict[str, dt.timedelta]:
    """``"twitter=0m,facebook=5m,instagram=15m"``.  Raises :class:`ScheduleError`."""
    from .registry import channel_names

    known = channel_names()
    found: dict[str, dt.timedelta] = {}
    for piece in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        channel, sep, value = (x.strip() for x in piece.partition("="))
        offset = parse_duration(value) if sep else None
        if channel not in known or offset is None:
            raise ScheduleError(_("--stagger: cannot read {piece!r} (expected CHANNEL=DURATION such as "
                                  "'facebook=5m,instagram=15m'; channels: {known})").format(
                piece=piece, known=", ".join(known)))
        found[channel] = offset
    return found


def check_every(cron: str) -> None:
    """Raises :class:`ScheduleError` for a crontab expression that cannot be read."""
    problem = check_cron(cron)
    if problem:
        raise ScheduleError(_("--every: cannot read {cron!r} as a cron expression (minute hour day month weekday, "
                              "e.g. '0 8 * * 1' for Mondays at 08:00): {problem}").format(cron=cron, problem=problem))


def resolve(settings: Settings, store: Store, accounts: Sequence[str], *, base: dt.datetime | None,
            timing: Timing, now: dt.datetime) -> dict[str, dt.datetime]:
    """Each account's time: ``base`` (``--at``/``--now``), else its plan's next free slot or
    the recurrence's first time, plus its channel's stagger.  Raises :class:`ScheduleError`
    for an account without slots (``--next-slot``) or without a free one."""
    times: dict[str, dt.datetime] = {}
    for account in accounts:
        plan = settings.plan_for(account)
        channel = str(settings.accounts[account].get("channel"))
        offsets = timing.stagger if timing.stagger is not None else (plan.stagger if plan else {})
        offset = offsets.get(channel, dt.timedelta(0))
        if timing.next_slot:
            if plan is None or not plan.slots:
                raise ScheduleError(_("--next-slot: account {account} has no plan with slots (give it "
                                      "plan = \"NAME\" and a [plans.NAME] table with slots)").format(account=account))
            taken = _queued_times(store, account, now)
            when = next_slot(plan, now, taken=lambda t: t + offset in taken)
            if when is None:
                raise ScheduleError(_("--next-slot: plan {plan} has no free slot for {account} in the coming "
                                      "year").format(plan=plan.name, account=account))
        elif base is None and timing.every:
            when = next_fire(timing.every, now, settings.zone_for(account)) or now
        else:
            when = base or now
        times[account] = when + offset
    return times


def _queued_times(store: Store, account: str, now: dt.datetime) -> set[dt.datetime]:
    from .store import PostRow, PostStatus

    with store.session() as s:
        return set(s.scalars(select(PostRow.scheduled_at).where(
            PostRow.account == account, PostRow.status.in_([PostStatus.SCHEDULED, PostStatus.PUBLISHING]),
            PostRow.scheduled_at >= now)))


def blackout_note(settings: Settings, account: str, when: dt.datetime) -> dict[str, Any]:
    """``{"blackout", "blackout_until"}`` when a blackout window of ``account``'s plan holds
    ``when`` (the post will wait until its end), else ``{}``."""
    from .timeshow import show

    plan = settings.plan_for(account)
    end = blackout_end(plan, when)
    if plan is None or end is None:
        return {}
    window = blackout_window(plan, when)
    return {"blackout": f"{plan.name}: {window.text if window else ''}", "blackout_until": show(end, settings.tz)}


#: Networks that refuse a text they have just published (X: the same text again; Facebook:
#: the same text right after itself, Graph 506): a recurring post whose text does not change
#: may be refused there.
REFUSE_REPEATS = {"twitter": N_("X refuses the same text twice"),
                  "facebook": N_("Facebook refuses the same text right after itself")}


def repeat_warning(channel: str, every: str | None) -> str | None:
    """Why a recurring post on ``channel`` may be refused at its next occurrence, or None."""
    if not every or channel not in REFUSE_REPEATS:
        return None
    return _("{network}: an occurrence whose text has not changed may be refused; post something "
             "else between them, or change the article").format(network=_(REFUSE_REPEATS[channel]))
