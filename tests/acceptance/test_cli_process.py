"""The CLI as a user runs it: separate processes, the sandbox in another process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.contract.conftest import NETWORK, sandbox_settings
from tests.helpers import REPO, article_file, run_proc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sandbox_proc(tmp_path: Path) -> Iterator[str]:
    media = tmp_path / "kantor" / "media"  # the media folder of the config made below
    media.mkdir(parents=True)
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", media / "foto.jpg")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "disseminator", "sandbox", "--port", str(port), "--media-dir", str(media)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/_sandbox/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"sandbox did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_add_schedule_run_due_through_processes(tmp_path: Path, sandbox_proc: str) -> None:
    work = tmp_path / "kantor"
    init = run_proc(["init", "--sandbox", sandbox_proc], cwd=work)
    assert init.code == 0, init.err
    assert (work / "disseminator.toml").is_file() and (work / "disseminator.db").is_file()
    # Never overwrite an existing config.
    before = (work / "disseminator.toml").read_text()
    assert run_proc(["init", "--sandbox", "http://elsewhere:1"], cwd=work).code == 0
    assert (work / "disseminator.toml").read_text() == before

    path = article_file(work, image=f"{sandbox_proc}/media/foto.jpg", tags=["Hari Guru"], title="Selamat Hari Guru Nasional 2026")
    added = run_proc(["article", "add", str(path), "--json"], cwd=work)
    assert added.code == 0, added.err
    assert added.json() == [{"id": 1, "title": "Selamat Hari Guru Nasional 2026", "created": True, "embargo": None}]

    preview = run_proc(["preview", "1", "--json"], cwd=work)
    assert preview.code == 0, preview.err
    shapes = {p["account"]: p for p in preview.json()}
    assert set(shapes) == set(sandbox_settings())
    for p in shapes.values():
        assert {"account", "channel", "parts", "media", "warnings"} <= set(p)
        assert all(isinstance(t, str) and t for t in p["parts"])
    # Instagram gets a prepared copy (JPEG, allowed ratio, no EXIF) from the media folder.
    [prepared] = shapes["sandbox_ig"]["media"]
    assert prepared.startswith(f"{sandbox_proc}/media/") and prepared.endswith(".jpg") and "foto" not in prepared
    assert requests.get(prepared, timeout=5).headers["content-type"] == "image/jpeg"

    scheduled = run_proc(["schedule", "1", "--now", "--json"], cwd=work)
    assert scheduled.code == 0, scheduled.err
    assert len(scheduled.json()) == len(sandbox_settings())

    run = run_proc(["run-due"], cwd=work)
    assert run.code == 0, run.out + run.err
    posted = requests.get(f"{sandbox_proc}/_sandbox/posts", timeout=5).json()["posts"]
    by_network = {p["network"]: p for p in posted}
    assert len(posted) == len(sandbox_settings()) and set(by_network) == {NETWORK[a] for a in sandbox_settings()}
    assert by_network["x"]["text"] == shapes["sandbox_x"]["parts"][0]
    assert by_network["telegram"]["text"] == shapes["sandbox_tg"]["parts"][0]
    assert by_network["facebook"]["text"] == shapes["sandbox_fb"]["parts"][0]
    assert by_network["instagram"]["text"] == shapes["sandbox_ig"]["parts"][0]
    assert by_network["threads"]["text"] == shapes["sandbox_th"]["parts"][0]
    assert by_network["bluesky"]["text"] == shapes["sandbox_bs"]["parts"][0]
    assert by_network["mastodon"]["text"] == shapes["sandbox_md"]["parts"][0]

    history = run_proc(["history", "--json"], cwd=work).json()
    ids = {h["account"]: h["remote_ids"] for h in history}
    assert ids == {account: [by_network[NETWORK[account]]["id"]] for account in sandbox_settings()}
    csv_out = run_proc(["history", "--csv"], cwd=work).out.splitlines()
    assert csv_out[0].startswith("id,article_id,account") and len(csv_out) == 1 + len(sandbox_settings())

    again = run_proc(["run-due"], cwd=work)
    assert again.code == 0
    assert len(requests.get(f"{sandbox_proc}/_sandbox/posts", timeout=5).json()["posts"]) == len(sandbox_settings())


def test_demo_publishes_a_post_on_every_network(tmp_path: Path) -> None:
    cwd, scratch = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    scratch.mkdir()
    # The demo works in a tempfile folder: give it a temporary directory of its own to watch.
    # An operator's overrides must not reach it: its posts would land in the real database.
    real = tmp_path / "real" / "prod.db"
    result = run_proc(["demo"], cwd=cwd, env={"TMPDIR": str(scratch), "DISSEMINATOR_DATABASE": f"sqlite:///{real}",
                                              "DISSEMINATOR_TIMEZONE": "Nowhere/Zone",
                                              "COLUMNS": "200"},  # the links whole, one row a line
                      timeout=180)
    assert not real.parent.exists(), "the demo touched the database named in DISSEMINATOR_DATABASE"
    assert result.code == 0, result.out + result.err
    table = result.out[result.out.index("Results"):]
    rows = [line for line in table.splitlines() if " published " in line]
    assert len(rows) == len(sandbox_settings())
    for network in sandbox_settings():
        assert any(network in r and "/_sandbox/posts/" in r for r in rows), table
    used = Path(result.out.split("working in ", 1)[1].split()[0])
    assert used.parent == scratch  # it did work there ...
    assert list(scratch.iterdir()) == [] and list(cwd.iterdir()) == []  # ... and cleaned up after itself


def test_python_dash_m_and_help_work(tmp_path: Path) -> None:
    result = run_proc(["--help"], cwd=tmp_path)
    assert result.code == 0 and "run-due" in result.out
    version = run_proc(["--version"], cwd=tmp_path)
    assert version.code == 0 and "0.1.0" in version.out
