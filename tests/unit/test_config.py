"""Configuration: where it is found, what overrides what, ${VAR} resolution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from disseminator.config import load_settings
from disseminator.errors import ConfigError

ACCOUNT = """
[accounts.humas_x]
channel = "twitter"
consumer_key = "${DSM_KEY}"
consumer_secret = "literal-secret"
access_token = "a"
access_token_secret = "b"
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DISSEMINATOR_CONFIG", "DISSEMINATOR_DATABASE", "DISSEMINATOR_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def test_defaults_without_any_file(tmp_path: Path) -> None:
    s = load_settings()
    assert s.path is None and s.timezone == "Asia/Jakarta" and s.accounts == {}
    assert s.database == f"sqlite:///{tmp_path.resolve()}/disseminator.db"


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg" / "disseminator"
    xdg.mkdir(parents=True)
    (xdg / "config.toml").write_text('timezone = "Asia/Makassar"\n')
    assert load_settings().timezone == "Asia/Makassar"
    (tmp_path / "disseminator.toml").write_text('timezone = "Asia/Jayapura"\n')
    assert load_settings().timezone == "Asia/Jayapura"
    env = tmp_path / "env.toml"
    env.write_text('timezone = "UTC"\n')
    monkeypatch.setenv("DISSEMINATOR_CONFIG", str(env))
    assert load_settings().timezone == "UTC"
    explicit = tmp_path / "explicit.toml"
    explicit.write_text('timezone = "Europe/Amsterdam"\n')
    assert load_settings(explicit).timezone == "Europe/Amsterdam"
    monkeypatch.setenv("DISSEMINATOR_TIMEZONE", "Asia/Tokyo")
    assert load_settings(explicit).timezone == "Asia/Tokyo"


def test_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "kantor"
    folder.mkdir()
    (folder / "c.toml").write_text('database = "sqlite:///data/humas.db"\n')
    assert load_settings(folder / "c.toml").database == f"sqlite:///{folder.resolve()}/data/humas.db"
    monkeypatch.setenv("DISSEMINATOR_DATABASE", "postgresql://u@h/db")
    assert load_settings(folder / "c.toml").database == "postgresql://u@h/db"


def test_variables_resolve_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "disseminator.toml").write_text(ACCOUNT)
    s = load_settings()
    assert s.account("humas_x", resolve=False).get("consumer_key") == "${DSM_KEY}"
    monkeypatch.delenv("DSM_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"accounts.humas_x.consumer_key: environment variable DSM_KEY is not set"):
        s.account("humas_x")
    monkeypatch.setenv("DSM_KEY", "kunci-rahasia")
    account = s.account("humas_x")
    assert account.get("consumer_key") == "kunci-rahasia"
    assert "kunci-rahasia" not in repr(account) and "literal-secret" not in str(account)


def test_unknown_account_lists_known_ones(tmp_path: Path) -> None:
    (tmp_path / "disseminator.toml").write_text(ACCOUNT)
    with pytest.raises(ConfigError, match=r"unknown account 'x' \(accounts: humas_x\)"):
        load_settings().account("x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("database = 5\n", "database: expected a database URL"),
        ('[accounts.a]\nchannel = "twitter"\nbase_url = "ftp://x"\n', "accounts.a.base_url: expected an http(s) URL"),
        ("[worker]\nlease_seconds = -1\n", "worker.lease_seconds: expected a whole number of seconds from 1 to 86,400, got -1"),
        ("accounts = 3\n", "accounts: expected a table of accounts"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "disseminator.toml").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings()


TWITTER = '[accounts.a]\nchannel = "twitter"\n'
INSTAGRAM = '[accounts.a]\nchannel = "instagram"\n'
FACEBOOK = '[accounts.a]\nchannel = "facebook"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[worker]\ntick_seconds = 0\n", "worker.tick_seconds: expected a number of seconds from 0.1 to 3,600, got 0"),
        ("[worker]\ntick_seconds = -5\n", "worker.tick_seconds: expected a number of seconds from 0.1 to 3,600, got -5"),
        ("[worker]\ntick_seconds = nan\n", "worker.tick_seconds: expected a number of seconds from 0.1 to 3,600, got nan"),
        ("[worker]\ntick_seconds = 86400\n", "worker.tick_seconds: expected a number of seconds from 0.1 to 3,600, got 86400"),
        ("[worker]\nlease_seconds = 1.5\n", "worker.lease_seconds: expected a whole number of seconds from 1 to 86,400, got 1.5"),
        ("[worker]\nlease_seconds = 10000000\n", "worker.lease_seconds: expected a whole number of seconds from 1 to 86,400, got 10000000"),
        ("[worker]\nmax_attempts = 0\n", "worker.max_attempts: expected a whole number from 1 to 100, got 0"),
        ('[worker]\nmax_attempts = "8"\n', "worker.max_attempts: expected a whole number from 1 to 100, got a string"),
        ("[worker]\nmax_attempts = true\n", "worker.max_attempts: expected a whole number from 1 to 100, got true"),
        (INSTAGRAM + "poll_seconds = 0\n", "accounts.a.poll_seconds: expected a number of seconds from 0.05 to 60, got 0"),
        (INSTAGRAM + "poll_timeout = -1\n", "accounts.a.poll_timeout: expected a number of seconds from 1 to 3,600, got -1"),
        (INSTAGRAM + 'timeout = "30"\n', "accounts.a.timeout: expected a number of seconds from 0.1 to 300, got a string"),
        (TWITTER + "max_length = 0\n", "accounts.a.max_length: expected a whole number from 100 to 25,000, got 0"),
        (TWITTER + "thread_max_parts = 1000000\n", "accounts.a.thread_max_parts: expected a whole number from 1 to 50, got 1000000"),
        (FACEBOOK + "max_hashtags = -3\n", "accounts.a.max_hashtags: expected a whole number from 0 to 30, got -3"),
        (TWITTER + 'thread = "false"\n', "accounts.a.thread: expected true or false, got a string"),
        (TWITTER + "images = 0\n", "accounts.a.images: expected true or false, got 0"),
    ],
)
def test_numbers_out_of_range_name_the_key_and_the_range(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "disseminator.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings()
    line = len(text.splitlines())  # each case's wrong key is its last line
    assert info.value.message == f"disseminator.toml:{line}: {message}"  # the file as found, the line, the key
    assert info.value.exit_code == 2


def test_numbers_in_range_load(tmp_path: Path) -> None:
    (tmp_path / "disseminator.toml").write_text(
        "[worker]\ntick_seconds = 0.5\nlease_seconds = 2\nmax_attempts = 1\n"
        + INSTAGRAM + "poll_seconds = 0.05\npoll_timeout = 3600\ntimeout = 0.3\n"
    )
    s = load_settings()
    assert (s.worker.tick_seconds, s.worker.lease_seconds, s.worker.max_attempts) == (0.5, 2, 1)
    assert s.account("a").get("poll_seconds") == 0.05
