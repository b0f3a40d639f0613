"""``report --month``: the HTML report and its CSV, made from a seeded month and read back
(the HTML parsed: its tables' figures, its charts inline, nothing fetched), on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from channels.base import Article
from channels.clock import FakeClock
from disseminator.articles import content_hash
from disseminator.store import PartRow, PostRow, PostStatus, Store
from disseminator.store.posts import text_hash
from disseminator.store.post_models import MetricRow
from tests.helpers import run_cli, write_config

UTC = dt.timezone.utc


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


#: article -> (published_at or None, added at, [(channel, published_at, 24-hour figures or None)])
SEED: list[tuple[dt.datetime | None, dt.datetime, list[tuple[str, dt.datetime, dict[str, int] | None]]]] = [
    # First posts 1 h after publication; all on 2 November in Jakarta.
    (at(2, 1), at(2, 1), [("twitter", at(2, 2), {"likes": 10, "comments": 2, "shares": 3, "views": 1000}),
                          ("facebook", at(2, 3), {"likes": 40, "comments": 5, "shares": 5, "views": 3000, "reach": 2000}),
                          ("instagram", at(2, 5), {"likes": 30, "comments": 3, "shares": 1, "saved": 4, "views": 2500,
                                                   "reach": 2000})]),
    # No publication time: counted from when it was added (6 h); 18:00 UTC is 11 November in Jakarta.
    (None, at(10, 0), [("twitter", at(10, 6), {"likes": 1, "comments": 0, "shares": 0, "views": 100}),
                       ("facebook", at(10, 18), None)]),
    # First post in October: its November post counts, its time to first post does not.
    (at(31, 10, month=10), at(31, 10, month=10), [("twitter", at(31, 12, month=10), None),
                                                  ("facebook", at(1, 0, 30), {"likes": 5, "comments": 0, "shares": 0})]),
    # 30 November 18:00 UTC is 1 December in Jakarta: another month.
    (at(30, 10), at(30, 10), [("facebook", at(30, 18), {"likes": 99, "comments": 9, "shares": 9})]),
]
ACCOUNT = {"twitter": "humas_x", "facebook": "humas_fb", "instagram": "humas_ig"}


def seed(url: str) -> None:
    clock = FakeClock(at(1, 0, month=10))
    store = Store(url, clock=clock)
    try:
        for n, (published, added, posts) in enumerate(SEED):
            clock._now = added  # type: ignore[attr-defined]
            art = Article(title=f"Siaran pers {n}", url=f"https://humas.example.go.id/{n}", published=published)
            article_id = store.add_article(art, source=None, content_hash=content_hash(art))[0]
            for channel, when, figures in posts:
                row = _published(store, article_id, channel, when, f"teks {n} {channel}")
                with store.session() as s:
                    s.add(MetricRow(post_id=row.id, mark="1h", taken_at=when + dt.timedelta(hours=1),
                                    figures={"likes": 999, "comments": 999, "shares": 999}))  # never the 24-hour figure
                    if figures is not None:
                        s.add(MetricRow(post_id=row.id, mark="24h", taken_at=when + dt.timedelta(hours=24),
                                        figures=figures))
        # A cancelled post of November is no post of the report.
        art = Article(title="Dibatalkan", url="https://humas.example.go.id/batal")
        article_id = store.add_article(art, source=None, content_hash=content_hash(art))[0]
        _published(store, article_id, "twitter", at(15, 3), "batal", status=PostStatus.CANCELLED)
    finally:
        store.close()


def _published(store: Store, article_id: int, channel: str, when: dt.datetime, text: str, *,
               status: PostStatus = PostStatus.PUBLISHED) -> PostRow:
    """A post as the worker leaves it once published (its part with a remote id)."""
    with store.session() as s:
        row = PostRow(article_id=article_id, account=ACCOUNT[channel], channel=channel, variant="default", media=[],
                      warnings=[], status=status, scheduled_at=when, next_attempt_at=when, published_at=when,
                      attempts=1, needs_reconcile=False, created_at=when, updated_at=when,
                      part_rows=[PartRow(index=0, text=text, text_hash=text_hash(text), state="published",
                                         attempts=1, remote_id=f"r-{text}", published_at=when)])
        s.add(row)
        s.flush()
        row.remote_url = f"https://example.net/{row.id}"
        s.flush()
        s.expunge(row)
    return row


class Tables(HTMLParser):
    """Every table of the page by id: rows of (text, data-value) cells; and what it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._id_text: dict[str, str] = {}
        self._open_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.attrs[str(a["id"])] = a
            self._open_id = str(a["id"])
            self._id_text[self._open_id] = ""
        if tag == "table":
            self._table = str(a.get("id"))
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag == "td" and self._table:
            self._cell, self._value = [], a.get("data-value")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._table and self._cell is not None:
            self.tables[self._table][-1].append(("".join(self._cell), self._value))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._open_id:
            self._id_text[self._open_id] += data

    def body(self, table: str) -> list[list[tuple[str, str | None]]]:
        return [row for row in self.tables[table] if row]  # the header row has no td

    def text(self, element_id: str) -> str:
        return self._id_text.get(element_id, "")


@pytest.fixture
def report_config(tmp_path: Path, db_url: str) -> Path:
    path = write_config(tmp_path, sandbox_url=None, database=db_url)
    assert run_cli(["--config", str(path), "init"]).code == 0
    seed(db_url)
    return path


