"""What each network gets for an article: valid, complete, and readable."""

from __future__ import annotations


from pathlib import Path

import pytest

from channels.base import Account, Article, Context, Rejected
from channels.facebook import FacebookChannel
from channels.instagram import InstagramChannel
from channels.text import count_hashtags, count_mentions, weighted_length
from channels.twitter import TwitterChannel

LINK = "https://humas.example.go.id/berita/2026/11/rapat-terbatas"
LONG_BODY = "\n\n".join(
    f"Paragraf {i}: Presiden memimpin rapat terbatas mengenai percepatan pembangunan infrastruktur "
    f"di daerah tertinggal, termasuk jalan, jembatan, dan jaringan listrik desa." for i in range(1, 7)
)


def x(**settings: object) -> TwitterChannel:
    return TwitterChannel(Account(name="humas_x", channel="twitter", settings=settings))


def art(**fields: object) -> Article:
    base: dict[str, object] = {"title": "Presiden Pimpin Rapat Terbatas Infrastruktur", "url": LINK,
                               "summary": "Rapat membahas percepatan pembangunan di daerah tertinggal.",
                               "tags": ("Infrastruktur", "Rapat Terbatas")}
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


def test_x_post_has_title_summary_link_and_hashtags() -> None:
    draft = x().render(art())
    [text] = draft.parts
    assert text.splitlines()[0] == "Presiden Pimpin Rapat Terbatas Infrastruktur"
    assert LINK in text and text.endswith("#Infrastruktur #RapatTerbatas")
    assert draft.warnings == ()


def test_account_hashtags_come_first_and_duplicates_go() -> None:
    text = x(hashtags=["#HumasRI", "infrastruktur"]).render(art()).parts[0]
    assert text.endswith("#HumasRI #Infrastruktur #RapatTerbatas")


def test_title_longer_than_a_tweet_is_shortened_at_a_word_with_the_link_kept() -> None:
    title = "Pemerintah " + " ".join(["menetapkan kebijakan baru tentang ketahanan pangan nasional"] * 8)
    draft = x().render(art(title=title, summary=None))
    [text] = draft.parts
    assert weighted_length(text) <= 280
    assert LINK in text
    first = text.splitlines()[0]
    assert first.endswith("…") and first[:-1].rstrip() in title and title.startswith(first[:-1].rstrip())
    assert any("title shortened" in w for w in draft.warnings)


def test_45_tags_take_only_what_fits_on_x_and_30_on_instagram(tmp_path: Path) -> None:
    tags = tuple(f"Topik{i}" for i in range(45))
    xdraft = x().render(art(tags=tags))
    assert weighted_length(xdraft.parts[0]) <= 280
    assert any("hashtag(s) left out" in w for w in xdraft.warnings)
    ig = InstagramChannel(Account(name="ig", channel="instagram", settings={}), context=None)
    caption = ig.render(art(tags=tags, image="https://humas.example.go.id/f.jpg")).parts[0]
    assert count_hashtags(caption) == 30


def test_punctuation_only_and_numeric_tags_are_dropped() -> None:
    text = x().render(art(tags=("!!!", "#", "2026", "Hari Pahlawan 2026", "hari pahlawan 2026"))).parts[0]
    assert text.endswith("\n\n#HariPahlawan2026")


def test_thread_when_enabled_numbered_with_link_first() -> None:
    draft = x(thread=True, thread_max_parts=10).render(art(body=LONG_BODY))
    assert len(draft.parts) > 1
    n = len(draft.parts)
    for i, part in enumerate(draft.parts, 1):
        assert weighted_length(part) <= 280
        assert part.endswith(f" {i}/{n}")
    assert LINK in draft.parts[0]
    assert any(f"thread of {n} parts" in w for w in draft.warnings)


def test_thread_past_max_parts_is_shortened_instead() -> None:
    draft = x(thread=True, thread_max_parts=2).render(art(body=LONG_BODY * 3))
    assert len(draft.parts) == 1 and weighted_length(draft.parts[0]) <= 280
    assert LINK in draft.parts[0]
    assert any("shortened to one post" in w for w in draft.warnings)


def test_threads_off_gives_one_shortened_post_with_link() -> None:
    draft = x().render(art(summary=LONG_BODY))
    assert len(draft.parts) == 1 and LINK in draft.parts[0]
    assert any("summary" in w for w in draft.warnings)


def test_account_length_limit_gives_one_long_post() -> None:
    draft = x(thread=True, max_length=25000).render(art(body=LONG_BODY))
    assert len(draft.parts) == 1 and "Paragraf 6" in draft.parts[0]


def test_custom_numbering_format() -> None:
    draft = x(thread=True, thread_max_parts=10, thread_numbering="({i}/{n})").render(art(body=LONG_BODY))
    assert draft.parts[0].endswith(f"(1/{len(draft.parts)})")


