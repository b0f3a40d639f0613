"""Output for people: every table fits 80 columns, times read as officers write them,
run-due tells each post as it is done, queue and history filter (issue 9 point 6)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.helpers import REPO, CliResult, article_file, run_cli

#: Long Indonesian titles with emoji (two cells each on a terminal).
TITLES = [
    "Presiden Resmikan Bendungan Baru 🎉🌾 untuk Mengairi Dua Belas Ribu Hektare Sawah di Kabupaten Grobogan, Jawa Tengah",
    "Menteri Tinjau Kesiapan Sekolah Rakyat 🏫📚 di Tiga Provinsi Bagian Timur Indonesia Menjelang Tahun Ajaran Baru 2027",
    "🇮🇩🇮🇩🇮🇩 Peringatan Hari Pahlawan 2026: Upacara Bendera di Seluruh Kantor Pemerintahan Daerah 🎖️🎖️",
]


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def _widest(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _add(cli: Any, tmp: Path, sandbox: Any, n: int) -> int:
    media = tmp / "media" / "foto.jpg"
    if not media.exists():
        shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", media)
    path = article_file(tmp, f"a{n}.md", title=TITLES[n % len(TITLES)], url=f"https://humas.example.go.id/berita/{n}",
                        image=f"{sandbox.url}/media/foto.jpg", tags=["Kunjungan Kerja"], summary="Ringkasan 🎉 berita.")
    result = cli("article", "add", str(path), "--json")
    assert result.code == 0, result.err
    return int(result.json()[0]["id"])


def _fault(sandbox: Any, faults: dict[str, Any]) -> None:
    import requests

    requests.post(f"{sandbox.url}/_sandbox/faults", json=faults, timeout=5).raise_for_status()


def test_every_table_fits_80_columns(cli: Any, sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    first, second, third = (_add(cli, tmp_path, sandbox, n) for n in range(3))
    assert cli("schedule", str(first), "--now").code == 0
    # A lost answer on X, a rate limit on Facebook, a failure on Instagram.
    _fault(sandbox, {"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}],
                     "rate_limit": [{"network": "graph", "path": "*/feed", "graph_code": 80001}],
                     "next": [{"network": "graph", "path": "*/media_publish", "status": 400, "graph_code": 100,
                               "body": {"error": {"message": "Gambar ditolak 🎉 " * 6, "code": 100}}}]})
    outputs: dict[str, CliResult] = {"run-due": cli("run-due")}
    _fault(sandbox, {})
    assert cli("schedule", str(second), "--at", "2099-01-05 09:00").code == 0
    assert cli("schedule", str(third), "--now", "--account", "sandbox_x", "--variant", "b").code == 0
    assert cli("accounts", "pause", "sandbox_x", "--reason", "hari berkabung 🕊️ untuk mengenang para pahlawan bangsa").code == 0
    outputs["run-due (nothing due)"] = cli("run-due")
    outputs["queue"] = cli("queue")
    outputs["queue --status all"] = cli("queue", "--status", "all")
    outputs["queue --week"] = cli("queue", "--week")
    outputs["history"] = cli("history", "--status", "all")
    outputs["article list"] = cli("article", "list")
    outputs["accounts list"] = cli("accounts", "list")
    for post in cli("queue", "--status", "all", "--json").json():
        outputs[f"post show {post['id']}"] = cli("post", "show", str(post["id"]))
    for name, result in outputs.items():
        assert result.out.strip(), f"{name} printed nothing: {result.err}"
        assert _widest(result.out) <= 80, f"{name} is {_widest(result.out)} columns wide:\n{result.out}"
    # Titles are shown (cut or wrapped), times read as officers write them, not ISO 8601.
    assert "Presiden Resmikan" in outputs["queue"].out and "Menteri Tinjau" in outputs["history"].out
    assert "T09:00" not in outputs["queue --status all"].out and "+07:00" not in outputs["history"].out
    # (a long account name may wrap the time in its cell: the date and the time are both there)
    assert "Mon 5 Jan 2099" in outputs["queue"].out and "09:00" in outputs["queue"].out and "WIB" in outputs["queue"].out
    assert re.search(r"09[.:]00 Menteri", outputs["queue --week"].out) or "2099" not in outputs["queue --week"].out
    assert "Mon 5 Jan" not in outputs["queue --week"].out  # 2099 is not in the coming week


@pytest.fixture
def english_after() -> Iterator[None]:
    """The CLI run in Indonesian leaves the process speaking it: back to English after."""
    from channels import i18n

    yield
    i18n.use("en")


def test_times_for_people_in_indonesian_and_iso_for_programs(cli: Any, sandbox: Any, tmp_path: Path, config: Path,
                                                             monkeypatch: pytest.MonkeyPatch, english_after: None) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    article = _add(cli, tmp_path, sandbox, 0)
    assert cli("schedule", str(article), "--at", "2099-01-05 09:00", "--account", "sandbox_fb").code == 0
    indonesian = {"DISSEMINATOR_LANGUAGE": "id"}
    queue = run_cli(["--config", str(config), "queue"], env=indonesian)
    assert queue.code == 0 and "Sen 5 Jan 2099 09.00 WIB" in queue.out, queue.out + queue.err
    assert "Mon 5 Jan 2099 09:00 WIB" in cli("queue").out
    rows = run_cli(["--config", str(config), "queue", "--json"], env=indonesian).json()
    assert rows[0]["scheduled_at"] == "2099-01-05T09:00:00+07:00" and rows[0]["status"] == "scheduled"
    refused = run_cli(["--config", str(config), "schedule", str(article), "--at", "kapan-kapan"], env=indonesian)
    assert refused.code == 1 and 'tidak dapat membaca "kapan-kapan" sebagai waktu' in refused.err, refused.err
    assert 'mis. "besok 09.00"' in refused.err  # the examples of phrases that work stay as they are
    assert "Tidak ada unggahan yang sudah waktunya." in run_cli(["--config", str(config), "run-due"], env=indonesian).out


def test_messages_say_what_will_happen_and_when(cli: Any, sandbox: Any, tmp_path: Path, config: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line a post, to read the messages whole
    article = _add(cli, tmp_path, sandbox, 0)
    assert cli("schedule", str(article), "--now", "--account", "sandbox_x", "--account", "sandbox_fb").code == 0
    _fault(sandbox, {"lose_response": [{"network": "x", "path": "/2/tweets", "count": 1}],
                     "rate_limit": [{"network": "graph", "path": "*/feed", "graph_code": 80001}]})
    run = cli("run-due")
    x, fb = sorted(cli("queue", "--json").json(), key=lambda r: r["account"] != "sandbox_x")
    assert "the last write may have landed: it is looked up on the network before the next try" in " ".join(run.out.split())
    assert "rate limited: next try " in run.out
    queue = cli("queue").out
    assert "the last write may have landed: it is looked up on the network before the next try" in " ".join(queue.split())
    assert "rate limited: next try " in queue
    assert "may have landed: it is looked up on the network" in " ".join(cli("post", "show", str(x["id"])).out.split())
    # Nothing due now: say what waits and until when, not "Nothing due."
    again = cli("run-due")
    assert "Nothing due." not in again.out
    assert "1 post of sandbox_fb waits: rate limited: next try" in again.out
    assert "1 post waits for a retry: next at " in again.out and " WIB" in again.out
    # A refused token: the posts wait for the command that clears it.
    from disseminator import holds
    from disseminator.config import load_settings
    from disseminator.store import HoldKind, Store

    settings = load_settings(config)
    holds.place(Store(settings.database), "sandbox_fb", HoldKind.ATTENTION, reason="token expired")
    waits = "account needs attention: waits for 'disseminator accounts check sandbox_fb'"
    assert waits in cli("post", "show", str(fb["id"])).out and waits in cli("queue").out


def test_queue_and_history_filter(cli: Any, sandbox: Any, tmp_path: Path) -> None:
    first, second = _add(cli, tmp_path, sandbox, 0), _add(cli, tmp_path, sandbox, 1)
    assert cli("schedule", str(first), "--at", "2099-01-05 09:00").code == 0
    assert cli("schedule", str(second), "--at", "2099-01-07 09:00").code == 0

    def ids(*args: str, command: str = "queue") -> list[tuple[int, str]]:
        result = cli(command, *args, "--json")
        assert result.code == 0, result.err
        return [(r["article_id"], r["account"]) for r in result.json()]

    from tests.contract.conftest import sandbox_settings

    accounts = list(sandbox_settings())  # every account of the sandbox configuration
    assert len(ids()) == 2 * len(accounts)
    assert set(ids("--article", str(second))) == {(second, a) for a in accounts}
    assert ids("--account", "sandbox_fb") == [(first, "sandbox_fb"), (second, "sandbox_fb")]
    assert ids("--account", "sandbox_fb", "--account", "sandbox_x", "--article", str(first)) == [(first, "sandbox_x"), (first, "sandbox_fb")]
    assert {a for a, _ in ids("--since", "2099-01-06")} == {second}
    assert {a for a, _ in ids("--until", "2099-01-05")} == {first}  # a date alone: that whole day
    assert ids("--since", "2099-01-05 09:01", "--until", "2099-01-07 08:59") == []
    assert len(ids("--limit", "2")) == 2
    rows = cli("queue", "--json").json()
    assert rows[0]["article_title"] == TITLES[0] and "article_title" in cli("queue", "--csv").out.splitlines()[0]
    bad = cli("queue", "--since", "kemarin sore")
    assert bad.code == 1 and "--since" in bad.err
    # history: published posts, by when they went out; --limit keeps the latest.
    third = _add(cli, tmp_path, sandbox, 2)
    assert cli("schedule", str(third), "--now").code == 0
    assert cli("run-due").code == 0
    assert {a for a, _ in ids(command="history")} == {third}
    assert ids("--account", "sandbox_ig", command="history") == [(third, "sandbox_ig")]
    assert ids("--until", "2000-01-01", command="history") == []
    assert len(ids("--limit", "1", command="history")) == 1
    assert cli("history", "--json").json()[0]["article_title"] == TITLES[2]
    assert "No post matches." in cli("history", "--article", str(first)).out


def test_filters_are_sql_not_a_scan(cli: Any, sandbox: Any, tmp_path: Path, config: Path) -> None:
    """The page is cut by the database (WHERE and LIMIT), not after loading every post."""
    from sqlalchemy import event

    from disseminator.config import load_settings
    from disseminator.listings import Filters, queue
    from disseminator.store import Store

    article = _add(cli, tmp_path, sandbox, 0)
    assert cli("schedule", str(article), "--at", "2099-01-05 09:00").code == 0
    settings = load_settings(config)
    store = Store(settings.database)
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda conn, cursor, sql, *a: seen.append(sql))
    result = queue(settings, store, filters=Filters(article_id=article, accounts=("sandbox_x",), limit=1))
    assert [r["account"] for r in result.rows] == ["sandbox_x"]
    [posts_query] = [sql for sql in seen if "FROM posts JOIN articles" in sql]
    assert "posts.article_id =" in posts_query and "posts.account IN" in posts_query and "LIMIT" in posts_query


def test_run_due_says_each_post_as_it_is_done(cli: Any, sandbox: Any, tmp_path: Path, config: Path) -> None:
    """Through the CLI as a process: the first post's line arrives while the run goes on."""
    first, second = _add(cli, tmp_path, sandbox, 0), _add(cli, tmp_path, sandbox, 1)
    assert cli("schedule", str(first), "--now", "--account", "sandbox_x", "--account", "sandbox_fb").code == 0
    assert cli("schedule", str(second), "--now", "--account", "sandbox_x", "--account", "sandbox_fb").code == 0
    _fault(sandbox, {"latency_ms": 700})
    env = {k: v for k, v in os.environ.items() if k != "DISSEMINATOR_CONFIG"}
    proc = subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "run-due"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        # Each call waits 0.7 s at the sandbox: the next posts are not out yet.
        out_when_told = len(sandbox.posts())
        rest = proc.stdout.read()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert line.startswith("Published post "), line + rest + (proc.stderr.read() if proc.stderr else "")
    assert out_when_told < 4, "the first post's line came only when every post was out"
    assert rest.count("Published post ") == 3 and proc.returncode == 0 and len(sandbox.posts()) == 4


