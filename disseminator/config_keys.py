"""Configuration keys checked like code: an unknown key or section is an error naming the
file, the line and the closest known key ("did you mean 'database'?"), and the lines of
keys are found in the file's text (tomllib gives none).

Used by :func:`disseminator.config.parse_settings`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from channels.i18n import N_, _

from . import setting_ranges
from .alerts_config import KEYS as ALERT_KEYS
from .card_config import KEYS as CARD_KEYS
from .web_config import KEYS as WEB_KEYS
from .errors import ConfigError
from .ingest.websub_config import KEYS as FEEDS_KEYS

#: Every key the file may have, by table; ``[accounts.NAME]`` tables take their
#: channel's keys and :data:`ACCOUNT_KEYS`.
KNOWN: Mapping[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"language", "timezone", "database", "media", "worker", "fetch", "feeds", "accounts", "alerts",
                   "plans", "web", "default_plan",
                   "pause_presets",
                   # disseminator.officers: who may do what, and approval
                   "officers", "allow_as", "allow_self_approval", "approval", "require_alt_text",
                   "card"}),  # disseminator.card_config
    ("media",): frozenset({"dir", "public_base_url", *setting_ranges.MEDIA}),
    ("worker",): frozenset(setting_ranges.WORKER),
    ("fetch",): frozenset({"allow_hosts", *setting_ranges.FETCH}),
    ("feeds",): FEEDS_KEYS,
    ("alerts",): ALERT_KEYS,
    ("card",): CARD_KEYS,
    ("web",): WEB_KEYS,
}
#: Keys every account has whatever its channel (read by :meth:`Settings.account`), and its
#: posting budgets (read by :mod:`disseminator.pacing`).
ACCOUNT_KEYS = ("channel", "base_url", "max_per_hour", "max_per_day", "min_interval", "monthly_budget",
                "plan",  # plan: the [plans.NAME] it follows (disseminator.plans)
                "approval",  # approval: "none" | "one" | "two" (disseminator.officers)
                "golive_check")  # golive_check: the article's page must be up first (disseminator.ingest.golive)


def _check_keys(data: Mapping[str, Any], at: Callable[..., str]) -> None:
    """Refuse any key or section the program does not read, and any account whose channel
    is unknown: one :class:`ConfigError` naming the line and the closest known name."""
    for table, known in KNOWN.items():
        found = data.get(table[0], {}) if table else data
        if not isinstance(found, dict):
            raise ConfigError(_("{where}: {key}: expected a table, got {kind}").format(
                where=at(*table), key=_dotted(table), kind=_kind(found)))
        _unknown_keys(found, table, known, at, _("setting"))
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        raise ConfigError(_("{where}: accounts: expected a table of accounts, got {kind}").format(
            where=at('accounts'), kind=_kind(accounts)))
    for name, table in accounts.items():
        key = ("accounts", name)
        if not isinstance(table, dict):
            raise ConfigError(_("{where}: {key}: expected a table, got {kind}").format(
                where=at(*key), key=_dotted(key), kind=_kind(table)))
        channel = table.get("channel")
        if not isinstance(channel, str) or not channel:
            raise ConfigError(_("{where}: {key}: expected a channel name such as twitter, facebook or instagram").format(
                where=at(*key, 'channel'), key=_dotted((*key, 'channel'))))
        cls = _channel(channel, f"{at(*key, 'channel')}: {_dotted((*key, 'channel'))}")
        keys = {*ACCOUNT_KEYS, *cls.required_settings, *cls.secret_keys, *cls.optional_settings}
        _unknown_keys(table, key, keys, at, _("setting for a {channel} account").format(channel=channel), channel=channel)


def _channel(name: str, where: str) -> Any:
    """The channel class registered as ``name``; else a :class:`ConfigError` saying ``where``."""
    from .registry import channel_class, channel_names

    try:
        return channel_class(name)
    except ConfigError as exc:
        close = _closest(name, [n for n in channel_names() if n != name])
        if close:
            raise ConfigError(_("{where}: {problem}; did you mean {close!r}?").format(
                where=where, problem=exc.message, close=close)) from exc
        raise ConfigError(f"{where}: {exc.message}") from exc


def _unknown_keys(table: Mapping[str, Any], prefix: tuple[str, ...], known: Collection[str],
                  at: Callable[..., str], what: str, *, channel: str | None = None) -> None:
    for key, value in table.items():
        if key in known:
            continue
        path = (*prefix, key)
        kind = _("section") if isinstance(value, dict) and not prefix else what
        close = _closest(key, known)
        owners = _channels_reading(key, besides=channel) if channel else []
        if owners:
            hint = _("{key} is a setting of {channels} accounts").format(key=key, channels=_joined(owners))
        elif close:
            hint = _("did you mean {close!r}?").format(close=close)
        elif prefix and key in KNOWN[()]:
            hint = _("{key} belongs at the top of the file, before the first [section]").format(key=key)
        else:
            hint = _("known: {names}").format(names=", ".join(sorted(known)))
        raise ConfigError(_("{where}: {key}: unknown {kind} ({hint})").format(
            where=at(*path), key=_dotted(path), kind=kind, hint=hint))


def _joined(names: list[str]) -> str:
    """``a and b and c``: the names joined with the language's "and"."""
    text = names[0]
    for name in names[1:]:
        text = _("{names} and {last}").format(names=text, last=name)
    return text


