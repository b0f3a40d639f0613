"""From an article to a post's text: template variables, then fitting the network's limit.

Every channel renders its template with the same variables (see
:data:`channels.templates.TEMPLATE_VARIABLES`).  When the result is too long, :func:`fit`
gives things up in the order a comms officer would: hashtags beyond the account's own
first, then the summary is shortened (or dropped when little would be left), then the
title, then the account's own hashtags, and as the last resort the whole text is cut at
a word boundary.  Each step that fires leaves a warning.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import compose
from .base import Account, Article, Context, Rejected
from .i18n import _

#: A summary shortened to fewer characters than this is dropped instead.
MIN_SUMMARY = 40


@dataclass(frozen=True)
class Fields:
    """The parts of a post that fitting may shorten or drop."""

    title: str
    summary: str
    body: str
    link: str | None
    own_tags: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    link_phrase: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hashtags(self) -> list[str]:
        return [*self.own_tags, *self.tags]


def fields_for(
    article: Article, account: Account, *, max_tags: int | None = None, body: bool = False, summary_from_body: bool = True
) -> Fields:
    """The article's text for ``account``: plain text, its link with UTM, its hashtags.

    ``body`` passes the whole body to the template; ``summary_from_body`` lets the body's
    first paragraph stand in for a missing summary (off where the whole body is shown).
    """
    own = account.get("hashtags") or []
    own_tags = _hashtags(tuple([own] if isinstance(own, str) else own))
    taken = {o.lower() for o in own_tags}
    tags = [t for t in _hashtags(tuple(article.tags)) if t.lower() not in taken]
    if max_tags is not None:
        own_tags, tags = own_tags[:max_tags], tags[: max(0, max_tags - len(own_tags))]
    return Fields(
        title=compose.title(article),
        summary=compose.summary(article) if summary_from_body else compose.plain(article.summary),
        body=compose.plain(article.body) if body else "",
        link=compose.link(article, account),
        own_tags=tuple(own_tags),
        tags=tuple(tags),
        extra={"author": article.author or "", "published": article.published, "article_tags": list(article.tags)},
    )


@functools.lru_cache(maxsize=256)
def _hashtags(tags: tuple[str, ...]) -> list[str]:
    from .text import hashtags_from_tags

    return hashtags_from_tags(tags)


def renderer(channel: str, account: Account, context: Context | None, *,
             default: Path | None = None) -> Callable[[Fields], str]:
    """A function rendering ``channel``'s template (or the account's own) from Fields.

    ``default`` is the template used when the account names none, for a channel whose
    default is not shipped here (a channel in a package of its own ships its own file).
    A template problem becomes :class:`Rejected` naming the template and line.
    """
    from .templates import TemplateProblem, load_template

    override = account.get("template") or default
    search = [context.base_dir] if context else []
    try:
        template = load_template(channel, override=str(override) if override else None, search_dirs=search)
    except TemplateProblem as exc:
        raise Rejected(str(exc)) from None

    def render(f: Fields) -> str:
        variables = {
            "title": f.title,
            "summary": f.summary,
            "body": f.body,
            "link": f.link or "",
            "hashtags": f.hashtags,
            "tags": f.extra.get("article_tags", []),
            "author": f.extra.get("author", ""),
            "published": f.extra.get("published"),
            "account": account.name,
            "link_phrase": f.link_phrase,
        }
        try:
            return template(variables)
        except TemplateProblem as exc:
            raise Rejected(str(exc)) from None

    return render


def fit(
    render: Callable[[Fields], str],
    fields: Fields,
    *,
    measure: Callable[[str], int],
    limit: int,
    warnings: list[str],
    network: str,
) -> str:
    """The fullest rendering of ``fields`` that measures at most ``limit``.

    Each rendering is measured once: with a long article every render and measure goes
    over the whole text, so the steps below reuse the last one instead of redoing it.
    """
    from .text import truncate

    text = render(fields)
    size = measure(text)
    if size <= limit:
        return text
    f = fields
    # 1. Hashtags from the article: as many as fit, in order; the account's own stay.
    if f.tags:
        kept: list[str] = []
        # When not even one article hashtag fits, skip trying each of them.
        bare_text = render(dataclasses.replace(f, tags=()))
        bare = measure(bare_text)
        for tag in f.tags if bare < limit else ():
            trial = dataclasses.replace(f, tags=(*kept, tag))
            if measure(render(trial)) <= limit:
                kept.append(tag)
        dropped = len(f.tags) - len(kept)
        f = dataclasses.replace(f, tags=tuple(kept))
        if dropped:
            warnings.append(_("{n} hashtag(s) left out to fit {network}'s {limit} characters").format(
                n=dropped, network=network, limit=limit))
        if kept:
            text = render(f)
            size = measure(text)
        else:
            text, size = bare_text, bare
        if size <= limit:
            return text
    # 2. The summary (and body), shortened, or dropped when little would be left.
    for name in ("body", "summary"):
        value = getattr(f, name)
        if not value:
            continue
        over = size - limit
        room = measure(value) - over
        short = truncate(value, room, measure=measure) if room >= MIN_SUMMARY else ""
        f = dataclasses.replace(f, body=short) if name == "body" else dataclasses.replace(f, summary=short)
        warnings.append(_fitted(name, short).format(network=network, limit=limit))
        text = render(f)
        size = measure(text)
        if size <= limit:
            return text
    # 3. The title.
    over = size - limit
    room = measure(f.title) - over
    if room > 0:
        f = dataclasses.replace(f, title=truncate(f.title, room, measure=measure))
        warnings.append(_("title shortened to fit {network}'s {limit} characters").format(network=network, limit=limit))
        text = render(f)
        if measure(text) <= limit:
            return text
    # 4. The account's own hashtags, then a plain cut as the last resort.
    if f.own_tags:
        f = dataclasses.replace(f, own_tags=())
        warnings.append(_("the account's own hashtags left out: nothing else fits"))
        text = render(f)
        if measure(text) <= limit:
            return text
    warnings.append(_("text cut to {network}'s {limit} characters").format(network=network, limit=limit))
    return truncate(text, limit, measure=measure)


def _fitted(name: str, short: str) -> str:
    """The warning (to format with ``network`` and ``limit``) for the body or summary
    shortened (``short`` is what is left) or left out."""
    if name == "body" and short:
        return _("body shortened to fit {network}'s {limit} characters")
    if name == "body":
        return _("body left out to fit {network}'s {limit} characters")
    if short:
        return _("summary shortened to fit {network}'s {limit} characters")
    return _("summary left out to fit {network}'s {limit} characters")
