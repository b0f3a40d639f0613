"""X threads through the worker: each part a reply to the one before; a refused reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from disseminator.sandbox import SandboxOptions, start_sandbox
from tests.helpers import article_file, run_cli, write_config

BODY = "\n\n".join(
    f"Paragraf {i}: Pemerintah menyalurkan bantuan pangan kepada keluarga penerima manfaat di seluruh provinsi, "
    "dengan pengawasan ketat agar tepat sasaran dan tepat waktu." for i in range(1, 4)
)


@pytest.mark.parametrize("policy", ["allow_self", "summoned_only"])
def test_thread_parts_reply_in_order_or_fail_after_the_first(tmp_path: Path, policy: str) -> None:
    server = start_sandbox(SandboxOptions(port=0, reply_policy=policy))
    try:
        config = write_config(tmp_path, sandbox_url=server.url, database=f"sqlite:///{tmp_path}/t.db")
        text = config.read_text().replace('username = "sandbox_humas"', 'username = "sandbox_humas"\nthread = true\nthread_max_parts = 8')
        config.write_text(text)
        run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
        assert run("init").code == 0
        run("article", "add", str(article_file(tmp_path, body=BODY)))
        preview = run("preview", "1", "--account", "sandbox_x", "--json").json()[0]
        n = len(preview["parts"])
        assert n >= 3 and any("thread" in w for w in preview["warnings"])
        assert run("schedule", "1", "--account", "sandbox_x", "--now").code == 0
        result = run("run-due", "--json")
        posts = server.posts()
        [post] = run("history", "--json").json()
        if policy == "allow_self":
            assert result.code == 0, result.out
            assert [p["text"] for p in posts] == preview["parts"]
            assert posts[0]["in_reply_to"] is None
            for before, after in zip(posts, posts[1:]):
                assert after["in_reply_to"] == before["id"]
            assert post["status"] == "published" and post["remote_ids"] == [p["id"] for p in posts]
        else:
            assert result.code == 1
            assert len(posts) == 1 and posts[0]["text"] == preview["parts"][0]
            assert post["status"] == "failed"
            assert post["remote_ids"] == [posts[0]["id"]] and post["remote_url"].endswith(posts[0]["id"])
            assert post["error"].startswith(f"part 2 of {n}: Reply to this conversation is not allowed")
            assert "parts before it are published" in post["error"]
    finally:
        server.stop()