def _channels_reading(key: str, *, besides: str) -> list[str]:
    """The other channels whose accounts take ``key`` (only asked for a key refused)."""
    from .registry import channel_class, channel_names

    owners = []
    for name in channel_names():
        try:
            cls = channel_class(name)
        except ConfigError:  # a broken plugin: it cannot own the key
            continue
        if name != besides and key in {*cls.required_settings, *cls.secret_keys, *cls.optional_settings}:
            owners.append(name)
    return owners


def _closest(word: str, known: Collection[str]) -> str | None:
    """The known name ``word`` was most likely meant to be: the closest by spelling, else the
    one name it abbreviates (``fb`` for ``facebook``: same first letter, letters in order)."""
    close = difflib.get_close_matches(word, sorted(known), n=1)
    if close:
        return close[0]
    lowered = word.lower()

    def abbreviates(name: str) -> bool:
        rest = iter(name.lower())
        return name[:1].lower() == lowered[:1] and all(c in rest for c in lowered)

    found = [name for name in sorted(known) if len(word) >= 2 and abbreviates(name)]
    return found[0] if len(found) == 1 else None


def _dotted(path: tuple[str, ...]) -> str:
    """``accounts.humas_x.channel``; a part that is not a bare key is quoted as TOML would."""
    return ".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else json.dumps(p) for p in path)


#: What a value of each TOML type is called in a message (translated where shown).
_KIND_NAMES: dict[type, str] = {str: N_("a string"), dict: N_("a table"), list: N_("a list"), bool: N_("true or false")}


def _kind(value: Any) -> str:
    name = _KIND_NAMES.get(type(value))
    return _(name) if name else type(value).__name__


_KEY = r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_DOTTED_KEY = rf"(?:{_KEY})(?:\s*\.\s*(?:{_KEY}))*"
_HEADER = re.compile(rf"\s*\[\[?\s*({_DOTTED_KEY})\s*\]")
_ASSIGN = re.compile(rf"\s*({_DOTTED_KEY})\s*=")


class _Lines:
    """Where each key is written in a TOML text: the line of ``("worker", "tick_seconds")``.

    tomllib gives values, not positions, so the text is scanned for ``[table]`` headers and
    ``key =`` lines (skipping multi-line strings).  A key inside an inline table, or one the
    scan cannot see, takes the line of the nearest key holding it.
    """

    def __init__(self, text: str | None) -> None:
        self._first: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        closing: str | None = None
        for number, line in enumerate((text or "").splitlines(), 1):
            if closing:
                if closing in line:
                    closing = None
                continue
            if header := _HEADER.match(line):
                table = _key_parts(header.group(1))
                self._note(table, number)
            elif assign := _ASSIGN.match(line):
                self._note((*table, *_key_parts(assign.group(1))), number)
                rest = line[assign.end():]
                closing = next((q for q in ('"""', "'''") if rest.count(q) % 2), None)

    def _note(self, path: tuple[str, ...], number: int) -> None:
        for end in range(1, len(path) + 1):
            self._first.setdefault(path[:end], number)

    def of(self, path: tuple[str, ...]) -> int | None:
        """The line of ``path``, else of the nearest table holding it (None: not in the text)."""
        while path:
            if path in self._first:
                return self._first[path]
            path = path[:-1]
        return None


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in re.finditer(_KEY, dotted):
        part = match.group(0)
        if part.startswith('"'):
            try:
                part = json.loads(part)
            except ValueError:  # a TOML escape JSON does not know: close enough for a line number
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)
