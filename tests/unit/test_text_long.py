"""Long texts: splitting and shortening do work in proportion to the text, not its square.

Each test counts what the length function is asked to measure (characters in all), so
it checks the amount of work without timing anything: before, every part of a thread
re-measured the whole rest of the text, and shortening bisected over prefixes of it.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import pytest

from channels import thread
from channels.text import truncate, weighted_length
from channels.thread import TooManyParts, split_thread

PARAGRAPH = (
    "Presiden Joko Widodo meresmikan jalan tol Trans-Sumatra ruas Pekanbaru–Dumai pada Jumat (29/11). "
    "Jalan tol sepanjang 131 kilometer ini memangkas waktu tempuh dari enam jam menjadi dua jam. "
    "Baca https://setkab.go.id/berita/tol #IndonesiaMaju @setkabgoid 🇮🇩\n\n"
)


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the texts the thread splitter measures, in order."""
    sizes: list[int] = []

    def counting(text: str) -> int:
        sizes.append(len(text))
        return weighted_length(text)

    monkeypatch.setattr(thread, "weighted_length", counting)
    return sizes


def _split_work(text: str, sizes: list[int], **options: int) -> int:
    sizes.clear()
    with pytest.raises(TooManyParts):
        split_thread(text, max_parts=5, **options)
    return sum(sizes)


# Sixteen times the text: linear work is about sixteen times (a numbering round more or
# less aside), quadratic work 256 times.
def test_thread_work_grows_linearly_with_the_text(measured: list[int]) -> None:
    small = _split_work(PARAGRAPH * 10, measured)  # about 10 parts
    large = _split_work(PARAGRAPH * 160, measured)  # about 160 parts
    assert large <= 2 * 16 * small


def test_a_word_longer_than_many_parts_is_split_with_linear_work(measured: list[int]) -> None:
    small = _split_work("a" * 8_000, measured)
    large = _split_work("a" * 128_000, measured)
    assert large <= 2 * 16 * small


def test_beyond_the_exact_count_the_work_stops_growing(measured: list[int]) -> None:
    text = PARAGRAPH * 2_000  # about 450 KB, thousands of parts
    work = _split_work(text, measured)
    # A few passes over the whole text (fits in one post? how heavy?) and EXACT_PARTS parts.
    assert work <= 4 * len(text) + thread.EXACT_PARTS * 6_000


def test_the_estimate_beyond_the_exact_count_is_close(monkeypatch: pytest.MonkeyPatch) -> None:
    text = PARAGRAPH * 40
    exact = len(split_thread(text, max_parts=1_000))
    monkeypatch.setattr(thread, "EXACT_PARTS", 10)
    with pytest.raises(TooManyParts) as caught:
        split_thread(text, max_parts=5)
    assert caught.value.estimated and "about" in str(caught.value)
    assert 0.8 * exact <= caught.value.needed <= exact


def test_up_to_the_exact_count_needed_is_exact() -> None:
    text = PARAGRAPH * 40
    exact = len(split_thread(text, max_parts=1_000))
    with pytest.raises(TooManyParts) as caught:
        split_thread(text, max_parts=5)
    assert (caught.value.needed, caught.value.estimated) == (exact, False)


def test_a_megabyte_word_splits_in_little_memory() -> None:
    word = "x" * 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(TooManyParts):
            split_thread(word, max_parts=5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # a list per character of the text would be several times this


def _counting(sizes: list[int]) -> Callable[[str], int]:
    def measure(text: str) -> int:
        sizes.append(len(text))
        return weighted_length(text)

    return measure


@pytest.mark.parametrize("text", [PARAGRAPH * 2_000, "x" * 400_000, ("kata " * 50 + "x" * 3_000 + " ") * 100])
def test_truncate_measures_the_text_once_and_then_only_what_fits(text: str) -> None:
    sizes: list[int] = []
    out = truncate(text, 280, measure=_counting(sizes))
    assert weighted_length(out) <= 280 and text.startswith(out[:-1])
    # The whole text once (does it fit?), then prefixes a few times the limit long.
    assert sum(sizes) <= len(text) + 200 * 280
