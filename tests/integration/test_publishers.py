"""Publishers in parallel: posts of different accounts go out side by side, posts of one
account one at a time and in their order, each exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from disseminator.publishers import Drain
from disseminator.sandbox.credentials import DEFAULT as SB
from tests.helpers import article_file, run_cli, write_config

ACCOUNTS = 6
PER_ACCOUNT = 3


def _pages(url: str) -> str:
    return "".join(f"""
[accounts.page{i}]
channel = "facebook"
base_url = "{url}"
page_id = "{SB.fb_page_id}"
access_token = "{SB.fb_page_token}"
""" for i in range(ACCOUNTS))


def test_a_burst_goes_out_in_parallel_across_accounts_and_in_order_within_one(
        tmp_path: Path, sandbox, db_url: str) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=db_url,
                          extra=_pages(sandbox.url) + "\n[worker]\nconcurrency = 6\n")

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return run_cli(["--config", str(config), *args])

    assert cli("init").code == 0
    # Every post its own text (the accounts share the sandbox's one page), each account's
    # three planned a minute apart so their order is known, all due.
    for n in range(ACCOUNTS):
        for k in range(PER_ACCOUNT):
            path = article_file(tmp_path, f"a{n}-{k}.md", title=f"Siaran pers {k} untuk halaman {n}",
                                url=f"https://humas.example.go.id/{n}/{k}")
            assert cli("schedule", str(path), "--account", f"page{n}", "--at", "sekarang").code == 0
    from disseminator.config import load_settings
    from disseminator.store import PostRow, Store

    # Due, but within worker.grace (older posts would be set aside as missed).
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=30)
    store = Store.open(load_settings(config).database)
    with store.session() as s:
        for post in s.query(PostRow):
            when = start + dt.timedelta(minutes=post.id)
            post.scheduled_at = post.next_attempt_at = when
    sandbox.set_faults({"latency_ms": 150})  # calls that take a while, as the networks' do

    # Watch the queue while the run goes: how many posts are in flight at once, and of whom.
    seen: list[list[str]] = []
    result_box: list[object] = []
    runner = threading.Thread(target=lambda: result_box.append(cli("run-due")))
    runner.start()
    from sqlalchemy import select

    while runner.is_alive():
        with store.session() as s:
            seen.append(list(s.scalars(select(PostRow.account).where(PostRow.status == "publishing"))))
        threading.Event().wait(0.02)
    runner.join()
    [result] = result_box
    assert result.code == 0, result.out + result.err  # type: ignore[attr-defined]
    assert result.out.count("Published post") == ACCOUNTS * PER_ACCOUNT  # type: ignore[attr-defined]

    posts = sandbox.posts()
    assert len(posts) == ACCOUNTS * PER_ACCOUNT, result.out  # type: ignore[attr-defined]
    rows = [p for p in store.posts() if p.account.startswith("page")]
    assert len(rows) == ACCOUNTS * PER_ACCOUNT and {r.status for r in rows} == {"published"}
    # Different accounts: several posts were in flight at the same moment ...
    assert max(len(accounts) for accounts in seen) > 1, "no two posts were ever published at the same time"
    # ... never two of one account ...
    assert all(len(accounts) == len(set(accounts)) for accounts in seen)
    # ... and each account's posts reached the network in the order planned.
    remote = {p["id"]: i for i, p in enumerate(posts)}
    for n in range(ACCOUNTS):
        mine = sorted((r for r in rows if r.account == f"page{n}"), key=lambda r: r.scheduled_at)
        arrived = [remote[r.remote_ids[0]] for r in mine]
        assert arrived == sorted(arrived), f"page{n}'s posts went out of order"
    store.close()


def test_the_drain_ends_when_nothing_is_left_and_follows_each_accounts_queue() -> None:
    """Four publishers, two accounts of five posts: the next post of an account becomes
    claimable only when its previous one is done, as the database's rule makes it."""
    queues = {"a": list(range(5)), "b": list(range(5))}
    busy: set[str] = set()
    done: list[tuple[str, int]] = []
    lock = threading.Lock()
    gate = threading.Event()

    def claim(_publisher: int) -> tuple[str, int] | None:
        with lock:
            account = next((a for a, q in queues.items() if q and a not in busy), None)
            if account is None:
                return None
            busy.add(account)
            return account, queues[account].pop(0)

    def work(_publisher: int, item: tuple[str, int]) -> None:
        gate.wait(0.01)  # a network call
        with lock:
            busy.discard(item[0])
            done.append(item)

    Drain([0, 1, 2, 3], claim, work).run()
    assert sorted(done) == [(a, i) for a in "ab" for i in range(5)]
    assert [i for a, i in done if a == "a"] == list(range(5))


def test_an_error_in_one_publisher_reaches_the_caller() -> None:
    calls = []

    def claim(publisher: int) -> int | None:
        calls.append(publisher)
        if publisher == 1:
            raise RuntimeError("database gone")
        return None

    with pytest.raises(RuntimeError, match="database gone"):
        Drain([0, 1], claim, lambda p, item: None).run()
