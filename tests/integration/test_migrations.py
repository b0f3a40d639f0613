"""Schema upgrades and downgrades keep what is stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import text

from channels.base import Draft
from disseminator import holds
from disseminator.store import HoldKind, Store
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
        # A published post as the old version left it: published_at set, one call recorded.
        conn.execute(text("UPDATE posts SET published_at = :t WHERE id = 7"), {"t": "2026-11-01 00:05:00"})
        conn.execute(text(
            "INSERT INTO attempts (post_id, part, action, worker, started_at, finished_at, outcome, remote_id) "
            "VALUES (7, 0, 'publish', 'w', :t, :t, 'published', '123')"), {"t": "2026-11-01 00:05:00"})
        conn.execute(text(
            "INSERT INTO account_state (account, needs_attention, reason, paused) "
            "VALUES ('humas_x', false, null, false), ('humas_fb', true, 'token expired', false)"))


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
    [part] = store.parts(7)
    assert (part.state, part.published_at) == ("published", dt.datetime(2026, 11, 1, 0, 5, tzinfo=dt.timezone.utc))
    assert post.published_at == part.published_at and len(store.attempts([7])) == 1
    # account_state's flags became holds.
    assert holds.reasons(store, HoldKind.ATTENTION) == {"humas_fb": "token expired"}
    holds.place(store, "humas_x", HoldKind.RATE_LIMIT, until=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))
    assert list(holds.resting(store)) == ["humas_x"]
    store.close()


def test_upgrade_moves_account_flags_into_holds(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine, "0004")
    _seed(store)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE account_state SET paused = true, pause_reason = 'berkabung', resume_at = :t "
                          "WHERE account = 'humas_x'"), {"t": "2099-01-01 00:00:00"})
    upgrade(store.engine)
    assert holds.reasons(store, HoldKind.PAUSE) == {"humas_x": "berkabung"}
    assert holds.resting(store, NOW) == {"humas_x": dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc)}
    assert holds.reasons(store, HoldKind.ATTENTION) == {"humas_fb": "token expired"}
    downgrade(store.engine, "0004")
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT account, needs_attention, paused, pause_reason FROM account_state "
                                 "ORDER BY account")).fetchall()
    assert [(a, bool(n), bool(p), r) for a, n, p, r in rows] == [
        ("humas_fb", True, False, None), ("humas_x", False, True, "berkabung")]
    store.close()


def test_downgrade_and_upgrade_again_keep_posts(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine, "0001")
    _seed(store)
    upgrade(store.engine)
    downgrade(store.engine, "0001")
    assert current_revision(store.engine) == "0001"
    upgrade(store.engine)
    assert store.post(7).remote_ids == ["123"] and store.post(7).parts == ["teks"]
    assert store.articles()[0].gallery is None
    # Foreign keys are back on for the connections that follow.
    if db_url.startswith("sqlite"):
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.add_post(article_id=1, account="humas_fb", channel="facebook", variant="default",
                   draft=Draft(parts=("teks",)), scheduled_at=NOW)
    store.close()


def test_head_constant_matches_the_migration_scripts() -> None:
    assert script_head() == HEAD


def test_downgrade_keeps_a_cancelled_post_beside_its_live_twin(db_url: str) -> None:
    """Since 0005 a cancelled post and a new live one may share article, account and
    variant; going back to the old constraint keeps both (the cancelled one renamed)."""
    from disseminator.queue.moves import cancel

    store = Store(db_url)
    upgrade(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, title, body, tags, content_hash, revision, created_at, updated_at) "
            "VALUES (1, 'Judul', '', '[]', 'h', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
    first = store.add_post(article_id=1, account="humas_fb", channel="facebook", variant="default",
                           draft=Draft(parts=("teks",)), scheduled_at=NOW)
    cancel(store, first.id)
    second = store.add_post(article_id=1, account="humas_fb", channel="facebook", variant="default",
                            draft=Draft(parts=("teks",)), scheduled_at=NOW)
    downgrade(store.engine, "0004")
    assert current_revision(store.engine) == "0004"
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, variant, status FROM posts ORDER BY id")).fetchall()
    assert [tuple(r) for r in rows] == [(first.id, f"default#{first.id}", "cancelled"), (second.id, "default", "scheduled")]
    upgrade(store.engine)
    store.close()
