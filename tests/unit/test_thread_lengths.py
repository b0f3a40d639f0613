"""Threads split as each network counts: Mastodon's status length against the instance's
limit, Bluesky's 300 graphemes and 3,000 bytes, Threads' emoji-by-bytes; X's weighted
length stays the default."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.base import Account, Article
from channels.bluesky import BlueskyChannel
from channels.bluesky_text import MAX_BYTES, MAX_GRAPHEMES, fitting_measure, graphemes, utf8_bytes
from channels.mastodon_text import status_length
from channels.text import weighted_length
from channels.thread import split_thread
from channels.threads import MAX_TEXT, ThreadsChannel, threads_length

#: A 988-character announcement: three long links (23 each on Mastodon), seven
#: ``@user@domain`` mentions (the domain free on Mastodon) and a few emoji (one each).
#: Mastodon counts it 498; X's weights count 709.
MASTODON_TEXT = (
    "📢 Pemerintah Provinsi meluncurkan layanan perizinan daring terpadu 🎉. Warga kini mengurus izin usaha, "
    "izin bangunan dan surat keterangan dari rumah ✅, tanpa antre di kantor dinas 🏢. "
    "Panduan lengkap: https://dpmptsp.provinsi-contoh.go.id/berita/2026/11/30/peluncuran-layanan-perizinan-daring-"
    "terpadu-untuk-seluruh-warga "
    "Layanan ini disiapkan bersama @dpmptsp@sosial.provinsi-contoh.go.id, @diskominfo@sosial.provinsi-contoh.go.id, "
    "@bappeda@sosial.provinsi-contoh.go.id, @disdukcapil@sosial.provinsi-contoh.go.id dan "
    "@inspektorat@sosial.provinsi-contoh.go.id 🤝. "
    "Tanya jawab: https://dpmptsp.provinsi-contoh.go.id/tanya-jawab/layanan-perizinan-daring-terpadu-pertanyaan-yang-"
    "sering-diajukan "
    "Sosialisasi digelar di 35 kabupaten dan kota sepanjang Desember 📍🗓️; jadwalnya di "
    "https://diskominfo.provinsi-contoh.go.id/agenda/2026/12/sosialisasi-layanan-perizinan-daring-terpadu-di-"
    "kabupaten-dan-kota "
    "dan akun @humas@sosial.provinsi-contoh.go.id. Pengaduan: @lapor@sosial.provinsi-contoh.go.id 📨."
)


def _words(parts: list[str]) -> list[str]:
    return [w for p in parts for w in p.rsplit(" ", 1)[0].split()]


def test_the_mastodon_text_is_what_its_comment_says() -> None:
    assert (len(MASTODON_TEXT), status_length(MASTODON_TEXT), weighted_length(MASTODON_TEXT)) == (988, 498, 709)


def test_a_mastodon_instance_of_300_gets_two_parts_counted_as_mastodon_counts() -> None:
    parts = split_thread(MASTODON_TEXT, limit=300, length=status_length)
    assert len(parts) == 2  # X's weights would cut three
    assert len(split_thread(MASTODON_TEXT, limit=300)) == 3
    assert all(status_length(p) <= 300 for p in parts), [status_length(p) for p in parts]
    assert _words(parts) == MASTODON_TEXT.split()
    # No cut falls inside a link or a mention: each is whole in one part.
    assert "@inspektorat@sosial.provinsi-contoh.go.id" in "".join(parts)
    assert all(p.count("https://") == sum(1 for w in p.split() if w.startswith("https://")) for p in parts)


def test_a_mastodon_instance_of_500_takes_the_text_in_one_status() -> None:
    assert split_thread(MASTODON_TEXT, limit=500, length=status_length) == [MASTODON_TEXT]
    assert len(split_thread(MASTODON_TEXT, limit=500)) == 2  # as X counts, it would not fit


def test_a_custom_url_reservation_changes_the_split() -> None:
    def short(text: str) -> int:
        return status_length(text, url_chars=10)

    def long(text: str) -> int:
        return status_length(text, url_chars=200)

    assert split_thread(MASTODON_TEXT, limit=460, length=short) == [MASTODON_TEXT]
    parts = split_thread(MASTODON_TEXT, limit=460, length=long)
    assert len(parts) == 3 and all(long(p) <= 460 for p in parts)


# ---------------------------------------------------------------------- Bluesky

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one grapheme, 25 bytes
CJK = "雅加达政府发布新的公共服务公告，欢迎市民通过网站了解详情。"  # 29 graphemes, 87 bytes


def bluesky(**settings: object) -> BlueskyChannel:
    return BlueskyChannel(Account("b", "bluesky", {"handle": "humas.bsky.social", "app_password": "p", **settings}))


def test_bluesky_splits_cjk_by_graphemes_not_x_weights() -> None:
    text = " ".join([CJK] * 24)  # 719 graphemes, 2,111 bytes; X counts each CJK character 2
    parts = split_thread(text, limit=MAX_GRAPHEMES, length=bluesky_length)
    assert len(parts) == 3
    assert len(split_thread(text, limit=MAX_GRAPHEMES)) == 5
    assert all(graphemes(p) <= MAX_GRAPHEMES and utf8_bytes(p) <= MAX_BYTES for p in parts)
    assert _words(parts) == text.split()


def test_bluesky_splits_many_joined_emoji_by_their_bytes() -> None:
    text = " ".join(f"Keluarga {FAMILY * 8}" for _i in range(40))  # 719 graphemes, 8,399 bytes
    parts = split_thread(text, limit=MAX_GRAPHEMES, length=bluesky_length)
    assert len(parts) == 3  # X's weights (a family counts 2) would cut four
    assert len(split_thread(text, limit=MAX_GRAPHEMES)) == 4
    assert all(graphemes(p) <= MAX_GRAPHEMES and utf8_bytes(p) <= MAX_BYTES for p in parts)
    # Bytes bind: each full part is nearly 3,000 bytes, with fewer than 300 graphemes.
    assert all(utf8_bytes(p) > MAX_BYTES - 100 and graphemes(p) < MAX_GRAPHEMES - 20 for p in parts[:-1])
    assert _words(parts) == text.split()
    assert all(p.count(FAMILY) % 8 == 0 for p in parts)  # a family is never cut into its members


def bluesky_length(text: str) -> int:
    return fitting_measure(text)


def _bluesky_article(body: str) -> Article:
    return Article(title="Pengumuman layanan publik", summary="Ringkasan pengumuman.", body=body,
                   url="https://humas.example.go.id/berita/layanan")


def test_a_bluesky_thread_account_gets_numbered_parts_that_each_fit() -> None:
    draft = bluesky(thread=True, thread_max_parts=10).render(_bluesky_article("\n\n".join([CJK * 3] * 10)))
    assert len(draft.parts) > 1 and draft.parts[-1].endswith(f"{len(draft.parts)}/{len(draft.parts)}")
    assert all(graphemes(p) <= MAX_GRAPHEMES and utf8_bytes(p) <= MAX_BYTES for p in draft.parts)
    assert "https://humas.example.go.id/berita/layanan" in draft.parts[0]
    assert any("thread of" in w for w in draft.warnings)
    bluesky(thread=True).validate(draft)


def test_a_bluesky_account_without_thread_still_gets_one_shortened_post() -> None:
    draft = bluesky().render(_bluesky_article("\n\n".join([CJK * 3] * 10)))
    assert len(draft.parts) == 1 and CJK not in draft.parts[0]


def test_a_bluesky_thread_too_long_for_its_parts_is_shortened_instead() -> None:
    draft = bluesky(thread=True, thread_max_parts=2).render(_bluesky_article("\n\n".join([CJK * 3] * 10)))
    assert len(draft.parts) == 1 and graphemes(draft.parts[0]) <= MAX_GRAPHEMES
    assert any("would need" in w for w in draft.warnings)


@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 300, (300, MAX_GRAPHEMES)),
    (FAMILY * 120, (120, MAX_GRAPHEMES)),  # 3,000 bytes: within both
    (FAMILY * 121, (3025, MAX_BYTES)),  # over the bytes: counted in bytes
])
def test_bluesky_measure_shows_the_limit_a_part_breaks(text: str, expected: tuple[int, int]) -> None:
    count, limit = bluesky().measure(text)
    assert (count, limit) == expected
    assert (count > limit) == (graphemes(text) > MAX_GRAPHEMES or utf8_bytes(text) > MAX_BYTES)


# ---------------------------------------------------------------------- Threads (Meta)


def test_threads_parts_are_filled_as_threads_counts_not_shrunk_from_x_weights() -> None:
    # Emoji only at the start: a limit shrunk for the emoji-heavy first part (X counts an
    # emoji 2, Threads 4 to 8) left every later part a fifth empty, and one part more.
    body = "Selamat Hari Guru Nasional! " + "🎉👍🏽🇮🇩" * 10 + " " + " ".join(
        f"Guru di kecamatan {i} menerima penghargaan atas pengabdian mereka." for i in range(1, 30))
    channel = ThreadsChannel(Account("t", "threads", {"threads_user_id": "1", "access_token": "tok",
                                                      "thread": True, "thread_max_parts": 10}))
    draft = channel.render(Article(title="Hari Guru", summary="Penghargaan bagi guru.", body=body,
                                   url="https://humas.example.go.id/p"))
    lengths = [threads_length(p) for p in draft.parts]
    assert all(n <= MAX_TEXT for n in lengths), lengths
    assert len(draft.parts) == 5 and all(n > MAX_TEXT - 60 for n in lengths[:-1]), lengths
    channel.validate(draft)


# ---------------------------------------------------------------------- every network, any text

_WORDS = st.sampled_from(
    ["Gubernur", "meresmikan", "pasar.", "#PasarRakyat", "@humas@sosial.provinsi-contoh.go.id", "@warga",
     "https://humas.example.go.id/berita/" + "p" * 60, "humas.example.go.id", "雅加达", "👍🏽", FAMILY, "🇮🇩",
     "\n\n", "\n", "e\u0301"]
) | st.text(min_size=1, max_size=12)
_NETWORKS = {"mastodon": (status_length, [120, 300, 500]), "bluesky": (fitting_measure, [100, 300]),
             "threads": (threads_length, [150, 500]), "x": (weighted_length, [140, 280])}


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=150).map(" ".join), st.sampled_from(sorted(_NETWORKS)), st.data())
def test_every_part_fits_as_its_network_counts(text: str, network: str, data: st.DataObject) -> None:
    length, limits = _NETWORKS[network]
    limit = data.draw(st.sampled_from(limits))
    try:
        parts = split_thread(text, limit=limit, length=length, max_parts=100)
    except ValueError:
        return  # a limit with no room beside the numbering, or TooManyParts
    assert all(length(p) <= limit for p in parts), [length(p) for p in parts]
    if len(parts) > 1:
        assert [p.rsplit(" ", 1)[1] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
