"""The calendar, post and new post pages over HTTP, against a real server process: each
action goes through the core function its CLI command calls, the role is checked on the
server, and the CLI sees the result (``budi`` drafts, ``approver`` approves, the tests'
own user is ``admin``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import article_file
from tests.web.conftest import WebServer, login


def _upload(web: WebServer, name: str, tmp_path: Path, title: str) -> int:
    """``name`` adds an article through the New post page; its id."""
    browser = login(web, name)
    browser.page("/new")
    path = article_file(tmp_path, name=f"{title[:8]}.md", title=title,
                        url=f"https://humas.example.go.id/berita/{abs(hash(title))}")
    with path.open("rb") as f:
        answer = browser.post(web.url + "/new", data={"csrf": browser.csrf}, files={"article": (path.name, f)})
    assert answer.status_code == 200 and re.search(r"/new/\d+$", answer.url), answer.text[-400:]
    return int(answer.url.rsplit("/", 1)[1])


def _queue(web: WebServer, name: str, article: int, account: str, when: str) -> int:
    browser = login(web, name)
    browser.page(f"/new/{article}")
    done = browser.submit(f"/new/{article}", {"account": account, "when": when, "step": "queue"})
    assert done.status_code == 200 and "/calendar" in done.url, done.text[-400:]
    [post] = [p for p in web.cli("queue", "--json", "--status", "all").json() if p["article_id"] == article]
    return int(post["id"])


def test_new_post_reads_an_upload_shows_the_time_then_queues(web: WebServer, tmp_path: Path) -> None:
    article = _upload(web, "budi", tmp_path, "Pasar Murah Ramadan")
    browser = login(web, "budi")
    shown = browser.page(f"/new/{article}")
    from tests.contract.conftest import sandbox_settings

    assert shown.text.count('name="account"') == len(sandbox_settings()) and "sandbox_ig" in shown.text
    checked = browser.submit(f"/new/{article}", {"account": "sandbox_x", "when": "besok 09.00", "step": "check"})
    assert "→" in checked.text and re.search(r"09[.:]00 WIB", checked.text)  # the time it means, nothing saved
    assert not [p for p in web.cli("queue", "--json").json() if p["article_id"] == article]
    bad = browser.submit(f"/new/{article}", {"account": "sandbox_x", "when": "kemarin sore", "step": "queue"})
    assert bad.status_code == 200 and 'class="notice error"' in bad.text
    assert not [p for p in web.cli("queue", "--json").json() if p["article_id"] == article]
    post = _queue(web, "budi", article, "sandbox_x", "besok 09.00")
    shown_by_cli = web.cli("post", "show", str(post), "--json").json()
    assert (shown_by_cli["drafted_by"], shown_by_cli["status"]) == ("budi", "scheduled")
    assert "T09:00:00+07:00" in shown_by_cli["scheduled_at"]


@pytest.mark.parametrize(("name", "data", "said"), [
    ("foto.jpg", b"\xff\xd8\xff", "foto.jpg: not an article file"),
    ("kosong.md", b"---\nurl: https://humas.example.go.id/x\n---\nIsi.\n", "kosong.md: missing title"),
])
def test_a_bad_upload_is_one_clear_line(web: WebServer, name: str, data: bytes, said: str) -> None:
    browser = login(web, "budi")
    browser.page("/new")
    answer = browser.post(web.url + "/new", data={"csrf": browser.csrf}, files={"article": (name, data)})
    assert answer.status_code == 400 and said in answer.text


def test_a_web_address_is_read_and_previewed(web: WebServer) -> None:
    """New post with a page's address: the page is read as `article add URL` reads it
    (the sandbox's host is allowed, so a site on 127.0.0.1 may be fetched)."""
    from tests.website import serve_site

    browser = login(web, "budi")
    browser.page("/new")
    with serve_site() as site:
        answer = browser.submit("/new", {"url": site.at("/berita/bendungan")})
    assert answer.status_code == 200 and "/new/" in answer.url, answer.text[-400:]
    assert "Presiden Resmikan Bendungan Sukamaju" in answer.text and 'name="account"' in answer.text
    refused = browser.submit("/new", {"url": "bukan alamat"})
    assert refused.status_code == 400 and "not a web address" in refused.text
    empty = browser.submit("/new", {"url": ""})
    assert empty.status_code == 400 and "choose a Markdown or JSON file" in empty.text


def test_the_time_phrase_endpoint(web: WebServer) -> None:
    browser = login(web, "budi")
    read = browser.get(web.url + "/when", params={"text": "besok 09.00"}).json()
    assert read["ok"] and re.search(r"09[.:]00 WIB", read["shown"])
    refused = browser.get(web.url + "/when", params={"text": "jam 25"}).json()
    assert not refused["ok"] and refused["error"]


def test_post_moves_are_checked_by_role_and_by_owner(web: WebServer, tmp_path: Path) -> None:
    mine = _queue(web, "budi", _upload(web, "budi", tmp_path, "Vaksinasi Anak Sekolah"), "sandbox_fb", "besok 10.00")
    theirs = _queue(web, "approver", _upload(web, "approver", tmp_path, "Jalan Tol Baru"), "sandbox_fb",
                    "besok 11.00")
    budi = login(web, "budi")
    page = budi.page(f"/post/{mine}")
    assert 'action="/post/%d/reschedule"' % mine in page.text and "/approve" not in page.text
    budi.submit(f"/post/{mine}/reschedule", {"when": "lusa 08.00"})
    assert "T08:00:00+07:00" in web.cli("post", "show", str(mine), "--json").json()["scheduled_at"]
    # Another officer's approved post: no button, and the server refuses it anyway.
    assert f'action="/post/{theirs}/cancel"' not in budi.page(f"/post/{theirs}").text
    budi.submit(f"/post/{theirs}/cancel")
    assert web.cli("post", "show", str(theirs), "--json").json()["status"] == "scheduled"
    assert budi.submit(f"/post/{theirs}/retry").status_code == 403  # retry needs an approver
    approver = login(web, "approver")
    approver.page(f"/post/{theirs}")
    approver.submit(f"/post/{theirs}/cancel")
    assert web.cli("post", "show", str(theirs), "--json").json()["status"] == "cancelled"
    moves = web.cli("post", "show", str(theirs), "--json").json()["events"]
    assert moves[-1]["move"] == "cancel"


def test_the_live_check_answers_as_edit_and_needs_the_token(web: WebServer, tmp_path: Path) -> None:
    post = _queue(web, "budi", _upload(web, "budi", tmp_path, "Beasiswa Kuliah Daerah"), "sandbox_x", "besok 12.00")
    budi = login(web, "budi")
    budi.page(f"/post/{post}")
    over = budi.post(web.url + f"/post/{post}/check", data={"text": "y" * 300}, headers={"X-CSRF-Token": budi.csrf})
    assert over.json()["ok"] is False and over.json()["parts"] == [{"count": 300, "limit": 280, "over": True}]
    assert budi.post(web.url + f"/post/{post}/check", data={"text": "pendek"}).status_code == 400  # no token
    budi.submit(f"/post/{post}/edit", {"text": "Teks yang diperbaiki."})
    assert web.cli("post", "show", str(post), "--json").json()["parts_text"] == ["Teks yang diperbaiki."]


def test_unpublish_from_the_post_page_needs_a_reason(web: WebServer, tmp_path: Path) -> None:
    post = _queue(web, "approver", _upload(web, "approver", tmp_path, "Banjir Surut Warga Kembali"), "sandbox_x",
                  "sekarang")
    assert web.cli("run-due").code == 0
    approver = login(web, "approver")
    approver.page(f"/post/{post}")
    empty = approver.submit(f"/post/{post}/unpublish", {"reason": " "})
    assert "--reason is empty" in empty.text
    assert web.cli("post", "show", str(post), "--json").json()["status"] == "published"
    approver.submit(f"/post/{post}/unpublish", {"reason": "salah tanggal"})
    shown = web.cli("post", "show", str(post), "--json").json()
    assert shown["status"] == "withdrawn" and shown["events"][-1]["reason"] == "salah tanggal"


def test_the_calendar_post_and_new_post_pages_in_indonesian_show_no_english(web: WebServer, tmp_path: Path) -> None:
    """What an officer reads on these pages in Indonesian has no English word (the CLI's
    detector), cards, buttons and labels included."""
    from html.parser import HTMLParser

    from tests.acceptance.test_language import english_words

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in ("style", "script")
            self.lines += [v for n, v in attrs if n in ("aria-label", "placeholder", "data-label", "title") and v]
            self.lines += [v for n, v in attrs if n is not None and n.startswith("data-word-") and v]

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("style", "script")

        def handle_data(self, data: str) -> None:
            if not self.skip and data.strip():
                self.lines.append(data.strip())

    article = _upload(web, "budi", tmp_path, "Pelatihan Guru Daerah")
    post = _queue(web, "budi", article, "sandbox_x", "besok 09.00")
    english = []
    for name in ("budi", "approver"):
        browser = login(web, name)
        browser.page("/language/id?next=/calendar")
        for path in ("/calendar", "/calendar?view=month", "/new", f"/new/{article}", f"/post/{post}"):
            reader = Text()
            reader.feed(browser.page(path).text)
            english += [f"{path}: {line}" for line in reader.lines if english_words(line)]
    assert not english, "English on the Indonesian pages:\n" + "\n".join(english)
