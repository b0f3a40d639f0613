"""Engagement snapshots at 1 hour, 24 hours and 7 days, read from the sandbox by
``engagement.fetch`` (what ``metrics fetch`` and the daemon's ops loop run), on SQLite and
PostgreSQL, with a frozen clock the sandbox follows."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from channels.clock import FakeClock
from disseminator import engagement, holds
from disseminator.config import load_settings
from disseminator.ops_loop import OpsLoop
from disseminator.store import PostRow, Store
from disseminator.store.post_models import MetricRow
from tests.helpers import REPO, article_file, run_cli

ACCOUNTS = ("sandbox_x", "sandbox_fb", "sandbox_ig")


def _publish(config: Path, sandbox: Any, tmp: Path) -> list[int]:
    """One article, published now on the three sandbox accounts; the post ids."""
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp / "media" / "foto.jpg")
    path = article_file(tmp, "a.md", title="Kunjungan kerja ke bendungan", url="https://humas.example.go.id/k/1",
                        image=f"{sandbox.url}/media/foto.jpg", image_alt="Foto kegiatan")
    cli = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    added = cli("article", "add", str(path), "--json").json()[0]["id"]
    ids = []
    for account in ACCOUNTS:
        result = cli("schedule", str(added), "--account", account, "--now", "--json")
        assert result.code == 0, result.err
        ids.append(int(result.json()[0]["id"]))
    ran = cli("run-due")
    assert ran.code == 0, ran.out + ran.err
    return ids


@pytest.fixture
def published(config: Path, sandbox: Any, tmp_path: Path) -> tuple[list[int], dt.datetime]:
    ids = _publish(config, sandbox, tmp_path)
    settings = load_settings(config)
    with _store(settings.database) as store:
        times = [store.post(i).published_at for i in ids]
    assert all(times)
    return ids, max(t for t in times if t is not None)


class _store:
    def __init__(self, url: str, clock: FakeClock | None = None) -> None:
        self.store = Store(url, clock=clock)

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


def _follow(sandbox: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox reads the frozen clock too: its posts age as the test says."""
    monkeypatch.setattr(sandbox.app, "now", lambda: clock.now().timestamp())


def _snapshots(store: Store) -> list[tuple[int, str, dict[str, int]]]:
    with store.session() as s:
        return [(r.post_id, r.mark, dict(r.figures)) for r in s.scalars(select(MetricRow).order_by(MetricRow.id))]


