"""The Queue and History pages a hundred rows at a time, against a real server: 250
matching posts are three pages, each with the right rows in the listing's order (posts
queued at one same moment included, across a page's edge), the filters kept by every
link, and the previous pages found again going back."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from disseminator.store import Store
from tests.bulk import fill
from tests.web.conftest import Browser, WebServer, login

ROW_ID = re.compile(r'<td data-label="Post">(?:<a [^>]*>)?#(\d+)<')
LINK = re.compile(r'<a class="button quiet" rel="(prev|next)" href="([^"]+)"')
SHOWN = re.compile(r'<p id="rows-shown">([^<]*)</p>')


@pytest.fixture(scope="module")
def many(web: WebServer) -> dict[str, list[int]]:
    """250 posts of sandbox_fb in the queue (150 a minute apart, then 100 at one same
    moment) and 250 published ones, among 60 of sandbox_x of each; the expected pages
    (ids in order) of each list filtered on sandbox_fb."""
    store = Store.open(web.database)
    try:
        start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=2)
        minute = dt.timedelta(minutes=1)
        first, last = fill(store, 150, when=start, accounts=["sandbox_fb"], spread=minute, tag="a")
        other = fill(store, 60, when=start, accounts=["sandbox_x"], spread=minute, tag="b")
        tied = fill(store, 100, when=start + 200 * minute, accounts=["sandbox_fb"], tag="c")
        queued = list(range(first, last + 1)) + list(range(tied[0], tied[1] + 1))  # soonest first, then by id
        old = start - dt.timedelta(days=30)
        done = fill(store, 250, when=old, accounts=["sandbox_fb"], spread=minute, published_every=1, tag="d")
        fill(store, 60, when=old, accounts=["sandbox_x"], spread=minute, published_every=1, tag="e")
        assert other[1] - other[0] == 59
    finally:
        store.close()
    return {"queue": queued, "history": list(range(done[1], done[0] - 1, -1))}  # the history: newest first


def _read(browser: Browser, path: str) -> tuple[list[int], dict[str, str], str]:
    answer = browser.page(path)
    assert answer.status_code == 200, answer.text[-500:]
    links = {kind: html.unescape(href) for kind, href in LINK.findall(answer.text)}
    shown = SHOWN.search(answer.text)
    assert shown, answer.text[-800:]
    return [int(i) for i in ROW_ID.findall(answer.text)], links, shown.group(1).strip()


@pytest.mark.parametrize("kind", ["queue", "history"])
def test_250_posts_are_three_pages_with_the_filters_kept(web: WebServer, many: dict[str, list[int]],
                                                         kind: str) -> None:
    browser = login(web, "budi")
    expected = many[kind]
    assert len(expected) == 250
    ids, links, shown = _read(browser, f"/{kind}?account=sandbox_fb")
    pages = [ids]
    assert "prev" not in links and shown == "Posts 1–100; more follow."
    ids, links, shown = _read(browser, links["next"])
    pages.append(ids)
    assert shown == "Posts 101–200; more follow."
    assert "account=sandbox_fb" in links["next"] and "account=sandbox_fb" in links["prev"]
    ids, last_links, shown = _read(browser, links["next"])
    pages.append(ids)
    assert shown == "Posts 201–250 of 250." and "next" not in last_links
    assert pages == [expected[:100], expected[100:200], expected[200:]]

    # Back again: the same pages, found from the cursors of the links.
    back, links, shown = _read(browser, last_links["prev"])
    assert back == pages[1] and shown == "Posts 101–200; more follow."
    back, links, shown = _read(browser, links["prev"])
    assert back == pages[0] and "prev" not in links and shown == "Posts 1–100; more follow."


def test_a_state_filter_and_a_limit_are_kept_across_pages(web: WebServer, many: dict[str, list[int]]) -> None:
    browser = login(web, "budi")
    ids, links, shown = _read(browser, "/queue?status=scheduled&account=sandbox_fb&limit=150")
    assert ids == many["queue"][:100] and "status=scheduled" in links["next"] and "limit=150" in links["next"]
    ids, links, shown = _read(browser, links["next"])
    assert ids == many["queue"][100:150] and shown == "Posts 101–150 of 150." and "next" not in links
    # Without the account filter, the other account's posts are on the pages too.
    ids, links, shown = _read(browser, "/queue?status=scheduled")
    assert len(ids) == 100 and shown == "Posts 1–100; more follow."


def test_a_page_link_that_cannot_be_read_says_so(web: WebServer, many: dict[str, list[int]]) -> None:
    browser = login(web, "budi")
    answer = browser.page("/queue?after=kemarin")
    assert answer.status_code == 400
    assert "after: cannot read &#39;kemarin&#39; as a place in the list" in answer.text
