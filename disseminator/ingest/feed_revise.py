"""An entry edited in place (the same GUID, a new title, text or update time) is the next
revision of the article it made, as ``article add URL`` makes one of a changed page.

For each entry of a read document that the feed already took (:func:`taken_articles`), the
entry is made an article again (:func:`feeds.entry_article`) and hashed as ``article add``
hashes one.  When no revision of that article ever had this hash, it is stored as the
article's next revision and its posts follow it (:func:`disseminator.revisions.follow`):
those not yet out are rendered again (an approved one needs approval again, as any edit),
those out are listed, never posted again.  An unchanged entry makes nothing, nor does an
entry that returns to an older text (a feed cache serving a stale copy must not undo a
correction).

What an officer may have given the article is kept: the alt text of an image the entry
still shows without one (``article alt``), an embargo, and the article's URL when the entry's
link moved (a slug renamed on the website; the old one usually redirects), with a warning.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from channels.i18n import _

from ..errors import ArticleError
from .feeds import Entry, entry_article

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store
    from ..store.feed_models import FeedRow


def revise(settings: Settings, store: Store, feed: FeedRow, entry: Entry, article_id: int,
           warnings: list[str]) -> dict[str, Any] | None:
    """Take ``entry`` (already taken as article ``article_id``) as that article's next
    revision if it changed (see the module): its ``Revised`` as a dict, with the title,
    or None.  Lines the officer should read are added to ``warnings``."""
    from ..articles import content_hash
    from ..revisions import follow

    try:
        article = entry_article(entry, feed_url=feed.url)
    except ArticleError:
        return None  # an entry that lost its title or link: the article stays as it was
    row = store.article(article_id)
    moved = bool(row.url and article.url != row.url)
    if moved:
        article = dataclasses.replace(article, url=row.url)
    if article.image and article.image == row.image and not article.image_alt and row.image_alt:
        article = dataclasses.replace(article, image_alt=row.image_alt)
    if row.embargo and not article.embargo:  # set by an officer (article add --embargo): never lifted by the feed
        article = dataclasses.replace(article, embargo=row.embargo)
    digest = content_hash(article)
    if digest in {r.content_hash for r in store.revisions(article_id)}:
        return None
    added = store.add_article(article, source=row.source or article.url, content_hash=digest)
    if added.id != article_id or added.revised_from is None:  # another article has this text: nothing to follow
        return None
    if moved:
        warnings.append(_("{url}: entry {label!r} now links to {link}; article {id} keeps {old}").format(
            url=feed.url, label=entry.label, link=str(entry.raw.get("link") or ""), id=article_id, old=row.url))
    revised = follow(settings, store, article_id)
    warnings.extend(revised.kept)
    warnings.extend(revised.published)
    return {"title": article.title, **revised.as_dict()}
