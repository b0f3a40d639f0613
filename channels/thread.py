"""Split a long text into a numbered thread, counted as the network counts.

Each part measures at most ``limit`` by the network's own ``length`` function (X's
weighted length by default; Mastodon's, Bluesky's, Threads' from their channels)
*including* its numbering suffix (``" 1/3"``): the whole part is measured, so a length
that is not a plain sum (Bluesky's graphemes-or-bytes) is kept exactly.  Cuts prefer a paragraph break, then a sentence end or line break,
then a space; a cut never falls inside a URL, hashtag, mention or grapheme cluster, and
a single word longer than a part is split between grapheme clusters only as a last
resort (and a cluster longer than a part between code points).  A preferred break is
taken when the part it gives is at least half as long as the fullest part a space would
give, so a short heading does not waste a whole post.

The work is proportional to the text the parts cover, not to the whole text times the
parts: cuts are found from the left as they are needed, each part's cut is found by
galloping then bisecting over the cuts ahead of it, and grapheme clusters and entities
are found only in a window around a word too long for one part.  Counting stops once a
text is known to need more than :data:`EXACT_PARTS` (or ``max_parts``) parts: beyond
that, ``TooManyParts.needed`` is an estimate from the whole text's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from channels.i18n import _
from channels.text import (
    extract_hashtags_with_indices,
    extract_mentions_with_indices,
    extract_urls_with_indices,
    weighted_length,
)

if TYPE_CHECKING:
    from channels.base import Account

__all__ = ["EXACT_PARTS", "TooManyParts", "account_thread", "split_thread"]

#: Parts counted one by one before a text is declared too long; beyond, estimated.
EXACT_PARTS = 500

_PARAGRAPH, _SENTENCE, _WORD = 3, 2, 1
_SPACE_RUN_RE = regex.compile(r"\s+")
_GRAPHEME_RE = regex.compile(r"\X")
_SENTENCE_END_RE = regex.compile(r"[.!?…。！？][\"'”’»)\]]*$")
# Guard against a pathological numbering format that never settles.
_MAX_ROUNDS = 50
# First window (characters) searched for grapheme cuts inside a long word; it grows x4.
_WINDOW = 1024

Fits = Callable[[int], bool]
#: How a network counts a post's text (X: :func:`channels.text.weighted_length`).
Length = Callable[[str], int]


class TooManyParts(ValueError):
    """The text needs more thread parts than allowed; shorten it and try again.

    ``needed`` is how many parts the text would take; when ``estimated`` it is an
    estimate (the text needs more than :data:`EXACT_PARTS` parts).
    """

    def __init__(self, needed: int, allowed: int | None = None, *, estimated: bool = False) -> None:
        if allowed is None:
            message = (_("the thread needs about {needed} parts") if estimated
                       else _("the thread needs {needed} parts")).format(needed=needed)
        else:
            message = (_("the thread needs about {needed} parts, more than the {allowed} allowed") if estimated
                       else _("the thread needs {needed} parts, more than the {allowed} allowed")).format(
                needed=needed, allowed=allowed)
        super().__init__(message)
        self.needed = needed
        self.allowed = allowed
        self.estimated = estimated


@dataclass(frozen=True)
class _Cut:
    """A place to end a part: the part ends at ``end``, the next starts at ``resume``."""

    end: int
    resume: int
    rank: int


class _Cuts:
    """Every inner run of white space as a cut, ranked paragraph > sentence/line > word.

    Found from the left only as far as asked, so a part near the start of a long text
    does not pay for the runs at its end.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[_Cut] = []
        self._runs: Iterator[regex.Match[str]] | None = _SPACE_RUN_RE.finditer(text)

    def get(self, index: int) -> _Cut | None:
        """The ``index``-th cut, or None when the text has fewer."""
        while len(self.found) <= index and self._runs is not None:
            self._advance()
        return self.found[index] if index < len(self.found) else None

    def first_reaching(self, position: int, hint: int) -> int:
        """Index of the first cut ending at or after ``position``, searching from ``hint``."""
        index = hint
        while (cut := self.get(index)) is not None and cut.end < position:
            index += 1
        return index

    def _advance(self) -> None:
        assert self._runs is not None
        text = self.text
        for run in self._runs:
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
            self.found.append(_Cut(start, end, rank))
            return
        self._runs = None


