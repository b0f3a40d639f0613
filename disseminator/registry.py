"""Channels are found by name in the ``disseminator.channels`` entry point group.

A third party adds a network by publishing a package with an entry point there; the
built-in channels are also found without installation metadata (a source checkout).
"""

from __future__ import annotations

import importlib
from functools import cache

from channels.base import Account, Channel, Context

from .errors import ConfigError

GROUP = "disseminator.channels"
BUILTIN = {
    "twitter": "channels.twitter:TwitterChannel",
    "facebook": "channels.facebook:FacebookChannel",
    "instagram": "channels.instagram:InstagramChannel",
}


@cache
def _targets() -> dict[str, str]:
    from importlib.metadata import entry_points

    found = dict(BUILTIN)
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.value
    return found


def channel_names() -> list[str]:
    return sorted(_targets())


def channel_class(name: str) -> type[Channel]:
    """The Channel class registered as ``name``; raises :class:`ConfigError` if none is."""
    target = _targets().get(name)
    if target is None:
        raise ConfigError(f"unknown channel {name!r} (known: {', '.join(channel_names())})")
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Channel)):
        raise ConfigError(f"channel {name!r}: {target} is not a Channel")
    return cls


def make_channel(account: Account, *, context: Context | None = None) -> Channel:
    """A channel bound to ``account``, after checking its required settings."""
    cls = channel_class(account.channel)
    missing = [k for k in cls.required_settings if not account.get(k)]
    if missing:
        raise ConfigError(
            f"accounts.{account.name}: missing {', '.join(missing)} (required for {account.channel})"
        )
    return cls(account, context=context)
