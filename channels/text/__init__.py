"""Text engine shared by every formatter: X length, entities, truncation, hashtags, HTML.

* :func:`weighted_length` / :func:`parse_tweet`: X's weighted length, twitter-text config
  v3 (NFC first; code points in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F and
  U+2032-U+2037 count 1, every other one 2; an emoji sequence counts 2; a URL 23).
  They agree with ``twitter-text-parser`` (the tests' oracle) field by field.
* ``extract_*_with_indices``: URLs, hashtags and mentions as twitter-text finds them.
* :func:`truncate`: the longest prefix that fits, cut between grapheme clusters, at a
  word boundary when the text has one, never inside a URL.
* :func:`hashtag` / :func:`hashtags_from_tags`: article tags to ``#TitleCase`` hashtags.
* :func:`html_to_text`: an HTML body to plain paragraphs.

Only ``regex`` and ``unicodedata`` (besides the stdlib ``re``) are imported here.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from math import floor

import regex

from channels.text.entities import (
    Entity,
    extract_emoji_spans,
    extract_hashtags_with_indices,
    extract_mentions_or_lists_with_indices,
    extract_mentions_with_indices,
    extract_urls_with_indices,
)
from channels.text.html import html_to_text

__all__ = [
    "MAX_TWEET",
    "URL_LENGTH",
    "Entity",
    "TweetInfo",
    "count_hashtags",
    "count_mentions",
    "extract_hashtags_with_indices",
    "extract_mentions_with_indices",
    "extract_urls_with_indices",
    "hashtag",
    "hashtags_from_tags",
    "html_to_text",
    "parse_tweet",
    "truncate",
    "weighted_length",
]

#: X's limit on the weighted length of one post.
MAX_TWEET = 280
#: What every URL counts, whatever its length (t.co wrapping).
URL_LENGTH = 23
_EMOJI_LENGTH = 2

# Runs of code points that weigh 1; everything else weighs 2.
_LIGHT_RE = re.compile("[\\x00-\\u10ff\\u2000-\\u200d\\u2010-\\u201f\\u2032-\\u2037]+")
_INVALID_RE = re.compile("[\\ufffe\\ufeff\\uffff]")


@dataclass(frozen=True)
class TweetInfo:
    """What twitter-text's ``parseTweet`` reports; ranges are UTF-16 code unit offsets."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range_start: int
    display_range_end: int
    valid_range_start: int
    valid_range_end: int


def _normalize(text: str) -> str:
    """NFC, then every CR LF or lone CR as LF, as twitter-text counts."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _plain_weight(text: str) -> int:
    """Weight of ``text`` counting code points only (no URL or emoji rule)."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - sum(map(len, _LIGHT_RE.findall(text)))


def _entities(norm: str) -> list[tuple[int, int, int]]:
    """``(start, size, weight)`` of the URLs and emoji the counter steps over, in order.

    An entity that starts inside an earlier one is left out, as the reference counter
    never visits its start; a URL wins over an emoji starting at the same place.
    """
    urls = [(e.start, len(e.value), URL_LENGTH) for e in extract_urls_with_indices(norm)]
    emoji = [(s, e - s, _EMOJI_LENGTH) for s, e in extract_emoji_spans(norm)]
    if not urls or not emoji:
        return urls or emoji
    merged = sorted(urls + emoji, key=lambda item: (item[0], item[2] != URL_LENGTH))
    kept: list[tuple[int, int, int]] = []
    pos = 0
    for item in merged:
        if item[0] >= pos:
            kept.append(item)
            pos = item[0] + item[1]
    return kept


def _weigh(norm: str, entities: list[tuple[int, int, int]]) -> int:
    """Weighted length of normalised text given its entities."""
    total = _plain_weight(norm)
    for start, size, weight in entities:
        total += weight - _plain_weight(norm[start : start + size])
    return total


def weighted_length(text: str) -> int:
    """X's weighted length of ``text`` (config v3); raises nothing."""
    norm = _normalize(text)
    if norm.isascii() and "." not in norm:
        return len(norm)  # no URL without a dot, no emoji in ASCII
    return _weigh(norm, _entities(norm))


def _utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _last_valid_index(norm: str, entities: list[tuple[int, int, int]]) -> int:
    """Index of the last code point of the longest prefix that is a valid post."""
    steps = {start: (size, weight) for start, size, weight in entities}
    total = index = last = 0
    while index < len(norm):
        size, weight = steps.get(index, (1, 0))
        if not weight:
            weight = 1 if _LIGHT_RE.match(norm, index) else 2
        index += size - 1
        total += weight
        if _INVALID_RE.match(norm, index) or total > MAX_TWEET:
            break  # weights only grow and an invalid character stays: stop here
        last = index
        index += 1
    return last


