"""A feed entry's image without alt text: in queue mode its posts are not sent (with
``require_alt_text``, the default) but wait for it, and ``feeds poll``, ``feeds list`` and
``queue`` say the exact command; ``article alt`` gives it, ``approve`` lets them go.  An
image with a media:description goes at once.  On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.feed_server import Publisher, rss
from tests.integration.test_feeds import _item, _open, _posts, _setup, pub  # noqa: F401 - the fixture



def _images(pub: Publisher) -> tuple[str, str]:
    """Two JPEG photos the feed server serves (the channels fetch them when rendering)."""
    import io

    from PIL import Image

    urls = []
    for name, colour in (("bendungan", (20, 90, 160)), ("sawah", (60, 160, 40))):
        data = io.BytesIO()
        Image.new("RGB", (1200, 630), colour).save(data, "JPEG")
        urls.append(pub.put(f"/wp-content/uploads/{name}.jpg", data.getvalue(), kind="image/jpeg"))
    return urls[0], urls[1]


def test_a_queue_feed_holds_posts_whose_image_has_no_alt_until_an_officer_gives_it(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    path, cli = _setup(tmp_path, sandbox, db_url)
    IMAGE, other = _images(pub)
    url = pub.put("/feed/", rss([_item(1)]))
    assert cli("feeds", "add", url, "--account", "sandbox_x", "--account", "sandbox_fb").code == 0
    described = _item(3, media=other, media_description="Petani memanen padi")
    pub.put("/feed/", rss([described, _item(2, image=IMAGE), _item(1)]))
    polled = cli("feeds", "poll", "--all")
    assert polled.code == 0, polled.err
    said = " ".join(polled.err.split())
    assert ("post 2 waits: its image has no alt text, so it is not sent; add it with "
            "'disseminator article alt 1 \"TEXT\"', then 'disseminator approve 2'") in said, polled.err

    posts = _posts(path)
    by = {(p.article_id, p.account): p for p in posts}
    held = by[(1, "sandbox_x")]
    assert held.id == 2 and held.status.value == "awaiting_approval" and held.media[0]["alt"] is None
    assert by[(1, "sandbox_fb")].status.value == "scheduled" and not by[(1, "sandbox_fb")].media  # a link post: no image
    described_x = by[(2, "sandbox_x")]  # the image has its media:description: nothing waits
    assert described_x.status.value == "scheduled" and described_x.media[0]["alt"] == "Petani memanen padi"

    from disseminator.alerts import detect
    from disseminator.alerts_send import compose

    settings, store = _open(path)
    try:
        [alert] = [a for a in detect(settings, store, store.clock.now()) if a.kind == "alt_missing"]
    finally:
        store.close()
    assert alert.facts["post_ids"] == [2] and alert.facts["article_id"] == 1
    subject, text = compose(alert.kind, alert.facts, settings)
    assert "article 1 wait for alt text" in subject
    assert "'disseminator article alt 1 \"TEXT\"', then send them with 'disseminator approve 2'" in text

    listed = cli("feeds", "list")
    assert "feed 1: post 2 waits: its image has no alt text" in " ".join(listed.err.split())
    assert json.loads(cli("feeds", "list", "--json").out)[0]["needs_alt"] == [{"article": 1, "posts": [2]}]
    queued = {q["id"]: q for q in json.loads(cli("queue", "--json").out)}
    assert queued[2]["missing_alt"] == [1] and "missing_alt" not in queued[1]
    shown = " ".join(cli("queue").out.split())
    assert "its image has no alt text: add it with 'disseminator article alt 1" in shown
    refused = cli("approve", "2")
    assert refused.code == 1 and "image 1 has no alt text" in refused.err

    empty = cli("article", "alt", "1", "  ")
    assert empty.code != 0 and "alt text is empty" in empty.err
    given = cli("article", "alt", "1", "Presiden meresmikan Bendungan Jragung")
    assert given.code == 0, given.err
    assert "posts 2 now carry it" in given.out and "'disseminator approve 2'" in given.out
    assert _posts(path)[1].media[0]["alt"] == "Presiden meresmikan Bendungan Jragung"
    assert json.loads(cli("feeds", "list", "--json").out)[0]["needs_alt"] == []
    approved = cli("approve", "2")
    assert approved.code == 0, approved.err
    assert _posts(path)[1].status.value == "scheduled"

    pub.conditional = False  # the entry, read again, keeps the officer's alt text: no revision, no reset
    assert cli("feeds", "poll", "--all").code == 0
    settings, store = _open(path)
    try:
        assert [r.revision for r in store.revisions(1)] == [1, 2]
        assert store.article(1).image_alt == "Presiden meresmikan Bendungan Jragung"
    finally:
        store.close()
    corrected = _item(2, image=IMAGE, title="Siaran pers 2 (ralat): program nomor 2 diluncurkan")
    pub.put("/feed/", rss([described, corrected, _item(1)]))  # edited in place later: the alt text stays
    assert cli("feeds", "poll", "--all").code == 0
    settings, store = _open(path)
    try:
        assert store.article(1).revision == 3 and store.article(1).image_alt == "Presiden meresmikan Bendungan Jragung"
        assert store.post(2).media[0]["alt"] == "Presiden meresmikan Bendungan Jragung"
    finally:
        store.close()


def test_without_require_alt_text_a_queue_feed_sends_at_once(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    path, cli = _setup(tmp_path, sandbox, db_url)
    text = path.read_text(encoding="utf-8").replace('timezone = "Asia/Jakarta"',
                                                     'timezone = "Asia/Jakarta"\nrequire_alt_text = false', 1)
    path.write_text(text, encoding="utf-8")
    IMAGE, _other = _images(pub)
    url = pub.put("/feed/", rss([_item(1)]))
    assert cli("feeds", "add", url, "--account", "sandbox_x").code == 0
    pub.put("/feed/", rss([_item(2, image=IMAGE), _item(1)]))
    polled = cli("feeds", "poll", "--all")
    assert polled.code == 0 and "alt text" not in polled.err
    assert [p.status.value for p in _posts(path)] == ["scheduled"]


def test_the_alt_text_of_the_same_image_on_the_entry_page_is_taken(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    path, cli = _setup(tmp_path, sandbox, db_url)
    image, other = _images(pub)
    url = pub.put("/feed/", rss([_item(1)]))
    assert cli("feeds", "add", url, "--account", "sandbox_x").code == 0

    def page(n: int, og_image: str) -> str:
        title = _item(n).title
        return pub.put(f"/berita/{n}", (
            f'<html><head><title>{title}</title><meta property="og:title" content="{title}">'
            f'<meta property="og:image" content="{og_image}">'
            '<meta property="og:image:alt" content="Presiden meninjau Bendungan Jragung"></head>'
            f"<body><h1>{title}</h1><p>Isi berita.</p></body></html>").encode(), kind="text/html; charset=utf-8")

    same = _item(2, image=image, link=page(2, image))
    another = _item(3, image=image, link=page(3, other))  # the page describes another picture: not ours
    pub.put("/feed/", rss([another, same, _item(1)]))
    assert cli("feeds", "poll", "--all").code == 0
    first, second = _posts(path)
    assert first.status.value == "scheduled" and first.media[0]["alt"] == "Presiden meninjau Bendungan Jragung"
    assert second.status.value == "awaiting_approval" and second.media[0]["alt"] is None
