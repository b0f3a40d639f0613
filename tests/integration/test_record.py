"""The publication record (issue 12 point 5), on SQLite and PostgreSQL: every post move
and every pause is an entry in the move's own transaction, chained by hashes; the
database refuses to change or delete an entry; ``record verify`` names the first entry
changed, removed or reordered behind its back; ``record export`` and ``record show``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from disseminator import queue
from disseminator.queue.moves import reschedule
from disseminator.config import load_settings
from disseminator.store import EventRow, Store
from disseminator.store.record_models import RecordRow
from disseminator.worker import Worker
from tests.helpers import REPO, CliResult, article_file, run_cli


@pytest.fixture
def env(config: Path, sandbox: object, tmp_path: Path) -> Iterator[tuple[Path, object, Path, Store]]:
    settings = load_settings(config)
    store = Store(settings.database)
    yield config, sandbox, tmp_path, store
    store.close()


def _cli(config: Path, *args: str) -> CliResult:
    return run_cli(["--config", str(config), *args])


def _queue(config: Path, sandbox: object, tmp: Path, account: str, n: int = 1) -> int:
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp / "media" / "foto.jpg")
    path = article_file(tmp, f"a{n}.md", title=f"Kunjungan kerja nomor {n} ke daerah",
                        url=f"https://humas.example.go.id/k/{n}", image=f"{sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                        image_alt="Foto kegiatan")
    added = _cli(config, "article", "add", str(path), "--json").json()[0]["id"]
    result = _cli(config, "schedule", str(added), "--account", account, "--now", "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def _worker(config: Path) -> Worker:
    settings = load_settings(config)
    return Worker(settings, Store(settings.database), worker_id="daemon-a")


def _entries(store: Store) -> list[RecordRow]:
    with store.session() as s:
        return list(s.query(RecordRow).order_by(RecordRow.seq))


def _raw(store: Store, *statements: str) -> None:
    """Tamper as someone with the database's password would: the append-only triggers
    turned off first (a superuser's ``session_replication_role = replica`` on PostgreSQL,
    the triggers dropped on SQLite)."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS record_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS record_no_delete"))
        for statement in statements:
            conn.execute(text(statement))


def test_a_publish_records_what_went_out_and_who(env) -> None:  # type: ignore[no-untyped-def]
    config, sandbox, tmp, store = env
    pid = _queue(config, sandbox, tmp, "sandbox_x")
    assert [o.status for o in _worker(config).run_due().outcomes] == ["published"]
    rows = _entries(store)
    assert [(r.event, r.post_id) for r in rows] == [("queued", pid), ("claimed", pid), ("published", pid)]
    queued, claimed, published = rows
    assert queued.actor and queued.actor != "daemon-a"  # the officer: the OS user running the CLI
    # The daemon: the worker id of the publisher that held the claim.
    assert claimed.actor == published.actor and published.actor.startswith("daemon-a")
    assert published.account == "sandbox_x"
    [sent] = [p for p in sandbox.posts() if p["network"] == "x"]  # type: ignore[attr-defined]
    post = store.post(pid)
    image = hashlib.sha256((tmp / "media" / post.media[0]["file"]).read_bytes()).hexdigest()
    assert published.detail == {"parts": [sent["text"]], "remote_ids": [sent["id"]], "url": post.remote_url,
                                "images": [image]}
    assert queued.detail is not None and queued.detail["parts"] == [sent["text"]] and queued.detail["images"] == [image]
    # One entry per move, in one chain.
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    with store.session() as s:
        assert s.query(EventRow).count() == len(rows)
    shown = _cli(config, "record", "show", str(pid))
    assert shown.code == 0, shown.err
    words = " ".join(shown.out.split())  # lines folded to the terminal's width
    assert f"published, by {published.actor}" in words and json.dumps(sent["text"], ensure_ascii=False) in words
    assert f"image SHA-256: {image}" in words and f"queued, by {queued.actor}" in words
    assert max(len(line) for line in shown.out.splitlines()) <= 80
    assert _cli(config, "record", "show", str(pid), "--json").json()[2]["detail"]["remote_ids"] == [sent["id"]]
    unknown = _cli(config, "record", "show", "999")
    assert unknown.code == 1 and "999" in unknown.err


