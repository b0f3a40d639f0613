"""The web page's lists, accounts, holds and report against a real server process: every
page answers each role that may open it, the CSV files are the CLI's, actions are refused
on the server to a role that may not take them, and what is done is recorded under the
officer's name."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
import requests

from tests.helpers import article_file
from tests.web.conftest import WebServer, login

PAGES = ["/queue", "/history", "/accounts", "/holds", "/report", "/queue.csv", "/history.csv"]


@pytest.fixture(scope="module")
def posts(web: WebServer, tmp_path_factory: pytest.TempPathFactory) -> WebServer:
    """Two articles: one published on X and Facebook, one queued for tomorrow on all three."""
    folder = tmp_path_factory.mktemp("articles")
    first = article_file(folder, "satu.md", title="Program Makan Bergizi", image=None)
    second = article_file(folder, "dua.md", title="=HYPERLINK(\"x\") Bantuan Banjir", url="https://humas.example.go.id/b",
                          image=None)
    assert web.cli("article", "add", str(first), str(second)).code == 0
    assert web.cli("schedule", "1", "--account", "sandbox_x", "--account", "sandbox_fb", "--now").code == 0
    assert web.cli("run-due").code == 0
    assert web.cli("schedule", "2", "--account", "sandbox_x", "--account", "sandbox_fb", "--at", "besok 09:00").code == 0
    return web


@pytest.mark.parametrize("name", ["budi", "approver", "admin"])
def test_every_page_opens_for_each_role(posts: WebServer, name: str) -> None:
    browser = login(posts, name)
    for path in PAGES:
        answer = browser.page(path)
        assert answer.status_code == 200, (name, path, answer.text[-300:])
    menu = browser.page("/queue").text
    for label in ("Queue", "History", "Accounts", "Holds", "Report"):
        assert f">{label}</a>" in menu


def test_the_queue_lists_and_filters_like_the_cli(posts: WebServer) -> None:
    browser = login(posts, "budi")
    page = browser.page("/queue").text
    assert "Bantuan Banjir" in page and "sandbox_x" in page and "sandbox_fb" in page
    only_fb = browser.page("/queue?account=sandbox_fb").text
    assert "sandbox_fb" in only_fb and ">sandbox_x <" not in only_fb
    assert browser.page("/history").text.count("state-published") == 2
    bad = browser.page("/queue?since=kemarin-lusa-entah")
    assert bad.status_code == 400 and "--since" in bad.text


@pytest.mark.parametrize("kind", ["queue", "history"])
def test_csv_export_is_the_clis(posts: WebServer, kind: str) -> None:
    browser = login(posts, "budi")
    answer = browser.page(f"/{kind}.csv?status=all")
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert f'filename="{kind}.csv"' in answer.headers["Content-Disposition"]
    cli = posts.cli(kind, "--status", "all", "--csv")
    assert cli.code == 0, cli.err
    assert answer.text.replace("\r\n", "\n") == cli.out.replace("\r\n", "\n")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 4 and {r["account"] for r in rows} == {"sandbox_x", "sandbox_fb"}
    # A title a spreadsheet would run as a formula is written as text.
    assert any(r["article_title"].startswith("'=HYPERLINK") for r in rows)


def test_a_drafter_calling_an_approvers_action_is_refused(posts: WebServer) -> None:
    browser = login(posts, "budi")
    browser.page("/holds")
    refused = browser.submit("/holds/pause", {"account": "", "reason": "coba"})
    assert refused.status_code == 403
    assert "needs the approver role" in refused.text
    assert 'action="/holds/pause"' not in browser.page("/holds").text  # and the form is not shown to a drafter
    status = json.loads(posts.cli("status", "--json").out)
    assert not [h for h in status["holds"] if h["kind"] == "pause"]  # nothing was paused
    # An approver may not check accounts either (the CLI's `accounts check` is admin's).
    approver = login(posts, "approver")
    approver.page("/accounts")
    assert approver.submit("/accounts/check", {"name": "sandbox_x"}).status_code == 403


def test_an_approver_pauses_and_resumes_and_the_record_names_them(posts: WebServer) -> None:
    browser = login(posts, "approver")
    browser.page("/holds")
    paused = browser.submit("/holds/pause", {"account": "sandbox_fb", "reason": "Hari berkabung"})
    assert paused.status_code == 200 and "paused" in paused.text and "Hari berkabung" in paused.text
    holds = browser.page("/holds").text
    assert "sandbox_fb" in holds and "Hari berkabung" in holds
    assert "paused" in browser.page("/queue?account=sandbox_fb").text  # what happens next says why it waits
    resumed = browser.submit("/holds/resume", {"account": "sandbox_fb"})
    assert "sandbox_fb resumed" in resumed.text
    entries = json.loads(posts.cli("record", "export", "--json").out)
    mine = [(e["event"], e["account"], e["actor"]) for e in entries if e["event"] in ("paused", "resumed")]
    assert mine[-2:] == [("paused", "sandbox_fb", "approver"), ("resumed", "sandbox_fb", "approver")]


def test_an_account_paused_and_resumed_from_its_card(posts: WebServer) -> None:
    browser = login(posts, "approver")
    card = browser.page("/accounts").text
    assert 'action="/accounts/check"' not in card  # checking is an admin's
    paused = browser.submit("/holds/pause", {"account": "sandbox_x", "next": "/accounts"})
    assert paused.url.endswith("/accounts") and "sandbox_x paused" in paused.text
    status = json.loads(posts.cli("status", "--json").out)
    assert [h["account"] for h in status["holds"] if h["kind"] == "pause"] == ["sandbox_x"]
    resumed = browser.submit("/holds/resume", {"account": "sandbox_x", "next": "https://evil.example/"})
    assert resumed.url.endswith("/holds") and "sandbox_x resumed" in resumed.text  # never off the site
    assert not [h for h in json.loads(posts.cli("status", "--json").out)["holds"] if h["kind"] == "pause"]


def test_the_admin_checks_an_account(posts: WebServer) -> None:
    browser = login(posts, "admin")
    browser.page("/accounts")
    answer = browser.submit("/accounts/check", {"name": "sandbox_x"})
    assert answer.status_code == 200
    assert re.search(r"sandbox_x: ok, posts as", answer.text), answer.text[-800:]


def test_the_monthly_report_and_its_csv(posts: WebServer) -> None:
    import datetime as dt
    import zoneinfo

    month = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    browser = login(posts, "budi")
    page = browser.page(f"/report?month={month}")
    assert page.status_code == 200 and "2 posts published" in page.text
    html = browser.page(f"/report/view?month={month}")
    assert html.status_code == 200 and "<svg" in html.text
    assert "script-src" not in html.headers["Content-Security-Policy"]  # default-src 'none': no script
    table = browser.page(f"/report/csv/engagement-24h?month={month}")
    assert table.text.splitlines()[0] == "channel,posts,posts_measured,likes,comments,shares,engagement,views"
    assert {line.split(",")[0] for line in table.text.splitlines()[1:]} == {"facebook", "twitter"}
    assert browser.page("/report?month=2026-13").status_code == 400
    assert browser.page("/report/csv/passwords?month=2026-11").status_code == 404


def test_the_report_of_a_range_of_days_and_its_csv_are_the_clis(posts: WebServer, tmp_path: Path) -> None:
    import datetime as dt
    import zoneinfo

    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date()
    since, until = (today - dt.timedelta(days=3)).isoformat(), today.isoformat()
    browser = login(posts, "budi")
    page = browser.page(f"/report?since={since}&until={until}")
    assert page.status_code == 200 and f"2 posts published in {since} – {until}" in page.text
    link = f"/report/csv/posts-per-day?since={since}&amp;until={until}"
    assert link in page.text and f'value="{since}"' in page.text
    done = posts.cli("report", "--since", since, "--until", until, "-o", str(tmp_path / "r.html"))
    assert done.code == 0, done.err
    cli = (tmp_path / "r-posts-per-day.csv").read_bytes()
    assert browser.page(link.replace("&amp;", "&")).content == cli and len(cli.splitlines()) > 1
    assert "2 posts" in browser.page(f"/report/view?since={since}&until={until}").text
    # Days before any post: an empty report, not an error.
    past = browser.page("/report/csv/posts-per-day?since=2020-01-01&until=2020-01-31")
    assert past.status_code == 200 and len(past.text.splitlines()) == 32  # the header, then each day: none
    assert {line.split(",", 1)[1] for line in past.text.splitlines()[1:]} == {"0"}
    # A bad date, or days the wrong way round: the CLI's one clear line, for the page and its CSV.
    bad = browser.page(f"/report?since=2026-11-31&until={until}")
    assert bad.status_code == 400 and "From: expected a date such as 2026-11-01, got &#39;2026-11-31&#39;" in bad.text
    assert browser.page(f"/report/csv/top-posts?since={since}&until=kemarin").status_code == 400
    wrong = browser.page(f"/report?since={until}&until={since}")
    assert wrong.status_code == 400 and f"--until {since} is before --since {until}" in wrong.text


def test_the_language_switch_and_no_open_redirect(posts: WebServer) -> None:
    browser = login(posts, "budi")
    indonesian = browser.page("/language/id?next=/queue")
    assert indonesian.url.endswith("/queue") and 'lang="id"' in indonesian.text
    assert "budi (penyusun)" in indonesian.text  # the role in the CLI's Indonesian words
    away = browser.get(posts.url + "/language/en?next=//evil.example/x", allow_redirects=False)
    assert away.headers["Location"] == "/"
    assert ">Queue</a>" in browser.page("/queue").text


def test_an_idle_session_ends(posts: WebServer) -> None:
    browser = login(posts, "budi")
    assert browser.page("/queue").status_code == 200
    path = posts.database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:  # as if the officer had left the page for two hours
        db.execute("UPDATE web_sessions SET seen_at = datetime(seen_at, '-2 hours') WHERE officer = 'budi'")
    answer = browser.get(posts.url + "/queue", allow_redirects=False)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert "Your login has ended" in requests.get(posts.url + "/login", cookies=browser.cookies).text


def test_every_page_in_indonesian_shows_no_english(posts: WebServer) -> None:
    """What an officer reads on each page in Indonesian (the text, the buttons, the labels)
    has no English word, by the same detector as the CLI's Indonesian test."""
    from html.parser import HTMLParser

    from tests.acceptance.test_language import english_words

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in ("style", "script")
            for name, value in attrs:
                if name in ("aria-label", "placeholder", "data-label", "title") and value:
                    self.lines.append(value)

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("style", "script")

        def handle_data(self, data: str) -> None:
            if not self.skip and data.strip():
                self.lines.append(data.strip())

    english = []
    for name in ("admin", "budi"):
        browser = login(posts, name)
        browser.page("/language/id?next=/queue")
        for path in ("/queue", "/queue?status=all", "/history", "/accounts", "/holds", "/report", "/login"):
            reader = Text()
            reader.feed(browser.page(path).text)
            english += [f"{path}: {line}" for line in reader.lines if english_words(line)]
    assert not english, "English on the Indonesian pages:\n" + "\n".join(english)
