"""Alt text given to an article's image after the fact (``article alt``): the article's
next revision, which its posts follow (:func:`disseminator.revisions.follow`).

An article from a feed or a page often has an image without alt text, and with
``require_alt_text`` (the default) its posts cannot be approved without one: a feed in
``queue`` mode keeps such posts awaiting approval instead of sending them
(:mod:`disseminator.ingest.feed_fanout`).  :func:`missing_alt` says which posts wait so,
:func:`set_alt` gives the image its text, and ``approve`` then lets the posts go.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from .articles import CAPS
from .errors import UserError

if TYPE_CHECKING:
    from .config import Settings
    from .revisions import Revised
    from .store import Store


def missing_alt(media: Sequence[Any] | None) -> list[int]:
    """The images (from 1) of a post's ``media`` (records or :class:`Media`) without alt text."""
    def alt(m: Any) -> str:
        return str((m.get("alt") if isinstance(m, dict) else getattr(m, "alt", None)) or "").strip()

    return [n for n, m in enumerate(media or [], 1) if not alt(m)]


def command(article_id: int) -> str:
    """The command that gives article ``article_id``'s image its alt text, to show officers."""
    return _("disseminator article alt {id} \"TEXT\"").format(id=article_id)


def set_alt(settings: Settings, store: Store, article_id: int, text: str) -> Revised:
    """Give article ``article_id``'s image the alt text ``text`` (a new revision; its posts
    not yet out carry it).  Raises :class:`UserError` for an empty or too long text, an
    article without an image or URL, and :class:`NotFound` for an unknown article."""
    from .articles import content_hash
    from .revisions import Revised, follow

    alt = " ".join(text.split())
    if not alt:
        raise UserError(_("alt text is empty: describe what the image shows, e.g. "
                          "\"Presiden meresmikan Bendungan Jragung\""))
    if len(alt) > CAPS["image_alt"]:
        raise UserError(_("alt text has {n} characters; at most {most} are kept").format(
            n=len(alt), most=CAPS["image_alt"]))
    row = store.article(article_id)
    if not row.image:
        raise UserError(_("article {id} has no image, so it needs no alt text").format(id=article_id))
    if not row.url:  # a revision is found by its URL (Store.add_article)
        raise UserError(_("article {id} has no URL: give its file an image_alt and add it again "
                          "('disseminator article add FILE')").format(id=article_id))
    newest = _newest(store, row.url)
    if newest != article_id:
        raise UserError(_("article {id} is not the newest article of {url}: give the alt text to article "
                          "{newest}").format(id=article_id, url=row.url, newest=newest))
    article = dataclasses.replace(store.to_article(row), image_alt=alt)
    digest = content_hash(article)
    if digest == row.content_hash:  # the same text again: no revision, nothing for its posts to follow
        return Revised(article_id, int(row.revision or 1), changed=[])
    store.add_article(article, source=row.source, content_hash=digest, fetched_at=row.fetched_at)
    return follow(settings, store, article_id)


def _newest(store: Store, url: str) -> int | None:
    """The article a new revision of ``url`` goes to (as :meth:`Store.add_article` finds it)."""
    from sqlalchemy import select

    from .store.article_models import ArticleRow

    with store.session() as s:
        return s.scalar(select(ArticleRow.id).where(ArticleRow.url == url).order_by(ArticleRow.id.desc()).limit(1))
