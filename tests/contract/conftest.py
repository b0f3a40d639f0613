"""Contract tests run every channel against the sandbox through the worker (SQLite)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REPO, article_file, run_cli

NETWORK = {"sandbox_x": "x", "sandbox_fb": "facebook", "sandbox_ig": "instagram"}
#: The call that makes the post public on each network, for scripted faults.
WRITE = {
    "sandbox_x": {"network": "x", "path": "/2/tweets", "method": "POST"},
    "sandbox_fb": {"network": "graph", "path": "*/feed", "method": "POST"},
    "sandbox_ig": {"network": "graph", "path": "*/media_publish", "method": "POST"},
}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@dataclass
class Env:
    config: Path
    sandbox: object
    tmp: Path

    def cli(self, *args: str):  # type: ignore[no-untyped-def]
        return run_cli(["--config", str(self.config), *args])

    def worker(self):  # type: ignore[no-untyped-def]
        from disseminator.config import load_settings
        from disseminator.store import Store
        from disseminator.worker import Worker

        settings = load_settings(self.config)
        return Worker(settings, Store(settings.database), worker_id="test-worker")

    def queue_one(self, account: str, n: int = 1) -> int:
        shutil.copy(REPO / "disseminator" / "data" / "contoh-bendungan.jpg", self.tmp / "media" / "foto.jpg")
        path = article_file(self.tmp, f"a{n}.md", title=f"Kunjungan kerja nomor {n} ke daerah",
                            url=f"https://humas.example.go.id/k/{n}", image=f"{self.sandbox.url}/media/foto.jpg",  # type: ignore[attr-defined]
                            image_alt="Foto kegiatan",
                            tags=["Kunjungan Kerja"])
        added = self.cli("article", "add", str(path), "--json").json()[0]["id"]
        result = self.cli("schedule", str(added), "--account", account, "--now", "--json")
        assert result.code == 0, result.err
        return int(result.json()[0]["id"])

    def posts_on(self, account: str) -> list[dict]:  # type: ignore[type-arg]
        return [p for p in self.sandbox.posts() if p["network"] == NETWORK[account]]  # type: ignore[attr-defined]


@pytest.fixture
def env(config: Path, sandbox: object, tmp_path: Path) -> Env:
    return Env(config, sandbox, tmp_path)


def later(minutes: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
