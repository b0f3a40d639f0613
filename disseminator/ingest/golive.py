"""The go-live check: a post that links to a web page goes out only once that page is public.

A release is often queued before the website publishes it (or while it is still behind a
login or an embargo page).  Right before the first write of a post whose article was read
from a web page or a feed entry (its ``source`` is an http(s) URL), the worker asks
:func:`check`: one GET of the article's URL under the installation's fetch policy, with a
short deadline (:data:`DEADLINE`, or the policy's if shorter).  The page is **live** when:

- it answers 200 with HTML (redirects followed: at most five, each address checked), and
- it is the article's page: the URL it ended at, its ``<link rel=canonical>`` or its
  ``og:url`` is the article's URL (or the URL it was read from), and
- it shows the article: the article's title is in the page's ``og:title``, ``<title>`` or
  first heading (or one of those, at least :data:`MIN_TITLE` characters, is in the title).

A login page, an embargo notice, a 404 or a 5xx is not live: the post goes back to the
queue uncounted (error kind :data:`KIND`, the reason in English, shown translated) and is
checked again after :func:`next_check` (backoff: half the time it has waited so far, from
30 seconds to 15 minutes); nothing is written to the network meanwhile.

Per account, ``golive_check = false`` turns it off (``[accounts.NAME]``); it is on by
default.  A post of an article read from a file is never checked.  A live answer is
remembered for :data:`REMEMBER` so the accounts that carry one article in the same minute
ask the website once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from channels.i18n import N_

if TYPE_CHECKING:
    from channels.address_policy import FetchPolicy

    from ..config import Settings
    from ..store import PostRow, Store

__all__ = ["DEADLINE", "KIND", "applies", "check", "gate", "judge", "next_check"]

#: The error kind of a post that waits for its page (``queue --json``'s ``error_kind``).
KIND = "not_live"
#: The longest one check may take (the post's claim is held meanwhile).
DEADLINE = 10.0
#: Shortest page title that counts when it is inside the article's title (a site that
#: shortens long titles); shorter ones ("Berita", "Masuk") never match that way.
MIN_TITLE = 12
#: How long a live answer is reused.
REMEMBER = 60.0
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)

log = logging.getLogger("disseminator.golive")
_live: dict[str, float] = {}
_lock = threading.Lock()

# Reasons are stored in English and shown translated (channels.i18n.stored).
NOT_FOUND = N_("its article page {url} is not public yet (HTTP {status})")
ELSEWHERE = N_("its article page {url} led to another page ({final}), perhaps a login or embargo page")
OTHER_TITLE = N_("its article page {url} does not show the article yet (the page's title is {title!r})")
UNREACHABLE = N_("its article page {url} could not be checked ({reason})")


def gate(settings: Settings, store: Store, post: PostRow) -> tuple[dt.datetime, str] | None:
    """For the worker, right before a post's first write: None when it may go (no check
    applies, or its page is live); else when to look again and why not (English, stored)."""
    from sqlalchemy import inspect

    loaded = "article_row" not in inspect(post).unloaded  # the claim loads it with the post
    article = (post.article_row if loaded else None) or store.article(post.article_id)
    if not applies(article.source, settings.accounts.get(post.account, {})):
        return None
    why = check(article.url or article.source or "", title=article.title, source=article.source,
                policy=settings.fetch_policy)
    if why is None:
        return None
    log.info("post.not_live post=%s account=%s", post.id, post.account)
    return next_check(scheduled_at=post.scheduled_at, now=store.clock.now()), why


def applies(source: str | None, account_settings: Mapping[str, Any]) -> bool:
    """Whether a post of an article read from ``source`` is checked for ``account_settings``."""
    if account_settings.get("golive_check", True) is False:
        return False
    return bool(source) and re.match(r"https?://", source or "", re.I) is not None


def check(url: str, *, title: str, source: str | None, policy: FetchPolicy) -> str | None:
    """None when the article's page at ``url`` is live (see the module); else why not, in
    English (stored with the post)."""
    from channels.fetch import FetchError, Fetcher, HTTPStatusError

    from .page import HTML_TYPES, decode_html

    with _lock:
        seen = _live.get(url)
    if seen is not None and time.monotonic() - seen < REMEMBER:
        return None
    try:
        with Fetcher(policy) as fetcher:
            got = fetcher.get(url, max_bytes=policy.max_page_bytes, timeout=min(DEADLINE, policy.timeout),
                              accept="text/html,application/xhtml+xml;q=0.9", types=HTML_TYPES)
    except HTTPStatusError as exc:
        return NOT_FOUND.format(url=url, status=exc.status)
    except FetchError as exc:
        return UNREACHABLE.format(url=url, reason=exc.reason)
    html, _charset = decode_html(got.body, got.content_type)
    reason = judge(html, final_url=got.url, url=url, title=title, source=source)
    if reason is None:
        with _lock:
            _live[url] = time.monotonic()
    return reason


def judge(html: str, *, final_url: str, url: str, title: str, source: str | None) -> str | None:
    """Whether the page ``html`` (which came from ``final_url``) is the article's page
    (``url``, read from ``source``) showing its ``title``: None, else why not."""
    from .extract import identity

    urls, titles = identity(html, url=final_url)
    ours = {_same(u) for u in (url, source) if u}
    if not ours & {_same(u) for u in (final_url, *urls)}:
        return ELSEWHERE.format(url=url, final=final_url)
    wanted = _words(title)
    for shown in titles:
        have = _words(shown)
        if wanted and (wanted in have or (len(have) >= MIN_TITLE and have in wanted)):
            return None
    return OTHER_TITLE.format(url=url, title=titles[0] if titles else "")


def next_check(*, scheduled_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a post that waits for its page is checked again: after half the time it has
    waited since it was due, at least :data:`FIRST_WAIT` and at most :data:`LONGEST_WAIT`."""
    waited = max(now - scheduled_at, dt.timedelta(0))
    return now + min(max(waited / 2, FIRST_WAIT), LONGEST_WAIT)


def _same(url: str) -> str:
    """``url`` as compared: scheme and host lower case, no fragment, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https" if parts.scheme.lower() == "http" else parts.scheme.lower(), parts.netloc.lower(),
                       path, parts.query, ""))


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