def test_an_edit_records_old_and_new_text_and_a_pause_its_reason_and_end(env) -> None:  # type: ignore[no-untyped-def]
    config, sandbox, tmp, store = env
    pid = _queue(config, sandbox, tmp, "sandbox_fb")
    old = store.post(pid).parts
    assert _cli(config, "edit", str(pid), "--text", "Teks yang diperbaiki oleh petugas").code == 0
    assert _cli(config, "pause", "--all", "--reason", "berkabung", "--until", "2099-01-01 06:00").code == 0
    assert _cli(config, "pause", "--all", "--reason", "berkabung", "--until", "2099-01-01 06:00").code == 0  # no change
    assert _cli(config, "resume", "--all").code == 0
    rows = _entries(store)
    assert [r.event for r in rows] == ["queued", "edited", "paused", "resumed"]
    assert rows[1].detail == {"reason": "text edited by an officer", "old_parts": old,
                              "new_parts": ["Teks yang diperbaiki oleh petugas"]}
    assert (rows[2].account, rows[2].post_id) == ("*", None)
    assert rows[2].detail == {"reason": "berkabung", "until": "2098-12-31T23:00:00+00:00"}
    assert _cli(config, "record", "verify").out.startswith("4 rows, chain intact\nlast hash ")


def test_a_move_that_is_rolled_back_leaves_no_entry(env) -> None:  # type: ignore[no-untyped-def]
    config, sandbox, tmp, store = env
    pid = _queue(config, sandbox, tmp, "sandbox_fb")

    def boom(_s: object) -> None:
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError):
        queue.transition(store, pid, "cancel", reason="x", also=boom)
    assert [r.event for r in _entries(store)] == ["queued"] and store.post(pid).status == "scheduled"
    # A move refused by its guard writes nothing either.
    assert not queue.transition(store, pid, "release")
    assert queue.transition(store, pid, "cancel", reason="x")
    assert [r.event for r in _entries(store)] == ["queued", "cancelled"]


