"""Schema upgrades and downgrades keep what is stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from channels.base import Draft
from disseminator.store import Store
from disseminator.store.migrate import HEAD, current_revision, downgrade, head_revision, script_head, upgrade
from tests.helpers import run_cli, write_config

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def _seed(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, title, body, tags, content_hash, revision, created_at, updated_at) "
            "VALUES (1, 'Judul', '', '[]', 'h', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
        conn.execute(
            text(
                "INSERT INTO posts (id, article_id, account, channel, variant, parts, media, warnings, status, "
                "scheduled_at, next_attempt_at, attempts, needs_reconcile, remote_ids, created_at, updated_at) "
                "VALUES (7, 1, 'humas_x', 'twitter', 'default', :parts, '[]', '[]', 'published', "
                ":t, :t, 1, false, :ids, :t, :t)"
            ),
            {"parts": '["teks"]', "ids": '["123"]', "t": "2026-11-01 00:00:00"},
        )
        conn.execute(text(
            "INSERT INTO account_state (account, needs_attention, paused) VALUES ('humas_x', false, false)"))


def test_upgrade_from_the_first_schema_keeps_articles_and_posts(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    upgrade(store.engine, "0001")
    _seed(store)
    store.close()
    config = write_config(tmp_path, sandbox_url=None, database=db_url)
    stale = run_cli(["--config", str(config), "queue"])
    assert stale.code == 2 and "run 'disseminator db upgrade'" in stale.err
    assert run_cli(["--config", str(config), "db", "upgrade"]).code == 0
    store = Store(db_url)
    assert current_revision(store.engine) == head_revision() != "0001"
    assert [a.title for a in store.articles()] == ["Judul"]
    post = store.post(7)
    assert (post.status, post.remote_ids, post.parts) == ("published", ["123"], ["teks"])
    store.rate_limit("humas_x", dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))  # the new column works
    assert list(store.accounts_resting(dt.datetime.now(dt.timezone.utc))) == ["humas_x"]
    store.close()


def test_downgrade_and_upgrade_again_keep_posts(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    _seed(store)
    downgrade(store.engine, "0001")
    assert current_revision(store.engine) == "0001"
    upgrade(store.engine)
    assert store.post(7).remote_ids == ["123"] and store.articles()[0].gallery is None
    # Foreign keys are back on for the connections that follow.
    if db_url.startswith("sqlite"):
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.add_post(article_id=1, account="humas_fb", channel="facebook", variant="default",
                   draft=Draft(parts=("teks",)), scheduled_at=NOW)
    store.close()


def test_head_constant_matches_the_migration_scripts() -> None:
    assert script_head() == HEAD
