"""Article files: Markdown with front matter and JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from disseminator.articles import content_hash, load_article


def test_markdown_front_matter_and_body(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Judul Berita\nurl: https://a.go.id/b\ntags: Pangan, Gizi Anak\n"
        "published: 2026-11-29T09:00:00+07:00\nimage_alt: Foto\n---\nParagraf satu.\n\nParagraf dua.\n",
        encoding="utf-8",
    )
    a = load_article(path)
    assert a.title == "Judul Berita" and a.url == "https://a.go.id/b"
    assert a.tags == ("Pangan", "Gizi Anak")
    assert a.published == dt.datetime(2026, 11, 29, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert a.body == "Paragraf satu.\n\nParagraf dua."


def test_json_article_with_the_same_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Siaran Pers", "summary": "Ringkas", "tags": ["A", "B"], "body": "Isi",
                                "image": "https://a.go.id/f.jpg", "author": "Humas"}), encoding="utf-8")
    a = load_article(path)
    assert (a.title, a.summary, a.tags, a.body, a.image, a.author) == ("Siaran Pers", "Ringkas", ("A", "B"), "Isi",
                                                                        "https://a.go.id/f.jpg", "Humas")


def test_content_hash_changes_with_content_only(tmp_path: Path) -> None:
    one, two = tmp_path / "1.md", tmp_path / "2.md"
    one.write_text("---\ntitle: T\n---\nIsi\n")
    two.write_text("---\ntitle: T\n---\nIsi\n")
    assert content_hash(load_article(one)) == content_hash(load_article(two))
    two.write_text("---\ntitle: T\n---\nIsi lain\n")
    assert content_hash(load_article(one)) != content_hash(load_article(two))


def test_gallery_takes_urls_and_tables_and_refuses_other_links(tmp_path: Path) -> None:
    import pytest

    from disseminator.errors import ArticleError

    path = tmp_path / "g.md"
    path.write_text("---\ntitle: T\ngallery:\n  - https://a.go.id/1.jpg\n  - {url: 'https://a.go.id/2.jpg', alt: Dua}\n---\n")
    a = load_article(path)
    assert [(m.url, m.alt) for m in a.gallery] == [("https://a.go.id/1.jpg", None), ("https://a.go.id/2.jpg", "Dua")]
    path.write_text("---\ntitle: T\ngallery:\n  - javascript:alert(1)\n---\n")
    with pytest.raises(ArticleError, match=r"gallery\[1\]"):
        load_article(path)


def test_hash_of_an_article_without_gallery_is_unchanged_since_0001() -> None:
    """Re-adding an article stored before galleries existed must find it, not add it again."""
    from channels.base import Article

    article = Article(title="Judul", url="https://a.go.id/x", tags=("A",))
    assert content_hash(article) == "825310d2dee26ffd52dea9d86703676cc33e0a9cec1e6a4ae056294dcf313359"
