"""Alerts: a webhook and e-mail (to a local server and SMTP sink the tests start), each
event once across rounds, restarts and daemons, a failed delivery tried again later,
words in the configured language, and never a secret in a log line or a message."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from channels.base import Article, Draft
from channels.clock import FakeClock
from disseminator import alerts, holds, tokens
from disseminator.articles import content_hash
from disseminator.config import load_settings
from disseminator.ops_loop import OpsLoop
from disseminator.store import DaemonRow, HoldKind, PostStatus, Store
from disseminator.worker import Worker
from tests.alert_sinks import Hook, Sink, alerts_config, smtp_sink, webhook
from tests.helpers import run_cli, write_config

HOOK_TOKEN = "hook-canary-7f3a9c1e55"
SMTP_PASSWORD = "smtp-canary-0b8d2e6f41"


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERT_HOOK_TOKEN", HOOK_TOKEN)
    monkeypatch.setenv("ALERT_SMTP_PASSWORD", SMTP_PASSWORD)


@pytest.fixture
def hook() -> Iterator[Hook]:
    with webhook() as found:
        yield found


@pytest.fixture
def sink() -> Iterator[Sink]:
    with smtp_sink() as found:
        yield found


@pytest.fixture
def setup(tmp_path: Path, sandbox: Any, db_url: str, hook: Hook, sink: Sink, secrets: None) -> Path:
    path = write_config(tmp_path, sandbox_url=sandbox.url, database=db_url, extra=alerts_config(hook, sink))
    result = run_cli(["--config", str(path), "init"])
    assert result.code == 0, result.err
    return path


def _open(config: Path, clock: FakeClock | None = None) -> tuple[Any, Store]:
    settings = load_settings(config)
    return settings, Store(settings.database, clock=clock or FakeClock(dt.datetime.now(dt.timezone.utc)))


def _post(store: Store, n: int, *, account: str = "sandbox_fb", minutes: int = -1) -> int:
    art = Article(title=f"Siaran peringatan {n}", url=f"https://humas.example.go.id/p/{n}")
    added = store.add_article(art, source=None, content_hash=content_hash(art))
    return store.add_post(article_id=added.id, account=account, channel="facebook", variant="default",
                          draft=Draft(parts=(f"Teks peringatan {n}",)),
                          scheduled_at=store.clock.now() + dt.timedelta(minutes=minutes)).id


def _fail_next_feed_post(sandbox: Any) -> None:
    """The sandbox refuses the next Facebook post for good (Graph code 100)."""
    faults = {"next": [{"network": "graph", "path": "*/feed", "method": "POST", "status": 400, "graph_code": 100,
                        "count": 1}]}
    assert requests.post(sandbox.url + "/_sandbox/faults", json=faults, timeout=5).status_code == 200


def _failed_post(settings: Any, store: Store, sandbox: Any) -> int:
    _fail_next_feed_post(sandbox)
    post_id = _post(store, 1)
    Worker(settings, store).run_due()
    assert store.post(post_id).status == PostStatus.FAILED
    return post_id


def test_a_failed_post_is_alerted_once_by_webhook_and_email(setup: Path, sandbox: Any, hook: Hook,
                                                            sink: Sink) -> None:
    settings, store = _open(setup)
    post_id = _failed_post(settings, store, sandbox)
    first = alerts.check(settings, store)
    assert (first.sent, first.failed) == (2, 0)
    [body] = hook.received
    assert body["event"] == "post_failed" and body["post_id"] == post_id and body["account"] == "sandbox_fb"
    assert f"post {post_id} for sandbox_fb failed" in body["summary"]
    assert f"disseminator retry {post_id}" in body["text"]  # what to do
    [mail] = sink.mails
    assert mail.recipients == ["operator@humas.example.go.id"] and mail.login == ("humas-bot", SMTP_PASSWORD)
    assert mail.message["Subject"] == body["summary"] and f"disseminator post {post_id}" in mail.text
    # Again, later, and after a restart (a new process: a new Store on the same database): nothing new.
    store.clock.advance(120)  # type: ignore[attr-defined]
    assert alerts.check(settings, store).sent == 0
    store.close()
    settings, again = _open(setup)
    assert alerts.check(settings, again).sent == 0
    assert len(hook.received) == 1 and len(sink.mails) == 1
    # A second failure of the same post (sent again, failed again) is a new event.
    _fail_next_feed_post(sandbox)
    assert run_cli(["--config", str(setup), "retry", str(post_id)]).code == 0
    again.clock.advance(5)  # type: ignore[attr-defined]
    Worker(settings, again).run_due()
    assert again.post(post_id).status == PostStatus.FAILED
    assert alerts.check(settings, again).sent == 2 and len(hook.received) == 2
    again.close()


def test_two_daemons_alert_an_event_once(setup: Path, sandbox: Any, hook: Hook, sink: Sink) -> None:
    settings, store = _open(setup)
    _failed_post(settings, store, sandbox)
    other_settings, other = _open(setup)
    import threading

    stop = threading.Event()
    loops = [OpsLoop(settings, store, stop=stop), OpsLoop(other_settings, other, stop=stop)]
    threads = [threading.Thread(target=loop.round) for loop in loops for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(hook.received) == 1 and len(sink.mails) == 1


def test_a_failed_delivery_is_tried_again_later(setup: Path, sandbox: Any, hook: Hook, sink: Sink) -> None:
    settings, store = _open(setup)
    hook.answers = [500, 503]
    _failed_post(settings, store, sandbox)
    first = alerts.check(settings, store)
    assert (first.sent, first.failed) == (1, 1)  # the mail went; the webhook answered 500
    [pending] = [a for a in alerts.recent(store) if a["state"] == "pending"]
    assert pending["destination"] == "webhook" and "HTTP 500" in pending["last_error"]
    assert alerts.check(settings, store).sent == 0  # not before its wait is over
    store.clock.advance(61)  # type: ignore[attr-defined]
    assert alerts.check(settings, store).failed == 1  # 503: waits twice as long now
    store.clock.advance(61)  # type: ignore[attr-defined]
    assert alerts.check(settings, store).sent == 0
    store.clock.advance(60)  # type: ignore[attr-defined]
    assert alerts.check(settings, store).sent == 1
    assert len(hook.received) == 1 and len(sink.mails) == 1
    assert all(a["state"] == "sent" for a in alerts.recent(store))


def test_attention_token_and_silent_daemon_are_alerted(setup: Path, hook: Hook, sink: Sink) -> None:
    settings, store = _open(setup)
    now = store.clock.now()
    holds.place(store, "sandbox_x", HoldKind.ATTENTION, reason="credentials refused: Unauthorized")
    tokens.record(store, "sandbox_ig", now + dt.timedelta(days=3))
    tokens.record(store, "sandbox_fb", now + dt.timedelta(days=30))  # far off: no alert
    with store.session() as s:
        s.add(DaemonRow(worker="server-2:4242", host="server-2", pid=4242, version="0.1.0", tick_seconds=30,
                        started_at=now - dt.timedelta(hours=1), last_beat=now - dt.timedelta(minutes=10)))
    alerts.check(settings, store)
    kinds = sorted(b["event"] for b in hook.received)
    assert kinds == ["attention", "daemon_silent", "token_expiring"]
    by_kind = {b["event"]: b for b in hook.received}
    assert "accounts check sandbox_x" in by_kind["attention"]["text"]
    assert by_kind["token_expiring"]["account"] == "sandbox_ig" and by_kind["token_expiring"]["expires_at"]
    assert by_kind["daemon_silent"]["worker"] == "server-2:4242"
    assert len(sink.mails) == 3
    alerts.check(settings, store)
    assert len(hook.received) == 3  # once each


def test_missed_posts_are_alerted_when_the_status_exists(setup: Path, hook: Hook) -> None:
    if "MISSED" not in PostStatus.__members__:
        pytest.skip("PostStatus.MISSED is not in this version yet (the plan work adds it)")
    settings, store = _open(setup)
    post_id = _post(store, 7, minutes=-600)
    from disseminator import missed

    missed.sweep(store, grace=dt.timedelta(hours=1))  # what the worker does with an overdue post
    assert store.post(post_id).status == PostStatus("missed")
    alerts.check(settings, store)
    assert [b["event"] for b in hook.received] == ["post_missed"]
    assert f"disseminator retry {post_id}" in hook.received[0]["text"]


def test_a_post_left_unknown_is_alerted_with_what_to_do(setup: Path, sandbox: Any, hook: Hook) -> None:
    settings, store = _open(setup)
    art = Article(title="Siaran ragu", url="https://humas.example.go.id/ragu")
    added = store.add_article(art, source=None, content_hash=content_hash(art))
    post_id = store.add_post(article_id=added.id, account="sandbox_tg", channel="telegram", variant="default",
                             draft=Draft(parts=("<b>Siaran ragu</b>",)),
                             scheduled_at=store.clock.now() - dt.timedelta(minutes=1)).id
    faults = {"lose_response": [{"network": "telegram", "path": "/sendMessage", "count": 1}]}
    assert requests.post(sandbox.url + "/_sandbox/faults", json=faults, timeout=5).status_code == 200
    Worker(settings, store).run_due()
    assert store.post(post_id).status == PostStatus("unknown")
    alerts.check(settings, store)
    [body] = hook.received
    assert body["event"] == "post_unknown" and body["account"] == "sandbox_tg"
    assert f"disseminator post confirm {post_id} --remote-id ID" in body["text"] and "--not-sent" in body["text"]


def test_alerts_are_in_the_configured_language(setup: Path, sandbox: Any, hook: Hook, indonesian: None) -> None:
    settings, store = _open(setup)
    post_id = _failed_post(settings, store, sandbox)
    alerts.check(settings, store)
    [body] = hook.received
    assert body["event"] == "post_failed"  # keys and the event stay English
    assert "gagal" in body["summary"] and str(post_id) in body["summary"]
    assert "failed" not in body["text"]


def test_alerts_test_command_reaches_each_destination(setup: Path, hook: Hook, sink: Sink) -> None:
    result = run_cli(["--config", str(setup), "alerts", "test"])
    assert result.code == 0, result.err
    assert "webhook: test alert sent" in result.out and "email: test alert sent" in result.out
    assert hook.received[0]["event"] == "test" and sink.mails[0].message["Subject"] == "Disseminator: test alert"
    assert hook.paths[0] == f"/hook?token={HOOK_TOKEN}"  # the token was resolved and sent ...
    assert HOOK_TOKEN not in result.out + result.err  # ... and is never shown


def test_a_destination_that_fails_is_said_without_its_secrets(tmp_path: Path, sandbox: Any, hook: Hook,
                                                             secrets: None, caplog: pytest.LogCaptureFixture) -> None:
    with smtp_sink() as sink:
        dead_port = sink.port
    hook.answers = [500]
    path = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'a.db'}",
                        extra=alerts_config(hook, Sink(port=dead_port)))
    assert run_cli(["--config", str(path), "init"]).code == 0
    with caplog.at_level(logging.DEBUG):
        result = run_cli(["--config", str(path), "--debug", "alerts", "test", "--json"])
    assert result.code == 1
    rows = {r["destination"]: r for r in result.json()}
    assert not rows["webhook"]["ok"] and "HTTP 500" in rows["webhook"]["error"]
    assert not rows["email"]["ok"] and rows["email"]["error"]
    everything = result.out + result.err + caplog.text
    assert HOOK_TOKEN not in everything and SMTP_PASSWORD not in everything


def test_no_destination_is_one_clear_line(cli: Any) -> None:
    result = cli("alerts", "test")
    assert result.code != 0
    assert "no alert destination is configured" in result.err and "[alerts]" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(("table", "expected"), [
    ('mail_to = "nobody"\nsmtp_host = "x"', "alerts.mail_to: expected a list of e-mail addresses"),
    ('smtp_host = "mail.example"', "alerts.mail_to: smtp_host is set"),
    ("smtp_port = 0", "alerts.smtp_port: expected a whole number from 1 to 65,535"),
    ('webhook_url = "ftp://x"', "alerts.webhook_url: expected an http(s) URL"),
    ('webhok_url = "http://x"', "did you mean 'webhook_url'?"),
])
def test_a_bad_alerts_table_is_refused(tmp_path: Path, table: str, expected: str) -> None:
    path = write_config(tmp_path, sandbox_url=None, database=f"sqlite:///{tmp_path / 'b.db'}",
                        extra="\n[alerts]\n" + table + "\n")
    result = run_cli(["--config", str(path), "status"])
    assert result.code != 0 and expected in result.err, result.err
    assert str(path) in result.err


def test_the_daemon_process_sends_alerts(setup: Path, sandbox: Any, hook: Hook) -> None:
    """A real daemon: it publishes (and fails) a post and alerts it, within its loop."""
    import signal
    import subprocess
    import sys
    import time

    settings, store = _open(setup)
    _fail_next_feed_post(sandbox)
    post_id = _post(store, 3)
    store.close()
    command = [sys.executable, "-m", "disseminator", "--config", str(setup), "daemon", "--tick", "1"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not hook.received:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [(b["event"], b["post_id"]) for b in hook.received] == [("post_failed", post_id)], err
    assert HOOK_TOKEN not in out + err and SMTP_PASSWORD not in out + err
    # Restarted, the daemon looks again at once (its first round) and says nothing twice.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert len(hook.received) == 1
