"""New post from an article's web address, in a real browser (Debian's chromium, headless)
against a real ``disseminator web`` process, the sandbox, a website served on 127.0.0.1
(tests/website.py: the WordPress page of tests/pages) and ``run-due``:

a drafter (no approval configured) types the page's address on the New post page, sees
the article read from it and a preview for each of the three accounts, queues them now;
the calendar shows the three posts scheduled today; ``run-due`` publishes each to the
sandbox exactly once (a second run sends nothing), and the post page says published.
The pages are photographed at 1280 and 360 pixels wide and must not scroll sideways.

Over 5 s (25-35 s here, beside other test runs): a server, a browser, a website, two
worker runs (3-4 s each) and six full-page photographs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_web_flow import _cards, _cli, _login, _shoot, serve_web
from tests.helpers import REPO
from tests.website import PAGES, Answer, Site, default_pages, serve_site

#: No approval: what a drafter queues is scheduled at once.
TOP = "allow_as = true\n"
TITLE = "Presiden Resmikan Bendungan Sukamaju"
ARTICLE = "/berita/bendungan"
IMAGE = "/wp-content/uploads/2026/11/bendungan.jpg"  # the page's og:image, served by the site too


@pytest.fixture
def website() -> Iterator[Site]:
    """The WordPress page of tests/pages, its links pointing at this site (so the worker's
    check that the article's page is live reaches it), and its image."""
    pages = {**default_pages(), IMAGE: Answer(content_type="image/jpeg", body=(
        REPO / "disseminator" / "data" / "contoh-bendungan.jpg").read_bytes())}
    with serve_site(pages) as site:
        html = (PAGES / "wordpress.html").read_text(encoding="utf-8")
        pages[ARTICLE] = Answer(body=html.replace("https://humas.contoh.go.id/berita/2026/11/presiden-resmikan-bendungan/",
                                                  site.at(ARTICLE)).encode())
        yield site


def test_a_post_from_a_web_address_is_previewed_queued_and_published_once(
        browser: Any, website: Site, sandbox: Any, tmp_path: Path, artifacts: Path) -> None:
    from playwright.sync_api import expect

    with serve_web(tmp_path, sandbox, TOP) as (base, config):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _login(page, base, "dewi")

        # The web address, typed; Enter sends the form.
        page.goto(f"{base}/new")
        page.fill("#url", website.at(ARTICLE))
        page.focus("#url")
        page.keyboard.press("Enter")
        page.wait_for_url("**/new/*")
        assert website.hits.get(ARTICLE) == 1
        expect(page.locator("h2").first).to_contain_text(TITLE)
        offered = page.eval_on_selector_all("input[name=account]", "xs => xs.map(x => [x.value, x.checked])")
        assert offered[:3] == [["sandbox_x", True], ["sandbox_fb", True], ["sandbox_ig", True]], offered
        for name, _checked in offered[3:]:
            page.uncheck(f"input[name=account][value={name}]")
        # A preview per account: the article's words, the image read from the page.
        for name in ("sandbox_x", "sandbox_fb", "sandbox_ig"):
            card = page.locator(f"section[aria-labelledby='acc-{name}']")
            expect(card).to_contain_text("Bendungan Sukamaju")
        images = page.eval_on_selector_all("section.card img", "xs => xs.map(x => [x.src, x.naturalWidth])")
        # The page's image, fetched from the site and kept on the media host, shown in each.
        assert website.hits.get(IMAGE, 0) >= 1 and len({src for src, _w in images}) == 1, images
        assert len(images) >= 3 and all(width == 1200 for _src, width in images), images
        _shoot(page, artifacts, "new-post-url-previews")
        page.fill("#when", "sekarang")
        page.click("#queue")
        page.wait_for_url("**/calendar*")

        cards = _cards(page, base)
        assert len(cards) == 3, cards
        assert all("state-scheduled" in c["state"] and "is-draft" not in c["cls"] for c in cards.values()), cards
        assert len({c["day"] for c in cards.values()}) == 1
        _shoot(page, artifacts, "calendar-url")

        # The worker publishes each post once; a second run has nothing to send.
        for _run in range(2):
            ran = _cli(config, "--as", "root", "run-due")
            assert ran.returncode == 0, ran.stderr
        sent = sandbox.posts()
        assert sorted(p["network"] for p in sent) == ["facebook", "instagram", "x"], sent
        assert all(TITLE in (p.get("text") or p.get("caption") or "") for p in sent), sent
        first = min(cards)
        page.goto(f"{base}/post/{first}")
        assert "state-published" in page.get_attribute("h1 .state", "class")
        assert sandbox.posts() == sent  # and nothing since
        _shoot(page, artifacts, "post-from-url")
        context.close()
