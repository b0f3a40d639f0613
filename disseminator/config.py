"""Settings: a TOML file, then DISSEMINATOR_* environment variables, then flags.

The file is found by ``--config``, then ``DISSEMINATOR_CONFIG``, then
``./disseminator.toml``, then ``$XDG_CONFIG_HOME/disseminator/config.toml``.  With none,
the embedded defaults apply (SQLite in the current folder, Asia/Jakarta, no accounts).

Credentials are written as ``${ENV_VAR}`` and resolved only when an account is about to
talk to its network, so commands that never publish do not need them.  A missing variable
is reported by name; its value never appears in a message.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from channels.address_policy import DEFAULT_MAX_IMAGE_BYTES, DEFAULT_TIMEOUT, FetchPolicy
from channels.base import Account, Context
from channels.redact import Redactor

from . import setting_ranges
from .errors import ConfigError

DEFAULT_DATABASE = "sqlite:///disseminator.db"
DEFAULT_TIMEZONE = "Asia/Jakarta"
LOCAL_FILE = "disseminator.toml"

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class MediaSettings:
    """Where prepared images are written and the public URL that serves that folder."""

    dir: Path
    public_base_url: str | None = None
    #: Seconds one image download may take in all (connecting, redirects, every byte).
    fetch_timeout: float = DEFAULT_TIMEOUT
    #: The largest image downloaded, in MB (1 MB = 1,000,000 bytes).
    max_image_mb: float = DEFAULT_MAX_IMAGE_BYTES / 1_000_000


@dataclass(frozen=True)
class FetchSettings:
    """Fetching outside content: hosts that may be on private addresses (an intranet)."""

    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkerSettings:
    """How the worker claims and retries."""

    lease_seconds: int = 900
    max_attempts: int = 8
    tick_seconds: float = 30


@dataclass(frozen=True)
class Settings:
    """The whole configuration, validated.  ``accounts`` holds raw (unresolved) tables."""

    path: Path | None
    database: str
    timezone: str
    accounts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    media: MediaSettings = field(default_factory=lambda: MediaSettings(dir=Path("media")))
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the file are resolved against."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def context(self) -> Context:
        """What channels need to know about this installation."""
        return Context(base_dir=self.base_dir, media_dir=self.media.dir, media_base_url=self.media.public_base_url,
                       fetch_policy=self.fetch_policy)

    @property
    def fetch_policy(self) -> FetchPolicy:
        """What fetching an article's image may reach: public addresses, and the hosts this
        configuration names (every account's ``base_url``, ``media.public_base_url`` and
        ``[fetch] allow_hosts``) even when they are private; the media deadline and cap."""
        hosts: list[str | None] = [*self.fetch.allow_hosts, self.media.public_base_url]
        for name, table in self.accounts.items():
            try:
                hosts.append(self._resolve(name, "base_url", table.get("base_url")))
            except ConfigError:  # a ${VAR} not set: that account cannot be used anyway
                continue
        policy = FetchPolicy(timeout=self.media.fetch_timeout, max_image_bytes=int(self.media.max_image_mb * 1_000_000))
        return policy.allowing(*(h for h in hosts if isinstance(h, str)))

    def account_names(self) -> list[str]:
        return list(self.accounts)

    def account(self, name: str, *, resolve: bool = True) -> Account:
        """The account called ``name``.

        With ``resolve``, every ``${VAR}`` is replaced from the environment and a missing
        variable raises :class:`ConfigError`; without, references are left as written
        (enough for formatting, which needs no credentials).
        """
        if name not in self.accounts:
            known = ", ".join(self.accounts) or "none configured"
            raise ConfigError(f"unknown account {name!r} (accounts: {known})")
        table = dict(self.accounts[name])
        channel = str(table.pop("channel"))
        base_url = table.pop("base_url", None)
        settings: dict[str, Any] = {}
        for key, value in table.items():
            settings[key] = self._resolve(name, key, value) if resolve else value
        if resolve and isinstance(base_url, str):
            base_url = self._resolve(name, "base_url", base_url)
        return Account(name=name, channel=channel, settings=settings, base_url=base_url)

    def _resolve(self, account: str, key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value

        def sub(match: re.Match[str]) -> str:
            var = match.group(1)
            found = os.environ.get(var)
            if found is None:
                raise ConfigError(
                    f"{self._where()}: accounts.{account}.{key}: environment variable "
                    f"{var} is not set"
                )
            return found

        return _VAR.sub(sub, value)

    def _where(self) -> str:
        return str(self.path) if self.path else "configuration"

    @cached_property
    def redactor(self) -> Redactor:
        """Hides every account's credentials (each channel's ``secret_keys``) from logs and
        messages, in every encoding they are sent in.

        Built once, on first use.  A ``${VAR}`` that is not set is skipped (that account
        cannot talk to its network, so its secret cannot leak); an account whose channel
        is unknown has every value whose key names a token, secret, key or password hidden.
        """
        from .registry import channel_class

        values: list[str] = []
        for name, table in self.accounts.items():
            try:
                keys: tuple[str, ...] = channel_class(str(table.get("channel"))).secret_keys
            except ConfigError:  # reported where the account is used
                keys = tuple(k for k in table if re.search("token|secret|key|password", k, re.I))
            for key in keys:
                try:
                    value = self._resolve(name, key, table.get(key))
                except ConfigError:
                    continue
                if isinstance(value, str) and value:
                    values.append(value)
        return Redactor(values)


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file to use, or None for the embedded defaults.

    Raises :class:`ConfigError` when a file named explicitly does not exist.
    """
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: configuration file not found")
        return path
    env = os.environ.get("DISSEMINATOR_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: configuration file not found (from DISSEMINATOR_CONFIG)")
        return path
    local = Path(LOCAL_FILE)
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = xdg / "disseminator" / "config.toml"
    return user if user.is_file() else None


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Find, read and validate the configuration.  Raises :class:`ConfigError`."""
    path = find_config(explicit)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_settings(data, path=path)


def parse_settings(data: Mapping[str, Any], *, path: Path | None = None) -> Settings:
    """Validate a parsed TOML document (plus environment overrides) into :class:`Settings`."""
    where = str(path) if path else "configuration"

    def expect(key: str, value: Any, kind: type, what: str) -> Any:
        if not isinstance(value, kind):
            raise ConfigError(f"{where}: {key}: expected {what}, got {type(value).__name__}")
        return value

    database = os.environ.get("DISSEMINATOR_DATABASE") or data.get("database", DEFAULT_DATABASE)
    expect("database", database, str, "a database URL such as sqlite:///disseminator.db")
    base_dir = path.parent if path else Path.cwd()
    try:
        database = _absolute_sqlite(database, base_dir)
    except (ValueError, OSError) as exc:  # a NUL byte, say: no file could have that name
        raise ConfigError(f"{where}: database: not a usable SQLite path ({exc})") from exc

    timezone = os.environ.get("DISSEMINATOR_TIMEZONE") or data.get("timezone", DEFAULT_TIMEZONE)
    expect("timezone", timezone, str, "an IANA time zone name such as Asia/Jakarta")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{where}: timezone: unknown time zone {timezone!r} (expected a name such as Asia/Jakarta)"
        ) from exc

    accounts_raw = expect("accounts", data.get("accounts", {}), dict, "a table of accounts")
    accounts: dict[str, Mapping[str, Any]] = {}
    for name, table in accounts_raw.items():
        expect(f"accounts.{name}", table, dict, "a table")
        channel = table.get("channel")
        if not isinstance(channel, str) or not channel:
            raise ConfigError(
                f"{where}: accounts.{name}.channel: expected a channel name such as twitter, facebook or instagram"
            )
        base_url = table.get("base_url")
        if base_url is not None and not (
            isinstance(base_url, str) and re.match(r"^https?://[^\s/]+", base_url)
        ):
            raise ConfigError(f"{where}: accounts.{name}.base_url: expected an http(s) URL")
        setting_ranges.check_account(where, name, table)
        accounts[name] = dict(table)

    media_raw = expect("media", data.get("media", {}), dict, "a table")
    media_dir = Path(expect("media.dir", media_raw.get("dir", "media"), str, "a folder path"))
    public = media_raw.get("public_base_url")
    if public is not None:
        expect("media.public_base_url", public, str, "an http(s) URL")
    limits = {key: float(setting_ranges.check(where, f"media.{key}", rng, media_raw.get(key, getattr(MediaSettings, key))))
              for key, rng in setting_ranges.MEDIA.items()}
    media = MediaSettings(
        dir=media_dir if media_dir.is_absolute() else base_dir / media_dir,
        public_base_url=public.rstrip("/") if public else None,
        fetch_timeout=limits["fetch_timeout"],
        max_image_mb=limits["max_image_mb"],
    )

    fetch_raw = expect("fetch", data.get("fetch", {}), dict, "a table")
    allow = fetch_raw.get("allow_hosts", [])
    if not isinstance(allow, list) or not all(isinstance(h, str) and h.strip() and not re.search(r"[\s/]", h.strip()) for h in allow):
        raise ConfigError(f'{where}: fetch.allow_hosts: expected a list of host names such as ["intranet.example.go.id"]')

    worker_raw = expect("worker", data.get("worker", {}), dict, "a table")
    ints = {key: setting_ranges.check(where, f"worker.{key}", rng, worker_raw[key])
            for key, rng in setting_ranges.WORKER.items() if key in worker_raw}
    return Settings(
        path=path,
        database=database,
        timezone=timezone,
        accounts=accounts,
        media=media,
        worker=WorkerSettings(**ints),
        fetch=FetchSettings(allow_hosts=tuple(h.strip() for h in allow)),
    )


def _absolute_sqlite(url: str, base_dir: Path) -> str:
    """Resolve a relative SQLite path against the config file's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        rest = url[len(prefix):]
        if rest and not rest.startswith(":"):
            return prefix + str((base_dir / rest).resolve())
    return url


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