def _protected(text: str) -> list[bool]:
    """``inside[i]`` is True when a cut at ``i`` would fall inside a URL, hashtag or mention."""
    inside = [False] * (len(text) + 1)
    spans = [*extract_urls_with_indices(text), *extract_hashtags_with_indices(text)]
    spans += extract_mentions_with_indices(text)
    for entity in spans:
        for i in range(entity.start + 1, entity.end):
            inside[i] = True
    return inside


def _last_fitting(points: Sequence[int], fits: Fits) -> int | None:
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

    def __init__(self, text: str, link: str | None, link_end: int, length: Length) -> None:
        self.text = text
        self.length = length
        self.link = link  # appended to part 1 when not ``None``
        self.link_end = link_end  # part 1 must reach this index
        self.cuts = _Cuts(text)

    def body(self, start: int, end: int, first: bool) -> str:
        piece = self.text[start:end].strip()
        if first and self.link is not None:
            piece = f"{piece} {self.link}" if piece else self.link
        return piece

    def pack(self, suffix: Callable[[int], str], limit: int, most: int) -> list[str] | None:
        """Parts that measure at most ``limit`` with part ``i``'s ``suffix(i)`` appended;
        None when part 1 cannot hold the link.

        Stops after ``most + 1`` parts: the caller only needs to know there are too many.
        """
        parts: list[str] = []
        start = hint = 0
        while (start < len(self.text) or (not parts and self.link is not None)) and len(parts) <= most:
            index = len(parts) + 1
            first = index == 1
            tail = suffix(index)

            def fits(end: int, start: int = start, first: bool = first, tail: str = tail) -> bool:
                return self.length(self.body(start, end, first) + tail) <= limit

            floor = self.link_end if first else start + 1
            if floor > start + 1 and not fits(floor):
                return None  # the link cannot fit in part 1 at its place: no cut need be found
            hint = self.cuts.first_reaching(max(floor, start + 1), hint)
            cut = self._choose(start, floor, hint, fits)
            if cut is None:
                return None
            parts.append(self.body(start, cut.end, first))
            start = cut.resume
        return parts

    def _choose(self, start: int, floor: int, first: int, fits: Fits) -> _Cut | None:
        """Where the part starting at ``start`` ends; ``first`` indexes the first cut it may use."""
        size = len(self.text)
        best, every = self._last_fitting_cut(first, fits)
        # The rest may fit whole when every cut fits; a rest with no cut (one long word)
        # is measured only once the word's own search reaches its end, not for every part.
        if every and (best is not None or floor > start + 1) and fits(size) and size >= floor:
            return _Cut(size, size, 0)
        if best is not None:
            ahead = self.cuts.found[first : best + 1]
            full = ahead[-1].end - start
            for rank in (_PARAGRAPH, _SENTENCE):
                for cut in reversed(ahead):
                    if cut.rank >= rank and cut.end - start >= full / 2:
                        return cut
            return ahead[-1]
        if floor > start + 1:
            return None
        return self._split_word(start, fits, whole=every)

    def _last_fitting_cut(self, first: int, fits: Fits) -> tuple[int | None, bool]:
        """The index of the last fitting cut from ``first`` on (None when that one does not
        fit), and whether every cut to the end of the text fits.

        Gallops then bisects, so the parts measured are at most about twice the one that
        fits; assumes fitting is a prefix, as a longer part weighs more.
        """
        cuts = self.cuts
        cut = cuts.get(first)
        if cut is None:
            return None, True
        if not fits(cut.end):
            return None, False
        good, step = first, 1
        while (probe := cuts.get(good + step)) is not None and fits(probe.end):
            good, step = good + step, step * 2
        lo, hi = good + 1, (good + step if probe is not None else len(cuts.found)) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if fits(cuts.found[mid].end):
                good, lo = mid, mid + 1
            else:
                hi = mid - 1
        return good, probe is None and good == len(cuts.found) - 1

    def _split_word(self, start: int, fits: Fits, *, whole: bool) -> _Cut:
        """Last resort: a word longer than a part, split between grapheme clusters outside
        entities, else between any clusters, else (a cluster longer than a part) between
        code points, in a window that grows until its end no longer fits.  ``whole``: the
        word runs to the end of the text, which is taken whole when it fits."""
        text, size, window = self.text, len(self.text), _WINDOW
        while True:
            stop = min(size, start + window)
            piece = text[start:stop]
            points = [start + m.end() for m in _GRAPHEME_RE.finditer(piece)]
            if stop < size:
                points.pop()  # the last cluster may go on past the window
            points = [p for p in points if p < size]
            if stop == size:
                if whole and fits(size):
                    return _Cut(size, size, 0)
                break
            if points and not fits(points[-1]):
                break
            window *= 4
        inside = _protected(piece)
        outside = [p for p in points if not inside[p - start]]
        for pool in (outside, points, range(start + 1, stop)):
            found = _last_fitting(pool, fits)
            if found is not None:
                return _Cut(pool[found], pool[found], 0)
        raise ValueError(_("the limit leaves no room for text beside the numbering"))