def test_report_of_a_seeded_month(report_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "laporan.html"
    result = run_cli(["--config", str(report_config), "report", "--month", "2026-11", "--output", str(out),
                      "--csv-dir", str(tmp_path / "csv"), "--json"])
    assert result.code == 0, result.err
    made = result.json()
    assert made["posts"] == 6 and made["articles"] == 2 and made["html"] == str(out)
    page = Tables()
    page.feed(out.read_text(encoding="utf-8"))

    # Self-contained: charts inline, no script, stylesheet, image or font fetched.
    assert sum(1 for tag, _a in page.tags if tag == "svg") == 3  # posts per day, time to first post, engagement
    assert not [t for t, a in page.tags if t in ("script", "link", "img", "iframe") or a.get("src")]
    assert "url(" not in out.read_text(encoding="utf-8").split("</style>")[0]
    assert page.attrs["summary"]["data-posts"] == "6"

    # Posts per channel and day, in Jakarta's days: 30 rows, columns facebook, instagram, twitter.
    days = {row[0][1]: [int(c[1] or 0) for c in row[1:4]] for row in page.body("posts-per-day")}
    assert len(days) == 30
    assert days["2026-11-01"] == [1, 0, 0]
    assert days["2026-11-02"] == [1, 1, 1]
    assert days["2026-11-10"] == [0, 0, 1]
    assert days["2026-11-11"] == [1, 0, 0]
    assert days["2026-11-15"] == [0, 0, 0] and days["2026-11-30"] == [0, 0, 0]
    assert sum(map(sum, days.values())) == 6

    # Time to first post: 1 h and 6 h (the article without a publication time counted from
    # when it was added); October's article is not counted.
    assert float(page.attrs["lead-median"]["data-hours"] or 0) == pytest.approx(3.5)
    leads = [(row[5][1], row[4][1]) for row in page.body("time-to-first-post")]
    assert leads == [("1.00", "twitter"), ("6.00", "twitter")]

    # Engagement at 24 hours by channel (the 1-hour figures never count).
    by = {row[0][1]: [int(c[1] or 0) for c in row[1:]] for row in page.body("engagement-24h")}
    #            posts measured likes comments shares engagement views
    assert by["facebook"] == [3, 2, 45, 5, 5, 55, 3000]
    assert by["instagram"] == [1, 1, 30, 3, 1, 34, 2500]
    assert by["twitter"] == [2, 2, 11, 2, 3, 16, 1100]

    # Top posts by engagement at 24 hours.
    top = [(row[2][1], int(row[6][1] or 0)) for row in page.body("top-posts")]
    assert top == [("facebook", 50), ("instagram", 34), ("twitter", 15), ("facebook", 5), ("twitter", 1)]
    links = [a["href"] for tag, a in page.tags if tag == "a"]
    assert links == [f"https://example.net/{row[1][1]}" for row in page.body("top-posts")]

    # The same figures as CSV.
    files = {Path(p).name: Path(p) for p in made["csv"]}
    assert set(files) == {f"laporan-{n}.csv" for n in ("posts-per-day", "time-to-first-post", "engagement-24h",
                                                      "top-posts")}
    rows = list(csv.DictReader(files["laporan-posts-per-day.csv"].open(encoding="utf-8")))
    assert len(rows) == 30 and rows[1] == {"day": "2026-11-02", "facebook": "1", "instagram": "1", "twitter": "1",
                                           "total": "3"}
    channels = {r["channel"]: r for r in csv.DictReader(files["laporan-engagement-24h.csv"].open(encoding="utf-8"))}
    assert channels["facebook"]["engagement"] == "55" and channels["twitter"]["views"] == "1100"
    leads_csv = list(csv.DictReader(files["laporan-time-to-first-post.csv"].open(encoding="utf-8")))
    assert [r["hours"] for r in leads_csv] == ["1.00", "6.00"]
    tops = list(csv.DictReader(files["laporan-top-posts.csv"].open(encoding="utf-8")))
    assert [(r["channel"], r["engagement"]) for r in tops][:2] == [("facebook", "50"), ("instagram", "34")]


def test_report_text_output_and_default_csv_beside_the_html(report_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run_cli(["--config", str(report_config), "report", "--since", "2026-11-02", "--until", "2026-11-02",
                      "-o", str(out)])
    assert result.code == 0, result.err
    assert "3 posts" in result.out and f"  {out}" in result.out.splitlines()
    assert (tmp_path / "r-top-posts.csv").exists()
    page = Tables()
    page.feed(out.read_text(encoding="utf-8"))
    assert len(page.body("posts-per-day")) == 1


@pytest.mark.parametrize("args, words", [
    (["--month", "2026-13"], "--month: expected a month such as 2026-11"),
    (["--month", "2026-11", "--since", "2026-11-01"], "not both"),
    (["--since", "2026-11-05", "--until", "2026-11-01"], "is before --since"),
    (["--since", "kemarin", "--until", "2026-11-01"], "--since: expected a date"),
    ([], "give --month"),
])
def test_bad_periods_are_one_clear_line(report_config: Path, tmp_path: Path, args: list[str], words: str) -> None:
    result = run_cli(["--config", str(report_config), "report", *args, "-o", str(tmp_path / "x.html")])
    assert result.code != 0
    assert words in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert not (tmp_path / "x.html").exists()


def test_report_in_indonesian_marks_its_language(report_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "id.html"
    result = run_cli(["--config", str(report_config), "report", "--month", "2026-11", "-o", str(out)],
                     env={"DISSEMINATOR_LANGUAGE": "id"})
    assert result.code == 0, result.err
    page = Tables()
    page.feed(out.read_text(encoding="utf-8"))
    assert ("html", {"lang": "id"}) in page.tags
