"""Reading an article out of a web page: metadata from OpenGraph, Twitter cards and
JSON-LD, the body without menus, sidebars, scripts or footers, and the fallbacks of a page
that has no metadata at all.  No network: the pages under tests/pages are read from disk."""

from __future__ import annotations

import datetime as dt

import pytest

from disseminator.ingest import PageError, article_from_html
from disseminator.ingest.extract import extract
from disseminator.ingest.page import decode_html
from tests.website import PAGES

URL = "http://127.0.0.1:8000/berita/2026/11/bendungan"


def read(name: str, content_type: str | None = "text/html") -> str:
    return decode_html((PAGES / name).read_bytes(), content_type)[0]


def test_a_wordpress_page_gives_every_field_from_its_metadata() -> None:
    article, sources = article_from_html(read("wordpress.html"), url=URL)
    assert article.title == "Presiden Resmikan Bendungan Sukamaju"  # og:title, not <title> with the site's name
    assert article.summary == "Bendungan Sukamaju mengairi 5.000 hektare sawah di tiga kecamatan."
    assert article.url == "https://humas.contoh.go.id/berita/2026/11/presiden-resmikan-bendungan/"
    # og:image is relative: made absolute against the page's address
    assert article.image == "http://127.0.0.1:8000/wp-content/uploads/2026/11/bendungan.jpg"
    assert article.image_alt == "Presiden menekan tombol sirene di tepi bendungan"
    assert article.published == dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.timezone.utc)
    assert article.tags == ("Bendungan", "Irigasi", "Pertanian")
    assert article.author == "Tim Humas"  # from JSON-LD
    assert sources["title"] == "og:title" and sources["url"] == "canonical" and sources["author"] == "json-ld"


def test_the_body_leaves_out_menus_sidebars_scripts_and_footers() -> None:
    article, _ = article_from_html(read("wordpress.html"), url=URL)
    body = article.body
    assert body.startswith("SUKAMAJU – Presiden meresmikan Bendungan Sukamaju")
    assert "“Air adalah kunci ketahanan pangan,”" in body  # entities decoded
    assert "kelompok tani setempat" in body
    assert len(body.split("\n\n")) == 4  # paragraphs kept apart
    for chrome in ("Beranda", "Berita Terpopuler", "Bupati Tinjau Pasar", "Hak Cipta", "SKRIP", "ajaxurl", "font-family"):
        assert chrome not in body


def test_json_ld_and_twitter_cards_are_read_when_opengraph_is_missing() -> None:
    html = read("wordpress.html")
    html = "\n".join(line for line in html.splitlines() if 'property="og:' not in line and "article:" not in line)
    html = html.replace('<meta name="twitter:card"', '<meta name="twitter:image" content="/tw.jpg">'
                        '<meta name="twitter:description" content="Ringkasan kartu Twitter.">'
                        '<meta name="twitter:card"')
    got = extract(html, url=URL)
    assert got.title == "Judul Twitter yang kalah"  # twitter:title before JSON-LD
    assert got.summary == "Ringkasan kartu Twitter."
    assert got.image == "http://127.0.0.1:8000/tw.jpg"
    assert got.published == dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert got.tags == ("kata", "kunci")  # JSON-LD keywords
    html = html.replace('<meta name="twitter:title" content="Judul Twitter yang kalah">', "")
    assert extract(html, url=URL).title == "Presiden Resmikan Bendungan Sukamaju (JSON-LD)"


def test_a_page_without_metadata_falls_back_to_its_title_tag_and_text() -> None:
    article, sources = article_from_html(read("bare.html"), url=URL)
    assert article.title == "Pengumuman Libur Pelayanan"
    assert article.summary and article.summary.startswith("Kantor pelayanan terpadu tutup")
    assert article.url == URL  # no canonical: where it came from
    assert "Beranda" not in article.body and "Masyarakat yang memerlukan layanan darurat" in article.body
    assert article.image is None and article.tags == () and article.published is None
    assert sources == {"title": "<title>", "summary": "body", "url": "fetched"}


def test_a_page_with_only_a_heading_takes_it_as_title() -> None:
    article, sources = article_from_html(read("heading-only.html"), url=URL)
    assert article.title == "Rapat Koordinasi Penanganan Banjir" and sources["title"] == "heading"


def test_a_page_with_text_but_no_title_or_heading_takes_the_first_line() -> None:
    html = "<html><body><p>" + "Sosialisasi vaksinasi anak digelar di seluruh puskesmas " * 4 + "</p></body></html>"
    article, sources = article_from_html(html, url=URL)
    assert sources["title"] == "body"
    assert article.title.startswith("Sosialisasi vaksinasi anak") and article.title.endswith("…")
    assert len(article.title) <= 121


def test_a_page_with_no_title_anywhere_is_refused_in_one_line() -> None:
    with pytest.raises(PageError) as info:
        article_from_html(read("no-title.html"), url=URL)
    assert info.value.message == (f"{URL}: no title found (no og:title, JSON-LD headline, <title>, heading or text); "
                                  "expected an article page")


def test_bad_values_in_metadata_are_dropped_not_fatal() -> None:
    html = ('<html><head><title>Judul</title><meta property="og:image" content="javascript:alert(1)">'
            '<meta property="article:published_time" content="kemarin sore">'
            '<link rel="canonical" href="mailto:humas@contoh.go.id"></head><body><p>Isi.</p></body></html>')
    article, _ = article_from_html(html, url=URL)
    assert article.image is None and article.published is None and article.url == URL


def test_base_href_is_what_relative_images_are_read_against() -> None:
    html = ('<html><head><base href="https://cdn.contoh.go.id/aset/"><title>Judul</title>'
            '<meta property="og:image" content="foto/a.jpg"></head><body></body></html>')
    assert extract(html, url=URL).image == "https://cdn.contoh.go.id/aset/foto/a.jpg"


@pytest.mark.parametrize(("name", "content_type", "charset", "expected"), [
    ("cp1252.html", "text/html", "cp1252", "Café “Rakyat” Dibuka di Alun-alun"),  # only the <meta> says
    ("utf8-no-charset.html", "text/html; charset=iso-8859-1", "utf-8",  # the header lies
     "Jembatan Gantung ‘Merah Putih’ Selesai — Warga Bersyukur"),
    ("utf8-no-charset.html", "text/html", "utf-8", "Jembatan Gantung ‘Merah Putih’ Selesai — Warga Bersyukur"),
    ("cp1252.html", "text/html; charset=utf-8", "cp1252", "Café “Rakyat” Dibuka di Alun-alun"),  # wrong: not UTF-8
])
def test_the_charset_comes_from_the_header_the_meta_tag_or_detection(
        name: str, content_type: str, charset: str, expected: str) -> None:
    html, used = decode_html((PAGES / name).read_bytes(), content_type)
    assert used == charset
    article, _ = article_from_html(html, url=URL)
    assert article.title == expected


def test_a_page_without_any_declared_charset_is_detected() -> None:
    text = "<html><head><title>Пресс-релиз администрации</title></head><body><p>" + "Новости города. " * 30 + "</p></body></html>"
    html, used = decode_html(text.encode("cp1251"), "text/html")
    assert "Пресс-релиз администрации" in html and used == "cp1251"


def test_the_same_page_read_twice_gives_the_same_body() -> None:
    """A page read again (a revision check, a feed entry seen twice) is not emptied by text
    remembered from the first reading (trafilatura's ``deduplicate`` would)."""
    html = read("wordpress.html")
    first = [article_from_html(html, url=URL)[0].body for _ in range(3)]
    assert first[0] and first == [first[0]] * 3