def test_the_database_refuses_to_change_or_delete_an_entry(env) -> None:  # type: ignore[no-untyped-def]
    config, sandbox, tmp, store = env
    _queue(config, sandbox, tmp, "sandbox_fb")
    for statement in ("UPDATE record SET actor = 'someone else'", "DELETE FROM record"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(_entries(store)) == 1


def _five(env) -> tuple[Path, Store]:  # type: ignore[no-untyped-def]
    config, sandbox, tmp, store = env
    for n in range(1, 4):
        _queue(config, sandbox, tmp, "sandbox_fb", n)
    assert _cli(config, "pause", "sandbox_x", "--reason", "templat salah").code == 0
    assert _cli(config, "resume", "sandbox_x").code == 0
    ok = _cli(config, "record", "verify", "--json")
    assert ok.code == 0 and ok.json()["rows"] == 5 and ok.json()["intact"]
    return config, store


@pytest.mark.parametrize(("tamper", "bad", "problem"), [
    (["UPDATE record SET detail = '{\"reason\": \"templat benar\"}' WHERE seq = 4"], 4, "changed"),
    (["UPDATE record SET actor = 'pimpinan' WHERE seq = 2"], 2, "changed"),
    (["DELETE FROM record WHERE seq = 3"], 3, "removed"),
    (["DELETE FROM record WHERE seq = 5"], 5, "removed"),
    (["UPDATE record SET seq = -2 WHERE seq = 2", "UPDATE record SET seq = 2 WHERE seq = 3",
      "UPDATE record SET seq = 3 WHERE seq = -2"], 2, "reordered"),
])
def test_verify_names_the_first_entry_tampered_with(env, tamper: list[str], bad: int, problem: str) -> None:  # type: ignore[no-untyped-def]
    config, store = _five(env)
    _raw(store, *tamper)
    found = _cli(config, "record", "verify")
    assert found.code == 1 and f"record row {bad}: {problem if problem != 'reordered' else 'out of place'}" in found.err
    assert len(found.err.strip().splitlines()) == 1
    data = _cli(config, "record", "verify", "--json")
    assert data.code == 1 and (data.json()["first_bad_row"], data.json()["problem"]) == (bad, problem)


def test_an_entry_inserted_with_a_forged_hash_is_found(env) -> None:  # type: ignore[no-untyped-def]
    config, store = _five(env)
    with store.engine.begin() as conn:  # the trigger moves the head, but the hash is not the chain's
        conn.execute(text("INSERT INTO record (seq, at, event, post_id, account, actor, detail, prev_hash, hash) "
                          "SELECT 6, at, 'published', 1, account, 'x', NULL, hash, :h FROM record WHERE seq = 5"),
                     {"h": "f" * 64})
    found = _cli(config, "record", "verify")
    assert found.code == 1 and "record row 6: changed" in found.err


def test_export_writes_csv_and_json_for_a_period(env) -> None:  # type: ignore[no-untyped-def]
    config, store = _five(env)
    rows = _cli(config, "record", "export", "--json").json()
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5] and rows[3]["detail"] == {"reason": "templat salah"}
    assert set(rows[0]) == {"seq", "at", "event", "post_id", "account", "actor", "detail", "prev_hash", "hash"}
    as_csv = _cli(config, "record", "export", "--csv")
    assert as_csv.code == 0, as_csv.err
    table = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert [r["hash"] for r in table] == [r["hash"] for r in rows]
    assert json.loads(table[3]["detail"]) == {"reason": "templat salah"}
    # A period: nothing before 2000, nothing after 2099; the bounds are read in the configured zone.
    assert _cli(config, "record", "export", "--until", "2000-01-01", "--json").json() == []
    assert len(_cli(config, "record", "export", "--since", "2000-01-01", "--until", "2099-01-01", "--json").json()) == 5
    bad = _cli(config, "record", "export", "--since", "kemarin lusa")
    assert bad.code == 1 and "--since" in bad.err


def test_two_writers_never_fork_the_chain(env) -> None:  # type: ignore[no-untyped-def]
    """Many transactions appending at once (threads, each its own connection): one chain,
    no place taken twice, no gap."""
    import threading

    config, sandbox, tmp, store = env
    ids = [_queue(config, sandbox, tmp, "sandbox_fb", n) for n in range(1, 7)]
    stores = [Store(store.url) for _ in range(3)]
    errors: list[BaseException] = []

    def reschedule_all(s: Store) -> None:
        try:
            for _round in range(3):
                for pid in ids:
                    reschedule(s, pid, s.clock.now())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reschedule_all, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    assert not errors
    assert len(_entries(store)) == 6 + 3 * 3 * 6
    assert _cli(config, "record", "verify").code == 0


