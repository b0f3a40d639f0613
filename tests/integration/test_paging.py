"""Pages of the queue and history listings (:mod:`disseminator.paging`, the web page's
Queue and History) on SQLite and PostgreSQL: walking forward and back by the cursors gives
every row once, in the listing's order, with posts at one same microsecond split across a
page's edge; the ``limit`` ends the list; a link whose rows have gone opens the first page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disseminator.paging import Cursor, listing_page
from disseminator.listings import Filters
from tests.bulk import fill

SIZE = 10


@pytest.fixture
def filled(config: Path) -> Iterator[tuple[Any, Any, dict[str, list[int]]]]:
    """37 queued posts of sandbox_fb (12 a second apart, 25 at one same microsecond, then
    none), 9 of sandbox_x among them, and 23 published ones; the expected listings."""
    from disseminator.config import load_settings
    from disseminator.store import Store

    settings = load_settings(config)
    store = Store.open(settings.database)
    at = dt.datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=dt.timezone.utc)
    second = dt.timedelta(seconds=1)
    a = fill(store, 12, when=at, accounts=["sandbox_fb"], spread=second, tag="a")
    fill(store, 9, when=at, accounts=["sandbox_x"], spread=second, tag="x")
    crowd = fill(store, 25, when=at + 100 * second, accounts=["sandbox_fb"], tag="c")
    done = fill(store, 23, when=at - dt.timedelta(days=400), accounts=["sandbox_fb"], spread=dt.timedelta(microseconds=1),
                published_every=1, tag="d")
    try:
        yield settings, store, {"queue": [*range(a[0], a[1] + 1), *range(crowd[0], crowd[1] + 1)],
                                "history": list(range(done[1], done[0] - 1, -1))}
    finally:
        store.close()


def _walk(settings: Any, store: Any, kind: str, filters: Filters) -> tuple[list[list[int]], list[list[int]]]:
    """Every page forward by the 'next' cursors, then back by the 'previous' ones."""
    forward, back = [], []
    page = listing_page(settings, store, kind, None, filters=filters, size=SIZE)
    while True:
        forward.append([r["id"] for r in page.rows])
        assert page.start == 1 + SIZE * (len(forward) - 1) and page.end == page.start + len(page.rows) - 1
        assert (page.earlier is None) == (len(forward) == 1)
        if page.later is None:
            break
        page = listing_page(settings, store, kind, None, filters=filters, after=page.later, start=page.end + 1,
                            size=SIZE)
    while page.earlier is not None:
        page = listing_page(settings, store, kind, None, filters=filters, before=page.earlier, start=page.start,
                            size=SIZE)
        back.append([r["id"] for r in page.rows])
    return forward, back


@pytest.mark.parametrize("kind", ["queue", "history"])
def test_every_row_once_in_order_forward_and_back(filled: tuple[Any, Any, dict[str, list[int]]], kind: str) -> None:
    settings, store, expected = filled
    forward, back = _walk(settings, store, kind, Filters(accounts=("sandbox_fb",)))
    want = expected[kind]
    assert forward == [want[i:i + SIZE] for i in range(0, len(want), SIZE)]
    assert back == forward[-2::-1]


def test_the_limit_ends_the_list(filled: tuple[Any, Any, dict[str, list[int]]]) -> None:
    settings, store, expected = filled
    forward, _back = _walk(settings, store, "queue", Filters(accounts=("sandbox_fb",), limit=25))
    assert forward == [expected["queue"][:10], expected["queue"][10:20], expected["queue"][20:25]]


def test_a_link_whose_rows_are_gone_opens_the_first_page(filled: tuple[Any, Any, dict[str, list[int]]]) -> None:
    settings, store, expected = filled
    # "Previous page" from a page said to start at row 31: only 5 rows precede the cursor
    # (the rest were published, say, since the link was made).
    cursor = Cursor(dt.datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=5),
                    expected["queue"][5])
    page = listing_page(settings, store, "queue", None, filters=Filters(accounts=("sandbox_fb",)), before=cursor,
                        start=31, size=SIZE)
    assert page.start == 1 and [r["id"] for r in page.rows] == expected["queue"][:10] and page.earlier is None
    assert Cursor.parse(cursor.token(), "after") == cursor
    # From a page said to start at row 11 while 12 rows precede it (posts added before it):
    # the first page again, not rows 1-10 that are not the first.
    later = Cursor(cursor.at + dt.timedelta(seconds=7), expected["queue"][12])
    page = listing_page(settings, store, "queue", None, filters=Filters(accounts=("sandbox_fb",)), before=later,
                        start=11, size=SIZE)
    assert page.start == 1 and [r["id"] for r in page.rows] == expected["queue"][:10]
