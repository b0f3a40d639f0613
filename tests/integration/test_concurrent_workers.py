"""Several run-due processes against one database publish every post exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import article_file, run_cli


def test_three_workers_publish_each_post_once(cli, config: Path, sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = [str(article_file(tmp_path, f"a{i}.md", title=f"Siaran pers nomor {i}", url=f"https://humas.example.go.id/{i}"))
             for i in range(8)]
    assert cli("article", "add", *paths).code == 0
    for i in range(1, 9):
        assert cli("schedule", str(i), "--account", "sandbox_x", "--account", "sandbox_fb", "--now").code == 0
    expected = 16
    for _round in range(5):
        procs = [
            subprocess.Popen([sys.executable, "-m", "disseminator", "--config", str(config), "run-due"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        for p in procs:
            p.communicate(timeout=120)
        if not cli("queue", "--json").json():
            break
    posts = sandbox.posts()
    assert len(posts) == expected
    assert len({(p["network"], p["text"]) for p in posts}) == expected  # no text twice
    history = cli("history", "--json").json()
    assert len(history) == expected and {h["status"] for h in history} == {"published"}
    assert all(h["attempts"] == 1 for h in history)
    assert run_cli(["--config", str(config), "run-due"]).out.strip() == "Nothing due."
