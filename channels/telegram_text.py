"""Telegram's HTML formatting: escaping, the tags it takes, and length as Telegram counts.

With ``parse_mode=HTML`` the Bot API turns the markup into plain text plus entities and
applies its limits (4,096 for a message, 1,024 for a caption) to that text, counted in
UTF-16 code units: the tags do not count, ``&amp;`` counts as one, an emoji outside the
Basic Multilingual Plane as two.  Its documented rules (core.telegram.org/bots/api,
"HTML style"): every ``<``, ``>`` and ``&`` that is not part of a tag or an entity must be
written ``&lt;``, ``&gt;``, ``&amp;``; the named entities it knows are those three and
``&quot;``, numeric ones are all accepted; tags must be closed and properly nested.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

#: The tags Telegram's HTML style accepts (``span`` only as ``class="tg-spoiler"``).
TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                  "tg-emoji", "code", "pre", "blockquote"})
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def escape(text: str) -> str:
    """``text`` safe as Telegram HTML: ``&``, ``<`` and ``>`` written as entities (quotes
    need none outside an attribute)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def href(url: str) -> str:
    """``url`` safe inside ``href="..."``: escaped, and a double quote percent-encoded."""
    return escape(url.replace('"', "%22"))


def visible(markup: str) -> str:
    """The text Telegram shows for ``markup``: tags removed, entities resolved."""
    return html.unescape(_TAG.sub("", markup))


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def length(markup: str) -> int:
    """The length Telegram measures for ``markup`` (UTF-16 units of :func:`visible`)."""
    return utf16_length(visible(markup))


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problem: str | None = None

    def _fail(self, problem: str) -> None:
        self.problem = self.problem or problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self._fail(f"unsupported tag <{tag}>")
        elif tag == "a" and not dict(attrs).get("href"):
            self._fail("<a> without href")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self._fail(f"</{tag}> does not close the last open tag")
        else:
            self.open.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self._fail(f"unsupported entity &{name};")


def problem(markup: str) -> str | None:
    """What Telegram would refuse in ``markup`` ("can't parse entities"), or None."""
    if "&" in _ENTITY.sub("", markup):
        return "a bare & (write &amp;)"
    if re.search(r"<(?![a-zA-Z/])", markup):
        return "a bare < (write &lt;)"
    if ">" in _TAG.sub("", markup):
        return "a bare > (write &gt;)"
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    if checker.problem is None and checker.open:
        return f"<{checker.open[-1]}> is not closed"
    return checker.problem
