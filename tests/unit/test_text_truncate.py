"""truncate: longest fitting prefix, grapheme- and word-safe, URLs whole or gone."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.text import extract_urls_with_indices, truncate, weighted_length

LINK = "https://setkab.go.id/berita/2026/11/29/presiden-resmikan-tol"


def test_text_that_fits_is_unchanged() -> None:
    text = "Selamat Hari Pahlawan,  "
    assert truncate(text, 280) is text


def test_cuts_at_a_word_boundary_and_trims_punctuation() -> None:
    text = "Presiden meresmikan jalan tol, jembatan, dan bendungan baru hari ini."
    assert truncate(text, 32) == "Presiden meresmikan jalan tol…"
    assert weighted_length(truncate(text, 32)) <= 32


def test_longest_word_prefix_is_kept() -> None:
    text = "satu dua tiga empat lima enam"
    # "…" (U+2026) weighs 2 on X.
    assert truncate(text, 21) == "satu dua tiga empat…"  # 19 + 2
    assert truncate(text, 20) == "satu dua tiga…"


def test_url_is_dropped_whole_never_cut() -> None:
    text = f"Berita lengkap {LINK} tersedia"
    out = truncate(text, 30)
    assert out == "Berita lengkap…"
    assert truncate(text, 40) == f"Berita lengkap {LINK}…"  # 15 + 23 + 1 = 39


def test_url_without_spaces_around_is_still_dropped_whole() -> None:
    text = f"Baca:{LINK}/dan-seterusnya-panjang sekali"
    out = truncate(text, 20)
    assert LINK not in out and out.startswith("Baca")


def test_grapheme_clusters_are_never_split() -> None:
    family = "👨\u200d👩\u200d👧"
    text = family * 50  # one word: falls back to grapheme boundaries
    out = truncate(text, 12)
    assert out == family * 5 + "…"  # 5 emoji count 10, the ellipsis 2
    flags = "🇮🇩" * 30
    assert truncate(flags, 9) == "🇮🇩" * 3 + "…"


def test_combining_marks_stay_with_their_letter() -> None:
    text = "e\u0301" * 100  # not NFC: each cluster is e + combining acute
    out = truncate(text, 10, measure=len)
    assert out == "e\u0301" * 4 + "…"


def test_custom_measure_and_ellipsis() -> None:
    assert truncate("alpha beta gamma delta", 14, measure=len, ellipsis="...") == "alpha beta..."


def test_ellipsis_alone_when_no_word_fits_and_error_when_it_cannot() -> None:
    assert truncate("!!!!! ?????", 3, measure=len) == "…"
    with pytest.raises(ValueError):
        truncate("panjang sekali", 1)  # "…" alone weighs 2


_pieces = st.sampled_from(
    ["Presiden", "meresmikan", "jalan", " ", " ", "\n", ",", ".", LINK, "example.com", "👍🏽", "🇮🇩",
     "日本語", "e\u0301", "#HariPahlawan", "@setkabgoid"]
) | st.text(max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=60).map("".join), st.integers(min_value=2, max_value=300))
def test_result_fits_is_a_prefix_and_keeps_urls_whole(text: str, limit: int) -> None:
    out = truncate(text, limit)
    assert weighted_length(out) <= limit
    if out == text:
        return
    assert out.endswith("…")
    body = out[:-1]
    assert text.startswith(body)
    # The cut is between grapheme clusters of the original text.
    assert len(body) in {0} | {m.end() for m in regex.finditer(r"\X", text)}
    # Every URL of the original either survives whole or is gone.
    for url in extract_urls_with_indices(text):
        assert not url.start < len(body) < url.end
