"""Schema upgrades keep what is stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from disseminator.store import Store
from disseminator.store.migrate import current_revision, head_revision, upgrade
from tests.helpers import run_cli, write_config


def test_upgrade_from_the_first_schema_keeps_posts(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    upgrade(store.engine, "0001")
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, title, body, tags, content_hash, revision, created_at, updated_at) "
            "VALUES (1, 'Judul', '', '[]', 'h', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO account_state (account, needs_attention, paused) VALUES ('humas_x', false, false)"))
    store.close()
    config = write_config(tmp_path, sandbox_url=None, database=db_url)
    stale = run_cli(["--config", str(config), "queue"])
    assert stale.code == 2 and "run 'disseminator db upgrade'" in stale.err
    assert run_cli(["--config", str(config), "db", "upgrade"]).code == 0
    store = Store(db_url)
    assert current_revision(store.engine) == head_revision() != "0001"
    assert [a.title for a in store.articles()] == ["Judul"]
    store.rate_limit("humas_x", dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))  # the new column works
    assert list(store.accounts_resting(dt.datetime.now(dt.timezone.utc))) == ["humas_x"]
    store.close()


def test_head_constant_matches_the_migration_scripts() -> None:
    from disseminator.store.migrate import HEAD, script_head

    assert script_head() == HEAD
