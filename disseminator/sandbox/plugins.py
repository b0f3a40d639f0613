"""Sandboxes of networks added by other packages: the ``disseminator.sandbox`` entry points.

A channel published in a package of its own (see ``docs/channels.md``) brings the
sandbox of its network too, so ``disseminator sandbox``, ``init --sandbox``, the demo and
the contract suite cover it like ours.  Its entry point names a :class:`SandboxNetwork`::

    [project.entry-points."disseminator.sandbox"]
    tiktok = "disseminator_tiktok.sandbox:NETWORK"

The sandbox serves it under its ``prefix`` (``/tiktok``): an account's ``base_url`` is
``http://127.0.0.1:8765/tiktok`` and the channel's official host is rewritten to it.
Faults (``next``, ``lose_response``, latency, ``error_rate``) apply to it under its
``name``, with the error bodies its :attr:`SandboxNetwork.error` makes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

#: The entry point group of sandbox networks.
GROUP = "disseminator.sandbox"


@dataclass(frozen=True)
class SandboxNetwork:
    """One network's sandbox, as a package declares it."""

    #: The network's name in fault documents and ``/_sandbox/posts`` (``"tiktok"``).
    name: str
    #: Where the sandbox serves it, without a trailing slash (``"/tiktok"``).
    prefix: str
    #: The answer to a request; ``path`` is the request's path without the prefix.  The
    #: first argument is the :class:`~disseminator.sandbox.core.Sandbox` (not named here:
    #: the core reads this module through its faults).
    handle: Callable[[Any, Request, str], Response]
    #: An error answer in the network's own shape: (status, fault entry) -> response.
    error: Callable[[int, Mapping[str, Any]], Response]
    #: The ``[accounts.NAME]`` table (TOML) of a sandbox account, given the sandbox's URL.
    account: Callable[[str], str]
    #: The call that makes a post public, for scripted faults in tests:
    #: ``{"path": "/v2/post/publish/content/init/", "method": "POST"}``.
    write: Mapping[str, str] = field(default_factory=dict)


@cache
def sandbox_networks() -> tuple[SandboxNetwork, ...]:
    """Every installed sandbox network, in name order (loaded once per process)."""
    found = []
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        network = point.load()
        if not isinstance(network, SandboxNetwork):
            raise TypeError(f"entry point {point.name} = {point.value} in {GROUP} is not a SandboxNetwork")
        found.append(network)
    return tuple(found)


def network_for(path: str) -> tuple[SandboxNetwork, str] | None:
    """The sandbox network serving ``path``, and the path without its prefix; or None."""
    for network in sandbox_networks():
        if path == network.prefix or path.startswith(network.prefix + "/"):
            return network, path[len(network.prefix):] or "/"
    return None


def by_name(name: str) -> SandboxNetwork | None:
    """The sandbox network called ``name``, or None."""
    return next((n for n in sandbox_networks() if n.name == name), None)
