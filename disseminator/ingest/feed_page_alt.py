"""The alt text of a feed entry's image from the entry's own page, when the feed gives none.

Many WordPress sites (Yoast, Rank Math) describe the article's picture for social networks
with ``og:image:alt`` / ``twitter:image:alt`` but leave the feed without it.  For a new
entry whose image has no alt text, the entry's link is read once (the guarded fetcher: the
address policy, and :data:`DEADLINE` or the policy's deadline if shorter, as the go-live
check) and, when the page's image is the entry's (the same file, :func:`feed_media.same_image`),
its alt text is the image's.  A page that cannot be read or names another image changes
nothing: the post then waits for an officer's alt text (:mod:`feed_fanout`).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels.base import Article

    from ..config import Settings

log = logging.getLogger("disseminator.feeds")

#: The longest wait for an entry's page (a push is answered after it: hubs wait seconds).
DEADLINE = 5.0


def with_page_alt(settings: Settings, article: Article) -> Article:
    """``article`` with its image's alt text from its page (see the module), else as it is."""
    from ..articles import CAPS
    from .extract import extract
    from .feed_media import same_image
    from .page import fetch_page

    if not article.image or (article.image_alt or "").strip() or not article.url:
        return article
    policy = settings.fetch_policy
    try:
        page = fetch_page(article.url, policy=policy, timeout=min(DEADLINE, policy.timeout))
        got = extract(page.html, url=page.final_url)
    except Exception as exc:  # noqa: BLE001 - an unreadable page only leaves the alt text to the officer
        log.debug("feeds.page_alt_unread url=%s %s: %s", article.url, type(exc).__name__, exc)
        return article
    alt = " ".join((got.image_alt or "").split())
    if not got.image or not alt or same_image(article.image, {got.image: alt}) is None:
        return article
    return dataclasses.replace(article, image_alt=alt[:CAPS["image_alt"]])
