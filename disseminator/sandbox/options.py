"""How a sandbox is started: one frozen record, shared by the Python API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from disseminator.sandbox.credentials import DEFAULT, SandboxCredentials

#: Reply rules of POST /2/tweets (X restricted programmatic replies in February 2026).
REPLY_POLICIES = ("allow_self", "summoned_only", "open")
#: X rate-limit tiers; see disseminator.sandbox.ratelimit.PROFILES.
RATE_LIMIT_PROFILES = ("ppu", "basic_legacy", "free_legacy")
#: The oldest Graph API version the sandbox treats as live.
MIN_GRAPH_VERSION = (21, 0)


@dataclass(frozen=True, kw_only=True)
class SandboxOptions:
    """Everything a sandbox needs to start.

    ``port=0`` picks a free port (read it back from ``SandboxServer.url``).  ``data_dir``
    makes the state survive restarts; ``media_dir`` is served at ``/media/``.  ``faults``
    is the initial fault set, in the JSON shape of ``POST /_sandbox/faults``.
    """

    host: str = "127.0.0.1"
    port: int = 8765
    data_dir: str | None = None
    media_dir: str | None = None
    seed: int = 0
    container_delay: float = 0.0
    ig_quota: int = 50
    #: Threads posts per profile per rolling 24 hours (Meta: 250; a carousel is one).
    threads_quota: int = 250
    reply_policy: str = "allow_self"
    rate_limit_profile: str = "ppu"
    #: Overrides the profile's limit of POST /2/tweets: (posts, window seconds), e.g.
    #: (10, 60) for ten a minute (benchmarks and tests of pacing).
    x_post_limit: tuple[int, int] | None = None
    #: Graph calls per Page per hour reported as 100% in X-Business-Use-Case-Usage (past
    #: it, estimated_time_to_regain_access says when the oldest call leaves the hour).
    graph_hourly_budget: int = 4800
    #: Answer X 429s in the legacy v1.1 shape {"errors":[{"code":88,...}]}.
    legacy_rate_limit_body: bool = False
    latency_ms: int = 0
    error_rate: float = 0.0
    strict_version: bool = False
    credentials: SandboxCredentials = DEFAULT
    faults: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reply_policy not in REPLY_POLICIES:
            raise ValueError(f"reply_policy must be one of {REPLY_POLICIES}, not {self.reply_policy!r}")
        if self.rate_limit_profile not in RATE_LIMIT_PROFILES:
            raise ValueError(
                f"rate_limit_profile must be one of {RATE_LIMIT_PROFILES}, "
                f"not {self.rate_limit_profile!r}"
            )
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if self.x_post_limit is not None and (len(self.x_post_limit) != 2 or min(self.x_post_limit) < 1):
            raise ValueError("x_post_limit must be (posts, window seconds), both at least 1")
        if self.graph_hourly_budget < 1:
            raise ValueError("graph_hourly_budget must be at least 1")
        if self.ig_quota < 0 or self.threads_quota < 0 or self.latency_ms < 0 or self.container_delay < 0:
            raise ValueError("ig_quota, threads_quota, latency_ms and container_delay cannot be negative")
