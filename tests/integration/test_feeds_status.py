"""``status`` names the feeds whose last read failed, as a problem (exit 1), on SQLite and
PostgreSQL; a feed that reads again drops out of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.feed_server import Publisher, rss
from tests.integration.test_feeds import _item, _open, _setup, pub  # noqa: F401 - the fixture


def test_status_lists_a_failing_feed_with_its_count_error_and_next_try(
        tmp_path: Path, sandbox: Any, db_url: str, pub: Publisher) -> None:  # noqa: F811
    from disseminator.status import gather

    path, cli = _setup(tmp_path, sandbox, db_url)
    bad = pub.put("/a.xml", rss([_item(1)]))
    good = pub.put("/b.xml", rss([_item(2)]))
    assert cli("feeds", "add", bad, "--account", "sandbox_fb", "--every", "1m").code == 0
    assert cli("feeds", "add", good, "--account", "sandbox_fb").code == 0
    healthy = cli("status")
    assert healthy.code == 0 and "feed" not in healthy.err, healthy.err

    pub.put("/a.xml", b"oops", status=500, kind="text/plain")
    for _ in range(2):
        assert cli("feeds", "poll", "--all").code == 1
    settings, store = _open(path)
    try:
        found = gather(settings, store)
    finally:
        store.close()
    assert [(f["id"], f["url"], f["failures"]) for f in found.feeds] == [(1, bad, 2)]
    assert "HTTP 500" in found.feeds[0]["last_error"] and found.feeds[0]["next_poll_at"]

    shown = cli("status")
    assert shown.code == 1
    line = " ".join(shown.err.split())
    assert f"problem: feed 1 ({bad}): 2 reads in a row failed, the last: {bad}: the server answered HTTP 500" in line
    assert "'disseminator feeds poll --all' reads it now" in line and "feed 2" not in line
    data = json.loads(cli("status", "--json").out)
    assert [(f["id"], f["failures"]) for f in data["feeds"]] == [(1, 2)]
    assert any(p.startswith("feed 1 (") for p in data["problems"])

    pub.put("/a.xml", rss([_item(1)]))  # it reads again: no longer a problem
    assert cli("feeds", "poll", "--all").code == 0
    again = cli("status", "--json")
    assert again.code == 0 and json.loads(again.out)["feeds"] == []
