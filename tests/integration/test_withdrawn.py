"""Withdrawn posts in the database (SQLite and PostgreSQL): the withdraw move is guarded
by every part being deleted, a withdrawn post frees its article for a correction, and
migration 0011 goes down and up again keeping them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import text, update

from channels.base import Draft
from disseminator import queue
from disseminator.store import PartRow, PartState, PostRow, PostStatus, Store
from disseminator.store.migrate import current_revision, downgrade, upgrade

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)


def _published_thread(store: Store) -> int:
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, title, body, tags, content_hash, revision, created_at, updated_at) "
            "VALUES (1, 'Judul', '', '[]', 'h', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
    row = store.add_post(article_id=1, account="humas_x", channel="twitter", variant="default",
                         draft=Draft(parts=("satu", "dua")), scheduled_at=NOW)
    with store.session() as s:  # as the worker leaves a thread it published
        s.execute(update(PostRow).where(PostRow.id == row.id).values(status=PostStatus.PUBLISHED, published_at=NOW))
        for i in (0, 1):
            s.execute(update(PartRow).where(PartRow.post_id == row.id, PartRow.index == i)
                      .values(state=PartState.PUBLISHED.value, remote_id=f"19000000000000000{i}"))
    return row.id


def _delete_part(store: Store, pid: int, index: int) -> None:
    with store.session() as s:
        s.execute(update(PartRow).where(PartRow.post_id == pid, PartRow.index == index)
                  .values(state=PartState.DELETED.value))


def test_withdraw_only_when_every_part_is_deleted_and_a_correction_may_follow(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    pid = _published_thread(store)
    withdraw: Callable[[], bool] = lambda: queue.transition(  # noqa: E731
        store, pid, "withdraw", worker="budi", reason="salah angka", error_kind="withdrawn", error_message="salah angka")
    assert not withdraw()  # both parts still out
    _delete_part(store, pid, 1)
    assert not withdraw()  # the first still out: it stays published
    assert store.post(pid).status is PostStatus.PUBLISHED
    _delete_part(store, pid, 0)
    assert withdraw()
    assert not withdraw()  # once
    row = store.post(pid)
    assert (row.status, row.remote_ids) == (PostStatus.WITHDRAWN, ["190000000000000000", "190000000000000001"])
    [event] = [e for e in store.events(pid) if e.edge == "withdraw"]
    assert (event.worker, event.reason, event.from_status, event.to_status) == ("budi", "salah angka", "published",
                                                                               "withdrawn")
    # The article is free again for the account: a correction needs no --variant.
    fixed = store.add_post(article_id=1, account="humas_x", channel="twitter", variant="default",
                           draft=Draft(parts=("ralat",)), scheduled_at=NOW)
    assert fixed.status is PostStatus.SCHEDULED
    store.close()


def test_migration_0011_down_and_up_keeps_withdrawn_posts(db_url: str) -> None:
    store = Store(db_url)
    upgrade(store.engine)
    pid = _published_thread(store)
    _delete_part(store, pid, 0)
    _delete_part(store, pid, 1)
    assert queue.transition(store, pid, "withdraw", worker="budi", reason="salah")
    fixed = store.add_post(article_id=1, account="humas_x", channel="twitter", variant="default",
                           draft=Draft(parts=("ralat",)), scheduled_at=NOW)
    downgrade(store.engine, "0010")
    assert current_revision(store.engine) == "0010"
    rows: list[Any]
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, variant, status FROM posts ORDER BY id")).fetchall()
        states = conn.execute(text("SELECT state FROM post_parts WHERE post_id = :p ORDER BY idx"), {"p": pid}).fetchall()
    # The old schema has no withdrawn: published again, under a variant of its own beside the correction.
    assert [tuple(r) for r in rows] == [(pid, f"default#{pid}", "published"), (fixed.id, "default", "scheduled")]
    assert [s for (s,) in states] == ["published", "published"]
    upgrade(store.engine)
    store.close()
