"""Article tags to hashtags, and hashtag/mention counting for Instagram's limits."""

from __future__ import annotations

import pytest

from channels.text import count_hashtags, count_mentions, extract_hashtags_with_indices, hashtag, hashtags_from_tags


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Hari Pahlawan 2026", "#HariPahlawan2026"),
        ("hari pahlawan", "#HariPahlawan"),
        ("kemerdekaan", "#Kemerdekaan"),
        ("#Kemerdekaan", "#Kemerdekaan"),
        ("＃kemerdekaan", "#Kemerdekaan"),
        ("東京", "#東京"),
        ("iPhone", "#iPhone"),  # a word with a capital keeps its author's casing
        ("BPJS kesehatan", "#BPJSKesehatan"),
        ("e-KTP", "#EKTP"),
        ("Jawa-Barat!", "#JawaBarat"),
        ("ibu_kota nusantara", "#IbuKotaNusantara"),
        ("café", "#Café"),
        ("ß", "#ß"),  # upper case would be two letters: kept
        ("  17 Agustus  ", "#17Agustus"),
        ("2026", None),
        ("17 08 1945", None),
        ("", None),
        ("!!! ...", None),
        ("#", None),
    ],
)
def test_hashtag(tag: str, expected: str | None) -> None:
    assert hashtag(tag) == expected


def test_made_hashtags_are_recognised_whole_by_x() -> None:
    for tag in ["Hari Pahlawan 2026", "東京", "Kemerdekaan RI ke-81", "Ibu Kota Nusantara"]:
        made = hashtag(tag)
        assert made is not None
        assert [e.value for e in extract_hashtags_with_indices(made)] == [made[1:]]


def test_hashtags_from_tags_dedupes_case_insensitively_keeping_first() -> None:
    tags = ["Hari Pahlawan", "hari pahlawan", "#HariPahlawan", "2026", "", "...", "Surabaya", "SURABAYA"]
    assert hashtags_from_tags(tags) == ["#HariPahlawan", "#Surabaya"]


def test_hashtags_from_tags_accepts_any_iterable() -> None:
    assert hashtags_from_tags(t for t in ("a b", "c")) == ["#AB", "#C"]


def test_counts() -> None:
    caption = "Dirgahayu RI! #HUTRI81 #Merdeka #17an @setkabgoid @jokowi/list #0 a#b"
    assert count_hashtags(caption) == 3  # "#0" has no letter; "a#b" follows a letter
    assert count_mentions(caption) == 2
    assert count_hashtags("") == count_mentions("") == 0
    many = " ".join(f"#Tag{i}" for i in range(31))
    assert count_hashtags(many) == 31
