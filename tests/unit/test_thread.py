"""Thread splitting: limits with numbering, preferred breaks, entities intact, the link in part 1."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.text import extract_hashtags_with_indices, extract_urls_with_indices, weighted_length
from channels.thread import TooManyParts, split_thread

LINK = "https://setkab.go.id/berita/presiden-resmikan-tol-pekanbaru-dumai"
ARTICLE = (
    "Presiden Joko Widodo meresmikan jalan tol Trans-Sumatra ruas Pekanbaru–Dumai pada Jumat (29/11). "
    "Jalan tol sepanjang 131 kilometer ini memangkas waktu tempuh dari enam jam menjadi dua jam.\n\n"
    "\"Infrastruktur ini untuk rakyat,\" kata Presiden. Ia berharap jalan tol mendorong pertumbuhan "
    "ekonomi daerah dan menurunkan biaya logistik. #IndonesiaMaju @setkabgoid\n\n"
    "Peresmian dihadiri Menteri PUPR, Gubernur Riau, dan Bupati Bengkalis. Pemerintah menargetkan "
    "seluruh ruas Trans-Sumatra tersambung pada 2029, termasuk ruas Betung–Jambi yang kini memasuki "
    "tahap konstruksi. Informasi lengkap tersedia di laman resmi kementerian."
)


def _words(parts: list[str]) -> list[str]:
    """The words of the parts without their numbering suffix."""
    return [w for p in parts for w in p.rsplit(" ", 1)[0].split()]


def test_text_that_fits_comes_back_alone_without_numbering() -> None:
    assert split_thread("Selamat Hari Pahlawan! 🇮🇩") == ["Selamat Hari Pahlawan! 🇮🇩"]


def test_link_is_appended_when_the_text_fits_but_lacks_it() -> None:
    assert split_thread("Selamat Hari Pahlawan!", first_must_contain=LINK) == [f"Selamat Hari Pahlawan! {LINK}"]


def test_parts_fit_with_numbering_and_keep_every_word_in_order() -> None:
    parts = split_thread(ARTICLE, limit=280)
    assert len(parts) == 3
    assert all(weighted_length(p) <= 280 for p in parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == ["1/3", "2/3", "3/3"]
    assert _words(parts) == ARTICLE.split()


def test_paragraph_breaks_are_preferred() -> None:
    parts = split_thread(ARTICLE, limit=280)
    # Each paragraph fits in one post, so each post is exactly one paragraph.
    assert [p.rsplit(" ", 1)[0] for p in parts] == ARTICLE.split("\n\n")


def test_sentence_breaks_are_preferred_over_spaces() -> None:
    text = "Kalimat pertama cukup panjang untuk contoh ini. " * 3 + "Kalimat terakhir."
    parts = split_thread(text, limit=110)
    assert all(p.rsplit(" ", 1)[0].endswith(".") for p in parts)


def test_link_stays_in_part_one_where_it_fits() -> None:
    text = f"Baca {LINK} untuk berita lengkap. " + ARTICLE
    parts = split_thread(text, limit=140, max_parts=20, first_must_contain=LINK)
    assert parts[0].startswith(f"Baca {LINK}")
    assert sum(LINK in p for p in parts) == 1


def test_link_is_moved_to_part_one_when_it_sits_too_late() -> None:
    text = ARTICLE + f" Selengkapnya: {LINK}"
    parts = split_thread(text, limit=280, first_must_contain=LINK)
    assert LINK in parts[0]
    assert all(LINK not in p for p in parts[1:])
    assert all(weighted_length(p) <= 280 for p in parts)


def test_link_is_appended_to_part_one_when_missing() -> None:
    parts = split_thread(ARTICLE, limit=280, first_must_contain=LINK)
    assert parts[0].endswith(f"{LINK} 1/{len(parts)}")
    assert all(weighted_length(p) <= 280 for p in parts)


def test_numbering_width_counts_ten_of_ten() -> None:
    # Nine 98-char words fit one per post with " 9/9" (102); ten do not with " 1/10" (103),
    # so a splitter that sized the suffix for n < 10 would overflow.
    nine = split_thread(" ".join(["x" * 98] * 9), limit=102)
    assert len(nine) == 9 and all(weighted_length(p) <= 102 for p in nine)
    ten = split_thread(" ".join(["x" * 98] * 10), limit=102, max_parts=30)
    assert len(ten) > 10
    assert all(weighted_length(p) <= 102 for p in ten)
    assert ten[-1].endswith(f"{len(ten)}/{len(ten)}")


@pytest.mark.parametrize("numbering", ["{i}/{n}", "({i}/{n})", "🧵{i}/{n}"])
def test_numbering_formats(numbering: str) -> None:
    parts = split_thread(ARTICLE, limit=200, numbering=numbering, max_parts=20)
    n = len(parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == [numbering.format(i=i, n=n) for i in range(1, n + 1)]
    assert all(weighted_length(p) <= 200 for p in parts)


def test_too_many_parts_reports_how_many() -> None:
    with pytest.raises(TooManyParts) as caught:
        split_thread(ARTICLE * 4, limit=140, max_parts=5)
    assert caught.value.needed > 5
    assert len(split_thread(ARTICLE * 4, limit=140, max_parts=caught.value.needed)) == caught.value.needed


def test_long_word_is_hard_split_at_graphemes() -> None:
    word = "👨\u200d👩\u200d👧" * 200  # 200 family emoji, 2 each
    parts = split_thread(word, limit=100, max_parts=20)
    assert "".join(p.rsplit(" ", 1)[0] for p in parts) == word
    assert all(weighted_length(p) <= 100 for p in parts)


def test_urls_hashtags_and_mentions_are_never_cut() -> None:
    text = " ".join(["#PembangunanInfrastruktur", "@kemenpupr", LINK, "jalan", "tol"] * 12)
    parts = split_thread(text, limit=90, max_parts=50)
    for part in parts:
        body = part.rsplit(" ", 1)[0]
        assert {e.value for e in extract_urls_with_indices(body)} <= {LINK}
        assert {e.value for e in extract_hashtags_with_indices(body)} <= {"PembangunanInfrastruktur"}


def test_limit_too_small_for_numbering_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_thread("x" * 50, limit=4)


_words_st = st.sampled_from(
    ["Presiden", "meresmikan", "jalan.", "tol!", "#IndonesiaMaju", "@setkabgoid", LINK, "日本語",
     "👍🏽", "🇮🇩", "\n\n", "\n", "example.com", "Dumai.", "e\u0301"]
) | st.text(min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(_words_st, min_size=1, max_size=120).map(" ".join), st.sampled_from([60, 140, 280]))
def test_every_part_fits(text: str, limit: int) -> None:
    try:
        parts = split_thread(text, limit=limit, max_parts=100)
    except ValueError:
        return  # a limit with no room beside the numbering, or TooManyParts
    assert all(weighted_length(p) <= limit for p in parts)
    if len(parts) > 1:
        assert [p.rsplit(" ", 1)[1] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
