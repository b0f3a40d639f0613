"""What every sandbox handler works on: options, saved state, faults, accounts and the clock.

The handlers (:mod:`control`, :mod:`x`, :mod:`x_media`, :mod:`graph`, :mod:`instagram`)
take a :class:`Sandbox` and import it from here; :mod:`app`, which routes requests to
them, builds on it.  So the arrows go one way: app -> handlers -> core.
"""

from __future__ import annotations

import time
from typing import Any

from disseminator.sandbox.credentials import default_x_users
from disseminator.sandbox.faults import Faults
from disseminator.sandbox.options import SandboxOptions
from disseminator.sandbox.state import State


class Sandbox:
    """The sandbox's data: options, state, faults and the known accounts.

    Raises ``ValueError`` (FaultError) at construction when ``options.faults`` is wrong,
    and ``ValueError``/``OSError`` when the saved state cannot be read.
    """

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.state = State(options.data_dir)
        self.faults = Faults(options.seed, self.initial_faults())
        self.x_users = default_x_users(options.credentials)
        #: Graph call times per Page in the last hour, for the usage headers (not saved).
        self.graph_calls: dict[str, list[float]] = {}
        #: Telegram messages sent per chat in the last minute, for its pace (not saved).
        self.telegram_sends: dict[str, list[float]] = {}

    def initial_faults(self) -> dict[str, Any]:
        """The fault set given at start (options), which ``/_sandbox/reset`` returns to."""
        return {"latency_ms": self.options.latency_ms, "error_rate": self.options.error_rate, **self.options.faults}

    def now(self) -> float:
        """The current time in Unix seconds (one place, so every handler agrees)."""
        return time.time()

    def revocation(self, token: str) -> str | None:
        """Why ``token`` was revoked (password_changed, expired, logged_out, permission), or None."""
        with self.state.lock:
            reason: str | None = self.state.data["revoked"].get(token)
            return reason

    def is_revoked(self, token: str) -> bool:
        """Whether ``token`` was revoked for any reason."""
        return self.revocation(token) is not None
