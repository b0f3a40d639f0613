"""Mastodon's count (StatusLengthValidator): grapheme clusters, a URL with its protocol
as 23 (or the instance's characters_reserved_per_url), ``@user@domain`` as ``@user``.
The channel's count and the sandbox's (written apart) agree on every row."""

from __future__ import annotations

import pytest

from channels.mastodon_text import countable, status_length
from disseminator.sandbox import mastodon_text as server

LONG_URL = "https://humas.example.go.id/siaran-pers/2026/11/29/" + "a" * 200

#: (text, length as Mastodon counts it)
CASES = [
    ("", 0),
    ("Halo", 4),
    ("Halo dunia", 10),
    (LONG_URL, 23),
    ("Baca " + LONG_URL, 5 + 23),
    ("Baca " + LONG_URL + ".", 5 + 23 + 1),  # the full stop is not part of the URL
    ("http://a.id", 23),  # a short URL counts 23 too
    ("humas.example.go.id/siaran", 26),  # without a protocol it is plain text on Mastodon
    ("@warga", 6),
    ("@warga@mastodon.social", 6),  # the domain is free
    ("Halo @warga@sangat.panjang.example.org!", 5 + 6 + 1),
    ("surat@humas.go.id", 17),  # an e-mail address is not a mention
    ("👍", 1),
    ("👍🏽", 1),  # emoji with skin tone: one grapheme
    ("👨‍👩‍👧", 1),  # a family: one grapheme of five code points
    ("🇮🇩", 1),  # a flag: two regional indicators, one grapheme
    ("é", 1),  # e + combining acute
    ("日本語", 3),
    ("#KunjunganKerja", 15),  # hashtags count in full
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_channel_counts_as_mastodon(text: str, expected: int) -> None:
    assert status_length(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_sandbox_counts_the_same(text: str, expected: int) -> None:
    assert server.length(text) == expected


@pytest.mark.parametrize("url_chars", [23, 30, 1])
def test_the_instance_decides_what_a_url_counts(url_chars: int) -> None:
    assert status_length("x " + LONG_URL, url_chars=url_chars) == 2 + url_chars
    assert server.length("x " + LONG_URL, url_chars=url_chars) == 2 + url_chars


def test_countable_replaces_only_what_mastodon_replaces() -> None:
    assert countable("@a@b.example lihat https://x.id/p") == "@a lihat " + "x" * 23
