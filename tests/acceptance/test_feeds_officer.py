"""An officer at the terminal (the CLI as a separate process): a feed's image without alt
text is held and the exact command is shown, given, approved; a failing feed makes
``status`` exit 1 naming it, text and --json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from tests.feed_server import feed_server, rss
from tests.helpers import run_proc, write_config
from tests.integration.test_feeds import _item


def _jpeg() -> bytes:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (1200, 630), (20, 90, 160)).save(data, "JPEG")
    return data.getvalue()


def test_an_officer_gives_a_feed_image_its_alt_text_and_sees_a_failing_feed_in_status(
        tmp_path: Path, sandbox: Any) -> None:
    config = write_config(tmp_path, sandbox_url=sandbox.url, database=f"sqlite:///{tmp_path / 'a.db'}")

    def cli(*args: str) -> Any:
        return run_proc(["--config", str(config), *args], cwd=tmp_path)

    assert cli("init").code == 0
    with feed_server() as pub:
        image = pub.put("/uploads/bendungan.jpg", _jpeg(), kind="image/jpeg")
        url = pub.put("/feed/", rss([_item(1)]))
        assert cli("feeds", "add", url, "--account", "sandbox_x").code == 0
        pub.put("/feed/", rss([_item(2, image=image), _item(1)]))
        polled = cli("feeds", "poll")
        assert polled.code == 0, polled.err
        assert "'disseminator article alt 1 \"TEXT\"', then 'disseminator approve 1'" in " ".join(polled.err.split())
        queue = cli("queue")
        assert "disseminator article alt 1" in " ".join(queue.out.split()), queue.out
        assert cli("approve", "1").code == 1  # not without the alt text

        given = cli("article", "alt", "1", "Presiden meresmikan Bendungan Jragung")
        assert given.code == 0, given.err
        again = cli("article", "alt", "1", "Presiden  meresmikan Bendungan Jragung")  # the same text
        assert again.code == 0 and "already has this alt text: nothing changed" in again.out, again.out
        assert json.loads(cli("article", "alt", "1", "Presiden meresmikan Bendungan Jragung", "--json").out)[
            "changed"] == []
        assert cli("approve", "1").code == 0
        [post] = json.loads(cli("queue", "--json").out)
        assert post["status"] == "scheduled" and "missing_alt" not in post
        assert cli("status").code == 0

        pub.put("/feed/", b"<html>maintenance</html>", status=503, kind="text/html")
        assert cli("feeds", "poll", "--all").code == 1
        status = cli("status")
        assert status.code == 1
        assert f"problem: feed 1 ({url}): the last read failed" in " ".join(status.err.split()), status.err
        data = json.loads(cli("status", "--json").out)
        assert [(f["id"], f["failures"]) for f in data["feeds"]] == [(1, 1)] and "503" in data["feeds"][0]["last_error"]