def test_snapshots_at_1h_24h_7d_once_each(config: Path, sandbox: Any, published: tuple[list[int], dt.datetime],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ids, at = published
    settings = load_settings(config)
    clock = FakeClock(at + dt.timedelta(minutes=59))
    _follow(sandbox, clock, monkeypatch)
    with _store(settings.database, clock) as store:
        assert engagement.fetch(settings, store).total == 0  # nothing before the hour
        clock.advance(dt.timedelta(minutes=2))
        first = engagement.fetch(settings, store)
        assert first.taken == {"1h": 3, "24h": 0, "7d": 0} and not first.limited
        again = engagement.fetch(settings, store)
        assert again.total == 0  # never twice
        clock.advance(dt.timedelta(hours=23))
        assert engagement.fetch(settings, store).taken == {"1h": 0, "24h": 3, "7d": 0}
        clock.advance(dt.timedelta(days=6))
        assert engagement.fetch(settings, store).taken == {"1h": 0, "24h": 0, "7d": 3}
        clock.advance(dt.timedelta(days=30))
        assert engagement.fetch(settings, store).total == 0
        rows = _snapshots(store)
    assert sorted((p, m) for p, m, _f in rows) == sorted((p, m) for p in ids for m in ("1h", "24h", "7d"))
    by = {(p, m): f for p, m, f in rows}
    for p in ids:
        hour, day, week = by[(p, "1h")], by[(p, "24h")], by[(p, "7d")]
        assert 0 < hour["views"] < day["views"] <= week["views"], (hour, day, week)
        assert hour["likes"] <= day["likes"] <= week["likes"]


def test_a_late_pass_takes_only_the_marks_still_meaningful(config: Path, sandbox: Any,
                                                            published: tuple[list[int], dt.datetime],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ids, at = published
    settings = load_settings(config)
    clock = FakeClock(at + dt.timedelta(hours=30))  # the daemon was down for more than a day
    _follow(sandbox, clock, monkeypatch)
    with _store(settings.database, clock) as store:
        assert engagement.fetch(settings, store).taken == {"1h": 0, "24h": 3, "7d": 0}
        assert {m for _p, m, _f in _snapshots(store)} == {"24h"}


def test_reads_per_account_and_a_rate_limit_holds_reading_only(config: Path, sandbox: Any,
                                                               published: tuple[list[int], dt.datetime],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ids, at = published
    settings = load_settings(config)
    clock = FakeClock(at + dt.timedelta(hours=2))
    _follow(sandbox, clock, monkeypatch)
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/tweets", "method": "GET", "status": 429}]})
    with _store(settings.database, clock) as store:
        first = engagement.fetch(settings, store)
        assert first.limited == ["sandbox_x"] and first.taken["1h"] == 2
        assert "sandbox_x" not in holds.active(store)  # posting is not held
        second = engagement.fetch(settings, store)
        assert second.taken["1h"] == 1 and not second.limited
        # A read budget: with one read per account and pass, a second due post waits a pass.
        x_post = next(p for p in ids if store.post(p).account == "sandbox_x")
        with store.session() as s:
            s.execute(update(PostRow).where(PostRow.id == x_post)
                      .values(published_at=clock.now() - dt.timedelta(days=7, minutes=1)))
        clock.advance(dt.timedelta(hours=23))  # the other two are due at 24 h now; X's one at 7 d
        limited = engagement.fetch(settings, store, reads=1)
        assert limited.total == 3 and limited.waiting == 0


def test_the_daemon_reads_them_at_most_every_ten_minutes(config: Path, sandbox: Any,
                                                          published: tuple[list[int], dt.datetime],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ids, at = published
    settings = load_settings(config)
    clock = FakeClock(at + dt.timedelta(hours=1, minutes=1))
    _follow(sandbox, clock, monkeypatch)
    with _store(settings.database, clock) as store:
        ops = OpsLoop(settings, store, stop=threading.Event())
        ops.round()
        assert len(_snapshots(store)) == 3
        with store.session() as s:  # a snapshot lost: the next round within ten minutes does not look
            s.execute(delete(MetricRow).where(MetricRow.post_id == ids[0]))
        clock.advance(dt.timedelta(minutes=5))
        ops.round()
        assert len(_snapshots(store)) == 2
        clock.advance(dt.timedelta(minutes=6))
        ops.round()
        assert len(_snapshots(store)) == 3


def test_metrics_fetch_command(config: Path, sandbox: Any, published: tuple[list[int], dt.datetime]) -> None:
    ids, _at = published
    settings = load_settings(config)
    with _store(settings.database) as store:
        for post_id in ids:  # published two hours ago, as far as the database knows
            earlier = store.post(post_id).published_at - dt.timedelta(hours=2)  # type: ignore[operator]
            with store.session() as s:
                s.execute(update(PostRow).where(PostRow.id == post_id).values(published_at=earlier))
    cli = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    result = cli("metrics", "fetch", "--json")
    assert result.code == 0, result.err
    assert result.json()["taken"] == {"1h": 3, "24h": 0, "7d": 0}
    text = cli("metrics", "fetch")
    assert text.code == 0 and "0 snapshots taken" in text.out


def test_reads_zero_turns_reading_off(config: Path, sandbox: Any, published: tuple[list[int], dt.datetime],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ids, at = published
    config.write_text(config.read_text() + "\n[worker]\nengagement_reads = 0\n")
    settings = load_settings(config)
    clock = FakeClock(at + dt.timedelta(hours=2))
    _follow(sandbox, clock, monkeypatch)
    with _store(settings.database, clock) as store:
        OpsLoop(settings, store, stop=threading.Event()).round()
        assert _snapshots(store) == []  # the daemon reads nothing
    refused = run_cli(["--config", str(config), "metrics", "fetch"])
    assert refused.code == 2 and "worker.engagement_reads = 0" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    bad = config.read_text().replace("engagement_reads = 0", "engagement_reads = -1")
    config.write_text(bad)
    wrong = run_cli(["--config", str(config), "metrics", "fetch"])
    assert wrong.code == 2 and "worker.engagement_reads: expected a whole number from 0 to 100, got -1" in wrong.err