def parse_tweet(text: str) -> TweetInfo:
    """Weighted length, validity, permillage and ranges of ``text`` (config v3).

    Valid means 0 < weighted length <= :data:`MAX_TWEET` and none of U+FFFE, U+FEFF,
    U+FFFF.  Raises nothing.
    """
    norm = _normalize(text)
    entities = _entities(norm) if not (norm.isascii() and "." not in norm) else []
    length = _weigh(norm, entities)
    clean = _INVALID_RE.search(norm) is None
    text_units = _utf16_length(text)
    if clean and length <= MAX_TWEET:
        valid_end = text_units - 1
    else:
        last = _last_valid_index(norm, entities)
        valid_end = _utf16_length(norm[: last + 1]) - 1 + text_units - _utf16_length(norm)
    return TweetInfo(
        weighted_length=length,
        valid=clean and 0 < length <= MAX_TWEET,
        permillage=floor((length / MAX_TWEET) * 1000),
        display_range_start=0,
        display_range_end=max(text_units - 1, 0),
        valid_range_start=0,
        valid_range_end=valid_end,
    )


# --------------------------------------------------------------------------- truncation

_GRAPHEME_RE = regex.compile(r"\X")
_TRAILING_CHAR_RE = regex.compile(r"[\s\p{P}]")
_LEADING_RE = regex.compile(r"[\s\p{P}]*")


_WORD_END_RE = regex.compile(r"(?<=\S)\s")
_WORD_END_BACK_RE = regex.compile(r"(?r)(?<=\S)\s")


def _url_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the URLs in ``text``, in order (a cut may not fall strictly inside)."""
    return [(url.start, url.end) for url in extract_urls_with_indices(text)]


def _outside(points: Iterable[int], spans: list[tuple[int, int]]) -> list[int]:
    """The increasing ``points`` that fall strictly inside none of the ordered ``spans``."""
    if not spans:
        return list(points)
    kept: list[int] = []
    i = 0
    for point in points:
        while i < len(spans) and spans[i][1] <= point:
            i += 1
        if i == len(spans) or not spans[i][0] < point < spans[i][1]:
            kept.append(point)
    return kept


def _grapheme_points(text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Grapheme cluster boundaries outside URLs."""
    return _outside((m.end() for m in _GRAPHEME_RE.finditer(text)), spans)


def _reach(text: str, limit: int, measure: Callable[[str], int], next_point: Callable[[int], int | None]) -> int:
    """Where the search for a cut can stop: the first cut point (``next_point(at)`` is the
    first at or after ``at``), looked at only at doubling distances, whose prefix
    measures over ``limit``; ``len(text)`` when there is none.

    No cut further on can fit (a longer prefix measures more), so the work grows with
    what fits, not with the whole text.
    """
    at = 2 * limit + 64
    while (point := next_point(at)) is not None:
        if measure(text[:point]) > limit:
            return point
        at = 2 * point + 1
    return len(text)


def _word_end_at_or_after(text: str) -> Callable[[int], int | None]:
    def next_point(at: int) -> int | None:
        found = _WORD_END_RE.search(text, at)
        return found.start() if found is not None else None

    return next_point


def _first_at_or_after(points: Iterator[int]) -> Callable[[int], int | None]:
    """``next_point`` over an increasing iterator, consumed as it goes."""

    def next_point(at: int) -> int | None:
        return next((p for p in points if p >= at), None)

    return next_point


# A URL never holds white space; past a long word's first 8 KB no URL can reach back.
_URL_REACH = 8192


def _trim_trailing(text: str) -> str:
    """``text`` without its trailing white space and punctuation (linear in what is trimmed)."""
    end = len(text)
    while end and _TRAILING_CHAR_RE.match(text, end - 1):
        end -= 1
    return text[:end]


