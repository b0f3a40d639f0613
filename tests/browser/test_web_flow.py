"""The officers' whole job in a real browser (Debian's chromium, headless) against a real
``disseminator web`` process, the sandbox, and ``run-due``:

a drafter logs in (keyboard only), uploads an article on the New post page, sees the
previews of the three accounts and the time the phrase means, and sends the posts for
approval; the calendar shows three drafts today; one is moved to tomorrow from its card;
the approver logs in, approves the other two on their post pages (the button reached with
Tab, pressed with Enter); the calendar shows them scheduled; ``run-due`` publishes them;
the post page shows them published with the call made and the record under each
officer's name.  Every page is photographed at 1280 and 360 pixels wide (the folder is
printed) and must not scroll sideways at 360.

Over 5 s (about 15-25 s here): it starts a server and a browser and walks every page;
it is the issue's proof that a new user can do the job in the browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, article_file, run_cli

TOP = 'approval = "one"\nallow_as = true\n'
OFFICERS = """
[officers.dewi]
roles = ["drafter"]

[officers.budi]
roles = ["approver"]

[officers.root]
roles = ["admin"]
"""
PASSWORD = "kata-sandi-yang-panjang-2026"
WIDTHS = (1280, 360)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "disseminator", "--config", str(config), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=config.parent)


@contextlib.contextmanager
def serve_web(tmp_path: Path, sandbox: Any, top: str = TOP) -> Iterator[tuple[str, Path]]:
    """A configuration (``top``, then three sandbox accounts and three officers, dewi and
    budi with passwords), and ``disseminator web`` serving it; yields (base URL, config path)."""
    from disseminator.starter import starter_config

    config = tmp_path / "disseminator.toml"
    config.write_text(top + starter_config(sandbox.url, database=f"sqlite:///{tmp_path / 'web.db'}") + OFFICERS,
                      encoding="utf-8")
    assert run_cli(["--config", str(config), "--as", "root", "init"]).code == 0
    for name in ("dewi", "budi"):
        done = _cli(config, "--as", "root", "officers", "passwd", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    port = _free_port()
    env = {**os.environ, "DISSEMINATOR_LANGUAGE": "id"}
    server = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "--as", "root", "web",
                               "--port", str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"disseminator web stopped: {server.stderr.read() if server.stderr else ''}")
                time.sleep(0.05)
        yield base, config
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def site(tmp_path: Path, sandbox: Any) -> Iterator[tuple[str, Path]]:
    """:func:`serve_web` with approval by one approver (a drafter's posts wait for it)."""
    with serve_web(tmp_path, sandbox) as served:
        yield served


def _shoot(page: Any, folder: Path, name: str) -> None:
    """Photograph the page at each width; at 360 px nothing may scroll sideways."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        if width == 360:
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 361, f"{name} is {wide} px wide on a 360 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def _login(page: Any, base: str, name: str) -> None:
    """Log in with the keyboard alone: type, Tab, type, Enter."""
    page.goto(f"{base}/login")
    page.focus("input[name=officer]")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, page.inner_text("main")


def _tab_to(page: Any, selector: str, most: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (a keyboard user can reach it)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def _cards(page: Any, base: str) -> dict[int, dict[str, str]]:
    """The calendar's cards: post id -> its day, state and marks."""
    page.goto(f"{base}/calendar")
    found = page.eval_on_selector_all("article.cal-card", """cards => cards.map(c => ({
        id: c.dataset.post, day: c.closest('.cal-day').dataset.day, cls: c.className,
        state: c.querySelector('.state').className}))""")
    return {int(c["id"]): c for c in found}


def test_a_new_user_does_the_whole_job_in_the_browser(browser: Any, site: tuple[str, Path], sandbox: Any,
                                                      tmp_path: Path, artifacts: Path) -> None:
    from playwright.sync_api import expect

    base, config = site
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    article = article_file(tmp_path, name="rilis.md", title="Bendungan Baru Diresmikan",
                           url="https://humas.example.go.id/berita/bendungan", image=f"{sandbox.url}/media/foto.jpg",
                           image_alt="Bendungan baru dari udara", tags=["Infrastruktur"])
    drafter = browser.new_context(viewport={"width": 1280, "height": 900})
    page = drafter.new_page()
    page.goto(f"{base}/login")
    _shoot(page, artifacts, "login")
    _login(page, base, "dewi")

    # New post: upload the file, see three previews, the time read, send for approval.
    page.goto(f"{base}/new")
    _shoot(page, artifacts, "new-post")
    page.set_input_files("#article", str(article))
    page.focus("#url")
    page.keyboard.press("Enter")  # the form goes with Enter
    page.wait_for_url("**/new/*")
    previews = page.eval_on_selector_all("input[name=account]", "xs => xs.map(x => [x.value, x.checked])")
    # Every account of the configuration is offered, checked; this officer posts to three.
    assert previews[:3] == [["sandbox_x", True], ["sandbox_fb", True], ["sandbox_ig", True]]
    assert all(checked for _name, checked in previews)
    for name, _checked in previews[3:]:
        page.uncheck(f"input[name=account][value={name}]")
    page.fill("#when", "sekarang")
    expect(page.locator("#when-shown")).to_contain_text("→")  # read by the page's script as typed
    page.click("button[name=step][value=check]")
    assert "→" in page.inner_text("#when-shown")  # shown by the server too, before anything is saved
    _shoot(page, artifacts, "new-post-previews")
    page.click("#queue")
    page.wait_for_url("**/calendar*")
    cards = _cards(page, base)
    assert len(cards) == 3 and all("is-draft" in c["cls"] for c in cards.values())
    _shoot(page, artifacts, "calendar-week")

    # Move one post to tomorrow from its card, with a time phrase.
    *kept, moved = sorted(cards)  # X and Facebook stay, Instagram moves
    page.click(f"article[data-post='{moved}'] summary")
    page.fill(f"#when-{moved}", "besok 09.00")
    expect(page.locator(f"#when-{moved}-shown")).to_contain_text("09")
    page.click(f"article[data-post='{moved}'] button[type=submit]")
    page.wait_for_load_state()
    cards = _cards(page, base)
    assert cards[moved]["day"] > cards[kept[0]]["day"]

    # The drafter sees no approve button; the server refuses the action anyway.
    page.goto(f"{base}/post/{kept[0]}")
    assert page.query_selector("#approve") is None
    token = page.get_attribute("input[name=csrf]", "value")
    refused = page.request.post(f"{base}/post/{kept[0]}/approve", form={"csrf": token})
    assert refused.status == 403
    # The edit form checks the text as it is typed (the channel's own rules).
    page.fill("#text", "x" * 3000)
    expect(page.locator("#text-check")).to_have_class(re.compile(r"\bbad\b"))
    expect(page.locator("#text-check")).to_contain_text("3000")
    drafter.close()

    # The approver approves the two left, on their post pages, with Tab and Enter.
    approver = browser.new_context(viewport={"width": 1280, "height": 900})
    page = approver.new_page()
    _login(page, base, "budi")
    for post in kept:
        page.goto(f"{base}/post/{post}")
        _tab_to(page, "#approve")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert "state-scheduled" in page.get_attribute("h1 .state", "class")
    cards = _cards(page, base)
    assert [("state-scheduled" in cards[p]["state"], "is-draft" in cards[p]["cls"]) for p in kept] == [(True, False)] * 2
    assert "is-draft" in cards[moved]["cls"]
    _shoot(page, artifacts, "calendar-week-approved")
    page.goto(f"{base}/calendar?view=month")
    _shoot(page, artifacts, "calendar-month")

    # The worker publishes what is due; the post page shows it published, with its history.
    ran = _cli(config, "--as", "root", "run-due")
    assert ran.returncode == 0, ran.stderr
    assert len(sandbox.posts()) == 2
    page.goto(f"{base}/post/{kept[0]}")
    assert "state-published" in page.get_attribute("h1 .state", "class")
    record = page.eval_on_selector_all("#record ~ .table-wrap tbody tr",
                                       "rows => rows.map(r => [r.dataset.event, ...[...r.cells].map(c => c.innerText.trim())])")
    assert [(r[0], r[4]) for r in record][:2] == [("drafted", "dewi"), ("approved", "budi")], record
    assert [r[0] for r in record][2:] == ["claimed", "published"], record  # by the worker
    assert [r[3] for r in record][:2] == ["dirancang", "disetujui"], record  # in the page's language
    assert page.eval_on_selector_all("#calls ~ .table-wrap tbody tr", "rows => rows.length") >= 1
    _shoot(page, artifacts, "post")
    # Every other page of the menu, photographed too (and none scrolls sideways on a phone).
    others = [h for h in page.eval_on_selector_all(".top nav a", "links => links.map(a => a.getAttribute('href'))")
              if h not in ("/calendar", "/new")]
    assert {"/queue", "/history"} <= set(others), others
    for href in others:
        page.goto(base + href)
        _shoot(page, artifacts, href.strip("/").replace("/", "-"))
    approver.close()
