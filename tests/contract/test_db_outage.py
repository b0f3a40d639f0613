"""Database trouble: one line for an officer, one log line per outage for the daemon, and
nothing lost."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import create_engine

from channels.clock import FakeClock
from disseminator.config import load_settings
from disseminator.daemon import OUTAGE_MAX_WAIT, Daemon
from disseminator.store import DatabaseError, Store
from disseminator.store.engine import session_factory
from tests.contract.conftest import Env, later


def _cut(store: Store) -> Any:
    """Point the store at a database that cannot be reached; returns how to undo it."""
    engine, sessions = store.engine, store.sessions
    dead = "sqlite:////nonexistent/folder/x.db" if engine.dialect.name == "sqlite" else \
        engine.url.set(port=1).render_as_string(hide_password=False)
    store.engine = create_engine(dead)
    store.sessions = session_factory(store.engine)

    def restore() -> None:
        store.engine, store.sessions = engine, sessions

    return restore


def test_the_daemon_logs_an_outage_once_backs_off_and_recovers(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    pid = env.queue_one("sandbox_fb")
    settings = load_settings(env.config)
    clock = FakeClock(later(1))
    store = Store(settings.database, clock=clock)
    daemon = Daemon(settings, store, tick_seconds=1)
    restore = _cut(store)
    caplog.set_level(logging.DEBUG, logger="disseminator")
    tries = 0
    for _ in range(40):  # 40 ticks of one second while the database is down
        before = len([r for r in caplog.records if "database_still_down" in r.getMessage()])
        daemon.tick_once()
        tries += len([r for r in caplog.records if "database_still_down" in r.getMessage()]) - before
        clock.advance(1)
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(" ", 1)[0] for r in errors] == ["daemon.database_down"]  # once, no traceback
    assert not any(r.exc_info for r in errors)
    assert "cannot be reached" in errors[0].getMessage() or "cannot be opened" in errors[0].getMessage()
    assert 3 <= tries <= 6  # 1, 2, 4, 8, 16 s apart: not 40 tries
    restore()
    clock.advance(OUTAGE_MAX_WAIT)
    daemon.tick_once()
    assert any("daemon.database_back" in r.getMessage() for r in caplog.records)
    assert store.post(pid).status == "published" and len(env.posts_on("sandbox_fb")) == 1


def test_run_due_during_an_outage_is_one_line_and_loses_nothing(env: Env) -> None:
    pid = env.queue_one("sandbox_fb")
    worker = env.worker()
    restore = _cut(worker.store)
    with pytest.raises(DatabaseError) as raised:
        worker.run_due()
    assert "\n" not in raised.value.message
    assert len(raised.value.lines) == 1 and raised.value.exit_code == 2
    restore()
    assert [o.status for o in worker.run_due().outcomes] == ["published"]
    assert worker.store.post(pid).status == "published"


def test_an_unreachable_database_is_one_line_naming_it_with_the_password_masked(env: Env) -> None:
    env.config.write_text(env.config.read_text().replace(
        env.config.read_text().split("database = ", 1)[1].split("\n", 1)[0],
        '"postgresql://humas:rahasia@127.0.0.1:1/humas"'))
    for args in (["init"], ["queue"], ["run-due"]):
        result = env.cli(*args)
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert result.code == 2, (args, result.err)
        assert lines == ["error: database postgresql+psycopg://humas:***@127.0.0.1:1/humas cannot be reached; "
                         "check that the server is running and the host and port in 'database'"], lines
        assert "rahasia" not in result.out + result.err
