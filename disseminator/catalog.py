"""The stored articles as a client uses them: add files and web pages (all or none), list,
show, load."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .articles import content_hash, load_article
from .errors import ArticleError
from .views import article_view

if TYPE_CHECKING:
    from channels.base import Article

    from .config import Settings
    from .store import Store


class ArticlesRefused(ArticleError):
    """Article files that cannot be used; none of the files given was added."""

    def __init__(self, problems: list[str], *, several: bool) -> None:
        last = _("{problem} (no article was added)").format(problem=problems[-1]) if several else problems[-1]
        self.problems = problems[:-1] + [last]
        super().__init__(self.problems[-1])

    @property
    def lines(self) -> list[str]:
        return list(self.problems)


def add_articles(settings: Settings, store: Store, paths: list[str], *,
                 embargo: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Read every file or web page (an http(s) URL: :func:`disseminator.ingest.article_from_url`
    under the configuration's fetch policy), then store them:
    ``[{"id", "title", "created", "embargo"}]``.  ``embargo`` (``article add --embargo``)
    replaces the files' own.

    Every file and page is read first; raises :class:`ArticlesRefused` (naming each bad
    one) and adds none if any cannot be used.  The same content again is the same article
    (``created`` false); a page read again after it changed is its next revision.
    """
    from .timeshow import show

    loaded: list[tuple[str, Article, dt.datetime | None]] = []
    problems = []
    for path in paths:
        try:
            art, fetched = read_ref(settings, path, now=store.clock.now())
            art = localise(art, settings.tz)
            loaded.append((path, art if embargo is None else dataclasses.replace(art, embargo=embargo), fetched))
        except ArticleError as exc:
            problems.append(exc.message)
    if problems:
        raise ArticlesRefused(problems, several=len(paths) > 1)
    results = []
    for path, art, fetched in loaded:
        added = store.add_article(art, source=path, content_hash=content_hash(art), fetched_at=fetched)
        result: dict[str, Any] = {"id": added.id, "title": art.title, "created": added.created,
                                  "embargo": show(art.embargo, settings.tz) if art.embargo else None}
        if added.revised_from is not None:  # a changed article: its queued posts follow it
            from .revisions import follow

            result["revision"] = follow(settings, store, added.id).as_dict()
        results.append(result)
    return results


def read_ref(settings: Settings, ref: str, *, now: dt.datetime | None = None) -> tuple[Article, dt.datetime | None]:
    """The article of a file path, or of a web page (an http(s) URL), with when the page
    was fetched (None for a file).  Raises :class:`ArticleError` (one line)."""
    from .ingest import is_url

    if is_url(ref):
        from .ingest import article_from_url

        art, meta = article_from_url(ref.strip(), policy=settings.fetch_policy, now=now)
        return art, meta.fetched_at
    return load_article(ref), None


def localise(art: Article, tz: dt.tzinfo) -> Article:
    """A publication time (and an embargo) without an offset is read in the configured zone."""
    if art.published is not None and art.published.tzinfo is None:
        art = dataclasses.replace(art, published=art.published.replace(tzinfo=tz))
    if art.embargo is not None and art.embargo.tzinfo is None:
        art = dataclasses.replace(art, embargo=art.embargo.replace(tzinfo=tz))
    return art


def list_articles(settings: Settings, store: Store) -> list[dict[str, Any]]:
    """Every stored article, oldest first, without its body."""
    return [article_view(r, settings.tz, body=False) for r in store.articles()]


def show_article(settings: Settings, store: Store, article_id: int) -> dict[str, Any]:
    """One stored article with its revisions (``revisions``: revision, at, changed,
    source); raises :class:`~disseminator.errors.NotFound` for an unknown id."""
    from .timeshow import show

    data = article_view(store.article(article_id), settings.tz)
    data["revisions"] = [{"revision": r.revision, "at": show(r.created_at, settings.tz), "changed": list(r.changed),
                          "source": r.source} for r in store.revisions(article_id)]
    return data


def article_by_ref(ref: str, store: Callable[[], Store], settings: Settings | None = None) -> Article:
    """An article by id (from the database, opened only then), by path or by web page URL
    (read, not stored; a URL needs ``settings`` for the fetch policy)."""
    if _is_id(ref):
        db = store()
        return db.to_article(db.article(int(ref)))
    if settings is not None:
        return localise(read_ref(settings, ref)[0], settings.tz)
    return load_article(ref)


def article_ids(settings: Settings, store: Store, refs: Sequence[str]) -> list[int]:
    """The stored articles ``refs`` name, in order: an id (checked), or a file path, read
    and added as ``article add`` does (all or none: raises :class:`ArticlesRefused`).

    Raises :class:`~disseminator.errors.NotFound` for an unknown id, before any file is added.
    """
    ids: dict[int, int] = {}
    for i, ref in enumerate(refs):
        if _is_id(ref):
            ids[i] = store.article(int(ref)).id
    paths = [ref for i, ref in enumerate(refs) if i not in ids]
    added = iter(add_articles(settings, store, paths) if paths else [])
    return [ids[i] if i in ids else int(next(added)["id"]) for i in range(len(refs))]


def _is_id(ref: str) -> bool:
    return ref.isdigit() and not Path(ref).exists()