def test_the_record_names_the_officer_who_drafted_approved_and_the_daemon_that_published(
        tmp_path: Path, sandbox, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.test_approval import _config, _draft, _runner

    config = _config(tmp_path, sandbox, db_url, top='approval = "one"\nallow_as = true\nallow_self_approval = true\n')
    run = _runner(config)
    post = _draft(run, tmp_path, "dewi")
    assert run("budi", "approve", str(post)).code == 0
    own = _draft(run, tmp_path, "ani", account="sandbox_fb")
    assert run("ani", "approve", str(own)).code == 0
    store = Store(load_settings(config).database)
    try:
        assert [o.status for o in _worker(config).run_due().outcomes] == ["published", "published"]
        mine = [(r.event, r.actor) for r in _entries(store) if r.post_id == post]
        assert mine[:2] == [("drafted", "dewi"), ("approved", "budi")]
        assert mine[-1][0] == "published" and mine[-1][1].startswith("daemon-a")
        [selfish] = [r for r in _entries(store) if r.post_id == own and r.event == "approved"]
        assert selfish.actor == "ani" and selfish.detail is not None and selfish.detail["self_approval"] is True
    finally:
        store.close()
    shown = run("root", "record", "show", str(own))
    assert shown.code == 0, shown.err
    assert "drafted, by ani" in shown.out and "approved, by ani" in shown.out
    assert "approved by the officer who drafted it" in shown.out
    assert run("root", "record", "verify").code == 0


def test_the_missed_sweep_records_each_post_and_the_next_occurrence(db_url: str) -> None:
    import datetime as dt

    from channels.base import Article, Draft
    from disseminator import missed
    from disseminator.articles import content_hash
    from disseminator.store.migrate import upgrade

    store = Store(db_url)
    upgrade(store.engine)
    try:
        late = store.clock.now() - dt.timedelta(hours=2)
        ids = []
        for k, every in enumerate([None, "0 9 * * *"]):
            art = Article(title=f"Rilis {k}", url=f"https://a.go.id/{k}")
            aid = store.add_article(art, source=None, content_hash=content_hash(art))[0]
            ids.append(store.add_post(article_id=aid, account="humas_fb", channel="facebook", variant="default",
                                      draft=Draft(parts=(f"Rilis nomor {k}",)), scheduled_at=late, recurrence=every).id)
        assert sorted(missed.sweep(store, grace=dt.timedelta(minutes=5), actor="host:42")) == ids  # a daemon's
        rows = _entries(store)
        assert [(r.event, r.post_id) for r in rows[:2]] == [("queued", ids[0]), ("queued", ids[1])]
        swept = [r for r in rows if r.event == "missed"]
        assert sorted(r.post_id for r in swept) == ids
        assert all(r.account == "humas_fb" and "worker.grace" in (r.detail or {})["reason"] for r in swept)
        assert {r.actor for r in swept} == {"host:42"}
        [follower] = [r for r in rows[2:] if r.event == "queued"]
        assert follower.post_id not in ids and f"next occurrence of post {ids[1]}" in (follower.detail or {})["reason"]
        from disseminator.record import verify

        assert verify(store).intact and verify(store).rows == 5
    finally:
        store.close()


def test_an_auditor_checks_an_export_without_the_tool(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    config, store = _five(env)
    exported = tmp_path / "record.json"
    exported.write_text(_cli(config, "record", "export", "--json").out, encoding="utf-8")
    check = [sys.executable, str(REPO / "tools" / "check_record.py"), str(exported)]
    ok = subprocess.run(check, capture_output=True, text=True)
    last = _entries(store)[-1].hash
    assert ok.returncode == 0 and ok.stdout.strip() == f"5 entries check; last hash {last}", ok.stderr
    rows = json.loads(exported.read_text(encoding="utf-8"))
    rows[3]["detail"]["reason"] = "templat benar"  # a doctored copy
    exported.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    bad = subprocess.run(check, capture_output=True, text=True)
    assert bad.returncode == 1 and "entry 4 was changed" in bad.stderr


def test_accounts_pause_and_resume_are_in_the_record(env) -> None:  # type: ignore[no-untyped-def]
    config, _sandbox, _tmp, store = env
    assert _cli(config, "accounts", "pause", "sandbox_fb", "--reason", "templat salah").code == 0
    assert _cli(config, "accounts", "pause", "sandbox_fb").code == 0  # again, no reason: no change, no entry
    assert _cli(config, "accounts", "resume", "sandbox_fb").code == 0
    assert _cli(config, "accounts", "resume", "sandbox_fb").code == 0  # not paused: nothing happened
    assert [(r.event, r.account, r.detail) for r in _entries(store)] == [
        ("paused", "sandbox_fb", {"reason": "templat salah"}), ("resumed", "sandbox_fb", None)]
