"""Contract tests run every channel against the sandbox through the worker (SQLite).

"Every channel" is what the registry finds in the ``disseminator.channels`` entry point
group, not a list kept here: a channel installed without a sandbox account to test it
with fails the suite instead of being left out.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from disseminator.registry import channel_names
from disseminator.sandbox.plugins import sandbox_networks
from tests.helpers import REPO, article_file, run_cli

NETWORK = {"sandbox_x": "x", "sandbox_fb": "facebook", "sandbox_ig": "instagram", "sandbox_tg": "telegram",
           "sandbox_th": "threads", "sandbox_bs": "bluesky", "sandbox_md": "mastodon"}
#: The call that makes the post public on each network, for scripted faults.
WRITE = {
    "sandbox_x": {"network": "x", "path": "/2/tweets", "method": "POST"},
    "sandbox_fb": {"network": "graph", "path": "*/feed", "method": "POST"},
    "sandbox_ig": {"network": "graph", "path": "*/media_publish", "method": "POST"},
    # queue_one's article has an image: a photo with its caption.
    "sandbox_tg": {"network": "telegram", "path": "/sendPhoto", "method": "POST"},
    "sandbox_th": {"network": "threads", "path": "*/threads_publish", "method": "POST"},
    "sandbox_bs": {"network": "bluesky", "path": "/xrpc/com.atproto.repo.createRecord", "method": "POST"},
    "sandbox_md": {"network": "mastodon", "path": "/api/v1/statuses", "method": "POST"},
}
#: The setting holding the credential the sandbox revokes (/_sandbox/tokens/revoke), where
#: it is not ``access_token``.
TOKEN = {"sandbox_bs": "app_password"}


# Networks other packages add (plugins/tiktok) bring their sandbox and its write call.
for _network in sandbox_networks():
    _name = re.search(r"\[accounts\.(\w+)\]", _network.account("http://127.0.0.1:1"))[1]  # type: ignore[index]
    NETWORK[_name] = _network.name
    WRITE[_name] = {"network": _network.name, **_network.write}

#: Every installed channel, found through the registry.
CHANNELS = channel_names()


def sandbox_settings() -> dict[str, dict[str, Any]]:
    """The accounts of the sandbox configuration (``disseminator init --sandbox``), by name."""
    import tomllib

    from disseminator.starter import starter_config

    accounts: dict[str, dict[str, Any]] = tomllib.loads(starter_config("http://127.0.0.1:1", database="sqlite://"))["accounts"]
    return accounts


def sandbox_account(channel: str) -> str:
    """The sandbox account that tests ``channel``; fails the test when there is none."""
    account = next((name for name, s in sandbox_settings().items() if s["channel"] == channel), None)
    if account is None or account not in WRITE or account not in NETWORK:
        pytest.fail(
            f"channel {channel!r} is installed but the contract suite cannot test it: give it an account "
            "in the sandbox configuration (disseminator/starter.py) and its write call in "
            "tests/contract/conftest.py (WRITE, NETWORK)"
        )
    return account


def reconciles(account: str) -> bool:
    """Whether the channel of sandbox ``account`` can look a post up on its network."""
    from disseminator.registry import channel_class

    return channel_class(sandbox_settings()[account]["channel"]).reconciles


def token_of(account: str) -> str:
    """The credential of sandbox ``account`` that the sandbox can revoke."""
    settings = sandbox_settings()[account]
    return str(settings.get(TOKEN.get(account, "access_token")) or settings.get("bot_token"))


@pytest.fixture(params=CHANNELS)
def account(request: pytest.FixtureRequest) -> str:
    """Each installed channel in turn, as the name of its sandbox account."""
    return sandbox_account(request.param)


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


@pytest.fixture
def strict_env(env: Env) -> Env:
    """An environment where one counted call is all a post gets."""
    env.config.write_text(env.config.read_text() + "\n[worker]\nmax_attempts = 1\n")
    return env
