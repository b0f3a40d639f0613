"""A feed document read into entries, and entries into articles (no network, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from disseminator.errors import ArticleError
from disseminator.ingest.feeds import FeedError, entry_article, parse
from disseminator.ingest.feed_poll import backoff
from tests.feed_server import Item, atom, rss

URL = "https://humas.example.go.id/feed/"
JKT = dt.timezone(dt.timedelta(hours=7))


def _it(n: int, **kw: object) -> Item:
    fields: dict[str, object] = {"title": f"Berita {n}", "link": f"https://humas.example.go.id/berita/{n}",
                                 "guid": f"g{n}", "published": dt.datetime(2026, 11, n, 9, 0, tzinfo=JKT)}
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def test_a_wordpress_entry_becomes_an_article_with_every_field() -> None:
    content = ('<figure><img src="https://humas.example.go.id/wp-content/bendungan.jpg" alt="Bendungan Jragung">'
               '</figure><p>Presiden meresmikan bendungan &amp; irigasi.</p><ul><li>12.000 hektare</li></ul>')
    doc = parse(rss([_it(3, content=content, summary="<p>Ringkasan &#8230;</p>", categories=["Infrastruktur", "PUPR"])]),
                url=URL)
    art = entry_article(doc.entries[0], feed_url=URL)
    assert art.title == "Berita 3" and art.url == "https://humas.example.go.id/berita/3"
    assert art.summary == "Ringkasan …"
    assert art.body == "Presiden meresmikan bendungan & irigasi.\n\n• 12.000 hektare"
    assert (art.image, art.image_alt) == ("https://humas.example.go.id/wp-content/bendungan.jpg", "Bendungan Jragung")
    assert art.tags == ("Infrastruktur", "PUPR")
    assert art.published == dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.timezone.utc)


def test_an_image_enclosure_comes_before_the_content_image() -> None:
    doc = parse(rss([_it(1, image="https://cdn.example.go.id/a.jpg",
                         content='<img src="https://humas.example.go.id/b.jpg" alt="b">')]), url=URL)
    assert entry_article(doc.entries[0], feed_url=URL).image == "https://cdn.example.go.id/a.jpg"


def test_atom_entries_and_relative_links() -> None:
    doc = parse(atom([_it(2, link="/berita/2", content="<p>Isi <em>lengkap</em>.</p>")]),
                url="https://humas.example.go.id/atom.xml", content_type="application/atom+xml")
    art = entry_article(doc.entries[0], feed_url=URL)
    assert art.url == "https://humas.example.go.id/berita/2" and art.body == "Isi lengkap."


def test_entries_come_oldest_first_by_time_else_in_reverse_document_order() -> None:
    dated = parse(rss([_it(2), _it(5), _it(1)]), url=URL)
    assert [e.label for e in dated.entries] == ["Berita 1", "Berita 2", "Berita 5"]
    undated = parse(rss([_it(2, published=None), _it(5, published=None), _it(1, published=None)]), url=URL)
    assert [e.label for e in undated.entries] == ["Berita 1", "Berita 5", "Berita 2"]


def test_keys_are_the_guid_and_the_link_unless_every_guid_is_the_same() -> None:
    doc = parse(rss([_it(1), _it(2)]), url=URL)
    assert all(len(e.keys) == 2 for e in doc.entries) and not doc.shared_guid
    shared = parse(rss([_it(1, guid="x"), _it(2, guid="x")]), url=URL)
    assert shared.shared_guid and len(shared.warnings) == 1
    assert all(len(e.keys) == 1 for e in shared.entries)
    assert len({e.keys for e in shared.entries}) == 2


@pytest.mark.parametrize(("body", "expected"), [
    (b"<html><body><p>Berita</p></body></html>", "not an RSS or Atom feed"),
    (b"", "not an RSS or Atom feed"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not an RSS or Atom feed"),
])
def test_what_is_not_a_feed_is_one_line(body: bytes, expected: str) -> None:
    with pytest.raises(FeedError) as err:
        parse(body, url=URL)
    assert expected in err.value.message and "\n" not in err.value.message


@pytest.mark.parametrize(("item", "expected"), [
    (_it(1, title=None), "has no title; skipped"),
    (_it(1, link=None), "has no link; skipped"),
    (_it(1, link="javascript:alert(1)"), "url"),
])
def test_an_entry_that_cannot_be_an_article_says_why(item: Item, expected: str) -> None:
    doc = parse(rss([item]), url=URL)
    with pytest.raises(ArticleError) as err:
        entry_article(doc.entries[0], feed_url=URL)
    assert expected in err.value.message and URL in err.value.message


def test_a_long_field_is_cut_not_refused() -> None:
    doc = parse(rss([_it(1, summary="kata " * 5000)]), url=URL)
    art = entry_article(doc.entries[0], feed_url=URL)
    assert art.summary is not None and len(art.summary) <= 10_000 and art.summary.endswith("…")


def test_backoff_doubles_from_the_interval_and_stops_at_its_cap() -> None:
    minute = dt.timedelta(minutes=1)
    assert [backoff(minute, n) for n in (1, 2, 3)] == [minute, 2 * minute, 4 * minute]
    assert backoff(minute, 40) == dt.timedelta(hours=6)
    assert backoff(dt.timedelta(days=1), 5) == dt.timedelta(days=1)


def test_an_image_takes_its_alt_text_from_media_rss_or_the_same_image_in_the_content() -> None:
    sized = '<p><img src="https://cdn.example.go.id/2026/11/foto-1024x683.jpg?v=2" alt="Menteri menanam padi"></p>'
    doc = parse(rss([
        _it(1, media="https://cdn.example.go.id/a.jpg", media_description="Presiden di Bendungan Jragung",
            media_title="Foto peresmian"),
        _it(2, media="https://cdn.example.go.id/b.jpg", media_title="Warga menerima bantuan pangan"),
        _it(3, image="https://cdn.example.go.id/2026/11/foto.jpg", content=sized),
        _it(4, image="https://cdn.example.go.id/c.jpg", content='<img src="https://cdn.example.go.id/d.jpg" alt="d">'),
        _it(5, media="https://cdn.example.go.id/e.jpg", media_description="Deskripsi foto", content=None),
    ]), url=URL)
    arts = {a.title: a for a in (entry_article(e, feed_url=URL) for e in doc.entries)}
    assert arts["Berita 1"].image_alt == "Presiden di Bendungan Jragung"  # the description before the title
    assert arts["Berita 2"].image_alt == "Warga menerima bantuan pangan"
    assert (arts["Berita 3"].image, arts["Berita 3"].image_alt) == ("https://cdn.example.go.id/2026/11/foto.jpg",
                                                                    "Menteri menanam padi")  # a resized copy
    assert (arts["Berita 4"].image, arts["Berita 4"].image_alt) == ("https://cdn.example.go.id/c.jpg", None)
    assert arts["Berita 5"].body == "" and arts["Berita 5"].image_alt == "Deskripsi foto"  # not read as the text


def test_a_feed_with_entities_is_read_without_expanding_them() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title><item>'
            b'<title>Berita</title><link>https://humas.example.go.id/1</link><media:content '
            b'url="https://cdn.example.go.id/x.jpg" medium="image"><media:description>&b;</media:description>'
            b'</media:content></item></channel></rss>')
    from disseminator.ingest.feed_media import media_alts

    alts = media_alts(bomb)
    assert alts is not None and "aaaaaaaaaa" not in str(alts)
