"""Mastodon's character count, as its ``StatusLengthValidator`` counts a status.

Mastodon (app/validators/status_length_validator.rb, 4.x) counts grapheme clusters
(``each_grapheme_cluster``) of the text after two rewrites: every URL *with a protocol*
(``extract_url_without_protocol: false``) counts as ``characters_reserved_per_url``
characters (23 by default, read from the instance), and a mention ``@user@domain``
counts as ``@user`` only (the domain is free).  A URL or mention inside another entity
is not counted twice (``remove_overlapping_entities``).
"""

from __future__ import annotations

import regex

from .text import extract_urls_with_indices

#: What a URL counts when the instance does not say (``characters_reserved_per_url``).
URL_CHARS = 23
#: Account::MENTION_RE: ``@username`` with an optional ``@domain``, not after a word
#: character, ``=`` or ``/`` (so not inside an e-mail address or a URL path).
MENTION = regex.compile(
    r"(?<![=/\p{L}\p{M}\p{Nd}\p{Pc}])@((?:[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@[\p{L}\p{M}\p{Nd}\p{Pc}.-]+[\p{L}\p{M}\p{Nd}\p{Pc}]+)?)",
    regex.IGNORECASE,
)


def _entities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for the URLs and mentions Mastodon shortens, in order."""
    found: list[tuple[int, int, str]] = []
    for url in extract_urls_with_indices(text):
        if text[url.start:url.end].lower().startswith(("http://", "https://")):
            found.append((url.start, url.end, "url"))
    for match in MENTION.finditer(text):
        found.append((match.start(), match.end(), "@" + match.group(1).split("@")[0]))
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for entity in found:  # remove_overlapping_entities: the earlier one wins
        if not kept or entity[0] >= kept[-1][1]:
            kept.append(entity)
    return kept


def countable(text: str, *, url_chars: int = URL_CHARS) -> str:
    """``text`` as Mastodon counts it: URLs as ``url_chars`` x's, mentions without domain."""
    out: list[str] = []
    at = 0
    for start, end, replacement in _entities(text):
        out.append(text[at:start])
        out.append("x" * url_chars if replacement == "url" else replacement)
        at = end
    out.append(text[at:])
    return "".join(out)


def status_length(text: str, *, url_chars: int = URL_CHARS) -> int:
    """The length of a status as Mastodon counts it against ``max_characters``."""
    return len(regex.findall(r"\X", countable(text, url_chars=url_chars)))

