"""The Threads formatter: 500 characters as Threads counts them (an emoji by its UTF-8
bytes, developers.facebook.com/docs/threads/posts), at most 5 links, 20 images, and a
thread account's long text split into parts that each fit, as Threads counts."""

from __future__ import annotations

import pytest

from channels.base import Account, Article, Draft, Media, Rejected
from channels.threads import MAX_TEXT, ThreadsChannel, count_links, threads_length


def channel(**settings: object) -> ThreadsChannel:
    return ThreadsChannel(Account("t", "threads", {"threads_user_id": "1", "access_token": "tok", **settings}))


LENGTHS = [
    ("", 0),
    ("Siaran pers", 11),
    ("é", 1),  # a letter is one character, whatever its bytes
    ("Jakarta – Bandung", 17),
    ("😀", 4),  # an emoji is its UTF-8 bytes
    ("👍🏽", 8),  # with a skin tone: both code points' bytes
    ("🇮🇩", 8),  # a flag: two regional indicators
    ("👨\u200d👩\u200d👧", 18),  # a family: three emoji and two joiners
    ("1\ufe0f\u20e3", 7),  # a keycap
    ("©", 2),  # a pictograph in Latin-1 still counts by its bytes
    ("Selamat pagi 😀!", 18),
]


@pytest.mark.parametrize(("text", "expected"), LENGTHS, ids=[repr(t) for t, _ in LENGTHS])
def test_threads_counts_emoji_by_their_utf8_bytes(text: str, expected: int) -> None:
    assert threads_length(text) == expected
    assert channel().measure(text) == (expected, MAX_TEXT)


FITS = [
    ("a" * 500, True),
    ("a" * 501, False),
    ("a" * 496 + "😀", True),  # 496 + 4
    ("a" * 497 + "😀", False),  # 497 + 4: 498 code points, over as Threads counts
    ("é" * 500, True),
]


@pytest.mark.parametrize(("text", "ok"), FITS, ids=["500", "501", "emoji-at-500", "emoji-over", "accents"])
def test_validate_takes_500_as_threads_counts(text: str, ok: bool) -> None:
    draft = Draft(parts=(text,))
    if ok:
        channel().validate(draft)
    else:
        with pytest.raises(Rejected, match="500"):
            channel().validate(draft)


LINKS = [
    (" ".join(f"https://a.example.go.id/{i}" for i in range(5)), 5, True),
    (" ".join(f"https://a.example.go.id/{i}" for i in range(6)), 6, False),
    ("https://a.example.go.id/1 " * 7, 1, True),  # the same URL counts once
]


@pytest.mark.parametrize(("text", "count", "ok"), LINKS, ids=["5", "6", "same-url"])
def test_at_most_five_links(text: str, count: int, ok: bool) -> None:
    assert count_links(text) == count
    if ok:
        channel().validate(Draft(parts=(text,)))
    else:
        with pytest.raises(Rejected, match="links"):
            channel().validate(Draft(parts=(text,)))


def test_carousel_of_more_than_twenty_is_refused() -> None:
    images = tuple(Media(url=f"https://a.example/{i}.jpg") for i in range(21))
    with pytest.raises(Rejected, match="20"):
        channel().validate(Draft(parts=("Foto",), media=images))
    channel().validate(Draft(parts=("Foto",), media=images[:20]))


def test_nothing_to_post_is_refused() -> None:
    with pytest.raises(Rejected):
        channel().validate(Draft(parts=("  ",)))


def article(body: str = "", summary: str = "Ringkasan singkat.") -> Article:
    return Article(title="Peresmian bendungan 🎉", url="https://humas.example.go.id/berita/bendungan-baru",
                   summary=summary, body=body, tags=("Bendungan", "Air Bersih"))


def test_a_short_article_is_one_post_with_one_topic_hashtag() -> None:
    draft = channel().render(article())
    assert len(draft.parts) == 1 and draft.parts[0].startswith("Peresmian bendungan 🎉")
    assert "#Bendungan" in draft.parts[0] and "#AirBersih" not in draft.parts[0]  # one topic tag by default
    assert draft.link == "https://humas.example.go.id/berita/bendungan-baru"


def test_an_emoji_heavy_summary_is_shortened_to_fit_as_threads_counts() -> None:
    draft = channel().render(article(summary="Warga bergembira 🎉🎉🎉 " * 40))
    assert len(draft.parts[0]) < threads_length(draft.parts[0]) <= MAX_TEXT  # each 🎉 counted as 4
    assert any("summary" in w for w in draft.warnings)
    channel().validate(draft)


@pytest.mark.parametrize("filler", ["Kalimat panjang tentang bendungan. ", "Warga 🎉 senang 👍🏽 sekali. ",
                                    "Lihat https://humas.example.go.id/dokumen/lampiran-panjang-sekali-nomor-satu "])
def test_a_thread_account_splits_into_parts_that_each_fit_as_threads_counts(filler: str) -> None:
    draft = channel(thread=True, thread_max_parts=10).render(article(body=filler * 40))
    assert len(draft.parts) > 1
    assert all(threads_length(p) <= MAX_TEXT for p in draft.parts), [threads_length(p) for p in draft.parts]
    assert "https://humas.example.go.id/berita/bendungan-baru" in draft.parts[0]
    assert draft.parts[-1].endswith(f"{len(draft.parts)}/{len(draft.parts)}")
    channel(thread=True).validate(draft)


def test_without_thread_a_long_body_is_not_posted_at_all() -> None:
    draft = channel().render(article(body="Isi panjang. " * 200))
    assert len(draft.parts) == 1 and "Isi panjang" not in draft.parts[0]
