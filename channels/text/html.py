"""HTML article bodies to plain text paragraphs, with the stdlib parser only.

Block elements become paragraph breaks, ``<br>`` and table rows line breaks, list items
lines prefixed with ``• `` (or ``1. ``, ``2. `` inside ``<ol>``); scripts, styles and
other non-content elements vanish with their contents; whitespace inside text folds to
one space as a browser would show it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements whose contents are never shown to a reader.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "title"})
# Elements that start and end a paragraph.
_BLOCKS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
        "article", "header", "footer", "aside", "main", "figure", "figcaption",
        "ul", "ol", "table", "pre", "hr", "dl", "address", "form", "fieldset", "nav",
    }
)
# Elements that end a line.
_LINES = frozenset({"br", "tr", "dt", "dd", "caption"})
_CELLS = frozenset({"td", "th"})

# Private-use markers for breaks we make, so that folding source whitespace keeps them.
_LINE = "\ue000"
_PARA = "\ue001"
_SPACE_RE = re.compile(r"\s+")
_TAG_RE = re.compile(r"<[A-Za-z!/?]")


class _TextCollector(HTMLParser):
    """Collects visible text with break markers; see :func:`html_to_text`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next number]
        self.bullet = ""  # written before the first text of the current list item

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in ("ul", "ol"):
            self.parts.append(self._block_break())
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            self.parts.append(_LINE)
            self.bullet = self._bullet()
        elif tag in _BLOCKS:
            self.parts.append(self._block_break())
        elif tag in _LINES:
            self.parts.append(_LINE)
        elif tag in _CELLS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and <hr/> must not count as opening a hidden element.
        if tag in _HIDDEN:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.parts.append(self._block_break())
        elif tag in _BLOCKS:
            self.parts.append(self._block_break())
        elif tag in _LINES or tag == "li":
            self.parts.append(_LINE)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.bullet and data.strip():
            self.parts.append(self.bullet)
            self.bullet = ""
        self.parts.append(_SPACE_RE.sub(" ", data))

    def _block_break(self) -> str:
        # Inside a list, a paragraph or nested list only starts a new line, so the items
        # stay together.
        return _LINE if self.lists else _PARA

    def _bullet(self) -> str:
        if not self.lists or not self.lists[-1][0]:
            return "• "
        number = self.lists[-1][1]
        self.lists[-1][1] += 1
        return f"{number}. "


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or page; raises nothing.

    Entities are decoded; tags removed; script, style, noscript, template and title
    contents dropped; block elements (p, div, h1-h6, blockquote, li, ...) become
    paragraphs, ``<br>`` and ``<tr>`` line breaks; at most one blank line between
    paragraphs; the result is stripped.  Text with no tag is only entity-decoded and
    stripped, so its own line breaks survive.
    """
    if not _TAG_RE.search(markup):
        return html.unescape(markup).strip()
    parser = _TextCollector()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines: list[str] = []
    for paragraph in text.split(_PARA):
        rows = [" ".join(row.split()) for row in paragraph.split(_LINE)]
        block = "\n".join(row for row in rows if row)
        if block:
            lines.append(block)
    return "\n\n".join(lines)