def test_the_daemon_logs_in_the_configured_zone() -> None:
    import logging
    from zoneinfo import ZoneInfo

    from disseminator.cli import ZonedFormatter

    record = logging.LogRecord("disseminator.daemon", logging.WARNING, __file__, 1, "daemon.database_down", None, None)
    record.created = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.timezone.utc).timestamp()
    line = ZonedFormatter(lambda: ZoneInfo("Asia/Jayapura")).format(record)
    assert line.startswith("2026-11-30T11:00:00+0900 WARNING disseminator.daemon daemon.database_down"), line
    assert ZonedFormatter(lambda: None).format(record)  # before the configuration is read: the machine's zone


def test_progress_bar_only_for_people_on_a_terminal() -> None:
    from disseminator.cli.output import Output
    from disseminator.cli.run import wants_bar

    assert wants_bar(Output(), tty=True)
    assert not wants_bar(Output(), tty=False) and not wants_bar(Output("json"), tty=True) and not wants_bar(Output("csv"), tty=True)


def test_run_due_json_is_unchanged_by_the_lines(cli: Any, sandbox: Any, tmp_path: Path) -> None:
    article = _add(cli, tmp_path, sandbox, 0)
    assert cli("schedule", str(article), "--now", "--account", "sandbox_fb").code == 0
    result = cli("run-due", "--json")
    # The JSON is the whole of stdout: no post's line printed before it.
    assert result.code == 0 and [r["status"] for r in json.loads(result.out)] == ["published"]


def test_week_cells_with_many_posts_say_posts_not_a_bare_number() -> None:
    import datetime as dt
    import zoneinfo

    from disseminator.cli.listing import week_grid
    from disseminator.listings import Week

    tz = zoneinfo.ZoneInfo("Asia/Jakarta")
    start = dt.datetime(2026, 11, 30, tzinfo=tz)
    week = Week(days=[(start + dt.timedelta(days=n)).date() for n in range(7)],
                accounts=[f"akun{n}" for n in range(5)],  # more than four: counts only
                rows=[{"scheduled_at": (start + dt.timedelta(hours=9)).isoformat(), "account": "akun0",
                       "article_title": "x"}] * 2,
                start=start)
    drawn = week_grid(week, tz, columns=80)
    assert "2 posts" in drawn
