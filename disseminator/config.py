"""Settings: a TOML file, then DISSEMINATOR_* environment variables, then flags.

The file is found by ``--config``, then ``DISSEMINATOR_CONFIG``, then
``./disseminator.toml``, then ``$XDG_CONFIG_HOME/disseminator/config.toml``.  With none,
the embedded defaults apply (SQLite in the current folder, Asia/Jakarta, no accounts).

Credentials are written as ``${ENV_VAR}`` and resolved only when an account is about to
talk to its network, so commands that never publish do not need them.  Every missing
variable is reported by name; no value ever appears in a message.

The file is checked like code: a key or section the program does not read is an error
naming the file, the line and the closest known key (``did you mean 'accounts'?``), and
so is a value of the wrong kind or out of its range.  An account's keys are its channel's
(:attr:`channels.base.Channel.required_settings`, ``secret_keys``, ``optional_settings``).
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from channels.address_policy import FetchPolicy
from channels.base import Account, CardStyle, Context
from channels.i18n import LANGUAGES, _
from channels.redact import Redactor

from . import setting_ranges
from .alerts_config import AlertSettings, parse_alerts
from .card_config import parse_card
from .config_env import substitute, unset_message
from .config_keys import _Lines, _check_keys
from .config_sections import FetchSettings, MediaSettings, WorkerSettings, parse_fetch, parse_media, parse_worker
from .config_sections import expect as _expect
from .errors import ConfigError
from .ingest.websub_config import FeedsSettings, parse_feeds
from .officers import OfficerSettings, parse_officers
from .web_config import WebSettings, parse_web
from .pause_presets import BUILT_IN as BUILT_IN_PRESETS, Preset, parse_presets
from .plan_config import parse_plans
from .plans import Plan

DEFAULT_DATABASE = "sqlite:///disseminator.db"
DEFAULT_TIMEZONE = "Asia/Jakarta"
LOCAL_FILE = "disseminator.toml"


@dataclass(frozen=True)
class Settings:
    """The whole configuration, validated.  ``accounts`` holds raw (unresolved) tables."""

    path: Path | None
    database: str
    timezone: str
    #: ``id`` or ``en`` as written (``DISSEMINATOR_LANGUAGE`` first), or None: the locale's.
    language: str | None = None
    accounts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    media: MediaSettings = field(default_factory=lambda: MediaSettings(dir=Path("media")))
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    #: ``[feeds]``: WebSub's callback (disseminator.ingest.websub).
    feeds: FeedsSettings = field(default_factory=FeedsSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    #: ``[plans.NAME]`` (disseminator.plans), and the plan each account follows.
    plans: Mapping[str, Plan] = field(default_factory=dict)
    plan_of: Mapping[str, str] = field(default_factory=dict)
    #: ``pause --preset NAME``: the built-in presets and ``[pause_presets.NAME]``.
    pause_presets: Mapping[str, Preset] = field(default_factory=lambda: dict(BUILT_IN_PRESETS))
    #: ``[officers.NAME]`` and approval (disseminator.officers).
    officers: OfficerSettings = field(default_factory=OfficerSettings)
    #: ``[card]``: how title cards look (disseminator.card_config).
    card: CardStyle = field(default_factory=CardStyle)
    #: ``[web]``: the web page (disseminator.web_config).
    web: WebSettings = field(default_factory=WebSettings)

    def plan_for(self, account: str) -> Plan | None:
        """The posting plan ``account`` follows, or None."""
        name = self.plan_of.get(account)
        return self.plans.get(name) if name else None

    def zone_for(self, account: str) -> zoneinfo.ZoneInfo:
        """The zone of ``account``'s plan, else the configured one."""
        plan = self.plan_for(account)
        return plan.zone if plan else self.tz

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
                       fetch_policy=self.fetch_policy, card_style=self.card)

    @property
    def fetch_policy(self) -> FetchPolicy:
        """What fetching an article's image or page may reach: public addresses, and the hosts
        this configuration names (every account's ``base_url``, ``media.public_base_url`` and
        ``[fetch] allow_hosts``) even when they are private; the deadline and the caps."""
        hosts: list[str | None] = [*self.fetch.allow_hosts, self.media.public_base_url]
        for name, table in self.accounts.items():
            try:
                hosts.append(self._resolve(name, "base_url", table.get("base_url")))
            except ConfigError:  # a ${VAR} not set: that account cannot be used anyway
                continue
        policy = FetchPolicy(timeout=self.media.fetch_timeout, max_image_bytes=int(self.media.max_image_mb * 1_000_000),
                             max_page_bytes=int(self.fetch.max_page_mb * 1_000_000))
        return policy.allowing(*(h for h in hosts if isinstance(h, str)))

    def websub_secret(self) -> str | None:
        """``[feeds] secret`` with its ``${VAR}`` resolved (None when not configured);
        raises :class:`ConfigError` naming an unset variable."""
        if self.feeds.secret is None:
            return None
        missing: list[tuple[str, str]] = []
        value = substitute(self.feeds.secret, "secret", missing)
        if missing:
            raise ConfigError(_("feeds.secret: environment variable {var} is not set").format(var=missing[0][1]))
        return str(value)

    def account_names(self) -> list[str]:
        return list(self.accounts)

    def account(self, name: str, *, resolve: bool = True) -> Account:
        """The account called ``name``.

        With ``resolve``, every ``${VAR}`` is replaced from the environment and a missing
        variable raises :class:`ConfigError`; without, references are left as written
        (enough for formatting, which needs no credentials).
        """
        if name not in self.accounts:
            known = ", ".join(self.accounts) or _("none configured")
            raise ConfigError(_("unknown account {name!r} (accounts: {known})").format(name=name, known=known))
        table = dict(self.accounts[name])
        if resolve:
            missing: list[tuple[str, str]] = []
            table = {key: substitute(value, key, missing) for key, value in table.items()}
            if missing:
                raise ConfigError(self._unset(name, missing))
        channel = str(table.pop("channel"))
        base_url = table.pop("base_url", None)
        return Account(name=name, channel=channel, settings=table, base_url=base_url)

    def account_problem(self, name: str) -> str | None:
        """Why the account ``name`` cannot publish with this configuration and environment
        (every ``${VAR}`` not set, a required setting left empty), or None.

        Asked afresh each time and never stored as the account's state: fixing the file or
        the environment is all it takes.  The worker leaves such an account's posts alone.
        """
        from .registry import make_channel

        try:
            make_channel(self.account(name), context=None)  # a constructor does not touch the network
        except ConfigError as exc:
            return exc.message
        return None

    def account_problems(self) -> dict[str, str]:
        """:meth:`account_problem` for every account that has one: name -> why."""
        found = {name: self.account_problem(name) for name in self.accounts}
        return {name: why for name, why in found.items() if why}

    def _resolve(self, account: str, key: str, value: Any) -> Any:
        missing: list[tuple[str, str]] = []
        resolved = substitute(value, key, missing)
        if missing:
            raise ConfigError(self._unset(account, missing))
        return resolved

    def _unset(self, account: str, missing: list[tuple[str, str]]) -> str:
        return unset_message(self._where(), account, missing)

    def _where(self) -> str:
        return str(self.path) if self.path else _("configuration")

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
        values.extend(self.alerts.secrets())  # the SMTP password, the webhook URL's token
        return Redactor(values)


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file to use, or None for the embedded defaults.

    Raises :class:`ConfigError` when a file named explicitly does not exist.
    """
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(_("{path}: configuration file not found").format(path=path))
        return path
    env = os.environ.get("DISSEMINATOR_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(_("{path}: configuration file not found (from DISSEMINATOR_CONFIG)").format(path=path))
        return path
    local = Path(LOCAL_FILE)
    if local.is_file():
        return local
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = xdg / "disseminator" / "config.toml"
    return user if user.is_file() else None


def configured_language(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """The ``language`` the configuration file asks for, read before anything else (the
    help text is already in it), or None.  Lenient: a file that cannot be found or read
    says nothing here; the command's own reading of it reports the problem."""
    try:
        path = find_config(explicit)
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path else {}
    except (ConfigError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    value = data.get("language")
    return value if isinstance(value, str) else None


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Find, read and validate the configuration.  Raises :class:`ConfigError`."""
    path = find_config(explicit)
    data: dict[str, Any] = {}
    text = None
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_("{path}: not valid TOML: {error}").format(path=path, error=exc)) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(_("{path}: cannot be read: {error}").format(path=path, error=exc)) from exc
    return parse_settings(data, path=path, text=text)


def parse_settings(data: Mapping[str, Any], *, path: Path | None = None, text: str | None = None) -> Settings:
    """Validate a parsed TOML document (plus environment overrides) into :class:`Settings`.

    ``text`` is the document as written: with it, messages give the line of the key.
    Raises :class:`ConfigError` for the first problem (unknown keys before wrong values).
    """
    where = str(path) if path else _("configuration")
    lines = _Lines(text)

    def at(*key: str) -> str:
        """``file:line`` of ``key`` (as far as the text shows it), else ``file``."""
        line = lines.of(key)
        return f"{where}:{line}" if line else where

    expect = partial(_expect, at)

    _check_keys(data, at)

    database = os.environ.get("DISSEMINATOR_DATABASE") or data.get("database", DEFAULT_DATABASE)
    expect("database", database, str, _("a database URL such as sqlite:///disseminator.db"))
    base_dir = path.parent if path else Path.cwd()
    try:
        database = _absolute_sqlite(database, base_dir)
    except (ValueError, OSError) as exc:  # a NUL byte, say: no file could have that name
        raise ConfigError(_("{where}: database: not a usable SQLite path ({error})").format(
            where=at('database'), error=exc)) from exc

    timezone = os.environ.get("DISSEMINATOR_TIMEZONE") or data.get("timezone", DEFAULT_TIMEZONE)
    expect("timezone", timezone, str, _("an IANA time zone name such as Asia/Jakarta"))
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            _("{where}: timezone: unknown time zone {timezone!r} (expected a name such as Asia/Jakarta)").format(
                where=at('timezone'), timezone=timezone)
        ) from exc

    language = os.environ.get("DISSEMINATOR_LANGUAGE") or data.get("language")
    if language is not None and language not in LANGUAGES:
        choices = ", ".join(f'"{code}" ({name})' for code, name in LANGUAGES.items())
        where_from = "DISSEMINATOR_LANGUAGE" if os.environ.get("DISSEMINATOR_LANGUAGE") else at("language")
        raise ConfigError(_("{where}: language: unknown language {value!r} (expected {choices})").format(
            where=where_from, value=language, choices=choices))

    accounts: dict[str, Mapping[str, Any]] = {}
    for name, table in data.get("accounts", {}).items():
        base_url = table.get("base_url")
        if base_url is not None and not (
            isinstance(base_url, str) and re.match(r"^https?://[^\s/]+", base_url)
        ):
            raise ConfigError(_("{where}: accounts.{name}.base_url: expected an http(s) URL").format(
                where=at('accounts', name, 'base_url'), name=name))
        setting_ranges.check_account(partial(at, "accounts", name), name, table)
        accounts[name] = dict(table)

    media = parse_media(data, base_dir=base_dir, at=at)
    fetch = parse_fetch(data, at=at)
    plans, plan_of = parse_plans(data, default_zone=timezone, at=at)
    worker = parse_worker(data, at=at)
    return Settings(
        path=path,
        database=database,
        timezone=timezone,
        language=language,
        accounts=accounts,
        media=media,
        worker=worker,
        fetch=fetch,
        alerts=parse_alerts(data.get("alerts"), at),
        plans=plans,
        plan_of=plan_of,
        pause_presets=parse_presets(data, at),
        officers=parse_officers(data, at),
        card=parse_card(data.get("card"), base_dir=base_dir, at=at),
        web=parse_web(data.get("web"), at),
        feeds=parse_feeds(data, at),
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
