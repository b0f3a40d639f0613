"""Bluesky end to end through the CLI: preview, schedule, run-due, published exactly once
with our link card and facets, accounts check, then unpublish."""

from __future__ import annotations

import shutil
from pathlib import Path

import requests

from disseminator.sandbox.credentials import DEFAULT as SB
from tests.helpers import REPO, article_file, run_cli, write_config


def test_schedule_run_due_publishes_once_with_card_facets_and_thumb(tmp_path: Path, sandbox: object) -> None:
    url = sandbox.url  # type: ignore[attr-defined]
    config = write_config(tmp_path, sandbox_url=url, database=f"sqlite:///{tmp_path}/t.db")
    run = lambda *a: run_cli(["--config", str(config), *a])  # noqa: E731
    assert run("init").code == 0
    shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", tmp_path / "media" / "foto.jpg")
    path = article_file(tmp_path, title="Peresmian Bendungan 🇮🇩 di Jawa Tengah", url="https://humas.example.go.id/b/7",
                        summary="Menteri meresmikan bendungan bersama @warga-sandbox.bsky.social.",
                        image=f"{url}/media/foto.jpg", image_alt="Bendungan dari udara", tags=["Bendungan"])
    assert run("article", "add", str(path)).code == 0
    [preview] = run("preview", "1", "--account", "sandbox_bs", "--json").json()
    assert "https://humas.example.go.id/b/7" in preview["parts"][0] and "#Bendungan" in preview["parts"][0]
    assert run("schedule", "1", "--account", "sandbox_bs", "--now").code == 0
    due = run("run-due", "--json")
    assert due.code == 0, due.err
    [post] = [p for p in requests.get(f"{url}/_sandbox/posts", timeout=10).json()["posts"] if p["network"] == "bluesky"]
    assert post["text"] == preview["parts"][0] and len(post["media"]) == 1  # the thumbnail blob
    [row] = run("history", "--json").json()
    assert row["status"] == "published" and row["remote_url"].endswith(post["id"])
    record = requests.get(f"{url}/bluesky/xrpc/com.atproto.repo.getRecord", timeout=10, params={
        "repo": SB.bsky_did, "collection": "app.bsky.feed.post", "rkey": post["id"]}).json()["value"]
    card = record["embed"]["external"]
    assert card["uri"].startswith("https://humas.example.go.id/b/7") and card["title"].startswith("Peresmian")
    assert card["description"].startswith("Menteri") and card["thumb"]["mimeType"] == "image/jpeg"
    features = sorted(f["features"][0]["$type"].rsplit("#", 1)[1] for f in record["facets"])
    assert features == ["link", "mention", "tag"]
    assert run("run-due", "--json").code == 0  # nothing more goes out
    assert len([p for p in requests.get(f"{url}/_sandbox/posts", timeout=10).json()["posts"]
                if p["network"] == "bluesky"]) == 1
    check = run("accounts", "check", "sandbox_bs")
    assert check.code == 0 and SB.bsky_handle in check.out
    done = run("unpublish", "1", "--reason", "salah tanggal")  # com.atproto.repo.deleteRecord
    assert done.code == 0 and "Withdrew post 1 (sandbox_bs): 1 part deleted" in done.out
    assert [d["id"] for d in requests.get(f"{url}/_sandbox/deleted", timeout=10).json()["deleted"]] == [post["id"]]
    assert run("history", "--json").json()[0]["status"] == "withdrawn"
