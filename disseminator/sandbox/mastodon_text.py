"""How a Mastodon server counts a status and shows it, written apart from the channel's
own count (``channels.mastodon_text``) so that each checks the other.

Counting follows app/validators/status_length_validator.rb (Mastodon 4.x): grapheme
clusters, a URL with its protocol counts ``characters_reserved_per_url``, a mention
``@user@domain`` counts as ``@user``.  The HTML follows app/lib/text_formatter.rb: the
text escaped, paragraphs in ``<p>``, line breaks as ``<br />``, links with the invisible
and ellipsis spans, mentions as h-cards and hashtags as tag links.
"""

from __future__ import annotations

import html

import regex

# A URL as Mastodon links it: a protocol, then no space; trailing punctuation is not part of it.
_URL = regex.compile(r"https?://[^\s<>\"]+", regex.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_MENTION = regex.compile(r"(?<![=/\w])@([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(@[\w.-]+\w+)?", regex.IGNORECASE)
_TAG = regex.compile(r"(?<![=/)\w])#(\w*[\p{L}_]\w*)")


def _urls(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        url = match.group().rstrip(_TRAILING)
        if "." in url.split("://", 1)[1]:
            spans.append((match.start(), match.start() + len(url)))
    return spans


def length(text: str, *, url_chars: int = 23) -> int:
    """The status's length as the validator counts it."""
    pieces: list[str] = []
    at = 0
    for start, end in _urls(text):
        pieces.append(_MENTION.sub(lambda m: "@" + m.group(1), text[at:start]))
        pieces.append("x" * url_chars)
        at = end
    pieces.append(_MENTION.sub(lambda m: "@" + m.group(1), text[at:]))
    return len(regex.findall(r"\X", "".join(pieces)))


def _inline(text: str, instance: str) -> str:
    """One line of text as Mastodon's HTML: links, mentions and hashtags marked up."""
    out: list[str] = []
    at = 0
    for start, end in _urls(text):
        out.append(_words(text[at:start], instance))
        url = text[start:end]
        scheme, rest = url.split("://", 1)
        shown, hidden = rest[:30], rest[30:]
        ellipsis = ' class="ellipsis"' if hidden else ""
        out.append(f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
                   f'<span class="invisible">{html.escape(scheme)}://</span><span{ellipsis}>{html.escape(shown)}</span>'
                   f'<span class="invisible">{html.escape(hidden)}</span></a>')
        at = end
    out.append(_words(text[at:], instance))
    return "".join(out)


def _words(text: str, instance: str) -> str:
    escaped = html.escape(text, quote=False)

    def mention(m: regex.Match[str]) -> str:
        user, domain = m.group(1), (m.group(2) or "")[1:] or instance.split("://")[-1]
        return (f'<span class="h-card" translate="no"><a href="https://{domain}/@{user}" class="u-url mention">'
                f"@<span>{user}</span></a></span>")

    def tag(m: regex.Match[str]) -> str:
        return (f'<a href="{instance}/tags/{m.group(1).lower()}" class="mention hashtag" rel="tag">'
                f"#<span>{m.group(1)}</span></a>")

    return _TAG.sub(tag, _MENTION.sub(mention, escaped))


def to_html(text: str, instance: str) -> str:
    """A status's ``content``: paragraphs split on blank lines, line breaks kept."""
    paragraphs = [p for p in regex.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + "<br />".join(_inline(line, instance) for line in p.split("\n")) + "</p>"
                   for p in paragraphs)
