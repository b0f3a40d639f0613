"""Channels are found by name in the ``disseminator.channels`` entry point group.

Every channel is an entry point there, ours included: pyproject.toml declares twitter,
facebook and instagram, and the package is always installed (editable in a checkout), so
there is no second list to keep in step.  A third party adds a network by publishing a
distribution with an entry point in the group.

Names are read from the installed metadata once; the class behind a name is imported
with ``EntryPoint.load()`` the first time that name is asked for, so listing channels or
using one never imports the others.  Refused, each with a :class:`ConfigError` that says
what to do:

- a name no distribution registers;
- a name two distributions register (a plugin taking ``twitter`` does not silently
  replace ours): the message names every distribution involved;
- an entry point that cannot be imported, or whose object is not a concrete
  :class:`~channels.base.Channel` subclass.
"""

from __future__ import annotations

import inspect
import threading
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint

from channels.base import Account, Channel, Context
from channels.i18n import _

from .errors import ConfigError

#: The entry point group channels are registered in.
GROUP = "disseminator.channels"

_loaded: dict[str, type[Channel]] = {}
_lock = threading.RLock()  # re-entrant: a channel module may ask the registry while it loads


@dataclass(frozen=True)
class Registration:
    """One entry point in :data:`GROUP`: a channel name and who declared it."""

    #: The channel name accounts use (``channel = "twitter"``).
    name: str
    #: Where the class is, ``module:attribute``.
    target: str
    #: The distribution that declares it (``disseminator`` for ours).
    distribution: str
    entry_point: EntryPoint

    def __str__(self) -> str:
        return f"{self.distribution} ({self.target})"


@cache
def _registrations() -> dict[str, tuple[Registration, ...]]:
    """Every name in the group with each distribution that registers it."""
    from importlib.metadata import entry_points

    found: dict[str, list[Registration]] = {}
    # entry_points() already lists one copy of each distribution (the first on sys.path),
    # so two copies of one package are not a clash; two packages are.
    for ep in entry_points(group=GROUP):
        dist = ep.dist.name if ep.dist is not None else _("an unknown distribution")
        found.setdefault(ep.name, []).append(Registration(ep.name, ep.value, dist, ep))
    return {name: tuple(regs) for name, regs in found.items()}


def clear_cache() -> None:
    """Forget what was read and loaded, so the next call reads the metadata again
    (after a distribution is installed or removed in this process, as tests do)."""
    with _lock:
        _registrations.cache_clear()
        _loaded.clear()


def channel_names() -> list[str]:
    """Every registered channel name, sorted (clashing names included)."""
    return sorted(_registrations())


def registration(name: str) -> Registration:
    """The one entry point registered as ``name``.

    Raises :class:`ConfigError` when no distribution registers ``name``, or when more
    than one does (the message names them all).
    """
    regs = _registrations().get(name)
    if not regs:
        raise ConfigError(_("unknown channel {name!r} (known: {known})").format(
            name=name, known=", ".join(channel_names()) or _("none")))
    if len(regs) > 1:
        who = _("{names} and {last}").format(names=", ".join(str(r) for r in regs[:-1]), last=regs[-1])
        raise ConfigError(
            _("channel {name!r} is registered by {count} distributions: {who}; "
              "uninstall one, or give the plugin's entry point in {group!r} another name").format(
                name=name, count=len(regs), who=who, group=GROUP)
        )
    return regs[0]


def channel_class(name: str) -> type[Channel]:
    """The Channel class registered as ``name``, loaded on first use.

    Raises :class:`ConfigError` as :func:`registration` does, and when the entry point
    cannot be imported or is not a concrete Channel subclass.
    """
    with _lock:
        cls = _loaded.get(name)
        if cls is None:
            cls = _loaded[name] = _load(registration(name))
    return cls


def make_channel(account: Account, *, context: Context | None = None) -> Channel:
    """A channel bound to ``account``, after checking its required settings.

    Raises :class:`ConfigError` as :func:`channel_class` does, and when the account
    lacks a setting the channel requires.
    """
    cls = channel_class(account.channel)
    missing = [k for k in cls.required_settings if not account.get(k)]
    if missing:
        raise ConfigError(
            _("accounts.{account}: missing {keys} (required for {channel})").format(
                account=account.name, keys=", ".join(missing), channel=account.channel)
        )
    return cls(account, context=context)


def _load(reg: Registration) -> type[Channel]:
    where = _("channel {name!r} from {source}").format(name=reg.name, source=reg)
    try:
        obj = reg.entry_point.load()
    except (ImportError, AttributeError) as exc:
        raise ConfigError(_("{where} cannot be loaded: {error}").format(
            where=where, error=f"{type(exc).__name__}: {exc}")) from exc
    if not (isinstance(obj, type) and issubclass(obj, Channel)):
        if isinstance(obj, type):
            what = _("the class {name}").format(name=obj.__qualname__)
        else:
            what = _("a {type}").format(type=type(obj).__name__)
        raise ConfigError(_("{where} is {what}, not a subclass of channels.base.Channel").format(where=where, what=what))
    if inspect.isabstract(obj):
        missing = ", ".join(sorted(getattr(obj, "__abstractmethods__", ())))
        raise ConfigError(_("{where} is abstract: it does not implement {missing}").format(where=where, missing=missing))
    return obj
