"""How long X thinks a post is (twitter-text config v3), for the 280 check.

The project's ``channels.text.weighted_length`` is the real implementation; the sandbox
uses it when it can be imported and otherwise falls back to the simpler count below, so
the sandbox still works on a tree where channels/text/__init__.py is missing or broken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MAX_WEIGHTED_LENGTH = 280
_URL_WEIGHT = 23
# Protocol URLs and bare domains with a common TLD: both count 23 on X.
_URL = re.compile(
    r"https?://[^\s]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|id|go\.id|co|io|gov|edu|info|me|ly)\b(?:/[^\s]*)?",
    re.IGNORECASE,
)
# Code point ranges that weigh 1 (config v3); everything else weighs 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
# Characters that join or modify emoji into one sequence, which counts 2 as a whole.
_JOINERS = {0x200D, 0xFE0F, 0xFE0E} | set(range(0x1F3FB, 0x1F400))


def _fallback(text: str) -> int:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    total = 0
    pos = 0
    for match in _URL.finditer(text):
        total += _count_chars(text[pos : match.start()]) + _URL_WEIGHT
        pos = match.end()
    return total + _count_chars(text[pos:])


def _count_chars(text: str) -> int:
    total = 0
    previous_joiner = False
    for ch in text:
        cp = ord(ch)
        if cp in _JOINERS:
            previous_joiner = cp == 0x200D
            continue
        if previous_joiner:  # the next emoji of a ZWJ sequence adds nothing
            previous_joiner = False
            continue
        total += 1 if any(lo <= cp <= hi for lo, hi in _LIGHT) else 2
    return total


def _pick() -> Callable[[str], int]:
    try:
        from channels.text import weighted_length
    except Exception:  # noqa: BLE001 - any failure to import means "use the fallback"
        return _fallback
    return weighted_length


_weighted: Callable[[str], int] | None = None


def weighted_length(text: str) -> int:
    """X's weighted length of ``text`` (URLs 23, CJK and emoji 2, Latin 1)."""
    global _weighted
    if _weighted is None:
        _weighted = _pick()
    return _weighted(text)
