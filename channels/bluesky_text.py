"""Bluesky's text rules: lengths, rich-text facets and record keys.

* A post's text is at most 300 graphemes and 3,000 bytes of UTF-8 (the
  ``app.bsky.feed.post`` lexicon: ``maxGraphemes: 300``, ``maxLength: 3000``).
* Links, mentions and hashtags are not found by the network: the record carries
  *facets*, each a ``[byteStart, byteEnd)`` range in **UTF-8 bytes** of the text
  (docs.bsky.app, "Links, mentions, and rich text"), a mention pointing at a DID.
* A record key (rkey) of a post is a TID: 13 characters of base32-sortable, a 64-bit
  number of 53 bits of microseconds since 1970 and 10 bits of clock id
  (atproto.com/specs/tid).  We choose it before the write, from what the store keeps
  of the post, so a retry after a lost answer writes the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import regex

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
#: A hashtag facet's tag: at most 64 graphemes (lexicon app.bsky.richtext.facet#tag).
MAX_TAG_GRAPHEMES = 64
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_GRAPHEME = regex.compile(r"\X")
#: A handle is a domain name of two labels or more (atproto.com/specs/handle), after an
#: "@" at the start, after a space or an opening bracket.
_MENTION = re.compile(r"(?:(?<=^)|(?<=[\s(\[]))@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                      r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)")


def graphemes(text: str) -> int:
    """How many grapheme clusters ``text`` has (what Bluesky counts as characters)."""
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def fitting_measure(text: str) -> int:
    """One number for both limits, for fitting a text to 300: graphemes, or a tenth of the
    bytes when that is more (3,000 bytes / 10 = 300), so a text that measures 300 or less
    keeps both limits."""
    return max(graphemes(text), -(-utf8_bytes(text) // 10))


def too_long(text: str) -> str | None:
    """Which limit ``text`` breaks, in English words for a message, or None."""
    if graphemes(text) > MAX_GRAPHEMES:
        return "graphemes"
    if utf8_bytes(text) > MAX_BYTES:
        return "bytes"
    return None


# --------------------------------------------------------------------------- facets


@dataclass(frozen=True)
class Facet:
    """One facet: its byte range, its kind (``link``, ``mention``, ``tag``) and value (a
    URI, a handle to resolve to a DID, a tag without "#")."""

    byte_start: int
    byte_end: int
    kind: str
    value: str


def _byte_range(text: str, start: int, end: int) -> tuple[int, int]:
    begin = utf8_bytes(text[:start])
    return begin, begin + utf8_bytes(text[start:end])


def find_facets(text: str) -> list[Facet]:
    """The links, mentions and hashtags of ``text`` with UTF-8 byte offsets, in order.

    Links are found as twitter-text finds them (with or without ``https://``; one
    without gets it in the facet's URI); a hashtag inside a link is not a tag; a tag of
    more than 64 graphemes or of digits only is left plain.
    """
    from .text import extract_hashtags_with_indices, extract_urls_with_indices

    found: list[Facet] = []
    urls = extract_urls_with_indices(text)
    for url in urls:
        raw = text[url.start:url.end]
        uri = raw if re.match(r"(?i)https?://", raw) else f"https://{raw}"
        found.append(Facet(*_byte_range(text, url.start, url.end), "link", uri))
    for match in _MENTION.finditer(text):
        if any(u.start <= match.start() < u.end for u in urls):
            continue
        found.append(Facet(*_byte_range(text, match.start(), match.end()), "mention", match.group(1).lower()))
    for tag in extract_hashtags_with_indices(text):
        value = text[tag.start + 1:tag.end]
        if value.isdigit() or graphemes(value) > MAX_TAG_GRAPHEMES:
            continue
        found.append(Facet(*_byte_range(text, tag.start, tag.end), "tag", value))
    return sorted(found, key=lambda f: f.byte_start)


# --------------------------------------------------------------------------- record keys


def tid(micros: int, clock_id: int) -> str:
    """The TID of ``micros`` (microseconds since 1970) and ``clock_id`` (0-1023)."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    out = []
    for _i in range(13):
        out.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def is_tid(value: str) -> bool:
    """Whether ``value`` has a TID's syntax (13 characters, the first at most "j")."""
    return bool(re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", value))


def rkey_for(key: str, index: int) -> str:
    """The record key of part ``index`` of the post the store calls ``key``.

    ``key`` is :attr:`channels.base.Draft.key`, ``"<post id>:<created, µs since 1970>"``:
    the time is the post's creation plus the part's index in microseconds, the clock id
    the post id modulo 1024, so two posts of one account never share a key unless created
    in the same microsecond with ids 1024 apart.  Another shape of key is hashed.
    """
    post, _sep, created = key.partition(":")
    if post.isdigit() and created.isdigit():
        return tid(int(created) + index, int(post) % 1024)
    digest = int.from_bytes(hashlib.sha256(f"{key}/{index}".encode()).digest()[:8], "big")
    return tid(digest >> 11, digest & 0x3FF)


def fresh_rkey(now: dt.datetime) -> str:
    """A record key for a draft the store does not know (no :attr:`Draft.key`)."""
    import os

    micros = int(now.timestamp() * 1_000_000)
    return tid(micros, int.from_bytes(os.urandom(2), "big") % 1024)
