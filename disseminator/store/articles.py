"""Articles and their revisions: the store's facet that knows about sources.

A facet of :class:`disseminator.store.Store` (:mod:`.facet`), whose sessions and clock it uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import select

from channels.base import Article, Media
from channels.i18n import _

from ..errors import NotFound
from .article_models import ArticleRow, RevisionRow
from .facet import StoreFacet


class ArticleAdded(NamedTuple):
    """What :meth:`Store.add_article` did."""

    id: int
    created: bool
    #: The revision this one replaced (None: a new article, or the same content again).
    revised_from: int | None


def _article_fields(article: Article) -> dict[str, Any]:
    """An article's fields as JSON values (what a revision keeps and compares)."""
    return {
        "title": article.title, "url": article.url, "summary": article.summary, "body": article.body,
        "image": article.image, "image_alt": article.image_alt,
        "gallery": [{"url": m.url, "alt": m.alt} for m in article.gallery], "tags": list(article.tags),
        "author": article.author, "published_at": _iso(article.published), "embargo": _iso(article.embargo),
    }


def _iso(when: dt.datetime | None) -> str | None:
    """A time as compared between revisions: in UTC when it has an offset, so the same
    moment written as +07:00 (a page) and read back as UTC (the database) is no change."""
    if when is None:
        return None
    return (when.astimezone(dt.timezone.utc) if when.tzinfo else when).isoformat()


class ArticleStore(StoreFacet):
    """Article reads and writes (a mixin of :class:`Store`)."""

    def add_article(self, article: Article, *, source: str | None, content_hash: str,
                    fetched_at: dt.datetime | None = None) -> ArticleAdded:
        """Store ``article``: the same content twice is one row (``created`` false).
        ``fetched_at``: when its web page was read (an article from a file has none).

        An article with the same canonical URL but new content becomes the next revision
        of that row (``revised_from`` is the revision it replaced); every revision is kept
        with the fields that changed (:meth:`revisions`).
        """
        now = self.clock.now()
        fields = _article_fields(article)
        with self.session() as s:
            existing = s.scalar(select(ArticleRow).where(ArticleRow.content_hash == content_hash))
            if existing is not None:
                return ArticleAdded(existing.id, False, None)
            row = None
            if article.url:
                row = s.scalar(
                    select(ArticleRow).where(ArticleRow.url == article.url).order_by(ArticleRow.id.desc())
                )
            created = row is None
            before: dict[str, Any] = {}
            embargo_before = None if row is None else row.embargo
            if row is None:
                row = ArticleRow(created_at=now, revision=1)
                s.add(row)
            else:
                before = _article_fields(self.to_article(row))
                row.revision += 1
            row.source = source
            row.url = article.url
            row.title = article.title
            row.summary = article.summary
            row.body = article.body
            row.image = article.image
            row.image_alt = article.image_alt
            row.gallery = [{"url": m.url, "alt": m.alt} for m in article.gallery]
            row.tags = list(article.tags)
            row.author = article.author
            row.published_at = _aware(article.published)
            row.embargo = _aware(article.embargo)
            row.content_hash = content_hash
            row.fetched_at = fetched_at
            row.updated_at = now
            s.flush()
            changed = [k for k in fields if before and before.get(k) != fields[k]]
            s.add(RevisionRow(article_id=row.id, revision=row.revision, content_hash=content_hash, fields=fields,
                              changed=changed, source=source, created_at=now))
            if row.embargo != embargo_before:  # in the record, in this revision's own transaction
                from .record import article_embargo

                article_embargo(s, article_id=row.id, revision=row.revision, at=now, until=row.embargo)
            return ArticleAdded(row.id, created, None if created else row.revision - 1)

    def revisions(self, article_id: int) -> list[RevisionRow]:
        """Every revision of the article, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(RevisionRow).where(RevisionRow.article_id == article_id)
                                  .order_by(RevisionRow.revision)))

    def article(self, article_id: int) -> ArticleRow:
        with self.session() as s:
            # An id no INTEGER column (32 bits on PostgreSQL) holds names no row; asked, the driver overflows.
            row = s.get(ArticleRow, article_id) if 0 < article_id < 2**31 else None
            if row is None:
                raise NotFound(_("no article with id {id} (see 'disseminator article list')").format(id=article_id))
            return row

    def articles(self) -> list[ArticleRow]:
        with self.session() as s:
            return list(s.scalars(select(ArticleRow).order_by(ArticleRow.id)))

    @staticmethod
    def to_article(row: ArticleRow) -> Article:
        return Article(
            title=row.title,
            url=row.url,
            summary=row.summary,
            body=row.body or "",
            image=row.image,
            image_alt=row.image_alt,
            gallery=tuple(Media.from_record(m) for m in row.gallery or ()),
            tags=tuple(row.tags or ()),
            published=row.published_at,
            author=row.author,
            embargo=row.embargo,
        )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

