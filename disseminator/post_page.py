"""One post as the web page shows it, what the officer may do with it, and the live check
of an edited text.

:func:`post_page` puts together what the CLI's ``post show``, ``preview --post`` and
``record show`` print: the post exactly as it will go out (its stored parts with each
part's count and the network's limit, its images and their alt text, its link), its
warnings (accessibility among them), what happens next, every call made for it and its
record.  :func:`actions` says which of the officer's moves apply to the post in its state
and are allowed by the officer's roles: the same table the CLI checks
(:data:`disseminator.officers.COMMAND_ROLES`, :func:`~disseminator.officers.check_post`).
:func:`check_text` is ``edit``'s own validation (:func:`disseminator.post_changes.checked_text`)
answering with counts instead of saving.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .officers import Officer, check_post, may_run

if TYPE_CHECKING:
    from .config import Settings
    from .store import PostRow, Store

#: Each move: the command whose role it needs, and the states it applies to.
MOVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "approve": ("approve", ("awaiting_approval",)),
    "reject": ("reject", ("awaiting_approval",)),
    "edit": ("edit", ("scheduled", "awaiting_approval")),
    "reschedule": ("reschedule", ("scheduled", "awaiting_approval")),
    "cancel": ("cancel", ("scheduled", "awaiting_approval", "missed")),
    "retry": ("retry", ("failed", "missed")),
    "unpublish": ("unpublish", ("published",)),
}
#: Moves a drafter may make only on their own posts or ones awaiting approval.
OWN_ONLY = ("edit", "reschedule", "cancel")


def actions(officer: Officer | None, row: PostRow) -> list[str]:
    """The moves ``officer`` may make on ``row`` now, in :data:`MOVES`' order."""
    allowed = []
    for move, (command, states) in MOVES.items():
        if str(row.status) not in states or not may_run(officer, command):
            continue
        if move in OWN_ONLY:
            try:
                check_post(officer, row, move)
            except UserError:
                continue
        allowed.append(move)
    return allowed


def post_page(settings: Settings, store: Store, post_id: int, *, officer: Officer | None,
              now: dt.datetime | None = None) -> dict[str, Any]:
    """One post: ``post show``'s data (:func:`disseminator.listings.post_detail`) with its
    preview (``parts``: text, count and limit of each part; ``media``; ``link``;
    ``warnings``), ``next`` (what happens to it next), ``record`` (its entries of the
    publication record) and ``actions`` (:func:`actions`).

    Raises :class:`~disseminator.errors.NotFound` for an unknown post."""
    from . import record
    from .approval import preview_post
    from .listings import post_detail
    from .views import show_human, what_next

    now = now or store.clock.now()
    data = post_detail(settings, store, post_id)
    [shown] = preview_post(settings, store, post_id).items
    data["preview"] = {
        "parts": [{"text": text, "count": count, "limit": limit, "over": limit is not None and count > limit}
                  for text, (count, limit) in zip(shown["parts"], shown["counts"])],
        "media": [{"url": url, "alt": alt} for url, alt in zip(shown["media"], shown["media_alt"])],
        "link": shown["link"],
        "hashtags": shown["hashtags"],
        "cost": shown["cost"],
    }
    data["warnings"] = list(dict.fromkeys(shown["warnings"]))
    data["next"] = what_next(data, settings.tz, now=now) if data["status"] in (
        "scheduled", "publishing", "awaiting_approval", "missed") else ""
    data["scheduled_human"] = show_human(data["scheduled_at"], settings.tz, now=now)
    data["published_human"] = show_human(data["published_at"], settings.tz, now=now)
    data["record"] = [{**record.export_row(e), "at_human": show_human(e.at, settings.tz, now=now),
                       "event_word": record.event_word(e.event)} for e in record.of_post(store, post_id)]
    data["actions"] = actions(officer, store.post(post_id))
    return data


def check_text(settings: Settings, store: Store, post_id: int, text: str) -> dict[str, Any]:
    """What ``edit`` would say of ``text`` for the post, without saving it: ``ok``, the
    ``error`` line it would refuse it with, and each part's ``count`` and ``limit``
    (the web page's live check).  Raises :class:`~disseminator.errors.NotFound`."""
    from .post_changes import _split, checked_text
    from .registry import make_channel

    row = store.post(post_id)
    channel = make_channel(settings.account(row.account, resolve=False), context=settings.context)
    parts = [p.strip() for p in _split(text) if p.strip()]
    counts = [channel.measure(p) for p in parts]
    error = None
    try:
        checked_text(settings, row, text)
    except UserError as exc:
        error = exc.message
    return {"ok": error is None, "error": error, "threads": bool(getattr(channel, "threads", False)),
            "parts": [{"count": c, "limit": lim, "over": lim is not None and c > lim} for c, lim in counts]}