def _numbered(parts: list[str], numbering: str) -> list[str]:
    n = len(parts)
    return [f"{part} {numbering.format(i=i, n=n)}" for i, part in enumerate(parts, 1)]


def _packer_for(text: str, link: str | None, length: Length) -> tuple[_Packer, _Packer | None]:
    """A packer that keeps the link where the text has it, and one that appends it."""
    if link is None:
        return _Packer(text, None, 0, length), None
    at = text.find(link)
    without = (text[:at] + text[at + len(link) :]) if at >= 0 else text
    without = regex.sub(r"[ \t]{2,}", " ", without).strip()
    appended = _Packer(without, link, 0, length)
    if at < 0:
        return appended, None
    return _Packer(text, None, at + len(link), length), appended


def _estimate(weight: int, limit: int, numbering: str, counted: int, length: Length) -> int:
    """Parts a text of ``weight`` too long to count would need: its weight over a part's room."""
    room = max(limit - length(" " + numbering.format(i=counted, n=counted)), 1)
    return max(counted, -(-weight // room))


def split_thread(
    text: str,
    *,
    limit: int = 280,
    length: Length = weighted_length,
    numbering: str = "{i}/{n}",
    max_parts: int = 10,
    first_must_contain: str | None = None,
) -> list[str]:
    """Split ``text`` into posts of ``length`` <= ``limit``, numbered ``" {i}/{n}"``.

    ``length`` is the network's count of a post (X's weighted length by default); it must
    not shrink as a text grows, which every network's count obeys.

    Returns ``[text]`` (no numbering) when it fits in one post.  ``first_must_contain``
    (the article link) always ends up in part 1: kept in place when it fits there,
    otherwise moved to the end of part 1; appended to part 1 when the text lacks it.
    ``numbering`` is a format string with ``{i}`` and ``{n}``; its width for the final
    ``n`` is accounted for.  Raises :class:`TooManyParts` (with ``.needed``, estimated
    beyond :data:`EXACT_PARTS`) when more than ``max_parts`` would be needed, and
    ValueError when ``limit`` leaves no room for text beside the numbering.
    """
    text = text.strip()
    link = first_must_contain
    whole = text if link is None or link in text else (f"{text} {link}" if text else link)
    weight = length(whole)
    if weight <= limit:
        return [whole]

    kept, appended = _packer_for(text, link, length)
    most = max(max_parts, EXACT_PARTS)
    n = 2
    parts: list[str] = []
    for _round in range(_MAX_ROUNDS):

        def suffix(i: int, n: int = n) -> str:
            return " " + numbering.format(i=i, n=n)

        packed = kept.pack(suffix, limit, most)
        if packed is None and appended is not None:
            packed = appended.pack(suffix, limit, most)
        if packed is None:
            raise ValueError(_("the link does not fit in the first part with its numbering"))
        parts = packed
        if len(parts) > most:
            raise TooManyParts(_estimate(weight, limit, numbering, len(parts), length), max_parts,
                               estimated=True)
        if len(parts) <= n:
            break
        n = len(parts)
    if len(parts) > max_parts:
        raise TooManyParts(len(parts), max_parts)
    return _numbered(parts, numbering)


def account_thread(text: str, link: str | None, *, account: Account, limit: int, length: Length,
                   warnings: list[str]) -> tuple[str, ...]:
    """``text`` split for ``account`` (its ``thread_max_parts``, 5, and ``thread_numbering``),
    each part at most ``limit`` by the network's ``length``; () when it would need more
    parts than allowed or the link cannot lead part 1 (the caller shortens to one post
    instead).  What happened is added to ``warnings``."""
    most = int(account.get("thread_max_parts", 5))
    try:
        parts = split_thread(text, limit=limit, length=length, max_parts=most, first_must_contain=link,
                             numbering=str(account.get("thread_numbering", "{i}/{n}")))
    except TooManyParts as exc:
        warnings.append(_("a thread would need {needed} parts (at most {most}); shortened to one post instead").format(
            needed=exc.needed, most=most))
        return ()
    except ValueError:
        return ()
    if len(parts) > 1:
        warnings.append(_("split into a thread of {n} parts").format(n=len(parts)))
    return tuple(parts)
