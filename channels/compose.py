"""Pieces every formatter uses: the article's plain text, its hashtags, its link."""

from __future__ import annotations

import functools
import re

from .base import Account, Article

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEAD = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+)", re.M)


def plain(text: str | None) -> str:
    """Markdown or HTML source as clean text: paragraphs kept, markup dropped."""
    if not text:
        return ""
    return _plain(text)


@functools.lru_cache(maxsize=512)
def _plain(text: str) -> str:
    # Cached: the same title and summary are cleaned once for every channel.
    from .text import html_to_text

    if "<" in text or "&" in text:
        text = html_to_text(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_MARK.sub(r"\2", text)
    text = _MD_HEAD.sub("", text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def summary(article: Article) -> str:
    """The summary, or the body's first paragraph when there is none."""
    if article.summary:
        return plain(article.summary)
    body = plain(article.body)
    return body.split("\n\n", 1)[0] if body else ""


def title(article: Article) -> str:
    return plain(article.title).replace("\n\n", " ")


def link(article: Article, account: Account) -> str | None:
    """The article URL with the account's UTM parameters, if any."""
    if not article.url:
        return None
    utm = account.get("utm")
    if isinstance(utm, dict) and utm:
        from .text.links import add_utm

        return add_utm(article.url, {str(k): str(v) for k, v in utm.items()})
    return article.url
