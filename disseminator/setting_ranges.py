"""The values every numeric (and on/off) setting may take, in one table.

The configuration loader checks the file against it, the CLI's options use it
(``disseminator.cli.ranged``), and the README's table repeats it (a test compares them).  A value
outside its range is refused with one line naming the setting and the range: a ``tick``
of 0 or -5 is a mistake, never a reason to busy-loop or silently use a default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from channels.i18n import N_, _, current

from .errors import ConfigError


@dataclass(frozen=True)
class Range:
    """Numbers from ``low`` to ``high`` inclusive; ``whole`` allows integers only."""

    low: float
    high: float
    whole: bool = False
    #: An ``N_``-marked word (``seconds``), translated where it is shown; "" for none.
    unit: str = ""

    def describe(self) -> str:
        """``a whole number of seconds from 1 to 86,400``."""
        low, high = _number(self.low), _number(self.high)
        if self.unit:
            unit = _(self.unit)
            if self.whole:
                return _("a whole number of {unit} from {low} to {high}").format(unit=unit, low=low, high=high)
            return _("a number of {unit} from {low} to {high}").format(unit=unit, low=low, high=high)
        if self.whole:
            return _("a whole number from {low} to {high}").format(low=low, high=high)
        return _("a number from {low} to {high}").format(low=low, high=high)

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` (None when it is in range)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (self.whole and not isinstance(value, int)):
            return _("expected {range}, got {value}").format(range=self.describe(), value=_shown(value))
        if not (self.low <= value <= self.high):  # NaN fails this too
            return _("expected {range}, got {value}").format(range=self.describe(), value=_shown(value))
        return None


#: ``[worker]``: how the worker claims, retries and ticks.
WORKER: Mapping[str, Range] = {
    "lease_seconds": Range(1, 86_400, whole=True, unit=N_("seconds")),
    "max_attempts": Range(1, 100, whole=True),
    "tick_seconds": Range(0.1, 3_600, unit=N_("seconds")),
    "concurrency": Range(1, 64, whole=True),
    # A post overdue by more than this (the daemon was down, a pause) is missed, not sent late.
    "grace": Range(60, 604_800, whole=True, unit=N_("seconds")),
    "metrics_port": Range(1, 65_535, whole=True),
    # Engagement figures read per account and pass (disseminator/engagement.py); 0: never.
    "engagement_reads": Range(0, 100, whole=True),
}

#: ``[media]``: one image download's deadline and size cap (see channels/fetch.py).
MEDIA: Mapping[str, Range] = {
    "fetch_timeout": Range(1, 600, unit=N_("seconds")),
    "max_image_mb": Range(1, 100, unit=N_("MB")),
}

#: ``[fetch]`` numbers: the largest web page (an article's page, a feed) read, in MB.
FETCH: Mapping[str, Range] = {
    "max_page_mb": Range(0.1, 100, unit=N_("MB")),
}

#: Numeric settings an account may have (the channels read them with ``account.get``).
ACCOUNT: Mapping[str, Range] = {
    "timeout": Range(0.1, 300, unit=N_("seconds")),      # facebook, instagram, mastodon: each call
    "poll_seconds": Range(0.05, 60, unit=N_("seconds")), # instagram, mastodon: between processing checks
    "poll_timeout": Range(1, 3_600, unit=N_("seconds")), # instagram, mastodon: waiting for processing
    "max_length": Range(100, 25_000, whole=True),         # twitter: X's long posts go to 25,000
    "thread_max_parts": Range(1, 50, whole=True),        # twitter, threads, mastodon, bluesky
    "max_hashtags": Range(0, 30, whole=True),            # facebook
    # Posting budgets, every channel (disseminator/pacing.py):
    "max_per_hour": Range(1, 10_000, whole=True),
    "max_per_day": Range(1, 100_000, whole=True),
    "min_interval": Range(0, 86_400, unit=N_("seconds")),
    # Money, in the currency the network bills (X: USD); twitter only for the prices:
    "price_per_post": Range(0, 1_000),
    "price_per_link_post": Range(0, 1_000),
    "monthly_budget": Range(0, 100_000),
}

#: Account durations that may also be written as the plans write them ("90s", "5m", "1h").
ACCOUNT_DURATIONS = ("min_interval",)


def duration_seconds(value: Any) -> float | None:
    """Seconds of a duration setting: a number, or text such as "90s", "5m", "1h30m" (as
    ``[plans]`` write a stagger); None when it cannot be read."""
    from .durations import parse_duration

    found = parse_duration(value)
    return found.total_seconds() if found is not None else None


#: On/off account settings: ``true`` or ``false`` (a string "false" would count as on).
ACCOUNT_FLAGS = ("thread", "images", "photo", "golive_check")

#: Account settings that are text, a list of text or a table (what the channels expect);
#: the descriptions are ``N_``-marked, translated where they are shown.
ACCOUNT_KINDS: Mapping[str, tuple[type, str]] = {
    **{key: (str, N_("text")) for key in ("template", "username", "link_phrase", "api_version",
                                         "image_background", "thread_numbering", "api_base_url",
                                         "visibility", "language")},
    "hashtags": (list, N_("a list of hashtags such as [\"#HumasRI\"]")),
    "utm": (dict, N_("a table such as { utm_source = \"x\" }")),
}

#: ``[alerts]``: the SMTP server's port (see disseminator/alerts_config.py).
ALERTS: Mapping[str, Range] = {
    "smtp_port": Range(1, 65_535, whole=True),
}

#: ``[web]``: the web page's port, its logins' timeouts and the failed-login limits
#: (see disseminator/web_config.py).
WEB: Mapping[str, Range] = {
    "port": Range(1, 65_535, whole=True),
    "session_idle": Range(60, 86_400, whole=True, unit=N_("seconds")),
    "session_max": Range(300, 604_800, whole=True, unit=N_("seconds")),
    "login_attempts": Range(1, 100, whole=True),
    "address_attempts": Range(1, 10_000, whole=True),
    "login_wait": Range(1, 86_400, whole=True, unit=N_("seconds")),
    # Reverse proxies in front whose X-Forwarded-For / -Proto are believed; 0: none.
    "proxy_hops": Range(0, 5, whole=True),
}

#: ``daemon --tick``: the same range as ``worker.tick_seconds``.
TICK = WORKER["tick_seconds"]


def check(where: str, key: str, rng: Range, value: Any) -> Any:
    """``value`` if it is in ``rng``; else :class:`ConfigError` naming ``key`` and the range."""
    problem = rng.problem(value)
    if problem:
        raise ConfigError(f"{where}: {key}: {problem}")
    return value


def check_account(where: Callable[[str], str], name: str, table: Mapping[str, Any]) -> None:
    """Check an account table's numeric, on/off and text settings; ``where(key)`` says where
    a key is written (``file:line``).  Raises :class:`ConfigError`."""
    for key, value in table.items():
        if key in ACCOUNT_DURATIONS and isinstance(value, str):
            seconds = duration_seconds(value)
            if seconds is None:
                raise ConfigError(_('{where}: accounts.{name}.{key}: expected {range}, or a duration such as "90s", '
                                    '"5m" or "1h", got {value!r}').format(
                    where=where(key), name=name, key=key, range=ACCOUNT[key].describe(), value=value))
            check(where(key), f"accounts.{name}.{key}", ACCOUNT[key], seconds)
        elif key in ACCOUNT:
            check(where(key), f"accounts.{name}.{key}", ACCOUNT[key], value)
        elif key in ACCOUNT_FLAGS and not isinstance(value, bool):
            raise ConfigError(_("{where}: accounts.{name}.{key}: expected true or false, got {value}").format(
                where=where(key), name=name, key=key, value=_shown(value)))
        elif key in ACCOUNT_KINDS:
            kind, what = ACCOUNT_KINDS[key]
            items = value if isinstance(value, (list, dict)) else ()
            if not isinstance(value, kind) or not all(isinstance(i, str) for i in (items.values() if isinstance(items, dict) else items)):
                raise ConfigError(_("{where}: accounts.{name}.{key}: expected {what}, got {value}").format(
                    where=where(key), name=name, key=key, what=_(what), value=_shown(value)))


def _number(value: float) -> str:
    """``86,400`` and ``0.1``; in Indonesian ``86.400`` and ``0,1`` (its separators)."""
    text = f"{value:,g}"
    return text.translate(str.maketrans(",.", ".,")) if current() == "id" else text


def _shown(value: Any) -> str:
    """A number as written; anything else by its kind (a string may hold a secret)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    kind = _KINDS.get(type(value))
    return _(kind) if kind else type(value).__name__


_KINDS: dict[type, str] = {str: N_("a string"), dict: N_("a table"), list: N_("a list")}