def truncate(
    text: str,
    limit: int,
    *,
    measure: Callable[[str], int] = weighted_length,
    ellipsis: str = "…",
) -> str:
    """The longest prefix of ``text`` that, with ``ellipsis``, measures <= ``limit``.

    Returns ``text`` unchanged when it fits.  Cuts between grapheme clusters, at a word
    boundary when one fits, never inside a URL (the URL is dropped whole); trailing
    spaces and punctuation before the ellipsis are trimmed.  Returns the ellipsis alone
    when no text fits.  Raises ValueError when even the ellipsis does not fit.

    The work grows with the part that fits, not with ``text``: only a prefix about
    twice as long as the result is searched.
    """
    if measure(text) <= limit:
        return text
    if measure(ellipsis) > limit:
        raise ValueError(f"limit {limit} is shorter than the ellipsis {ellipsis!r}")

    def candidate(end: int) -> str:
        return _trim_trailing(text[:end]) + ellipsis

    def fits(end: int) -> bool:
        piece = candidate(end)
        return piece != ellipsis and measure(piece) <= limit

    # Bisection assumes longer prefixes measure more, which holds except where a cut
    # makes a new URL; the result always fits, it may rarely not be the longest.  Cuts in
    # leading spaces and punctuation would leave the ellipsis alone: they are skipped.
    lead = _LEADING_RE.match(text).end()
    # A word end is white space, never inside a URL.
    end = _last_fitting_word_end(text, lead + 1, _reach(text, limit, measure, _word_end_at_or_after(text)) - 1, fits)
    if end is not None:
        return candidate(end)
    # No word fits: cut the first word with text in it between grapheme clusters.
    first = _WORD_END_RE.search(text, lead + 1)
    word = text[: first.start()] if first is not None else text
    end = _reach(word, limit, measure, _first_at_or_after(m.end() for m in _GRAPHEME_RE.finditer(word)))
    spans = _url_spans(word[: end + _URL_REACH])
    points = _grapheme_points(word[:end], spans)
    found = _last_fitting(points[bisect.bisect_right(points, lead) :], fits)
    return candidate(found) if found is not None else ellipsis


def _last_fitting_word_end(text: str, lo: int, hi: int, fits: Callable[[int], bool]) -> int | None:
    """The last word end in ``[lo, hi]`` that fits, assuming fitting is a prefix.

    Bisects over positions, finding the word end before each by a reverse search, so the
    text's word ends are never listed.
    """
    found = None
    while lo <= hi:
        mid = (lo + hi) // 2
        before = _WORD_END_BACK_RE.search(text, lo, mid + 1)
        if before is None:
            lo = mid + 1  # no word end in [lo, mid]
        elif fits(before.start()):
            found, lo = before.start(), mid + 1
        else:
            hi = before.start() - 1
    return found


def _last_fitting(points: list[int], fits: Callable[[int], bool]) -> int | None:
    """The last of ``points`` that fits, assuming fitting is a prefix."""
    lo, hi, found = 0, len(points) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(points[mid]):
            found, lo = points[mid], mid + 1
        else:
            hi = mid - 1
    return found


# --------------------------------------------------------------------------- hashtags

_WORD_RE = regex.compile(r"[\p{L}\p{M}\p{Nd}]+")
_HAS_LETTER_RE = regex.compile(r"\p{L}")


def _capitalise(word: str) -> str:
    """Upper-case the first letter of an all-lower-case word; keep any other casing.

    A word that already has a capital (``iPhone``, ``BPJS``, ``eKTP``) is kept as its
    author wrote it.
    """
    if word != word.lower():
        return word
    first = word[0].upper()
    return (first if len(first) == 1 else word[0]) + word[1:]


def hashtag(tag: str) -> str | None:
    """``#TitleCase`` hashtag for an article tag, or None when it has no letter.

    ``Hari Pahlawan 2026`` -> ``#HariPahlawan2026``; ``hari pahlawan`` ->
    ``#HariPahlawan``; ``iPhone`` -> ``#iPhone``; ``東京`` -> ``#東京``.  Punctuation
    (underscores too) separates words and is dropped; a leading ``#`` is tolerated.
    Raises nothing.
    """
    words = _WORD_RE.findall(tag)
    if not words:
        return None
    body = "".join(_capitalise(w) for w in words)
    if not _HAS_LETTER_RE.search(body):
        return None  # X does not link an all-number hashtag
    return "#" + body


def hashtags_from_tags(tags: Iterable[str]) -> list[str]:
    """Hashtags for ``tags`` in order, duplicates (ignoring case) and empties dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        made = hashtag(tag)
        if made is not None and made.casefold() not in seen:
            seen.add(made.casefold())
            out.append(made)
    return out


def count_hashtags(text: str) -> int:
    """Number of hashtags in ``text`` as X and Instagram see them (Instagram allows 30)."""
    return len(extract_hashtags_with_indices(text))


def count_mentions(text: str) -> int:
    """Number of @mentions in ``text``, list references included (Instagram allows 20)."""
    return len(extract_mentions_or_lists_with_indices(text))