def test_utm_added_to_link() -> None:
    text = x(utm={"utm_source": "x", "utm_medium": "social"}).render(art(url=LINK + "?id=7#atas")).parts[0]
    assert LINK + "?id=7&utm_source=x&utm_medium=social#atas" in text


def test_facebook_message_has_link_and_few_hashtags() -> None:
    fb = FacebookChannel(Account(name="fb", channel="facebook", settings={"max_hashtags": 1}))
    draft = fb.render(art(tags=("Satu", "Dua", "Tiga")))
    assert draft.link == LINK and LINK in draft.parts[0]
    assert count_hashtags(draft.parts[0]) == 1


def test_html_in_fields_becomes_clean_text() -> None:
    draft = x().render(art(title="Rapat &amp; <b>Koordinasi</b>", summary="<p>Satu.</p><script>alert(1)</script><p>Dua.</p>"))
    text = draft.parts[0]
    assert text.startswith("Rapat & Koordinasi\n\nSatu.")
    assert "<" not in text and "alert" not in text


def test_instagram_caption_rules(tmp_path: Path) -> None:
    ig = InstagramChannel(Account(name="ig", channel="instagram", settings={"link_phrase": "Info lengkap: tautan di bio"}))
    mentions = " ".join(f"@pejabat{i}" for i in range(25))
    draft = ig.render(art(summary=f"Hadir: {mentions}", image="https://humas.example.go.id/f.jpg"))
    caption = draft.parts[0]
    assert "Info lengkap: tautan di bio" in caption and "https://" not in caption
    assert count_mentions(caption) == 20 and "pejabat24" in caption
    assert any("5 mention(s)" in w for w in draft.warnings)
    long = ig.render(art(summary="kata " * 1000, image="https://humas.example.go.id/f.jpg")).parts[0]
    assert len(long) <= 2200


def test_instagram_without_image_is_refused() -> None:
    ig = InstagramChannel(Account(name="ig", channel="instagram", settings={}))
    with pytest.raises(Rejected, match="needs an image"):
        ig.render(art())


def _jpeg(path: Path, size: tuple[int, int]) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 30, 30)).save(path, "JPEG")
    return path


def test_instagram_image_is_padded_into_the_media_folder(tmp_path: Path) -> None:
    from PIL import Image

    ctx = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url="https://cdn.example.go.id/m")
    ig = InstagramChannel(Account(name="ig", channel="instagram", settings={}), context=ctx)
    draft = ig.render(art(image=str(_jpeg(tmp_path / "lebar.jpg", (1500, 500)))))
    [media] = draft.media
    assert media.url.startswith("https://cdn.example.go.id/m/")
    saved = ctx.media_dir / media.url.rsplit("/", 1)[1]
    with Image.open(saved) as im:
        assert im.format == "JPEG" and 0.8 <= im.width / im.height <= 1.91
    assert any("padded" in w for w in draft.warnings)


@pytest.mark.parametrize("kind", ["text", "strip", "huge"])
def test_bad_images_give_one_clear_error(tmp_path: Path, kind: str) -> None:
    ctx = Context(base_dir=tmp_path, media_dir=tmp_path / "media", media_base_url="https://cdn.example.go.id/m")
    ig = InstagramChannel(Account(name="ig", channel="instagram", settings={}), context=ctx)
    path = tmp_path / "gambar.jpg"
    if kind == "text":
        path.write_text("bukan gambar")
    elif kind == "strip":
        _jpeg(path, (1, 3000))
    else:
        path.write_bytes(b"\xff\xd8\xff" + b"\0" * (40 * 1024 * 1024))
    with pytest.raises(Rejected) as info:
        ig.render(art(image=str(path)))
    message = str(info.value)
    assert "gambar.jpg" in message and "\n" not in message


def test_template_override_and_errors(tmp_path: Path) -> None:
    (tmp_path / "x.j2").write_text("{{ title|upper }} {{ link }}\n")
    ctx = Context(base_dir=tmp_path, media_dir=tmp_path / "media")
    ch = TwitterChannel(Account(name="a", channel="twitter", settings={"template": "x.j2"}), context=ctx)
    assert ch.render(art()).parts[0] == f"PRESIDEN PIMPIN RAPAT TERBATAS INFRASTRUKTUR {LINK}"
    (tmp_path / "bad.j2").write_text("{{ title }}\n{{ titel }}\n")
    ch = TwitterChannel(Account(name="a", channel="twitter", settings={"template": "bad.j2"}), context=ctx)
    with pytest.raises(Rejected, match=r"bad.j2, line 2: 'titel' is undefined"):
        ch.render(art())
    (tmp_path / "syntax.j2").write_text("{{ title }\n")
    ch = TwitterChannel(Account(name="a", channel="twitter", settings={"template": "syntax.j2"}), context=ctx)
    with pytest.raises(Rejected, match=r"syntax.j2, line 1"):
        ch.render(art())

