"""Article input that cannot be stored or formatted is refused at load, with one line
naming the file and the field: sizes over the caps, control characters, nesting too
deep to read, values Python cannot hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from disseminator.articles import CAPS, MAX_GALLERY, MAX_TAGS, load_article
from disseminator.errors import ArticleError


def _json(tmp_path: Path, **fields: Any) -> Path:
    path = tmp_path / "artikel.json"
    path.write_text(json.dumps({"title": "Judul", **fields}), encoding="utf-8")
    return path


def _refused(path: Path, *needles: str) -> str:
    with pytest.raises(ArticleError) as caught:
        load_article(path)
    message = caught.value.message
    assert "\n" not in message and message.startswith(f"{path}: ")
    for needle in needles:
        assert needle in message, message
    return message


@pytest.mark.parametrize(
    ("field", "cap"),
    [("title", "title"), ("summary", "summary"), ("body", "body"), ("image_alt", "image_alt"), ("author", "author")],
)
def test_each_text_field_has_a_cap(tmp_path: Path, field: str, cap: str) -> None:
    limit = CAPS[cap]
    assert load_article(_json(tmp_path, **{field: "a" * limit}))
    _refused(_json(tmp_path, **{field: "a" * (limit + 1)}), f"{field}: {limit + 1:,} characters", f"({limit:,})")


def test_links_tags_and_gallery_have_caps(tmp_path: Path) -> None:
    long_url = "https://a.go.id/" + "x" * CAPS["url"]
    _refused(_json(tmp_path, url=long_url), "url: ", "characters")
    _refused(_json(tmp_path, image=long_url), "image: ", "characters")
    _refused(_json(tmp_path, tags=["a" * (CAPS["tag"] + 1)]), "tags: ")
    _refused(_json(tmp_path, tags=[f"t{i}" for i in range(MAX_TAGS + 1)]), f"more than an article can have ({MAX_TAGS})")
    gallery = [f"https://a.go.id/{i}.jpg" for i in range(MAX_GALLERY + 1)]
    _refused(_json(tmp_path, gallery=gallery), "gallery: ", f"({MAX_GALLERY})")
    _refused(_json(tmp_path, gallery=[{"url": "https://a.go.id/1.jpg", "alt": "a" * 1001}]), "gallery[1].alt: ")


def test_the_markdown_body_has_the_body_cap(tmp_path: Path) -> None:
    path = tmp_path / "panjang.md"
    path.write_text("---\ntitle: Judul\n---\n" + "kata " * 250_000, encoding="utf-8")
    _refused(path, "body: 1,249,999 characters")


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"title": "Judul\x00berita"}, "title: control character U+0000 at character 6"),
        ({"body": "Isi\n\nparagraf\x00"}, "body: control character U+0000"),
        ({"summary": "ring\x1bkas"}, "summary: control character U+001B"),
        ({"tags": ["Pangan", "Gizi\x07"]}, "tags: control character U+0007"),
        ({"image_alt": "Fo\x85to"}, "image_alt: control character U+0085"),
        ({"gallery": [{"url": "https://a.go.id/1.jpg", "alt": "\x7f"}]}, "gallery[1].alt: control character U+007F"),
        ({"author": "Tim\ud800"}, "author: lone surrogate U+D800"),
    ],
)
def test_control_characters_are_refused_naming_file_and_field(tmp_path: Path, fields: dict[str, Any], needle: str) -> None:
    _refused(_json(tmp_path, **fields), needle)


def test_a_nul_in_a_markdown_body_past_the_binary_sniff_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.md"
    path.write_bytes(b"---\ntitle: Judul\n---\n" + b"kata " * 3_000 + b"\x00 lagi")
    _refused(path, "body: control character U+0000 at character 15001")


def test_tab_and_line_breaks_stay(tmp_path: Path) -> None:
    article = load_article(_json(tmp_path, title="Judul\tberita", body="Satu\r\nDua\n\nTiga"))
    assert article.title == "Judul\tberita" and article.body == "Satu\r\nDua\n\nTiga"


def test_json_nested_too_deeply_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dalam.json"
    path.write_text('{"title": "Judul", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _refused(path, "nested too deeply")


@pytest.mark.parametrize("nested", ["[" * 50_000 + "]" * 50_000, "{a: " * 50_000 + "1" + "}" * 50_000])
def test_front_matter_nested_too_deeply_is_refused_naming_the_file(tmp_path: Path, nested: str) -> None:
    path = tmp_path / "dalam.md"
    path.write_text(f"---\ntitle: Judul\nx: {nested}\n---\nIsi\n", encoding="utf-8")
    _refused(path, "front matter nested too deeply")


@pytest.mark.parametrize(
    ("front", "needle"),
    [
        ("published: 0000-01-01", "malformed front matter"),  # YAML reads a date Python cannot hold
        ("published: 0001-01-01", "published: year 1 is out of range"),
        ("tags: [" + "9" * 5_000 + "]", "malformed front matter"),  # more digits than Python converts
    ],
)
def test_values_python_cannot_hold_are_refused(tmp_path: Path, front: str, needle: str) -> None:
    path = tmp_path / "aneh.md"
    path.write_text(f"---\ntitle: Judul\n{front}\n---\nIsi\n", encoding="utf-8")
    _refused(path, needle)


def test_a_json_number_too_long_to_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "angka.json"
    path.write_text('{"title": ' + "9" * 5_000 + "}", encoding="utf-8")
    _refused(path, "not valid JSON")
