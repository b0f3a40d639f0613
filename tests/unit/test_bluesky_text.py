"""Bluesky's text rules: 300 graphemes and 3,000 bytes, facets in UTF-8 byte offsets, TIDs."""

from __future__ import annotations

import pytest

from channels.base import Account, Article, Draft, Rejected
from channels.bluesky import BlueskyChannel
from channels.bluesky_text import (
    MAX_BYTES,
    MAX_GRAPHEMES,
    find_facets,
    fitting_measure,
    graphemes,
    is_tid,
    rkey_for,
    tid,
    too_long,
    utf8_bytes,
)

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # one grapheme, 25 bytes
FLAG = "\U0001F1EE\U0001F1E9"  # Indonesia's flag: one grapheme, 8 bytes


def channel() -> BlueskyChannel:
    return BlueskyChannel(Account("b", "bluesky", {"handle": "humas.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"}))


@pytest.mark.parametrize(
    ("text", "length", "size", "broken"),
    [
        ("a" * 300, 300, 300, None),
        ("a" * 301, 301, 301, "graphemes"),
        ("é" * 300, 300, 600, None),  # precomposed: 2 bytes each
        ("e\u0301" * 300, 300, 900, None),  # e + combining accent: one grapheme, 3 bytes
        ("😀" * 300, 300, 1200, None),
        (FAMILY * 119, 119, 2975, None),
        (FAMILY * 120, 120, 3000, None),
        (FAMILY * 120 + "a", 121, 3001, "bytes"),  # under 300 graphemes, over 3,000 bytes
        (FLAG * 300, 300, 2400, None),
        (FLAG * 301, 301, 2408, "graphemes"),
    ],
)
def test_limits_are_counted_as_bluesky_counts(text: str, length: int, size: int, broken: str | None) -> None:
    assert (graphemes(text), utf8_bytes(text), too_long(text)) == (length, size, broken)
    # Over the bytes, the count is in bytes: what a part breaks is what preview shows.
    assert channel().measure(text) == ((size, MAX_BYTES) if broken == "bytes" else (length, MAX_GRAPHEMES))
    if broken is None:
        channel().validate(Draft(parts=(text,)))
        assert fitting_measure(text) <= MAX_GRAPHEMES
    else:
        with pytest.raises(Rejected, match="graphemes|characters|bytes"):
            channel().validate(Draft(parts=(text,)))
        assert fitting_measure(text) > MAX_GRAPHEMES


def test_render_fits_both_limits_and_keeps_the_link() -> None:
    article = Article(title=FAMILY * 80, summary="Ringkasan " * 60, url="https://humas.example.go.id/b/1",
                      tags=("Berita", "Humas"))
    draft = channel().render(article)
    [text] = draft.parts
    assert graphemes(text) <= MAX_GRAPHEMES and utf8_bytes(text) <= MAX_BYTES
    assert draft.link and draft.link in text and draft.warnings
    assert draft.card is not None and draft.card["title"] == article.title
    assert draft.card["description"].startswith("Ringkasan")  # the whole summary: the card has room
    channel().validate(draft)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lihat https://humas.go.id/a", [(6, 27, "link", "https://humas.go.id/a")]),
        ("😀 humas.go.id/a", [(5, 18, "link", "https://humas.go.id/a")]),  # no scheme: https:// added
        ("Kabar #Bendungan hari ini", [(6, 16, "tag", "Bendungan")]),
        ("é #Jawa", [(3, 8, "tag", "Jawa")]),
        ("Halo @warga.bsky.social!", [(5, 23, "mention", "warga.bsky.social")]),
        ("(@Humas.Example.go.id)", [(1, 21, "mention", "humas.example.go.id")]),
        ("surel a@b.co bukan sebutan; @tanpatitik juga bukan", []),
        ("#2026 hanya angka", []),
        ("https://x.id/a#bagian bukan tag", [(0, 21, "link", "https://x.id/a#bagian")]),
        ("🇮🇩 #Indonesia @a.bsky.social x.id",
         [(9, 19, "tag", "Indonesia"), (20, 34, "mention", "a.bsky.social"), (35, 39, "link", "https://x.id")]),
    ],
)
def test_facets_use_utf8_byte_offsets(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    found = [(f.byte_start, f.byte_end, f.kind, f.value) for f in find_facets(text)]
    assert found == expected
    raw = text.encode("utf-8")
    for start, end, kind, _value in found:  # each range covers exactly the entity's bytes
        piece = raw[start:end].decode("utf-8")
        assert piece[0] == {"tag": "#", "mention": "@"}.get(kind, piece[0])


def test_tids_are_valid_sortable_and_deterministic() -> None:
    first, later = tid(1_700_000_000_000_000, 5), tid(1_700_000_000_000_001, 5)
    assert is_tid(first) and is_tid(later) and first < later and len(first) == 13
    assert tid(0, 0) == "2222222222222"
    key = "42:1764460000123456"
    assert rkey_for(key, 0) == rkey_for(key, 0)  # a retry writes the same key
    assert rkey_for(key, 0) != rkey_for(key, 1)  # each part its own
    assert rkey_for(key, 0) != rkey_for("43:1764460000123456", 0)  # same microsecond, another post
    assert is_tid(rkey_for("not a stored key", 3))
    assert rkey_for("not a stored key", 3) == rkey_for("not a stored key", 3)


def test_a_post_with_a_card_keeps_one_image_and_without_a_link_up_to_four() -> None:
    from channels.base import Media

    gallery = tuple(Media(url=f"https://humas.example.go.id/{i}.jpg") for i in range(5))
    with_link = Article(title="Judul", url="https://humas.example.go.id/b/1", image="https://humas.example.go.id/0.jpg",
                        gallery=gallery)
    # No media folder: images pass through unprepared (and Bluesky warns it uploads none).
    draft = channel().render(with_link)
    assert draft.card is not None and any("link card shows one image" in w for w in draft.warnings)
    no_link = channel().render(Article(title="Judul", image="https://humas.example.go.id/0.jpg", gallery=gallery))
    assert no_link.card is None and any("beyond Bluesky's 4" in w for w in no_link.warnings)
