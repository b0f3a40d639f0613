"""The go-live check end to end: an article read from the website is queued for X, Facebook
and Instagram; while its page answers 404, a login page or a redirect elsewhere, the posts
wait (the reason in ``queue`` and ``status``) and nothing reaches the sandbox; once the page
is up they are published once each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from channels.clock import FakeClock
from disseminator.config import load_settings
from disseminator.store import PostStatus, Store
from disseminator.worker import Worker
from tests.helpers import REPO, CliResult, run_cli, write_config
from tests.website import PAGES, Answer, Site, serve_site

PATH = "/berita/2026/11/presiden-resmikan-bendungan/"
IMAGE = "/wp-content/uploads/2026/11/bendungan.jpg"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site({}) as s:
        live = (PAGES / "wordpress.html").read_bytes().replace(b"https://humas.contoh.go.id", s.url.encode())
        s.pages[PATH] = Answer(body=live)
        s.pages[IMAGE] = Answer(content_type="image/jpeg",
                                body=(REPO / "disseminator" / "data" / "contoh-bendungan.jpg").read_bytes())
        yield s


def _setup(tmp_path: Path, sandbox: Any, site: Site, extra: str = "") -> tuple[Path, list[int]]:
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'd.db'}")
    config.write_text(config.read_text().replace("[accounts.sandbox_x]\n", f"[accounts.sandbox_x]\n{extra}"))
    assert run_cli(["--config", str(config), "init"]).code == 0
    assert cli(config, "article", "add", site.at(PATH)).code == 0
    scheduled = cli(config, "schedule", "1", "--now", "--json")
    assert scheduled.code == 0, scheduled.err
    return config, [p["id"] for p in scheduled.json()]


def cli(config: Path, *args: str) -> CliResult:
    return run_cli(["--config", str(config), *args])


def _worker(config: Path, clock: FakeClock) -> Worker:
    settings = load_settings(config)
    return Worker(settings, Store(settings.database, clock=clock), worker_id="w")


def test_posts_wait_for_their_page_and_go_once_it_is_up(sandbox, site: Site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, ids = _setup(tmp_path, sandbox, site)
    live = site.pages[PATH]
    clock = FakeClock(dt.datetime.now(dt.timezone.utc))
    worker = _worker(config, clock)

    site.pages[PATH] = Answer(status=404, body=b"<html><title>404</title></html>")
    report = worker.run_due()
    assert sorted((o.post_id, o.status, o.error_kind) for o in report.outcomes) == [
        (i, PostStatus.SCHEDULED, "not_live") for i in sorted(ids)]
    assert sandbox.posts() == []
    assert not report.failed  # run-due exits 0: a wait, as for a rate limit
    queue = cli(config, "queue", "--json").json()
    assert {q["error_kind"] for q in queue} == {"not_live"}
    assert {q["attempts"] for q in queue} == {0}  # a wait is not a try
    url = site.at(PATH)
    assert queue[0]["error"] == f"its article page {url} is not public yet (HTTP 404)"
    plain = run_cli(["--config", str(config), "queue"], env={"COLUMNS": "400"}).out
    assert f"waits for its web page to go live: its article page {url} is not public yet (HTTP 404); checked again" in plain
    status = run_cli(["--config", str(config), "status"], env={"COLUMNS": "400"})
    assert status.code == 0, status.err  # a wait, not a problem
    assert ("sandbox_x: 1 post waits for its article's web page to go live ('disseminator queue --account "
            "sandbox_x' says which and why)") in status.out

    # Not due yet: the next check is 30 s away, so a run now asks nothing.
    hits = site.hits[PATH]
    assert worker.run_due().outcomes == []
    assert site.hits[PATH] == hits

    # A login page at the same address (HTTP 200) is not the article.
    site.pages[PATH] = Answer(body=(PAGES / "../pages/bare.html").read_bytes().replace(
        b"Pengumuman Libur Pelayanan", b"Masuk - Portal Humas"))
    clock.advance(31)
    report = worker.run_due()
    assert {o.error_kind for o in report.outcomes} == {"not_live"}
    assert "does not show the article yet (the page's title is 'Masuk - Portal Humas')" in str(report.outcomes[0].error)

    # Redirected to a login page elsewhere.
    site.pages[PATH] = Answer(status=302, headers={"Location": "/masuk?next=/berita"})
    site.pages["/masuk"] = Answer(body=b"<html><head><title>Masuk</title></head><body><form></form></body></html>")
    clock.advance(60)
    report = worker.run_due()
    assert {o.error_kind for o in report.outcomes} == {"not_live"}
    assert f"led to another page ({site.at('/masuk?next=/berita')})" in str(report.outcomes[0].error)
    assert sandbox.posts() == []

    site.pages[PATH] = live
    clock.advance(120)
    report = worker.run_due()
    assert sorted((o.post_id, o.status) for o in report.outcomes) == [(i, PostStatus.PUBLISHED) for i in sorted(ids)]
    from tests.contract.conftest import NETWORK

    assert sorted(p["network"] for p in sandbox.posts()) == sorted(NETWORK[p["account"]] for p in cli(
        config, "history", "--json").json())  # each scheduled account's network, once
    clock.advance(3600)
    assert worker.run_due().outcomes == []
    assert len(sandbox.posts()) == len(ids)
    assert {h["attempts"] for h in cli(config, "history", "--json").json()} == {1}


def test_golive_check_false_lets_the_account_post_at_once(sandbox, site: Site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, _ids = _setup(tmp_path, sandbox, site, extra="golive_check = false\n")
    site.pages[PATH] = Answer(status=404, body=b"")
    report = _worker(config, FakeClock(dt.datetime.now(dt.timezone.utc))).run_due()
    kinds = {o.account: (o.status, o.error_kind) for o in report.outcomes}
    assert kinds["sandbox_x"] == (PostStatus.PUBLISHED, None)
    assert kinds["sandbox_fb"] == (PostStatus.SCHEDULED, "not_live")
    assert [p["network"] for p in sandbox.posts()] == ["x"]


def test_an_article_from_a_file_is_never_checked(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    post = env.queue_one("sandbox_x")
    report = env.worker().run_due()
    assert [(o.post_id, o.status) for o in report.outcomes] == [(post, PostStatus.PUBLISHED)]


def test_a_post_waiting_for_its_page_does_not_hold_back_the_accounts_later_posts(  # type: ignore[no-untyped-def]
        sandbox, site: Site, tmp_path: Path) -> None:
    from tests.helpers import article_file

    config, ids = _setup(tmp_path, sandbox, site)
    site.pages[PATH] = Answer(status=404, body=b"")
    later = article_file(tmp_path, "lain.md", title="Pengumuman jadwal pelayanan akhir pekan")
    assert cli(config, "article", "add", str(later)).code == 0
    scheduled = cli(config, "schedule", "2", "--account", "sandbox_x", "--at", "1 menit lagi", "--json")
    assert scheduled.code == 0, scheduled.err
    (other,) = [p["id"] for p in scheduled.json()]
    clock = FakeClock(dt.datetime.now(dt.timezone.utc))
    worker = _worker(config, clock)
    assert {o.error_kind for o in worker.run_due().outcomes} == {"not_live"}
    clock.advance(90)  # the other post is due; the page is still down
    outcomes = {o.post_id: (o.status, o.error_kind) for o in worker.run_due().outcomes}
    assert outcomes[other] == (PostStatus.PUBLISHED, None)
    assert [p["network"] for p in sandbox.posts()] == ["x"]
