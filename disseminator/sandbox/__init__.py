"""A local stand-in for the X API v2, the Facebook Graph API and Instagram publishing.

It answers the real paths with the real status codes, headers and bodies, enforces the
networks' rules, injects faults on request and shows what was posted at
``GET /_sandbox/posts``::

    from disseminator.sandbox import SandboxOptions, start_sandbox
    srv = start_sandbox(SandboxOptions(port=0))
    ...
    srv.stop()

The server (and werkzeug) is imported on first use, so importing this package, as the
CLI does for ``--help``, stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from disseminator.sandbox.credentials import DEFAULT, SandboxCredentials
from disseminator.sandbox.options import SandboxOptions

if TYPE_CHECKING:
    from disseminator.sandbox.server import SandboxServer, serve, start_sandbox

__all__ = ["DEFAULT", "SandboxCredentials", "SandboxOptions", "SandboxServer", "serve", "start_sandbox"]


def __getattr__(name: str) -> Any:
    if name in ("SandboxServer", "serve", "start_sandbox"):
        from disseminator.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
