"""Split a long text into a numbered X thread.

Each part measures at most ``limit`` with X's weighted length *including* its numbering
suffix (``" 1/3"``).  Cuts prefer a paragraph break, then a sentence end or line break,
then a space; a cut never falls inside a URL, hashtag, mention or grapheme cluster, and
a single word longer than a part is split between grapheme clusters only as a last
resort.  A preferred break is taken when the part it gives is at least half as long as
the fullest part a space would give, so a short heading does not waste a whole post.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from channels.text import (
    extract_hashtags_with_indices,
    extract_mentions_with_indices,
    extract_urls_with_indices,
    weighted_length,
)

__all__ = ["TooManyParts", "split_thread"]

_PARAGRAPH, _SENTENCE, _WORD = 3, 2, 1
_SPACE_RUN_RE = regex.compile(r"\s+")
_GRAPHEME_RE = regex.compile(r"\X")
_SENTENCE_END_RE = regex.compile(r"[.!?…。！？][\"'”’»)\]]*$")
# Guard against a pathological numbering format that never settles.
_MAX_ROUNDS = 50


class TooManyParts(ValueError):
    """The text needs more thread parts than allowed; shorten it and try again.

    ``needed`` is how many parts the text would take.
    """

    def __init__(self, needed: int, allowed: int | None = None) -> None:
        limit = f", more than the {allowed} allowed" if allowed is not None else ""
        super().__init__(f"the thread needs {needed} parts{limit}")
        self.needed = needed
        self.allowed = allowed


@dataclass(frozen=True)
class _Cut:
    """A place to end a part: the part ends at ``end``, the next starts at ``resume``."""

    end: int
    resume: int
    rank: int


def _space_cuts(text: str) -> list[_Cut]:
    """Every run of white space as a cut, ranked paragraph > sentence/line > word."""
    cuts = []
    for run in _SPACE_RUN_RE.finditer(text):
        start, end = run.span()
        if start == 0 or end == len(text):
            continue
        gap = run.group()
        if gap.count("\n") >= 2:
            rank = _PARAGRAPH
        elif "\n" in gap or _SENTENCE_END_RE.search(text, max(0, start - 4), start):
            rank = _SENTENCE
        else:
            rank = _WORD
        cuts.append(_Cut(start, end, rank))
    return cuts


def _protected(text: str) -> list[bool]:
    """``inside[i]`` is True when a cut at ``i`` would fall inside a URL, hashtag or mention."""
    inside = [False] * (len(text) + 1)
    spans = [*extract_urls_with_indices(text), *extract_hashtags_with_indices(text)]
    spans += extract_mentions_with_indices(text)
    for entity in spans:
        for i in range(entity.start + 1, entity.end):
            inside[i] = True
    return inside


def _last_fitting(points: list[int], fits: Callable[[int], bool]) -> int | None:
    """Index in ``points`` of the last point that fits, assuming fitting is a prefix."""
    lo, hi, found = 0, len(points) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(points[mid]):
            found, lo = mid, mid + 1
        else:
            hi = mid - 1
    return found


class _Packer:
    """Greedy packing of one text into parts for a given numbering width."""

    def __init__(self, text: str, link: str | None, link_end: int) -> None:
        self.text = text
        self.link = link  # appended to part 1 when not ``None``
        self.link_end = link_end  # part 1 must reach this index
        self.cuts = _space_cuts(text)
        self.inside = _protected(text)
        self.graphemes = [m.end() for m in _GRAPHEME_RE.finditer(text)]

    def body(self, start: int, end: int, first: bool) -> str:
        piece = self.text[start:end].strip()
        if first and self.link is not None:
            piece = f"{piece} {self.link}" if piece else self.link
        return piece

    def pack(self, budget: Callable[[int], int]) -> list[str] | None:
        """Parts for per-part budgets ``budget(i)``; None when part 1 cannot hold the link."""
        parts: list[str] = []
        start = 0
        while start < len(self.text) or (not parts and self.link is not None):
            index = len(parts) + 1
            first = index == 1
            limit = budget(index)

            def fits(end: int, start: int = start, first: bool = first, limit: int = limit) -> bool:
                return weighted_length(self.body(start, end, first)) <= limit

            floor = self.link_end if first else start + 1
            if fits(len(self.text)) and len(self.text) >= floor:
                parts.append(self.body(start, len(self.text), first))
                break
            cut = self._choose(start, floor, fits)
            if cut is None:
                return None
            parts.append(self.body(start, cut.end, first))
            start = cut.resume
        return parts

    def _choose(self, start: int, floor: int, fits: Callable[[int], bool]) -> _Cut | None:
        cuts = [c for c in self.cuts if c.end > start and c.end >= floor]
        best = _last_fitting([c.end for c in cuts], fits)
        if best is not None:
            full = cuts[best].end - start
            for rank in (_PARAGRAPH, _SENTENCE):
                for cut in reversed(cuts[: best + 1]):
                    if cut.rank >= rank and cut.end - start >= full / 2:
                        return cut
            return cuts[best]
        if floor > start + 1:
            return None  # the link cannot fit in part 1 at its place
        # Last resort: split a too-long word between grapheme clusters, outside entities.
        points = [p for p in self.graphemes if start < p < len(self.text)]
        for pool in ([p for p in points if not self.inside[p]], points):
            found = _last_fitting(pool, fits)
            if found is not None:
                return _Cut(pool[found], pool[found], 0)
        raise ValueError("the limit leaves no room for text beside the numbering")


def _numbered(parts: list[str], numbering: str) -> list[str]:
    n = len(parts)
    return [f"{part} {numbering.format(i=i, n=n)}" for i, part in enumerate(parts, 1)]


def _packer_for(text: str, link: str | None) -> tuple[_Packer, _Packer | None]:
    """A packer that keeps the link where the text has it, and one that appends it."""
    if link is None:
        return _Packer(text, None, 0), None
    at = text.find(link)
    without = (text[:at] + text[at + len(link) :]) if at >= 0 else text
    without = regex.sub(r"[ \t]{2,}", " ", without).strip()
    appended = _Packer(without, link, 0)
    if at < 0:
        return appended, None
    return _Packer(text, None, at + len(link)), appended


def split_thread(
    text: str,
    *,
    limit: int = 280,
    numbering: str = "{i}/{n}",
    max_parts: int = 10,
    first_must_contain: str | None = None,
) -> list[str]:
    """Split ``text`` into posts of weighted length <= ``limit``, numbered ``" {i}/{n}"``.

    Returns ``[text]`` (no numbering) when it fits in one post.  ``first_must_contain``
    (the article link) always ends up in part 1: kept in place when it fits there,
    otherwise moved to the end of part 1; appended to part 1 when the text lacks it.
    ``numbering`` is a format string with ``{i}`` and ``{n}``; its width for the final
    ``n`` is accounted for.  Raises :class:`TooManyParts` (with ``.needed``) when more
    than ``max_parts`` would be needed, and ValueError when ``limit`` leaves no room for
    text beside the numbering.
    """
    text = text.strip()
    link = first_must_contain
    whole = text if link is None or link in text else (f"{text} {link}" if text else link)
    if weighted_length(whole) <= limit:
        return [whole]

    kept, appended = _packer_for(text, link)
    n = 2
    parts: list[str] = []
    for _ in range(_MAX_ROUNDS):

        def budget(i: int, n: int = n) -> int:
            return limit - weighted_length(" " + numbering.format(i=i, n=n))

        packed = kept.pack(budget)
        if packed is None and appended is not None:
            packed = appended.pack(budget)
        if packed is None:
            raise ValueError("the link does not fit in the first part with its numbering")
        parts = packed
        if len(parts) <= n:
            break
        n = len(parts)
    if len(parts) > max_parts:
        raise TooManyParts(len(parts), max_parts)
    return _numbered(parts, numbering)
