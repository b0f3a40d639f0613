"""SQLite is set up for a worker and officers at once: WAL, a busy timeout, foreign keys."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from disseminator.store import Store


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()
