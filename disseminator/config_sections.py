"""``[media]``, ``[fetch]`` and ``[worker]``: the installation's own small sections (where
images are kept, what fetching may reach, how the worker claims), as records, and their
reading from the file.

Used by :func:`disseminator.config.parse_settings`; the values each number may take are
in :mod:`disseminator.setting_ranges`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channels.address_policy import DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_PAGE_BYTES, DEFAULT_TIMEOUT
from channels.i18n import _

from . import setting_ranges
from .errors import ConfigError


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
    #: The largest web page read (``article add URL``, a feed), in MB (1 MB = 1,000,000 bytes).
    max_page_mb: float = DEFAULT_MAX_PAGE_BYTES / 1_000_000


@dataclass(frozen=True)
class WorkerSettings:
    """How the worker claims and retries."""

    lease_seconds: int = 900
    max_attempts: int = 8
    tick_seconds: float = 30
    #: Posts published at once by one run (each of another account): network calls wait
    #: on the network, not on the processor, so more than the cores.
    concurrency: int = 8
    #: ``daemon --metrics-port``'s default: serve Prometheus metrics there (None: off).
    metrics_port: int | None = None
    #: Seconds a post may be overdue and still go; past that it is ``missed`` (disseminator.missed).
    grace: int = 3600
    #: Posts whose engagement figures the daemon reads per account and pass (0: never);
    #: see disseminator.engagement.
    engagement_reads: int = 5


def expect(at: Callable[..., str], key: str, value: Any, kind: type, what: str) -> Any:
    """``value`` when it is a ``kind``; else :class:`ConfigError` naming where ``key`` is
    written and ``what`` was expected."""
    if not isinstance(value, kind):
        raise ConfigError(_("{where}: {key}: expected {what}, got {kind}").format(
            where=at(*key.split('.')), key=key, what=what, kind=type(value).__name__))
    return value


def parse_media(data: Mapping[str, Any], *, base_dir: Path, at: Callable[..., str]) -> MediaSettings:
    """``[media]``, its folder made absolute against ``base_dir``.  Raises :class:`ConfigError`."""
    media_raw = expect(at, "media", data.get("media", {}), dict, _("a table"))
    media_dir = Path(expect(at, "media.dir", media_raw.get("dir", "media"), str, _("a folder path")))
    public = media_raw.get("public_base_url")
    if public is not None:
        expect(at, "media.public_base_url", public, str, _("an http(s) URL"))
    limits = {key: float(setting_ranges.check(at("media", key), f"media.{key}", rng,
                                              media_raw.get(key, getattr(MediaSettings, key))))
              for key, rng in setting_ranges.MEDIA.items()}
    return MediaSettings(
        dir=media_dir if media_dir.is_absolute() else base_dir / media_dir,
        public_base_url=public.rstrip("/") if public else None,
        fetch_timeout=limits["fetch_timeout"],
        max_image_mb=limits["max_image_mb"],
    )


def parse_fetch(data: Mapping[str, Any], *, at: Callable[..., str]) -> FetchSettings:
    """``[fetch]``.  Raises :class:`ConfigError`."""
    fetch_raw = expect(at, "fetch", data.get("fetch", {}), dict, _("a table"))
    allow = fetch_raw.get("allow_hosts", [])
    if not isinstance(allow, list) or not all(isinstance(h, str) and h.strip() and not re.search(r"[\s/]", h.strip()) for h in allow):
        raise ConfigError(_('{where}: fetch.allow_hosts: expected a list of host names such as ["intranet.example.go.id"]').format(
            where=at("fetch", "allow_hosts")))
    page_mb = float(setting_ranges.check(at("fetch", "max_page_mb"), "fetch.max_page_mb", setting_ranges.FETCH["max_page_mb"],
                                         fetch_raw.get("max_page_mb", FetchSettings.max_page_mb)))
    return FetchSettings(allow_hosts=tuple(h.strip() for h in allow), max_page_mb=page_mb)


def parse_worker(data: Mapping[str, Any], *, at: Callable[..., str]) -> WorkerSettings:
    """``[worker]``.  Raises :class:`ConfigError`."""
    worker_raw = expect(at, "worker", data.get("worker", {}), dict, _("a table"))
    ints = {key: setting_ranges.check(at("worker", key), f"worker.{key}", rng, worker_raw[key])
            for key, rng in setting_ranges.WORKER.items() if key in worker_raw}
    return WorkerSettings(**ints)
