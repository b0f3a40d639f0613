"""Embargoes: an article that may not be published before a time ("not before").

An article carries ``embargo`` (front matter, a JSON field, or ``article add --embargo
WHEN``).  No post of it goes out earlier, whatever its schedule says: the claim's hold
clause (:func:`disseminator.holds.blocking`) leaves a post whose article is under embargo
where it is, so the rule lives in the one guarded UPDATE and nowhere else.  The post keeps
its own time; a new revision of the article that moves or lifts the embargo applies to its
queued posts at once (the claim reads the article's current row).  An embargo never
cancels anything, and the time a post waited for it never makes it ``missed``
(:mod:`disseminator.missed` counts lateness from the embargo's end).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, exists, select

from channels.i18n import _

from .errors import ArticleError
from .fieldtime import field_time
from .store import ArticleRow, PostRow

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from .store import Store


def embargoed(after: dt.datetime) -> ColumnElement[bool]:
    """A clause true for posts whose article's embargo ends after ``after`` (one look-up
    by the article's primary key)."""
    return exists().where(ArticleRow.id == PostRow.article_id, ArticleRow.embargo > after)


def read(value: Any, where: str, tz: ZoneInfo | dt.tzinfo | None = None) -> dt.datetime | None:
    """An article's ``embargo`` field (ISO 8601 text, or a YAML date or time) as an aware
    time; a time without an offset is read in ``tz`` (left naive without it: the catalog
    reads it in the configured zone).  None when empty.
    Raises :class:`~disseminator.errors.ArticleError` naming ``where`` for anything else."""
    when = field_time(
        value,
        not_iso=lambda text: ArticleError(_("{where}: embargo: {value!r} is not a time (expected ISO 8601, e.g. "
                                            "2026-12-01T09:00+07:00)").format(where=where, value=text[:60])),
        not_time=lambda kind: ArticleError(_("{where}: embargo: expected a time such as 2026-12-01T09:00+07:00, got {type}").format(
            where=where, type=kind.__name__)),
        out_of_range=lambda year: ArticleError(_("{where}: embargo: year {year} is out of range (1900 to 2999)").format(
            where=where, year=year)))
    if when is None:
        return None
    return when if when.tzinfo or tz is None else when.replace(tzinfo=tz)


def ends(store: Store, article_ids: list[int], now: dt.datetime) -> dict[int, dt.datetime]:
    """The articles of ``article_ids`` under embargo at ``now``, with its end (one query)."""
    if not article_ids:
        return {}
    with store.session() as s:
        rows = s.execute(select(ArticleRow.id, ArticleRow.embargo)
                         .where(ArticleRow.id.in_(sorted(set(article_ids))), ArticleRow.embargo > now))
        return {int(i): when for i, when in rows if when is not None}


def parse_option(text: str, tz: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """``article add --embargo WHEN``: a time as ``schedule --at`` reads it, in the future.
    Raises :class:`~disseminator.errors.ScheduleError` with one line otherwise."""
    from .errors import ScheduleError
    from .timeparse import parse_when
    from .timeshow import show

    try:
        when = parse_when(text, tz=tz, now=now)
    except ScheduleError as exc:
        raise ScheduleError(_("--embargo: {problem}").format(problem=exc.message)) from None
    if when <= now:
        raise ScheduleError(_("--embargo: {when} is past; give a time to come").format(when=show(when, tz)))
    return when


def waiting(store: Store, *, due_by: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Scheduled posts due by ``due_by`` that an embargo keeps back: how many, and the
    soonest embargo end among them (one grouped query)."""
    from sqlalchemy import func

    from .store import PostStatus

    now = store.clock.now()
    with store.session() as s:
        n, soonest = s.execute(
            select(func.count(), func.min(ArticleRow.embargo))
            .select_from(PostRow).join(ArticleRow, ArticleRow.id == PostRow.article_id)
            .where(PostRow.status == PostStatus.SCHEDULED, PostRow.next_attempt_at <= due_by, ArticleRow.embargo > now)
        ).one()
    if soonest is not None and soonest.tzinfo is None:
        soonest = soonest.replace(tzinfo=dt.timezone.utc)
    return int(n or 0), soonest
