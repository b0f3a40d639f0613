"""``record live``: what went out, compared with what the networks show now, on SQLite and
PostgreSQL.  The sandbox changes posts behind the tool's back (its ``/_sandbox/posts/...``
control routes): a post deleted on the network, a Facebook post edited there, a post made
on the account outside the tool; each is flagged once in the record, shown by ``status``
and alerted.  Posts left alone flag nothing."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from channels.clock import FakeClock
from disseminator import alerts, live
from disseminator.config import load_settings
from disseminator.ops_loop import OpsLoop
from disseminator.store.record_models import RecordRow
from tests.helpers import run_cli
from tests.integration.test_engagement import _follow, _publish, _store


def _sandbox_post(sandbox: Any, network: str) -> dict[str, Any]:
    return next(p for p in sandbox.posts() if p["network"] == network)


def _control(sandbox: Any, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = requests.post(f"{sandbox.url}/_sandbox/{path}", json=body or {}, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


def _when(value: dt.datetime | None) -> dt.datetime:
    assert value is not None
    return value


def _findings(store: Any) -> list[tuple[str, int | None, Any]]:
    with store.session() as s:
        return [(r.event, r.post_id, (r.detail or {}).get("remote_id"))
                for r in s.scalars(select(RecordRow).where(RecordRow.event.in_(live.KINDS)).order_by(RecordRow.seq))]


def test_changes_outside_the_tool_are_flagged_once(config: Path, sandbox: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _publish(config, sandbox, tmp_path)
    settings = load_settings(config)
    x, fb, ig = (_sandbox_post(sandbox, n) for n in ("x", "facebook", "instagram"))
    with _store(settings.database) as plain:
        at = max(_when(plain.post(i).published_at) for i in ids)
        by_account = {plain.post(i).account: i for i in ids}
    clock = FakeClock(at + dt.timedelta(hours=1))
    _follow(sandbox, clock, monkeypatch)
    with _store(settings.database, clock) as store:
        calm = live.check(settings, store)
        assert calm.checked == 3 and calm.found == [] and not calm.failed  # unchanged: nothing to say

        _control(sandbox, f"posts/x/{x['id']}/delete")
        _control(sandbox, f"posts/instagram/{ig['id']}/delete")
        _control(sandbox, f"posts/facebook/{fb['id']}/edit", {"text": "Diubah langsung di Facebook"})
        made = _control(sandbox, "outside", {"network": "facebook", "account": fb["account"],
                                             "text": "Ditulis di aplikasi Facebook"})
        young = live.check(settings, store)  # the outside post is too young to judge yet
        assert {f["kind"] for f in young.found} == {"deleted_outside", "edited_outside"}
        clock.advance(dt.timedelta(minutes=20))
        OpsLoop(settings, store, stop=threading.Event()).round()  # the daemon's pass finds the rest
        for _ in range(2):
            assert live.check(settings, store).found == []  # each once only
        found = _findings(store)
        assert sorted(found, key=str) == sorted([
            ("deleted_outside", by_account["sandbox_x"], x["id"]),
            ("deleted_outside", by_account["sandbox_ig"], ig["id"]),
            ("edited_outside", by_account["sandbox_fb"], fb["id"]),
            ("published_outside", None, made["id"]),
        ], key=str)
        kinds = sorted(a.kind for a in alerts._live(store, clock.now()))
        assert kinds == ["deleted_outside", "deleted_outside", "edited_outside", "published_outside"]

    cli = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    status = cli("status", "--json")
    problems = status.json()["problems"]
    assert sum("outside the tool" in p for p in problems) == 4, problems
    assert any(f"post {by_account['sandbox_fb']} was edited on the network" in p for p in problems)
    assert any(made["id"] in p and "published outside the tool" in p for p in problems)
    assert len(status.json()["outside"]) == 4
    shown = cli("record", "show", str(by_account["sandbox_fb"]))
    assert "edited on the network outside the tool" in shown.out and "Diubah langsung di Facebook" in shown.out
    again = cli("record", "live", "--json")
    assert again.code == 0, again.err
    assert again.json()["found"] == [] and again.json()["checked"] >= 1
    text = cli("record", "live")
    assert text.code == 0 and "Nothing new changed outside the tool." in text.out
    assert cli("record", "verify").code == 0  # the findings are chained like every entry


def test_a_rate_limit_ends_the_accounts_pass_and_the_next_pass_goes_on(config: Path, sandbox: Any, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _publish(config, sandbox, tmp_path)
    settings = load_settings(config)
    x = _sandbox_post(sandbox, "x")
    with _store(settings.database) as plain:
        at = max(_when(plain.post(i).published_at) for i in ids)
    clock = FakeClock(at + dt.timedelta(hours=1))
    _follow(sandbox, clock, monkeypatch)
    _control(sandbox, f"posts/x/{x['id']}/delete")
    sandbox.set_faults({"next": [{"network": "x", "path": "/2/tweets", "method": "GET", "status": 429}]})
    with _store(settings.database, clock) as store:
        first = live.check(settings, store)
        assert first.limited == ["sandbox_x"] and "deleted_outside" not in {f["kind"] for f in first.found}
        second = live.check(settings, store)
        assert [f["kind"] for f in second.found] == ["deleted_outside"] and not second.limited


def test_one_read_per_pass_still_reaches_everything(config: Path, sandbox: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _publish(config, sandbox, tmp_path)
    settings = load_settings(config)
    fb = _sandbox_post(sandbox, "facebook")
    with _store(settings.database) as plain:
        at = max(_when(plain.post(i).published_at) for i in ids)
    clock = FakeClock(at + dt.timedelta(hours=1))
    _follow(sandbox, clock, monkeypatch)
    made = _control(sandbox, "outside", {"network": "facebook", "account": fb["account"], "text": "Dari aplikasi"})
    _control(sandbox, f"posts/facebook/{fb['id']}/delete")
    clock.advance(dt.timedelta(minutes=20))
    with _store(settings.database, clock) as store:
        passes = [live.check(settings, store, reads=1) for _ in range(3)]
        # Per account: the recent posts' read, then one post (each account has one), then the round's end.
        assert [p.checked for p in passes] == [0, 3, 0]
        found = [(f["kind"], f["remote_id"]) for p in passes for f in p.found if f["account"] == "sandbox_fb"]
    assert found == [("published_outside", made["id"]), ("deleted_outside", fb["id"])]


def test_the_sandbox_routes_that_change_posts_outside_the_tool(sandbox: Any) -> None:
    for path, body in (("posts/facebook/1_2/edit", {"text": "x"}), ("posts/x/123/delete", {})):
        answer = requests.post(f"{sandbox.url}/_sandbox/{path}", json=body, timeout=10)
        assert answer.status_code == 404 and answer.json() == {"error": "no such post"}
    bad = requests.post(f"{sandbox.url}/_sandbox/outside", json={"network": "myspace", "account": "1", "text": "x"},
                        timeout=10)
    assert bad.status_code == 400 and "network must be one of x, facebook, instagram" in bad.json()["error"]
    made = _control(sandbox, "outside", {"network": "x", "account": "42", "text": "Dari aplikasi X"})
    assert made["text"] == "Dari aplikasi X" and made["account"] == "42"
    assert _control(sandbox, f"posts/x/{made['id']}/edit", {"text": "Diubah"})["text"] == "Diubah"
    _control(sandbox, f"posts/x/{made['id']}/delete")
    assert [p["id"] for p in sandbox.deleted()] == [made["id"]] and sandbox.posts() == []
